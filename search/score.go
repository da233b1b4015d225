package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"faqbot/faq"
)

// Direct scoring: the candidates' BM25 scores computed over the
// snapshot's own postings, the same numbers bleve's search of buildQuery's
// query gives, without building bleve searchers, a document match pool and
// a collector for every question (two thirds of a search's allocations).
//
// What bleve's BM25 reads and the postings do not hold (each term's
// frequency in each entry's field, each entry's field length as bleve
// stores it, the index's document count and field cardinalities) is read
// from bleve's own index once per snapshot (loadBM25). The scores then
// follow bleve 2.6's arithmetic step by step, in its order:
//
//   - a term clause (scorer.TermQueryScorer, BM25): idf = ln(1 + (N - df +
//     0.5)/(df + 0.5)) with df the term's entries in the field; per entry
//     idf·tf'·k1 / (tf' + k1·(1 - b + b·len/avgLen)) with tf' = √tf,
//     len = 1/norm² from bleve's float32 norm and avgLen = ⌈field
//     cardinality / N⌉; then times boost·idf·queryNorm when that is not 1;
//   - a phrase clause (ConjunctionQuery) is the sum of its terms' scores
//     (boost 1: bleve does not apply a conjunction's boost), its terms
//     in bleve's order (sort.Sort by entry count);
//   - the question (DisjunctionQuery) is the sum of the clauses an entry
//     matches, clauses in bleve's order (sort.Sort by count, a phrase's
//     count the sum of its terms'), times the coordination factor
//     matched/clauses; queryNorm = 1/√Σ(boost·idf)² over every term in
//     that order.
//
// Summing in the same order keeps the scores bit for bit equal to
// bleve's slice disjunction searcher (TestDirectScoresMatchBleve). Bleve
// switches to a heap above searcher.DisjunctionHeapTakeover clauses (10 by
// default; faqbot leaves bleve's package settings alone), which sums an
// entry's clauses in heap order: there scores can differ from bleve's in
// the last bit. The candidates are the best 16 by score, ties by entry ID,
// which is what candidates' wider search resolves ties to as long as the
// tied entries fit in it.

// bm25 is what the direct scoring reads besides the postings, per field
// (fieldTitle, fieldBody).
type bm25 struct {
	// tf is each posting's term frequency, parallel to the field's
	// postings (post.title.ids, post.body.ids).
	tf [2][]uint16
	// lenNorm is, per entry, k1·(1 - b + b·len/avgLen) for the field.
	lenNorm [2][]float64
	// docTotal is bleve's document count.
	docTotal uint64
	// bound is, per field and term (by termID), the largest
	// tf'·k1/(tf' + lenNorm) over the term's postings in the field, a
	// little over: a term clause's score is at most idf·bound·qw, what
	// pruning (prune.go) bounds the clauses it has not read by.
	bound [2][]float64
}

// setBounds fills bm.bound from the postings post that bm.tf is parallel
// to. It reads every posting once.
func (bm *bm25) setBounds(post *termPostings) {
	for f := range bm.bound {
		p := post.field(f)
		if len(p.off) == 0 {
			bm.bound[f] = nil
			continue
		}
		b := make([]float64, len(p.off)-1)
		for id := range b {
			lo, hi := p.off[id], p.off[id+1]
			best := 0.0
			for k := lo; k < hi; k++ {
				tf := math.Sqrt(float64(bm.tf[f][k]))
				best = max(best, tf*search.BM25_k1/(tf+bm.lenNorm[f][p.ids[k]]))
			}
			// A relative margin far above the rounding of the score's
			// few operations keeps the bound above every score.
			b[id] = best * (1 + 1e-9)
		}
		bm.bound[f] = b
	}
}

// fieldNames are the bleve fields, by field number.
var fieldNames = [2]string{fieldTitle: "title", fieldBody: "body"}

// errNoDirectScores is loadBM25's error when the candidates cannot be
// scored over the snapshot's postings (bleve's postings are not the
// snapshot's, or the index does not report what BM25 needs): then the
// snapshot keeps searching with bleve.
var errNoDirectScores = errors.New("search: no direct scoring")

