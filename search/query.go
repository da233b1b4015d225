package search

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"faqbot/faq"
)

// Query limits keep a hostile question cheap.
const (
	maxQueryWords = 48
	candidates    = 16
	// tieMargin is how many hits beyond the candidates are read to break
	// ties across the cut by ID.
	tieMargin = 16
	// genericWeight caps how much a generic word ("better", "tell") counts.
	genericWeight = 0.6
	// synonymCredit is how much covering a concept only through a synonym counts.
	synonymCredit = 0.8
	// partialCredit scales credit for a phrase only partly present.
	partialCredit = 0.6
	// wordnetCredit is how much covering a concept only through a WordNet
	// synonym counts: less than the thesaurus, whose lines were chosen
	// for health questions, while WordNet's are general English. The
	// ranker sees these matches apart (fWordNet) and learns what they
	// are worth; this only keeps them from counting as the question's
	// own words in the coverage features.
	wordnetCredit = 0.7
)

// genericStems are the stems of genericWords.
var genericStems = func() map[string]bool {
	m := map[string]bool{}
	for w := range genericWords {
		if st := stemWord(w); st != "" {
			m[st] = true
		}
	}
	return m
}()

// concept is one thing a question is about: a word or phrase and the
// alternatives the thesaurus gives for it, each a stem sequence.
type concept struct {
	surface string
	alts    [][]string
	// present marks alternatives whose stems all occur in the content.
	present []bool
	// credit is how much matching each alternative counts: 1 for the
	// question's own words and their variants, synonymCredit for synonyms.
	credit []float64
	// sets holds, for each present alternative, the entries containing
	// each of its stems.
	sets   [][]*termSets
	weight float64
	// nLexical counts the alternatives from the question's words, the
	// thesaurus and word forms; those after them are WordNet synonyms
	// (0: none are).
	nLexical int
	// corrected marks a concept whose word was a misspelling, corrected
	// against the content's vocabulary.
	corrected bool
}

// altBoost is the factor on the boosts of alternative k's clauses: 1 for
// an alternative with full credit, 0.5 for one with less (a synonym).
func (c *concept) altBoost(k int) float64 {
	if c.credit[k] < 1 {
		return 0.5
	}
	return 1
}

// analyzeQuery turns a question into concepts: stop words dropped, typos
// corrected against the content's vocabulary, synonyms attached.
func (s *snapshot) analyzeQuery(q string) []concept { return s.analyzeWords(questionWords(q, s.lex())) }

// lex is the operator's lexicons of this index (nil: none).
func (s *snapshot) lex() *Lexicons {
	if s.syn == nil {
		return nil
	}
	return s.syn.lex
}

// analyzeWords is analyzeQuery on the question's words (see splitWords).
func (s *snapshot) analyzeWords(words []string) []concept {
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	synStems := s.syn.stemSet()
	st, surf := make([]string, 0, len(words)), make([]string, 0, len(words))
	fixed := make([]bool, 0, len(words))
	for _, w := range words {
		if isStop(w) || s.lex().isFiller(w) {
			continue
		}
		stem := stemWord(w)
		if stem == "" {
			continue
		}
		corrected := false
		if s.df(stem) == 0 && !synStems[stem] && !isEnglishWord(w) {
			if len([]rune(w)) <= 4 && nearStopWord(w) {
				continue // "wat", "hw", "teh": a mistyped function word
			}
			if c := s.correctCached(w); c != "" {
				w, stem, corrected = c, stemWord(c), true
				if stem == "" {
					continue
				}
			}
		}
		st = append(st, stem)
		surf = append(surf, w)
		fixed = append(fixed, corrected)
	}
	cs := make([]concept, 0, len(st))
	for i := 0; i < len(st); {
		span, alts := s.syn.expansions(st, i)
		c := concept{}
		if span == 0 {
			span = 1
		}
		// Room for the word forms and a WordNet synonym or two besides.
		c.alts = make([][]string, 1, 1+len(alts)+4)
		c.alts[0] = st[i : i+span]
		c.alts = append(c.alts, alts...)
		c.surface = joinWords(surf[i : i+span])
		c.corrected = slices.Contains(fixed[i:i+span], true)
		if span == 1 {
			c.alts = append(c.alts, s.prefixVariants(st[i])...)
			c.nLexical = len(c.alts)
			c.alts = append(c.alts, s.wordnetAlts(surf[i], st[i])...)
		}
		i += span
		cs = append(cs, c)
	}
	return s.weigh(dedupe(cs))
}

