package search

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"faqbot/internal/wordvec"
)

// The ranker reads the word vectors of internal/wordvec as features
// (soft_title, soft_body, soft_precision in features.go), never as
// matches: a word related to the content's words counts toward how well an
// entry speaks to the question, and retrieval is still bleve's.

// wordVectors adds WordNet's base forms to the vectors' lookup.
type wordVectors struct{ *wordvec.Vectors }

// loadVectors loads the vectors once. Should they not parse, the features
// that read them are 0 and New refuses to build an index
// (embeddedDataErr).
var loadVectors = sync.OnceValues(func() (*wordVectors, error) {
	v, err := wordvec.Load()
	if err != nil {
		return nil, err
	}
	return &wordVectors{v}, nil
})

// embeddedDataErr is why the embedded WordNet data or word vectors did not
// parse, or nil.
func embeddedDataErr() error {
	if err := wordNetErr(); err != nil {
		return err
	}
	if _, err := loadVectors(); err != nil {
		return fmt.Errorf("search: embedded %w", err)
	}
	return nil
}

// lookup gives w's row, or that of its WordNet base form ("massages" →
// "massage"); -1 when neither has a vector.
func (wv *wordVectors) lookup(w string) int32 {
	if r := wv.Row(w); r >= 0 {
		return r
	}
	for _, b := range wordBase(w) {
		if r := wv.Row(b); r >= 0 {
			return r
		}
	}
	return -1
}

// textRows appends the rows of text's words that have vectors, each once,
// stop words left out; memo remembers the rows of the words looked up (-1:
// none), for the many texts of one knowledge base.
func (wv *wordVectors) textRows(out []int32, words []string, memo map[string]int32) []int32 {
	start := len(out)
	for _, w := range words {
		if isStop(w) {
			continue
		}
		r, ok := memo[w]
		if !ok {
			r = wv.lookup(w)
			memo[strings.Clone(w)] = r
		}
		if r >= 0 && !slices.Contains(out[start:], r) {
			out = append(out, r)
		}
	}
	return out
}

// softScorer computes one question's soft features. Each distinct content
// word's cosines with the question's words are computed once per question
// however many candidates have it (a row's slot, marked with the
// question's generation, holds them), which keeps the answer path within
// the speed of the rest of it: every candidate's words, dotted afresh, cost
// 150 µs a question on the bundled content.
type softScorer struct {
	wv       *wordVectors
	qrows    []int32
	qweights []float64
	// concept is each question word's concept, by index.
	concept []int32
	hard    []fit
	gen     uint32
	stamp   []uint32
	slot    []int32
	sims    []float32
}

var softScorers sync.Pool

// newSoftScorer readies a scorer for a question's concepts (their surface
// words and weights); release it with put.
func newSoftScorer(wv *wordVectors, cs []concept) *softScorer {
	sc, _ := softScorers.Get().(*softScorer)
	if sc == nil || sc.wv != wv {
		n := wv.Len()
		sc = &softScorer{wv: wv, stamp: make([]uint32, n), slot: make([]int32, n)}
	}
	sc.gen++
	if sc.gen == 0 { // wrapped: no stamp may look current
		clear(sc.stamp)
		sc.gen = 1
	}
	sc.qrows, sc.qweights, sc.sims, sc.concept = sc.qrows[:0], sc.qweights[:0], sc.sims[:0], sc.concept[:0]
	for ci, c := range cs {
		// A phrase ("lower back") counts as its words, sharing its weight.
		words := strings.Fields(c.surface)
		for _, w := range words {
			sc.qrows = append(sc.qrows, wv.lookup(w))
			sc.qweights = append(sc.qweights, c.weight/float64(len(words)))
			sc.concept = append(sc.concept, int32(ci))
		}
	}
	return sc
}

func (sc *softScorer) put() { softScorers.Put(sc) }

// hardFor gives room for n concepts' coverage credits.
func (sc *softScorer) hardFor(n int) []fit {
	if cap(sc.hard) < n {
		sc.hard = make([]fit, n)
	}
	sc.hard = sc.hard[:n]
	clear(sc.hard)
	return sc.hard
}

// simsOf gives row's slot of cosines with the question words, each
// computed when first asked for (unset until then: simOf).
func (sc *softScorer) simsOf(row int32) []float32 {
	nq := len(sc.qrows)
	if sc.stamp[row] == sc.gen {
		k := int(sc.slot[row]) * nq
		return sc.sims[k : k+nq]
	}
	sc.stamp[row] = sc.gen
	sc.slot[row] = int32(len(sc.sims) / max(nq, 1))
	for range nq {
		sc.sims = append(sc.sims, unset)
	}
	return sc.sims[len(sc.sims)-nq:]
}

// unset marks a cosine not computed yet.
const unset = -2

// simOf is the cosine of row's word with question word k (0 for a question
// word without a vector), at least 0, from row's slot sims.
func (sc *softScorer) simOf(sims []float32, k int, row int32) float32 {
	if v := sims[k]; v != unset {
		return v
	}
	v := float32(0)
	if q := sc.qrows[k]; q >= 0 {
		v = max(0, float32(sc.wv.Dot(q, row)))
	}
	sims[k] = v
	return v
}

// cover is the weighted share of the question's concepts that rows (one
// text's words) speak to: each question word counts the best cosine of its
// word with any of them, at least 0, and never less than its concept's
// coverage credit in the text (hard: the title's, or with whole the
// entry's), so a word found itself or through a synonym counts in full: its
// cosines are not computed. A word without a vector counts its coverage
// credit only.
func (sc *softScorer) cover(rows []int32, hard []fit, whole bool) float64 {
	nq := min(len(sc.qrows), maxSoftConcepts)
	if nq == 0 {
		return 0
	}
	var best [maxSoftConcepts]float32
	for k := range nq {
		if c := sc.concept[k]; int(c) < len(hard) {
			if whole {
				best[k] = float32(hard[c].all)
			} else {
				best[k] = float32(hard[c].title)
			}
		}
	}
	for _, r := range rows {
		sims := sc.simsOf(r)
		for k := range nq {
			if best[k] < 1 && sc.qrows[k] >= 0 {
				best[k] = max(best[k], sc.simOf(sims, k, r))
			}
		}
	}
	var got, all float64
	for k := range nq {
		all += sc.qweights[k]
		got += sc.qweights[k] * float64(best[k])
	}
	if all == 0 {
		return 0
	}
	return got / all
}

// maxSoftConcepts bounds the concepts cover reads (a question of more
// words is read by its first ones).
const maxSoftConcepts = 64

// precision is the SIF-weighted share of rows (one text's words) that the
// question's words speak to, each counting its best cosine with one.
func (sc *softScorer) precision(rows []int32) float64 {
	var got, all float64
	for _, r := range rows {
		w := float64(wordvec.SIF(r))
		all += w
		best := float32(0)
		sims := sc.simsOf(r)
		for k := range sims {
			best = max(best, sc.simOf(sims, k, r))
		}
		got += w * float64(best)
	}
	if all == 0 {
		return 0
	}
	return got / all
}