// loadBM25 reads the term frequencies, field norms and statistics from
// bleve's index, checking that bleve's postings are the snapshot's.
func (s *snapshot) loadBM25() (*bm25, error) {
	ai, err := s.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: bm25: %w", err)
	}
	r, err := ai.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: bm25: %w", err)
	}
	defer r.Close()
	br, ok := r.(index.BM25Reader)
	if !ok {
		return nil, fmt.Errorf("%w: index reader has no field cardinality", errNoDirectScores)
	}
	n, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("search: bm25: %w", err)
	}
	docOf, err := s.entriesByInternalID(r)
	if err != nil {
		return nil, err
	}
	bm := &bm25{docTotal: n}
	for f := range fieldNames {
		if bm.tf[f], bm.lenNorm[f], err = s.loadFieldBM25(r, br, docOf, f, n); err != nil {
			return nil, err
		}
	}
	bm.setBounds(&s.post)
	return bm, nil
}

// field is the postings of field f (fieldTitle or fieldBody).
func (tp *termPostings) field(f int) *postingList {
	if f == fieldTitle {
		return &tp.title
	}
	return &tp.body
}

// loadFieldBM25 reads field f's term frequencies (in the order of the
// snapshot's postings) and its entries' length norms from bleve's reader
// r of n documents; docOf maps bleve's document numbers to entries.
func (s *snapshot) loadFieldBM25(r index.IndexReader, br index.BM25Reader, docOf []int32, f int, n uint64) ([]uint16, []float64, error) {
	name := fieldNames[f]
	p := s.post.field(f)
	card, err := br.FieldCardinality(name)
	if err != nil {
		return nil, nil, fmt.Errorf("search: bm25: %w", err)
	}
	avg := math.Ceil(float64(card) / float64(n))
	tf := make([]uint16, len(p.ids))
	norm := make([]float64, len(s.entries))
	read, err := postingsReader(r, name)
	if err != nil {
		return nil, nil, err
	}
	var term []byte
	for id, t := range s.sortedTerms {
		list := p.of(int32(id))
		if len(list) == 0 {
			continue
		}
		term = append(term[:0], t...)
		if err := s.readTermBM25(read, term, name, list, docOf, tf[p.off[id]:], norm); err != nil {
			return nil, nil, err
		}
	}
	return tf, lengthNorms(norm, avg), nil
}

// readTermBM25 reads the postings of term in field name through read: it
// puts each entry's frequency in tf (by its place in list, the term's
// entries in the snapshot) and its field norm in norm, and fails with
// errNoDirectScores unless bleve's documents are exactly list's entries.
func (s *snapshot) readTermBM25(read postingsFunc, term []byte, name string, list []int32, docOf []int32, tf []uint16, norm []float64) error {
	count := 0
	err := read(term, func(doc, freq uint64, nm float64) error {
		count++
		if doc >= uint64(len(docOf)) || docOf[doc] < 0 {
			return fmt.Errorf("%w: unknown document %d", errNoDirectScores, doc)
		}
		e := docOf[doc]
		k, found := slices.BinarySearch(list, e)
		if !found || freq > math.MaxUint16 {
			return fmt.Errorf("%w: %q in %s of %s", errNoDirectScores, term, name, s.entries[e].ID)
		}
		tf[k] = uint16(freq)
		norm[e] = nm
		return nil
	})
	if err != nil {
		return err
	}
	if count != len(list) {
		return fmt.Errorf("%w: %q in %s: %d entries, not %d", errNoDirectScores, term, name, count, len(list))
	}
	return nil
}

// lengthNorms is, per entry, the part of bleve's TermQueryScorer.docScore
// that depends on the entry only, from its field norm and the field's
// average length avg; 0 for an entry with no terms in the field (never
// scored).
func lengthNorms(norm []float64, avg float64) []float64 {
	ln := make([]float64, len(norm))
	for e, nm := range norm {
		if nm == 0 {
			continue
		}
		fieldLength := 1 / (nm * nm)
		ln[e] = search.BM25_k1 * (1 - search.BM25_b + (search.BM25_b * fieldLength / avg))
	}
	return ln
}

// postingsFunc calls each with the internal number, frequency and norm of
// every document having term (in the field it was made for).
type postingsFunc func(term []byte, each func(doc, freq uint64, norm float64) error) error

// postingsReader returns the postingsFunc of field in r. With one segment
// (what an index built in one batch has) it reads the segment's postings,
// reusing one list and iterator for every term; otherwise it goes through
// bleve's term field readers, several allocations a term.
func postingsReader(r index.IndexReader, field string) (postingsFunc, error) {
	ss := soleSegment(r)
	if ss == nil {
		return readerPostings(r, field), nil
	}
	dict, err := ss.Segment().Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("search: bm25: %w", err)
	}
	return segmentPostings(dict), nil
}