// weigh sets each concept's weight: the content IDF of its word (or of its
// best synonym found in the content). Words the content never uses weigh
// the most — a question about something the content lacks ("knee") must
// not be answered from the words it shares ("pain"). Generic words weigh little.
func (s *snapshot) weigh(cs []concept) []concept {
	// First each concept's alternatives, whether the content has them, and
	// what finding them is worth; all concepts share the backing arrays.
	nalts, nstems := 0, 0
	for i := range cs {
		if n := cs[i].nLexical; n > 0 {
			// Keep nLexical counting the lexical alternatives.
			lex := len(uniqueAlts(cs[i].alts[:n]))
			cs[i].alts = uniqueAlts(cs[i].alts)
			cs[i].nLexical = lex
		} else {
			cs[i].alts = uniqueAlts(cs[i].alts)
		}
		nalts += len(cs[i].alts)
	}
	present := make([]bool, 0, nalts)
	credit := make([]float64, 0, nalts)
	for i := range cs {
		c := &cs[i]
		start := len(present)
		for _, a := range c.alts {
			p := s.hasAll(a)
			if p {
				nstems += len(a)
			}
			cr := synonymCredit
			if isVariant(c.alts[0], a) {
				cr = 1
			}
			if c.nLexical > 0 && len(present)-start >= c.nLexical {
				cr = wordnetCredit
			}
			present, credit = append(present, p), append(credit, cr)
		}
		k := len(present)
		c.present = present[k-len(c.alts) : k : k]
		c.credit = credit[k-len(c.alts) : k : k]
	}
	// Then the entries holding each present alternative's stems, and the
	// weight.
	qs := s.newQuestionSets(nstems)
	marks := s.getMarks()
	defer s.marksPool.Put(marks)
	sets := make([][]*termSets, 0, nalts)
	stemSets := make([]*termSets, 0, nstems)
	for i := range cs {
		c := &cs[i]
		for k, a := range c.alts {
			if !c.present[k] {
				sets = append(sets, nil)
				continue
			}
			for _, t := range a {
				stemSets = append(stemSets, qs.of(t))
			}
			j := len(stemSets)
			sets = append(sets, stemSets[j-len(a):j:j])
		}
		k := len(sets)
		c.sets = sets[k-len(c.alts) : k : k]
		w := -1.0
		if df := s.cachedConceptDF(c, marks); df > 0 {
			w = s.idfOf(df)
		}
		if w < 0 {
			// The content never uses this word nor a synonym of it: the
			// features count such words apart (topic or context).
			w = s.idfMax
		}
		if len(c.alts[0]) == 1 && (genericWords[c.surface] || s.lex().isGeneric(c.surface)) {
			w = math.Min(w, genericWeight)
		}
		c.weight = w
	}
	return cs
}

// uniqueAlts drops repeated alternatives, keeping the first of each, in
// place.
func uniqueAlts(alts [][]string) [][]string {
	out := alts[:0]
	for _, a := range alts {
		dup := false
		for _, b := range out {
			if slices.Equal(a, b) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, a)
		}
	}
	return out
}

// wordnetAlts are the stems of the WordNet synonyms of a question word
// (wordSynonyms) that the content uses, for a word that the content
// never uses and that is not generic: "physician" for "doctor" in
// content that only says physician. (Expanding words the content does
// use as well added noise and no right answers: 57.2% top-1 against
// 57.5% on held-out folds.)
func (s *snapshot) wordnetAlts(word, stem string) [][]string {
	if genericWords[word] || genericStems[stem] || s.lex().isGeneric(word) || s.lex().isGenericStem(stem) || s.df(stem) > 0 {
		return nil
	}
	var out [][]string
	for _, w := range wordSynonyms(word) {
		if strings.ContainsRune(w, '-') {
			continue
		}
		if t := stemWord(w); t != "" && t != stem && s.df(t) > 0 {
			out = append(out, []string{t})
		}
	}
	return out
}

