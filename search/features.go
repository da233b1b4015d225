package search

import (
	"math"
	"slices"
	"strings"

	"faqbot/faq"
)

// The ranker's features. Each is an interpretable signal about how well one
// candidate entry answers one question, in [0,1] (or [-1,0] for a gap); the
// ranker (rank.go) weighs them with learned weights. Add a feature by adding
// a constant, its name in featureNames and its computation in features, then
// retrain (`faqbot train`): a weights file with other feature names is
// rejected.
const (
	// fCoverage is the IDF-weighted share of the question's concepts found
	// in the content that this entry covers (all its terms and section).
	fCoverage = iota
	// fCoverageAll is the same share over all the question's concepts,
	// those the content never uses counting at the content's highest IDF:
	// how much of the whole question the entry speaks to.
	fCoverageAll
	// fCoverageGap is fCoverage minus the best candidate's (≤ 0): the
	// listwise view of coverage.
	fCoverageGap
	// fTitleCover is the weighted share of the question covered by the title.
	fTitleCover
	// fTitlePrecision is the weighted share of the title the question asks about.
	fTitlePrecision
	// fBodyCover is the weighted share of the question covered by the body.
	fBodyCover
	// fSectionCover is the share covered by the passage's whole section.
	fSectionCover
	// fBM25 is bleve's BM25 score relative to the best hit.
	fBM25
	// fTopHit is 1 for bleve's best hit.
	fTopHit
	// fMissTopic counts (capped at 2, halved) the question's topic words
	// — things a question is about: body parts, conditions, products —
	// that the content never uses nor any synonym of.
	fMissTopic
	// fMissNoun counts (capped at 2, halved) the question's other nouns the
	// content never uses ("movie").
	fMissNoun
	// fMissContext is the share of the question's concepts that are
	// context words the content never uses ("lately", "honestly").
	fMissContext
	// fMaxMiss is the IDF (over the content's maximum) of the most
	// informative question concept that the content has but this entry
	// lacks.
	fMaxMiss
	// fMatchedInfo is the summed IDF of the concepts the entry covers,
	// over the content's maximum IDF, capped at 3 and scaled to [0,1]:
	// how specific what matched is ("covid" in a COVID FAQ says little).
	fMatchedInfo
	// fSynonym is the share of the covered weight found only through a
	// synonym or a spelling correction.
	fSynonym
	// fWordNet is the share of the covered weight found only through a
	// WordNet synonym (general English: "physician" for "doctor").
	fWordNet
	// fQWordSame is 1 when the question and the entry's title open with
	// the same wh-word (how, what, when…).
	fQWordSame
	// fQWordOther is 1 when both have a wh-word and they differ.
	fQWordOther
	// fTypeMatch is 1 when the question asks for a kind of answer (a
	// duration, a reason, a place; see answertype.go) and the entry's
	// text gives one.
	fTypeMatch
	// fTypeMiss is 1 when the question asks for a kind of answer and the
	// entry's text gives none.
	fTypeMiss
	// fFAQ is 1 for a curated FAQ answer, 0 for an article passage.
	fFAQ
	// fLeadIn is 1 for a passage that only introduces a list (ends in ":").
	fLeadIn
	// fFirstInSection is 1 for a passage that opens its section.
	fFirstInSection
	// fConcepts is the number of the question's concepts the content
	// has, over 6, capped at 1.
	fConcepts
	// fSoftTitle is the weighted share of the question's concepts the
	// title speaks to, each counting its best word-vector cosine with a
	// title word (vectors.go).
	fSoftTitle
	// fSoftBody is the same over the title and body.
	fSoftBody
	// fSoftPrecision is the share of the title's words the question's
	// words speak to, by word-vector cosine.
	fSoftPrecision
	numFeatures
)

// featureNames name the features in weights files and explanations.
var featureNames = [numFeatures]string{
	fCoverage: "coverage", fCoverageAll: "coverage_all", fCoverageGap: "coverage_gap", fTitleCover: "title_cover",
	fTitlePrecision: "title_precision", fBodyCover: "body_cover", fSectionCover: "section_cover",
	fBM25: "bm25", fTopHit: "top_hit", fMissTopic: "miss_topic", fMissNoun: "miss_noun", fMissContext: "miss_context",
	fMaxMiss: "max_miss", fMatchedInfo: "matched_info", fSynonym: "synonym", fWordNet: "wordnet",
	fQWordSame: "qword_same", fQWordOther: "qword_other", fTypeMatch: "type_match", fTypeMiss: "type_miss", fFAQ: "faq", fLeadIn: "lead_in",
	fFirstInSection: "first_in_section", fConcepts: "concepts",
	fSoftTitle: "soft_title", fSoftBody: "soft_body", fSoftPrecision: "soft_precision",
}

// Features are one candidate's feature values, indexed by the f* constants.
type Features [numFeatures]float64

// FeatureNames returns the names of the ranker's features, in order.
func FeatureNames() []string { return featureNames[:] }

// questionInfo is what the features need to know about the question as a
// whole.
type questionInfo struct {
	cs []concept
	// known is the summed weight of the concepts the content has, all
	// that of every concept.
	known, all float64
	// nKnown counts them; miss counts the others by missKind.
	nKnown int
	miss   [3]int
	qword  string
	// atype is the kind of answer the question asks for.
	atype answerType
	terms termCredits
	// missArena, when it has room for every concept, holds the
	// candidates' missed concepts one after the other.
	missArena []string
	// soft computes the word-vector features (vectors.go); nil when the
	// vectors did not load.
	soft *softScorer
	// hard holds, while one candidate's features are computed, each
	// concept's credit from the entry's own words and synonyms (the
	// coverage), which the soft features never count below.
	hard []fit
}