// soleSegment is r's segment when r is a scorch snapshot of one segment
// with nothing deleted, else nil.
func soleSegment(r index.IndexReader) *scorch.SegmentSnapshot {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok || len(is.Segments()) != 1 {
		return nil
	}
	ss := is.Segments()[0]
	if del := ss.Deleted(); del != nil && !del.IsEmpty() {
		return nil
	}
	return ss
}

// segmentPostings reads postings from one segment's dictionary, reusing
// one postings list and iterator for every term.
func segmentPostings(dict segment.TermDictionary) postingsFunc {
	var pl segment.PostingsList
	var it segment.PostingsIterator
	return func(term []byte, each func(doc, freq uint64, norm float64) error) error {
		var err error
		if pl, err = dict.PostingsList(term, nil, pl); err != nil {
			return fmt.Errorf("search: bm25: %w", err)
		}
		it = pl.Iterator(true, true, false, it)
		for {
			p, err := it.Next()
			if err != nil {
				return fmt.Errorf("search: bm25: %w", err)
			}
			if p == nil {
				return nil
			}
			if err := each(p.Number(), p.Frequency(), p.Norm()); err != nil {
				return err
			}
		}
	}
}

// readerPostings reads postings through r's term field readers.
func readerPostings(r index.IndexReader, field string) postingsFunc {
	ctx := context.Background()
	var tfd index.TermFieldDoc
	return func(term []byte, each func(doc, freq uint64, norm float64) error) error {
		tfr, err := r.TermFieldReader(ctx, term, field, true, true, false)
		if err != nil {
			return fmt.Errorf("search: bm25: %w", err)
		}
		defer tfr.Close()
		for {
			d, err := tfr.Next(&tfd)
			if err != nil {
				return fmt.Errorf("search: bm25: %w", err)
			}
			if d == nil {
				return nil
			}
			if err := each(d.ID.Value(), d.Freq, d.Norm); err != nil {
				return err
			}
		}
	}
}

// entriesByInternalID maps bleve's internal document numbers to entries
// (-1: none).
func (s *snapshot) entriesByInternalID(r index.IndexReader) ([]int32, error) {
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("search: bm25: %w", err)
	}
	defer ids.Close()
	docOf := make([]int32, 0, len(s.entries))
	for {
		id, err := ids.Next()
		if err != nil {
			return nil, fmt.Errorf("search: bm25: %w", err)
		}
		if id == nil {
			return docOf, nil
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			return nil, fmt.Errorf("search: bm25: %w", err)
		}
		e, ok := s.byID[ext]
		if !ok {
			return nil, fmt.Errorf("%w: unknown entry %q", errNoDirectScores, ext)
		}
		v := id.Value()
		for uint64(len(docOf)) <= v {
			docOf = append(docOf, -1)
		}
		docOf[v] = int32(e)
	}
}

// termClause is one term searched in one field: bleve's TermSearcher.
type termClause struct {
	list    []int32  // entries with the term in the field
	tf      []uint16 // their term frequencies
	lenNorm []float64
	bound   float64 // bm25.bound of the term in the field
	// idf, boost and qw (boost·idf·queryNorm) as bleve's TermQueryScorer.
	idf, boost, qw float64
}

// count is bleve's Count for the clause.
func (t *termClause) count() uint64 { return uint64(len(t.list)) }

// score is bleve's TermQueryScorer.Score for the posting at k.
func (t *termClause) score(k int, e int32) float64 {
	var tf float64
	if f := t.tf[k]; f < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[f]
	} else {
		tf = math.Sqrt(float64(f))
	}
	score := t.idf * (tf * search.BM25_k1) / (tf + t.lenNorm[e])
	if t.qw != 1.0 {
		score = score * t.qw
	}
	return score
}

// scoreClause is one clause of the question's disjunction: a term, or the
// conjunction of a phrase's terms.
type scoreClause struct {
	terms []termClause
	cnt   uint64
}

// byCount sorts like bleve's OrderedSearcherList.
type byCount []scoreClause

func (c byCount) Len() int           { return len(c) }
func (c byCount) Less(i, j int) bool { return c[i].cnt < c[j].cnt }
func (c byCount) Swap(i, j int)      { c[i], c[j] = c[j], c[i] }