// wordEnding are the endings that the Porter stemmer leaves on a stem and
// that make a form of the same word (comparatives, adverbs, adjectives):
// "gentl" → "gentler", but not "stand" → "standard".
var wordEnding = map[string]bool{"er": true, "est": true, "li": true, "ly": true, "i": true, "y": true, "e": true, "s": true, "al": true, "ic": true}

// prefixVariants are content stems that extend a question stem by a short
// ending the stemmer left ("gentl" → "gentler"), for stems long enough
// that this is a word form and not a different word.
func (s *snapshot) prefixVariants(stem string) [][]string {
	if len(stem) < 5 {
		return nil
	}
	var out [][]string
	i := sort.SearchStrings(s.sortedTerms, stem)
	for _, t := range s.sortedTerms[i:] {
		if !strings.HasPrefix(t, stem) {
			break
		}
		if len(t) > len(stem) && len(t) <= len(stem)+3 && wordEnding[t[len(stem):]] {
			out = append(out, []string{t})
		}
	}
	return out
}

// isVariant reports whether b is a form of phrase a: word for word, one
// word is a prefix of the other ("low back" / "lower back"), which the
// stemmer does not unify.
func isVariant(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if len(x) > len(y) {
			x, y = y, x
		}
		if len(x) < 3 || !strings.HasPrefix(y, x) {
			return false
		}
	}
	return true
}

func (s *snapshot) hasAll(stems []string) bool {
	for _, t := range stems {
		if s.df(t) == 0 {
			return false
		}
	}
	return true
}

// conceptDF counts the entries containing the concept in any of its
// present forms: "low back", "lower back" and "lumbar" are one concept, as
// common as all its forms together.
func conceptDF(c *concept, marks *entryMarks) int {
	// Most concepts are one word found in one form: its own df.
	if df, ok := singleFormDF(c); ok {
		return df
	}
	return unionDF(c, marks)
}

// unionDF counts the entries of a concept's present forms together.
func unionDF(c *concept, marks *entryMarks) int {
	// Count the union of the forms' entries: a one-word form's
	// title and body postings as they are, a phrase's the entries that
	// have all its words (few), marking the entries seen.
	var buf [16][]int32
	lists := buf[:0]
	for k := range c.alts {
		if !c.present[k] {
			continue
		}
		sets := c.sets[k]
		if len(sets) == 1 {
			lists = append(lists, sets[0].title, sets[0].body)
			continue
		}
		lists = append(lists, phraseEntries(sets))
	}
	return marks.count(lists)
}

// maxDFCache bounds the concepts whose document frequency a snapshot
// remembers (about 100 bytes each).
const maxDFCache = 1 << 16

// cachedConceptDF is conceptDF, remembered per snapshot for the concepts
// that need more than one posting list's length: a phrase's entries or the
// union of several forms' (at 50,000 generated entries "back pain" and
// "headache" with its forms cost several milliseconds a question each
// time, 37% of Search's CPU). The key is the present forms' term numbers,
// so it is the same whatever the question's wording.
func (s *snapshot) cachedConceptDF(c *concept, marks *entryMarks) int {
	if df, ok := singleFormDF(c); ok {
		return df
	}
	var buf [64]byte
	key := buf[:0]
	for k, sets := range c.sets {
		if !c.present[k] {
			continue
		}
		key = binary.AppendUvarint(key, uint64(len(sets)))
		for _, ts := range sets {
			key = binary.AppendUvarint(key, uint64(ts.id))
		}
	}
	s.dfMu.RLock()
	df, ok := s.dfCache[string(key)]
	s.dfMu.RUnlock()
	if ok {
		return df
	}
	df = unionDF(c, marks)
	s.dfMu.Lock()
	if s.dfCache == nil {
		s.dfCache = map[string]int{}
	}
	if len(s.dfCache) < maxDFCache {
		s.dfCache[string(key)] = df
	}
	s.dfMu.Unlock()
	return df
}

