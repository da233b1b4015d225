package faq

// Match is an entry found for a question, as a searcher returns it.
type Match struct {
	Entry Entry
	// Confidence in [0,1] says how well the entry answers the question:
	// how much of what the question is about the entry covers.
	Confidence float64
	// Score is the raw retrieval score (BM25 with field boosts).
	Score float64
	// Missing lists question words the entry does not cover.
	Missing []string
	// Unknown lists question words the whole content never uses (nor any
	// synonym of them): what the knowledge base has no information about.
	Unknown []string
}