type termsByCount []termClause

func (c termsByCount) Len() int           { return len(c) }
func (c termsByCount) Less(i, j int) bool { return c[i].count() < c[j].count() }
func (c termsByCount) Swap(i, j int)      { c[i], c[j] = c[j], c[i] }

// hit is a scored entry.
type hit struct {
	i     int32
	score float64
}

// scoring is one search's working space, recycled through the snapshot's
// pool: acc and matched are per entry and kept zero between searches.
type scoring struct {
	acc     []float64
	matched []uint16
	touched []int32
	clauses []scoreClause
	terms   []termClause
	top     []hit
	// rest[j] is the sum of clauses j… 's score bounds; rest[len(clauses)]
	// is 0 (prune.go).
	rest []float64
	// theta, thetaSeen, heap, scores and alive are prune.go's working
	// space: θ and the number of seen entries it was computed with.
	theta     float64
	thetaSeen int
	heap      []hit
	alive     []int32
	// scores are the exact scores of the entries in scoredList (scored
	// marks them, per entry; kept false between searches).
	scores     []float64
	scored     []bool
	scoredList []int32
	// exhaustive turns pruning off and eager tries it wherever it is
	// possible, whatever it costs (tests compare the readings); stoppedAt
	// is the clause before which the last search stopped reading whole
	// lists, or -1.
	exhaustive, eager bool
	stoppedAt         int
}

func (s *snapshot) getScoring() *scoring {
	if sc, ok := s.scoringPool.Get().(*scoring); ok {
		return sc
	}
	return &scoring{acc: make([]float64, len(s.entries)), matched: make([]uint16, len(s.entries)), top: make([]hit, 0, candidates+1)}
}

func (s *snapshot) putScoring(sc *scoring) {
	for _, e := range sc.touched {
		sc.acc[e], sc.matched[e] = 0, 0
	}
	sc.touched = sc.touched[:0]
	clear(sc.clauses)
	clear(sc.terms)
	sc.clauses, sc.terms, sc.top = sc.clauses[:0], sc.terms[:0], sc.top[:0]
	sc.theta, sc.thetaSeen = 0, 0
	for _, e := range sc.scoredList {
		sc.scored[e] = false
	}
	sc.scoredList, sc.scores = sc.scoredList[:0], sc.scores[:0]
	s.scoringPool.Put(sc)
}

// pruningOff turns pruning off in every search (the tests' paired
// benchmark, BenchmarkScalePruning; set only while no search runs).
var pruningOff bool

// directHits scores the entries for buildQuery's query over the postings
// and returns the best n, best first, ties by ID, in sc.top. It returns
// nil when the question has no clause. It reads the clauses rarest first
// and stops reading whole lists once no entry it has not seen can be among
// the best n (prune.go).
func (s *snapshot) directHits(cs []concept, n int, sc *scoring) []hit {
	s.addClauses(cs, sc)
	if len(sc.clauses) == 0 {
		return nil
	}
	sort.Sort(byCount(sc.clauses))
	setQueryWeights(sc.clauses)
	sc.setBounds()
	sc.stoppedAt = -1
	exhaustive := sc.exhaustive || pruningOff
	for j := range sc.clauses {
		if !exhaustive && sc.canStop(j, n) {
			sc.stoppedAt = j
			sc.finish(j, n, s.entries)
			return sc.top
		}
		sc.accumulate(j)
	}
	coordTotal := float64(len(sc.clauses))
	for _, e := range sc.touched {
		score := sc.acc[e] * (float64(sc.matched[e]) / coordTotal)
		sc.offer(hit{e, score}, n, s.entries)
	}
	return sc.top
}

// accumulate adds clause j's score to every entry it matches.
func (sc *scoring) accumulate(j int) {
	cl := sc.clauses[j]
	if len(cl.terms) == 1 {
		t := &cl.terms[0]
		for k, e := range t.list {
			sc.add(e, t.score(k, e))
		}
		return
	}
	sc.scorePhrase(cl.terms)
}