// singleFormDF is the document frequency of a concept found in one form
// of one word, which its postings give at once; ok is false otherwise.
func singleFormDF(c *concept) (int, bool) {
	only := -1
	for k := range c.alts {
		if c.present[k] {
			if only >= 0 {
				return 0, false
			}
			only = k
		}
	}
	if only >= 0 && len(c.sets[only]) == 1 {
		return c.sets[only][0].df, true
	}
	return 0, false
}

// phraseEntries lists the entries that have every stem of a phrase (by
// their sets), going through the entries of its rarest stem.
func phraseEntries(sets []*termSets) []int32 {
	rare := sets[0]
	for _, ts := range sets[1:] {
		if ts.df < rare.df {
			rare = ts
		}
	}
	var out []int32
	t, b := rare.title, rare.body
	for len(t) > 0 || len(b) > 0 {
		var e int32
		switch {
		case len(b) == 0 || len(t) > 0 && t[0] < b[0]:
			e, t = t[0], t[1:]
		case len(t) == 0 || b[0] < t[0]:
			e, b = b[0], b[1:]
		default:
			e, t, b = t[0], t[1:], b[1:]
		}
		all := true
		for _, ts := range sets {
			if ts != rare && !ts.has(int(e)) {
				all = false
				break
			}
		}
		if all {
			out = append(out, e)
		}
	}
	return out
}

// entryMarks marks entries by epoch, so that counting distinct entries
// costs one pass over the lists and no clearing between counts; weigh
// takes one from the snapshot's pool.
type entryMarks struct {
	epoch uint32
	seen  []uint32
}

// count is the number of distinct entries in lists.
func (m *entryMarks) count(lists [][]int32) int {
	m.epoch++
	if m.epoch == 0 { // wrapped: old marks could match again
		clear(m.seen)
		m.epoch = 1
	}
	n := 0
	for _, l := range lists {
		for _, e := range l {
			if m.seen[e] != m.epoch {
				m.seen[e] = m.epoch
				n++
			}
		}
	}
	return n
}

func (s *snapshot) getMarks() *entryMarks {
	if m, ok := s.marksPool.Get().(*entryMarks); ok {
		return m
	}
	return &entryMarks{seen: make([]uint32, len(s.entries))}
}