func (s *snapshot) questionInfo(cs []concept, words []string) questionInfo {
	qi := questionInfo{cs: cs, qword: questionWordIn(words), atype: questionType(words), terms: s.queryTerms(cs)}
	if wv, err := loadVectors(); err == nil {
		qi.soft = newSoftScorer(wv, cs)
		qi.hard = qi.soft.hardFor(len(cs))
	}
	for _, c := range cs {
		qi.all += c.weight
		if anyTrue(c.present) {
			qi.known += c.weight
			qi.nKnown++
			continue
		}
		qi.miss[missKind(c)]++
	}
	return qi
}

// What a question word the content never uses says about the question.
const (
	// missContext: a word that phrases the question ("lately", "honestly").
	missContext = iota
	// missNoun: a noun naming something other than a topic ("movie",
	// "tennis"): the question may well be about it.
	missNoun
	// missTopic: what a health question is about — a body part, a
	// condition, a product, a substance (WordNet's topic classes), a phrase,
	// or a word no English dictionary has (a drug, a brand, a new disease).
	missTopic
)

// missKind classifies a concept the content lacks, through WordNet (see
// isTopicWord and nounShare in wordnet.go).
func missKind(c concept) int {
	if len(c.alts[0]) > 1 {
		return missTopic
	}
	w := c.surface
	if isTopicWord(w) {
		return missTopic
	}
	if wordClasses(w) == nil {
		if isEnglishWord(w) {
			return missContext
		}
		return missTopic
	}
	if nounShare(w) >= 0.5 && !isTimeWord(w) {
		return missNoun
	}
	return missContext
}

// isTimeWord reports whether w's commonest noun sense is a time ("weeks",
// "ages", "morning"): context, not topic.
func isTimeWord(w string) bool {
	for _, c := range wordClasses(w) {
		if c.pos() == wnNoun {
			return c == lexNounTime
		}
	}
	return false
}

// features computes the features of entry i for the question, given its
// BM25 score relative to the best hit and whether it is the best hit.
// The coverage gap is filled in by the caller once all candidates are known.
func (s *snapshot) features(qi *questionInfo, i int, bm25 float64, top bool) (Features, []string) {
	var x Features
	var cov fit
	var missing []string
	if a := qi.missArena; cap(a)-len(a) >= len(qi.cs) {
		cov, missing = s.coverageInto(qi.cs, i, a[len(a):len(a):len(a)+len(qi.cs)], qi.hard)
		qi.missArena = a[:len(a)+len(missing)]
		if len(missing) == 0 {
			missing = nil
		}
		missing = slices.Clip(missing)
	} else {
		cov, missing = s.coverageInto(qi.cs, i, nil, qi.hard)
	}
	if qi.known > 0 {
		x[fCoverage] = cov.all / qi.known
		x[fCoverageAll] = cov.all / qi.all
		x[fTitleCover] = cov.title / qi.known
		x[fBodyCover] = cov.body / qi.known
		x[fSectionCover] = cov.section / qi.known
		if cov.all > 0 {
			x[fSynonym] = cov.indirect / cov.all
			x[fWordNet] = cov.wordnet / cov.all
		}
	}
	x[fTitlePrecision] = s.titlePrecision(i, &qi.terms)
	x[fBM25] = bm25
	if top {
		x[fTopHit] = 1
	}
	x[fMissTopic] = math.Min(float64(qi.miss[missTopic]), 2) / 2
	x[fMissNoun] = math.Min(float64(qi.miss[missNoun]), 2) / 2
	if n := qi.nKnown + qi.miss[missTopic] + qi.miss[missNoun] + qi.miss[missContext]; n > 0 {
		x[fMissContext] = float64(qi.miss[missContext]) / float64(n)
	}
	if s.idfMax > 0 {
		x[fMaxMiss] = cov.maxMiss / s.idfMax
		x[fMatchedInfo] = math.Min(cov.all/s.idfMax, 3) / 3
	}
	if qi.qword != "" && s.qword[i] != "" {
		if qi.qword == s.qword[i] {
			x[fQWordSame] = 1
		} else {
			x[fQWordOther] = 1
		}
	}
	if qi.atype != atNone {
		if s.answerTypes[i]&(1<<qi.atype) != 0 {
			x[fTypeMatch] = 1
		} else {
			x[fTypeMiss] = 1
		}
	}
	e := &s.entries[i]
	if e.Type == faq.TypeFAQ {
		x[fFAQ] = 1
	}
	if e.Type == faq.TypePassage {
		if strings.HasSuffix(strings.TrimSpace(e.Text), ":") {
			x[fLeadIn] = 1
		}
		if s.firstInSection[i] {
			x[fFirstInSection] = 1
		}
	}
	x[fConcepts] = math.Min(float64(qi.nKnown)/6, 1)
	if qi.soft != nil {
		title, body := s.titleRows.of(int32(i)), s.bodyRows.of(int32(i))
		x[fSoftTitle] = qi.soft.cover(title, qi.hard, false)
		x[fSoftBody] = qi.soft.cover(body, qi.hard, true)
		x[fSoftPrecision] = qi.soft.precision(title)
	}
	return x, missing
}

// firstInSections marks the passages that open their section (file and
// heading).
func firstInSections(entries []faq.Entry) []bool {
	type key struct{ source, title string }
	seen := map[key]bool{}
	out := make([]bool, len(entries))
	for i, e := range entries {
		if e.Type != faq.TypePassage {
			continue
		}
		k := key{e.Source, e.Title}
		if !seen[k] {
			seen[k] = true
			out[i] = true
		}
	}
	return out
}