// addClauses puts the question's clauses in sc, in buildQuery's order;
// every term's slice is cut from sc.terms, grown first so that the slices
// stay put.
func (s *snapshot) addClauses(cs []concept, sc *scoring) {
	nterms := 0
	for _, c := range cs {
		for k, a := range c.alts {
			if c.present[k] {
				nterms += 2 * len(a)
			}
		}
	}
	sc.terms = slices.Grow(sc.terms[:0], nterms)
	for _, c := range cs {
		for k := range c.alts {
			if !c.present[k] {
				continue
			}
			alt := c.altBoost(k)
			for f, boost := range [2]float64{fieldTitle: titleBoost, fieldBody: bodyBoost} {
				if fieldMatches(f, c.sets[k]) {
					s.addClause(c.sets[k], f, boost*alt, sc)
				}
			}
		}
	}
}

// addClause adds the clause of one phrase (the term sets of its stems) on
// field f with its boost.
func (s *snapshot) addClause(sets []*termSets, f int, boost float64, sc *scoring) {
	bm := s.bm
	start := len(sc.terms)
	p := s.post.field(f)
	for _, ts := range sets {
		list, off := ts.body, p.off[ts.id]
		if f == fieldTitle {
			list = ts.title
		}
		sc.terms = append(sc.terms, termClause{list: list, tf: bm.tf[f][off : int(off)+len(list)], lenNorm: bm.lenNorm[f], bound: bm.bound[f][ts.id], boost: 1})
	}
	terms := sc.terms[start:len(sc.terms):len(sc.terms)]
	cl := scoreClause{terms: terms}
	if len(terms) == 1 {
		terms[0].boost = boost
	} else {
		// bleve's ConjunctionSearcher orders its terms by count.
		sort.Sort(termsByCount(terms))
	}
	for j := range terms {
		d := float64(terms[j].count())
		terms[j].idf = math.Log(1 + (float64(bm.docTotal)-d+0.5)/(d+0.5))
		cl.cnt += terms[j].count()
	}
	sc.clauses = append(sc.clauses, cl)
}

// setQueryWeights gives every term its query weight: boost × idf over the
// query norm, the square root of the clauses' summed squared weights.
func setQueryWeights(clauses []scoreClause) {
	sum := 0.0
	for _, cl := range clauses {
		w := 0.0
		if len(cl.terms) == 1 {
			t := cl.terms[0]
			x := t.boost * t.idf
			w = x * x
		} else {
			for _, t := range cl.terms {
				x := t.boost * t.idf
				w += x * x
			}
		}
		sum += w
	}
	qnorm := 1.0 / math.Sqrt(sum)
	for _, cl := range clauses {
		for j := range cl.terms {
			t := &cl.terms[j]
			t.qw = t.boost * t.idf * qnorm
		}
	}
}

// add adds a clause's score for entry e.
func (sc *scoring) add(e int32, score float64) {
	if sc.matched[e] == 0 {
		sc.touched = append(sc.touched, e)
	}
	sc.acc[e] += score
	sc.matched[e]++
}

// scorePhrase adds the scores of the entries that have every term of a
// phrase: the sum of the terms' scores, in their order.
func (sc *scoring) scorePhrase(terms []termClause) {
	var buf [8]int
	pos := buf[:0]
	if len(terms) > len(buf) {
		pos = make([]int, 0, len(terms))
	}
	pos = pos[:len(terms)]
	clear(pos)
	first := terms[0].list
next:
	for k0, e := range first {
		pos[0] = k0
		for j := 1; j < len(terms); j++ {
			l := terms[j].list
			k := pos[j]
			for k < len(l) && l[k] < e {
				k++
			}
			pos[j] = k
			if k == len(l) {
				return
			}
			if l[k] != e {
				continue next
			}
		}
		var sum float64
		for j := range terms {
			sum += terms[j].score(pos[j], e)
		}
		sc.add(e, sum)
	}
}

// offer keeps h in sc.top if it is among the best n, by score and then
// by entry ID.
func (sc *scoring) offer(h hit, n int, entries []faq.Entry) {
	better := func(a, b hit) bool {
		if a.score != b.score {
			return a.score > b.score
		}
		return strings.Compare(entries[a.i].ID, entries[b.i].ID) < 0
	}
	top := sc.top
	if len(top) == n && !better(h, top[n-1]) {
		return
	}
	if len(top) < n {
		top = append(top, h)
	} else {
		top[n-1] = h
	}
	for k := len(top) - 1; k > 0 && better(top[k], top[k-1]); k-- {
		top[k], top[k-1] = top[k-1], top[k]
	}
	sc.top = top
}