func dedupe(cs []concept) []concept {
	out := cs[:0]
	for _, c := range cs {
		if slices.ContainsFunc(out, func(d concept) bool { return slices.Equal(c.alts[0], d.alts[0]) }) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func joinWords(ws []string) string {
	out := ""
	for i, w := range ws {
		if i > 0 {
			out += " "
		}
		out += w
	}
	return out
}

// buildQuery is a disjunction of term queries over the title (boosted) and
// body fields, one group per concept alternative found in the content.
// Terms are already analyzed, so no query parser ever sees user text.
// A clause that no entry can match in its field is left out: it would
// change every score by the same factor (through the disjunction's
// coordination and query norm) and so neither the order of the hits nor
// their scores relative to the best one, and costs a searcher.
func (s *snapshot) buildQuery(cs []concept) query.Query {
	clauses := queryClauses(cs)
	if len(clauses) == 0 {
		return nil
	}
	// The clauses come from a few slices rather than one allocation per
	// term, boost and conjunction.
	ar := newQueryArena(clauses)
	qs := make([]query.Query, len(clauses))
	for i, c := range clauses {
		qs[i] = ar.phrase(c.stems, c.field, c.boost)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// queryClause is one clause of buildQuery: an alternative's stems on one
// field, with its boost.
type queryClause struct {
	stems []string
	field string
	boost float64
}

// queryFields are the fields a clause can be on, in buildQuery's order.
var queryFields = [...]struct {
	name  string
	field int
	boost float64
}{{"title", fieldTitle, titleBoost}, {"body", fieldBody, bodyBoost}}

// queryClauses is buildQuery's clauses in order: for every alternative
// found in the content, one on each field where some entry has all its
// stems.
func queryClauses(cs []concept) []queryClause {
	n := 0
	for _, c := range cs {
		for _, p := range c.present {
			if p {
				n += 2 // at most a title and a body clause
			}
		}
	}
	clauses := make([]queryClause, 0, n)
	for _, c := range cs {
		for k, a := range c.alts {
			if !c.present[k] {
				continue
			}
			alt := c.altBoost(k)
			for _, f := range queryFields {
				if fieldMatches(f.field, c.sets[k]) {
					clauses = append(clauses, queryClause{a, f.name, f.boost * alt})
				}
			}
		}
	}
	return clauses
}

// newQueryArena is an arena with room for exactly the parts of clauses.
func newQueryArena(clauses []queryClause) queryArena {
	terms, conjs, parts := 0, 0, 0
	for _, c := range clauses {
		terms += len(c.stems)
		if len(c.stems) > 1 {
			conjs++
			parts += len(c.stems)
		}
	}
	return queryArena{
		terms:  make([]query.TermQuery, 0, terms),
		boosts: make([]query.Boost, 0, len(clauses)),
		conjs:  make([]query.ConjunctionQuery, 0, conjs),
		parts:  make([]query.Query, 0, parts),
	}
}

// queryArena hands out the parts of one query from preallocated slices;
// they never grow, so the pointers it returns stay valid.
type queryArena struct {
	terms  []query.TermQuery
	boosts []query.Boost
	conjs  []query.ConjunctionQuery
	parts  []query.Query
}

// phrase is a term query for one stem, or a conjunction of term queries for
// several, on one field, with a boost.
func (ar *queryArena) phrase(stems []string, field string, boost float64) query.Query {
	ar.boosts = append(ar.boosts, query.Boost(boost))
	b := &ar.boosts[len(ar.boosts)-1]
	if len(stems) == 1 {
		ar.terms = append(ar.terms, query.TermQuery{Term: stems[0], FieldVal: field, BoostVal: b})
		return &ar.terms[len(ar.terms)-1]
	}
	start := len(ar.parts)
	for _, st := range stems {
		ar.terms = append(ar.terms, query.TermQuery{Term: st, FieldVal: field})
		ar.parts = append(ar.parts, &ar.terms[len(ar.terms)-1])
	}
	ar.conjs = append(ar.conjs, query.ConjunctionQuery{Conjuncts: ar.parts[start:len(ar.parts):len(ar.parts)], BoostVal: b})
	return &ar.conjs[len(ar.conjs)-1]
}

// fieldMatches reports whether some entry has all of a phrase's stems (by
// their sets) in the field.
func fieldMatches(field int, sets []*termSets) bool {
	of := func(ts *termSets) []int32 {
		if field == fieldBody {
			return ts.body
		}
		return ts.title
	}
	if len(sets) == 1 {
		return len(of(sets[0])) > 0
	}
	if len(sets) == 2 {
		return intersects(of(sets[0]), of(sets[1]))
	}
	common := intersect(nil, of(sets[0]), of(sets[1]))
	for _, ts := range sets[2:] {
		if len(common) == 0 {
			return false
		}
		common = intersect(common[:0:0], common, of(ts))
	}
	return len(common) > 0
}

// candidate is one entry bleve retrieved for a question, with its
// features and the ranker's score.
type candidate struct {
	i int
	// bm25 is bleve's score, z the ranker's, conf the confidence.
	bm25, z, conf float64
	x             Features
	missing       []string
}

// candidates retrieves entries for the question and computes each one's
// features, best BM25 score first. unknown lists the question's words the
// content never uses (nor any synonym of them).
func (s *snapshot) candidates(ctx context.Context, q string) (cands []candidate, unknown []string, err error) {
	words := questionWords(q, s.lex())
	cs := s.analyzeWords(words)
	var hits []hit
	if s.bm != nil {
		sc := s.getScoring()
		defer s.putScoring(sc)
		hits = s.directHits(cs, candidates, sc)
	} else {
		hits, err = s.bleveHits(ctx, cs)
		if err != nil {
			return nil, nil, err
		}
	}
	if len(hits) == 0 {
		return nil, nil, nil
	}
	qi := s.questionInfo(cs, words)
	if qi.soft != nil {
		defer qi.soft.put()
	}
	if qi.known == 0 {
		return nil, nil, nil
	}
	// The candidates' missed concepts, at most every concept each, share
	// one array.
	qi.missArena = make([]string, 0, len(hits)*len(cs))
	for _, c := range cs {
		if !anyTrue(c.present) {
			unknown = append(unknown, c.surface)
		}
	}
	top := hits[0].score
	cands = getCandidates(len(hits))
	bestCov := 0.0
	for k, h := range hits {
		x, missing := s.features(&qi, int(h.i), h.score/top, k == 0)
		bestCov = math.Max(bestCov, x[fCoverage])
		cands = append(cands, candidate{i: int(h.i), bm25: h.score, x: x, missing: missing})
	}
	for k := range cands {
		cands[k].x[fCoverageGap] = cands[k].x[fCoverage] - bestCov
	}
	return cands, unknown, nil
}

// bleveHits retrieves the best candidates for the concepts with bleve's
// search of buildQuery's query, best first, ties by ID: what directHits
// computes over the postings, used when the snapshot has no BM25 data and
// as the reference its tests compare with.
func (s *snapshot) bleveHits(ctx context.Context, cs []concept) ([]hit, error) {
	bq := s.buildQuery(cs)
	if bq == nil {
		return nil, nil
	}
	// One more than the candidates tells whether hits tie across the cut;
	// only then is the search repeated wider, so that the tied hits are
	// chosen by ID, not by where the index batch (a map) happened to put
	// each document in the segment, which differs from build to build.
	// (Reading tieMargin more hits on every search cost 12%, sorting by ID
	// in bleve itself a third.)
	res, err := s.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(bq, candidates+1, 0, false))
	if err == nil && len(res.Hits) > candidates && res.Hits[candidates-1].Score == res.Hits[candidates].Score {
		res, err = s.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(bq, candidates+tieMargin, 0, false))
	}
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := res.Hits
	slices.SortStableFunc(hits, func(a, b *search.DocumentMatch) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(hits) > candidates {
		hits = hits[:candidates]
	}
	out := make([]hit, 0, len(hits))
	for _, h := range hits {
		if i, ok := s.byID[h.ID]; ok {
			out = append(out, hit{int32(i), h.Score})
		}
	}
	return out, nil
}

// search ranks the candidates by the ranker's score; each match's
// confidence is the calibrated probability that it answers the question.
func (s *snapshot) search(ctx context.Context, rk *Ranker, q string, limit int) ([]faq.Match, error) {
	cands, unknown, err := s.ranked(ctx, rk, q)
	if err != nil || len(cands) == 0 {
		return nil, err
	}
	if limit <= 0 || limit > len(cands) {
		limit = len(cands)
	}
	out := make([]faq.Match, limit)
	for k := range out {
		c := &cands[k]
		out[k] = faq.Match{Entry: s.entries[c.i], Confidence: c.conf, Score: c.bm25, Missing: c.missing, Unknown: unknown}
	}
	putCandidates(cands)
	return out, nil
}

// candidatePool recycles the candidate slices of searches: each is about
// 4 KB, and a search is done with its own once the matches are built.
var candidatePool = sync.Pool{New: func() any { s := make([]candidate, 0, candidates+1); return &s }}

// getCandidates returns an empty candidate slice with room for n.
func getCandidates(n int) []candidate {
	p := candidatePool.Get().(*[]candidate)
	if cap(*p) < n {
		return make([]candidate, 0, n)
	}
	return (*p)[:0]
}

// putCandidates returns a slice got from getCandidates that nothing
// refers to any more.
func putCandidates(c []candidate) {
	if cap(c) > 4*(candidates+1) {
		return // a rare wide search: let it go
	}
	clear(c)
	c = c[:0]
	candidatePool.Put(&c)
}

// ranked is candidates sorted by the ranker's score, best first.
func (s *snapshot) ranked(ctx context.Context, rk *Ranker, q string) ([]candidate, []string, error) {
	cands, unknown, err := s.candidates(ctx, q)
	if err != nil || len(cands) == 0 {
		return nil, nil, err
	}
	for k := range cands {
		cands[k].z = rk.Score(cands[k].x)
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.z != b.z {
			if a.z > b.z {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.i, b.i)
	})
	// The best candidate's confidence is the decision model's probability;
	// the others' scale it by their softmax share relative to the best.
	var buf [candidates + tieMargin]float64
	zs := buf[:0]
	if len(cands) > len(buf) {
		zs = make([]float64, 0, len(cands))
	}
	zs = zs[:len(cands)]
	for k := range cands {
		zs[k] = cands[k].z
	}
	top := rk.Confidence(cands[0].x, zs, 0)
	for k := range cands {
		cands[k].conf = top * math.Exp(cands[k].z-cands[0].z)
	}
	return cands, unknown, nil
}

// fit is the weight of the question's concepts found in an entry: in all
// its terms, its title, its body and its section, and how much of the
// whole came only through synonyms or corrections (indirect). maxMiss is
// the weight of the heaviest concept the content has but the entry misses.
type fit struct{ all, title, body, section, indirect, wordnet, maxMiss float64 }

// coverage is how entry i covers the question's concepts, and the concepts
// it misses altogether.
func (s *snapshot) coverage(cs []concept, i int) (fit, []string) {
	return s.coverageInto(cs, i, nil, nil)
}

// coverageInto is coverage, appending the missed concepts to missing and,
// when hard has room for every concept, setting each concept's credit in
// the title (hard[k].title) and in the whole entry (hard[k].all).
func (s *snapshot) coverageInto(cs []concept, i int, missing []string, hard []fit) (fit, []string) {
	// A FAQ entry is its own section; a passage is read in its section.
	ownSection := s.entries[i].Type != faq.TypePassage
	var got fit
	for ci, c := range cs {
		var credit fit
		direct, lexical := 0.0, 0.0
		for k, sets := range c.sets {
			if !c.present[k] {
				continue
			}
			all, title, body, section := stemsIn(sets, i, ownSection)
			a := altCredit(all, len(sets), c.credit[k])
			credit.all = math.Max(credit.all, a)
			if c.credit[k] == 1 {
				direct = math.Max(direct, a)
			}
			if c.nLexical == 0 || k < c.nLexical {
				lexical = math.Max(lexical, a)
			}
			credit.title = math.Max(credit.title, altCredit(title, len(sets), c.credit[k]))
			credit.body = math.Max(credit.body, altCredit(body, len(sets), c.credit[k]))
			if !ownSection {
				credit.section = math.Max(credit.section, altCredit(section, len(sets), c.credit[k]))
			}
		}
		if credit.all == 0 {
			missing = append(missing, c.surface)
			if anyTrue(c.present) {
				got.maxMiss = math.Max(got.maxMiss, c.weight)
			}
		}
		if c.corrected {
			direct = 0
		}
		if len(hard) == len(cs) {
			hard[ci] = credit
		}
		got.all += credit.all * c.weight
		got.indirect += (credit.all - direct) * c.weight
		got.wordnet += (credit.all - lexical) * c.weight
		got.title += credit.title * c.weight
		got.body += credit.body * c.weight
		got.section += credit.section * c.weight
	}
	if ownSection {
		got.section = got.all
	}
	return got, missing
}

// stemsIn counts an alternative's stems (by their term sets) that entry i
// has anywhere, in its title, in its body, and in its section; a stem the
// entry has counts for its section too. With ownSection (the entry is its
// own section) section stays 0.
func stemsIn(sets []*termSets, i int, ownSection bool) (all, title, body, section int) {
	for _, ts := range sets {
		inTitle, inBody := ts.title.has(i), ts.body.has(i)
		if inTitle {
			title++
		}
		if inBody {
			body++
		}
		if inTitle || inBody {
			all++
			if !ownSection {
				section++
			}
		} else if !ownSection && ts.sectionHas(i) {
			section++
		}
	}
	return all, title, body, section
}

// altCredit is the credit for finding found of an alternative's n stems,
// when the whole alternative is worth credit: partial finds count less.
func altCredit(found, n int, credit float64) float64 {
	f := float64(found) / float64(n)
	if f < 1 {
		f *= partialCredit
	}
	return f * credit
}

// termCredits are the stems a question can match, by term number
// (sorted), each with its credit: the question's own words count fully,
// synonyms the content uses count less.
type termCredits struct {
	ids    []int32
	credit []float64
}

// of is the credit of term id (0: the question cannot match it).
func (tc *termCredits) of(id int32) float64 {
	if k, ok := slices.BinarySearch(tc.ids, id); ok {
		return tc.credit[k]
	}
	return 0
}

// queryTerms is every stem the question can match, with its credit.
func (s *snapshot) queryTerms(cs []concept) termCredits {
	n := 0
	for _, c := range cs {
		for k, a := range c.alts {
			if c.present[k] {
				n += len(a)
			}
		}
	}
	tc := termCredits{ids: make([]int32, 0, n), credit: make([]float64, 0, n)}
	for _, c := range cs {
		for k, a := range c.alts {
			if !c.present[k] {
				continue
			}
			for _, t := range a {
				id := s.termID[t] // present: in the content
				j, ok := slices.BinarySearch(tc.ids, id)
				if ok {
					tc.credit[j] = math.Max(tc.credit[j], c.credit[k])
					continue
				}
				tc.ids, tc.credit = slices.Insert(tc.ids, j, id), slices.Insert(tc.credit, j, c.credit[k])
			}
		}
	}
	return tc
}

// titlePrecision is the IDF-weighted share of entry i's title words that
// the question asks about: "What is massage therapy?" fits the heading
// "What is Massage Therapy?" better than a long question that merely
// contains both words.
//
// For an entry with alternate questions it is the best of its wordings':
// accepting "is a rubdown worth it" as another wording of an entry must
// not make the entry's own title fit its usual questions less.
func (s *snapshot) titlePrecision(i int, q *termCredits) float64 {
	if ws, ok := s.wordings[int32(i)]; ok {
		best := 0.0
		for _, ids := range ws {
			got, all := 0.0, 0.0
			for _, id := range ids {
				all += s.titleWeight[id]
				got += s.titleWeight[id] * q.of(id)
			}
			if all > 0 {
				best = math.Max(best, got/all)
			}
		}
		return best
	}
	all := s.titleAll[i]
	if all == 0 {
		return 0
	}
	got := 0.0
	for _, id := range s.titleTerms.of(int32(i)) {
		got += s.titleWeight[id] * q.of(id)
	}
	return got / all
}

// titleWeightsOf returns each term's weight in titlePrecision (IDF,
// capped for generic words) and, for each entry, the sum of its title
// terms' weights, summed in the order titlePrecision reads them.
func (s *snapshot) titleWeightsOf(titles postingList) ([]float64, []float64) {
	weight := make([]float64, len(s.sortedTerms))
	for id, t := range s.sortedTerms {
		w := s.idfOf(int(s.dfs[id]))
		if genericStems[t] || s.lex().isGenericStem(t) {
			w = math.Min(w, genericWeight)
		}
		weight[id] = w
	}
	all := make([]float64, len(s.entries))
	for i := range all {
		for _, id := range titles.of(int32(i)) {
			all[i] += weight[id]
		}
	}
	return weight, all
}

// questionWord is the wh-word a question opens with ("how", "what", ...),
// skipping a leading filler word; "" for other questions.
func questionWord(text string) string { return questionWordIn(splitWords(text)) }

// questionWordIn is questionWord on a text's words.
func questionWordIn(words []string) string {
	for i, w := range words {
		// The constants, not w: w is a slice of the whole lowered text.
		switch w {
		case "how":
			return "how"
		case "what":
			return "what"
		case "when":
			return "when"
		case "why":
			return "why"
		case "which":
			return "which"
		case "where":
			return "where"
		case "who":
			return "who"
		}
		if i >= 2 {
			break
		}
	}
	return ""
}

func anyTrue(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}
