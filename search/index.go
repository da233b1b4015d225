// Package search is faqbot's retrieval: a bleve index over faq.Entries
// (built on disk in batches and served memory-mapped, see buildOnDisk)
// with an English analyzer, BM25 scoring and field boosts, a thesaurus of
// lay health wording, typo correction against the content's own
// vocabulary, and a calibrated confidence that tells the core when the
// best match does not really answer the question.
//
// An Index serves searches from one immutable snapshot at a time. Reindex
// builds a new snapshot aside and swaps it in atomically, so a search sees
// either the old content or the new one, never a half-built index.
package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"faqbot/faq"
)

// The indexed fields, as the snapshot's per-field term sets number them.
const (
	fieldTitle = iota
	fieldBody
)

// Field boosts: question and heading words count more than body words.
const (
	titleBoost = 2.5
	bodyBoost  = 1.0
)

// document is what bleve indexes for one entry.
type document struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Type implements bleve's mapping.Classifier.
func (document) Type() string { return "entry" }

func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	if err := addAnalysis(im); err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	im.DefaultAnalyzer = analyzerName
	im.ScoringModel = index.BM25Scoring
	txt := bleve.NewTextFieldMapping()
	txt.Analyzer = analyzerName
	txt.Store = false
	txt.IncludeInAll = false
	txt.IncludeTermVectors = false
	txt.DocValues = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("title", txt)
	dm.AddFieldMappingsAt("body", txt)
	im.AddDocumentMapping("entry", dm)
	im.DefaultMapping.Enabled = false
	return im, nil
}

// snapshot is one built, immutable index with its statistics.
//
// Beside bleve's index it keeps what the features read, compactly: every
// analyzed term once (terms, sorted, with termID numbering them in that
// order), and for each term the sorted entry numbers that contain it in
// any field, in the title, in the body, and the passage sections that
// contain it (post). Nothing per entry is a map.
type snapshot struct {
	idx     bleve.Index
	entries []faq.Entry
	byID    map[string]int
	// qword is each entry title's question word (see questionWord).
	qword []string
	// termID numbers each analyzed term of the content: its index in
	// sortedTerms, which lists them in order, for prefix lookups.
	termID      map[string]int32
	sortedTerms []string
	// post holds each term's postings (see termPostings).
	post termPostings
	// sectionOf is each passage's section (by file and heading) and -1 for
	// FAQ entries, which are their own section; sections lists each
	// section's entries.
	sectionOf []int32
	sections  postingList
	// dfs is each term's document frequency.
	dfs []int32
	// titleTerms are each entry's title terms (sorted); titleWeight is each
	// term's weight in titlePrecision and titleAll each entry's sum of them.
	titleTerms  postingList
	titleWeight []float64
	titleAll    []float64
	// spell holds the correction candidates (see correct), and corrections
	// the words corrected so far.
	spell       spellIndex
	corrections corrections
	idfMax      float64
	syn         *Synonyms
	// firstInSection marks passages that open their section.
	firstInSection []bool
	// answerTypes holds each entry's answer types (answertype.go).
	answerTypes []uint8
	// titleRows and bodyRows list each entry's title and body words that
	// have vectors, by row.
	titleRows, bodyRows postingList
	// wordings holds, for entries with alternate questions only, the term
	// IDs of each wording (the title, then each alternate), so that title
	// precision is that of the wording the question fits best.
	wordings map[int32][][]int32
	// bm holds what scoring the candidates over the postings reads besides
	// them (score.go); nil when bleve's postings differ from the
	// snapshot's, and then bleve scores them. scoringPool recycles the
	// searches' working space.
	bm          *bm25
	scoringPool sync.Pool
	// marksPool recycles the entry marks of conceptDF.
	marksPool sync.Pool
	// dfCache remembers concepts' document frequencies (cachedConceptDF).
	dfMu    sync.RWMutex
	dfCache map[string]int
	built   time.Time
	// diskErr is why bleve's index of more than one batch was built in
	// memory rather than on disk (buildSnapshotIn); nil otherwise.
	diskErr error
}

// postingList is a list of sorted int32 lists, numbered from 0, in one
// array: list k is ids[off[k]:off[k+1]].
type postingList struct {
	off []uint32
	ids []int32
}

// of returns list k (nil when there is no such list).
func (p *postingList) of(k int32) []int32 {
	if k < 0 || int(k)+1 >= len(p.off) {
		return nil
	}
	return p.ids[p.off[k]:p.off[k+1]]
}

// termPostings are, for each term (by termID), the entries containing it
// in their title and in their body (among all their terms: either), and
// the passage sections containing it. An entry's terms in its section are
// those of its section when it is a passage, its own otherwise.
type termPostings struct{ title, body, sections postingList }

// df is the number of entries containing term (0 for a term the content
// never uses).
func (s *snapshot) df(term string) int {
	id, ok := s.termID[term]
	if !ok {
		return 0
	}
	return int(s.dfs[id])
}

func (s *snapshot) idf(term string) float64 { return s.idfOf(s.df(term)) }

// idfOf is the BM25 inverse document frequency of a term in df entries.
func (s *snapshot) idfOf(df int) float64 {
	n := float64(len(s.entries))
	d := float64(df)
	return math.Log(1 + (n-d+0.5)/(d+0.5))
}

// buildSnapshot is buildSnapshotIn with the system's temporary folder.
func buildSnapshot(entries []faq.Entry, syn *Synonyms) (*snapshot, error) {
	return buildSnapshotIn(entries, syn, "")
}

// buildSnapshotIn indexes entries and computes the snapshot's derived
// data. Content of more than one batch (buildBatch entries) has bleve's
// index built on disk, in batches (buildOnDisk), inside a new folder
// under parent ("" for the system's temporary folder); when that fails (a
// read-only or full disk) it is built in memory in one batch, as before,
// and the snapshot's diskErr says why. Content of one batch is built in
// memory: the disk would save no memory and cost its writes and syncs
// (the bundled content: 7 ms a build in memory, 27–36 ms on disk). Both
// give the same one segment and the same scores.
func buildSnapshotIn(entries []faq.Entry, syn *Synonyms, parent string) (*snapshot, error) {
	if len(entries) == 0 {
		return nil, errors.New("search: no entries to index")
	}
	// The ranker's word classes come from WordNet, parsed once per
	// process (about 50 ms, 10 MB): parsed beside the build, so that the
	// first question does not wait for it. For content of one batch the
	// build is shorter than the parse, so it starts now; for more, once
	// bleve's index and faqbot's analysis are done, so that it does not
	// add to their peak (MedQuAD 10k: 117–122 → 101–112 MB of peak RSS).
	oneBatch := len(entries) <= buildBatch
	if oneBatch {
		go loadWordNet()
	}
	im, err := newMapping()
	if err != nil {
		return nil, err
	}
	s := &snapshot{entries: entries}
	if err := s.indexEntries(); err != nil {
		return nil, err
	}
	// Bleve analyzes and indexes on one goroutine while faqbot's own
	// analysis of the same texts runs on this one.
	built := make(chan error, 1)
	go func() {
		var idx bleve.Index
		var derr error
		if !oneBatch {
			idx, derr = buildOnDisk(entries, im, parent)
			s.diskErr = derr
		}
		if oneBatch || derr != nil {
			var merr error
			if idx, merr = buildInMemory(entries, im); merr != nil {
				built <- merr
				return
			}
		}
		s.idx = idx
		built <- nil
	}()
	vocab := map[string]int{}
	tb := newTermBuilder(len(entries))
	for _, e := range entries {
		title, body := documentOf(e)
		tb.add(title, body)
		for _, w := range splitWords(title + " " + body) {
			if _, ok := vocab[w]; !ok {
				// The word is a slice of the whole lowered text: copy it,
				// or the spelling index would keep every entry's text.
				w = strings.Clone(w)
			}
			vocab[w]++
		}
	}
	if err := <-built; err != nil {
		return nil, err
	}
	if !oneBatch {
		go loadWordNet()
	}
	s.sectionOf, s.sections = sectionsOf(entries)
	s.termID, s.sortedTerms, s.dfs, s.post = tb.finish(s.sectionOf, s.sections)
	s.titleTerms = tb.title
	s.answerTypes = answerTypesOf(entries)
	s.finish(vocab, syn)
	if err := s.attachBM25(); err != nil {
		s.idx.Close()
		return nil, err
	}
	return s, nil
}

// documentOf is what bleve indexes of an entry: its title field and its
// body field.
func documentOf(e faq.Entry) (title, body string) {
	body = e.Text
	if e.Context != "" {
		body = e.Context + "\n" + body
	}
	return titleText(e), body
}

// buildBatch is how many entries bleve analyzes into one segment at a time
// while building on disk: the build's peak memory grows with it (MedQuAD
// 10k, peak RSS of `faqbot ask`: 250 → 113–118 MB, 500 → 115–117 MB,
// 1,000 → 121–122 MB, 4,000 → 167–178 MB, in one batch 205–220 MB), and
// the merge's work with the number of segments. A variable for the tests,
// which build small contents in several batches.
var buildBatch = 500

// buildMergeMax is how many segments bleve's builder merges at a time:
// up to 50,000 entries in one pass.
const buildMergeMax = 100

// buildOnDisk builds bleve's index of entries with bleve's offline
// builder: it analyzes buildBatch entries at a time into a segment
// written to disk, merges the segments into one at the end and writes the
// index, which is then opened read-only (memory-mapped). Several segments
// would score differently (BM25's average field length comes from the sum
// of the segments' dictionaries); the one merged segment has the single
// batch's dictionaries, norms and frequencies, so the scores are the same
// as buildInMemory's bit for bit (TestDirectScoresMatchBleve).
//
// The folder is made under parent, named buildPrefix+"index-…" there so
// that the index path's cleanup knows it (openDiskStore), and kept while
// the index is open: the persisted copy is made from its files
// (copyBleve). With parent "" it is made in the system's temporary folder
// and, where open files can be removed (not Windows), removed as soon as
// the index is open, so that even a killed process leaves nothing behind.
// Otherwise the returned index removes it when closed. On error it is
// removed before returning.
func buildOnDisk(entries []faq.Entry, im mapping.IndexMapping, parent string) (idx bleve.Index, err error) {
	prefix := "faqbot-index-"
	if parent != "" {
		prefix = buildPrefix + "index-"
	}
	dir, err := os.MkdirTemp(parent, prefix)
	if err != nil {
		return nil, fmt.Errorf("search: index build folder: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	path := filepath.Join(dir, "bleve")
	b, err := bleve.NewBuilder(path, im, map[string]interface{}{"batchSize": buildBatch, "mergeMax": buildMergeMax, "buildPathPrefix": dir})
	if err != nil {
		return nil, fmt.Errorf("search: index build in %s: %w", dir, err)
	}
	for _, e := range entries {
		title, body := documentOf(e)
		if err := b.Index(e.ID, document{Title: title, Body: body}); err != nil {
			b.Close()
			return nil, fmt.Errorf("search: index %s in %s: %w", e.ID, dir, err)
		}
	}
	if err := b.Close(); err != nil {
		return nil, fmt.Errorf("search: index build in %s: %w", dir, err)
	}
	bi, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("search: open the built index in %s: %w", dir, err)
	}
	if parent == "" && runtime.GOOS != "windows" {
		// A read-only scorch index keeps its files open and mapped and
		// opens no other: removing the names frees the disk at Close.
		if err := os.RemoveAll(dir); err != nil {
			bi.Close()
			return nil, fmt.Errorf("search: remove the index build folder: %w", err)
		}
		return bi, nil
	}
	return &folderIndex{bleveIndex: bi, dir: dir}, nil
}

// folderIndex is a bleve index whose folder is removed when it is closed,
// or earlier by dropFolder.
type folderIndex struct {
	bleveIndex // embedded under this name: a field named Index would hide the method
	mu         sync.Mutex
	dir        string // "" once removed
}

type bleveIndex = bleve.Index

// Close closes the index and removes its folder.
func (x *folderIndex) Close() error {
	err := x.bleveIndex.Close()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.dir == "" {
		return err
	}
	if rerr := os.RemoveAll(x.dir); rerr != nil {
		err = errors.Join(err, fmt.Errorf("search: remove index folder: %w", rerr))
	}
	x.dir = ""
	return err
}

// dropFolder removes the build folder of idx, if it has one, once nothing
// needs its files any more (its persisted copy is made, or will not be),
// where open files can be removed (not Windows): the index keeps serving
// from the open files, and the disk holds the persisted copy only.
func dropFolder(idx bleve.Index) {
	x, ok := idx.(*folderIndex)
	if !ok || runtime.GOOS == "windows" {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.dir != "" && os.RemoveAll(x.dir) == nil {
		x.dir = ""
	}
}

// buildInMemory builds bleve's index of entries in memory, in one batch
// (one segment): the analysis of every entry is held until the segment is
// built, so it needs several times the memory of buildOnDisk.
func buildInMemory(entries []faq.Entry, im mapping.IndexMapping) (bleve.Index, error) {
	idx, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: new index: %w", err)
	}
	b := idx.NewBatch()
	for _, e := range entries {
		title, body := documentOf(e)
		if err := b.Index(e.ID, document{Title: title, Body: body}); err != nil {
			idx.Close()
			return nil, fmt.Errorf("search: index %s: %w", e.ID, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, fmt.Errorf("search: index batch: %w", err)
	}
	return idx, nil
}

// attachBM25 reads the term frequencies and field norms that direct
// scoring needs from bleve's index (score.go); an index it cannot read
// them from (several segments) is searched through bleve instead.
func (s *snapshot) attachBM25() error {
	switch bm, err := s.loadBM25(); {
	case err == nil:
		s.bm = bm
	case !errors.Is(err, errNoDirectScores):
		return err
	}
	return nil
}

// indexEntries numbers the entries by ID, refusing a duplicate ID.
func (s *snapshot) indexEntries() error {
	s.byID = make(map[string]int, len(s.entries))
	for i, e := range s.entries {
		if _, dup := s.byID[e.ID]; dup {
			return fmt.Errorf("search: duplicate entry ID %q (%s:%d)", e.ID, e.Source, e.Line)
		}
		s.byID[e.ID] = i
	}
	return nil
}

// finish computes what follows from the entries, their analyzed terms
// (termID, sortedTerms, dfs, post, titleTerms) and the content's surface
// words with their frequencies (vocab): the same whether the snapshot was
// just built or read back from disk (persist.go), which gives the fields
// that are slower to compute (termID, sections, qword, wordings are
// computed here only when nil, and spell with them).
func (s *snapshot) finish(vocab map[string]int, syn *Synonyms) {
	s.syn = syn
	s.built = time.Now()
	if s.termID == nil {
		s.termID = make(map[string]int32, len(s.sortedTerms))
		for k, t := range s.sortedTerms {
			s.termID[t] = int32(k)
		}
	}
	if s.sections.off == nil {
		s.sectionOf, s.sections = sectionsOf(s.entries)
	}
	if s.qword == nil {
		s.qword = make([]string, len(s.entries))
		for i, e := range s.entries {
			s.qword[i] = questionWord(e.Title)
		}
	}
	if s.wordings == nil {
		s.wordings = s.wordingsOf(s.entries)
	}
	s.idfMax = s.idf("\x00never")
	if s.spell == nil {
		s.spell = newSpellIndex(vocab, syn)
	}
	s.titleWeight, s.titleAll = s.titleWeightsOf(s.titleTerms)
	s.firstInSection = firstInSections(s.entries)
	if s.titleRows.off == nil {
		s.titleRows, s.bodyRows = entryRows(s.entries)
	}
}

// bodyRowCap bounds an entry's body rows to its rarest words (GloVe lists
// words by frequency, so the highest rows): the soft features dot each with
// the question's uncovered words, and a long passage's commonest words are
// seldom the nearest to a question's. Measured (`faqbot train`, 683
// questions): the held-out-fold figures are the same at 32 as with every
// word (top-1 58.2%, answered right 47.2%, declined 81.6%), and
// BenchmarkAnswer 15% faster; at 24 the threshold moves (0.41 → 0.37).
const bodyRowCap = 32

// entryRows gives each entry's title and body word rows.
func entryRows(entries []faq.Entry) (title, body postingList) {
	title.off = make([]uint32, 1, len(entries)+1)
	body.off = make([]uint32, 1, len(entries)+1)
	wv, err := loadVectors()
	memo := map[string]int32{}
	for _, e := range entries {
		if err == nil {
			t, b := documentOf(e)
			title.ids = wv.textRows(title.ids, splitWords(t), memo)
			start := len(body.ids)
			body.ids = wv.textRows(body.ids, splitWords(t+" "+b), memo)
			if n := bodyRowCap; len(body.ids)-start > n {
				rows := body.ids[start:]
				slices.SortFunc(rows, func(a, b int32) int { return cmp.Compare(b, a) })
				body.ids = body.ids[:start+n]
			}
		}
		title.off = append(title.off, uint32(len(title.ids)))
		body.off = append(body.off, uint32(len(body.ids)))
	}
	title.ids, body.ids = slices.Clip(title.ids), slices.Clip(body.ids)
	return title, body
}

// wordingsOf gives the term IDs of each wording of the entries that have
// alternate questions.
func (s *snapshot) wordingsOf(entries []faq.Entry) map[int32][][]int32 {
	out := map[int32][][]int32{}
	for i, e := range entries {
		if len(e.Alternates) == 0 {
			continue
		}
		main := e.Title
		if e.Label != "" {
			main += "\n" + e.Label
		}
		var ws [][]int32
		for _, text := range append([]string{main}, e.Alternates...) {
			var ids []int32
			for _, t := range stems(text) {
				if id, ok := s.termID[t]; ok && !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			ws = append(ws, ids)
		}
		out[int32(i)] = ws
	}
	return out
}

// sectionsOf numbers the passage sections (passages sharing a file and a
// heading) in order of first appearance: each entry's section (-1 for FAQ
// entries) and each section's entries.
func sectionsOf(entries []faq.Entry) ([]int32, postingList) {
	type key struct{ source, title string }
	num := map[key]int32{}
	of := make([]int32, len(entries))
	var count []uint32
	for i, e := range entries {
		of[i] = -1
		if e.Type != faq.TypePassage {
			continue
		}
		k := key{e.Source, e.Title}
		n, ok := num[k]
		if !ok {
			n = int32(len(count))
			num[k] = n
			count = append(count, 0)
		}
		of[i] = n
		count[n]++
	}
	return of, fill(count, func(emit func(list, id int32)) {
		for i, n := range of {
			if n >= 0 {
				emit(n, int32(i))
			}
		}
	})
}

// fill builds a postingList of len(count) lists of count[k] ids each from
// the (list, id) pairs that each calls emit with, in order.
func fill(count []uint32, each func(emit func(list, id int32))) postingList {
	p := postingList{off: make([]uint32, len(count)+1)}
	for k, c := range count {
		p.off[k+1] = p.off[k] + c
	}
	p.ids = make([]int32, p.off[len(count)])
	next := slices.Clone(p.off[:len(count)])
	each(func(list, id int32) {
		p.ids[next[list]] = id
		next[list]++
	})
	return p
}

// termBuilder collects each entry's analyzed terms, each analyzed once,
// as numbers of interned terms, while the index is built.
type termBuilder struct {
	ids   map[string]int32
	terms []string
	// title and body are each entry's distinct terms, sorted by number.
	title, body postingList
	buf         []int32
}

func newTermBuilder(n int) *termBuilder {
	return &termBuilder{ids: map[string]int32{},
		title: postingList{off: make([]uint32, 1, n+1)}, body: postingList{off: make([]uint32, 1, n+1)}}
}

// add records the next entry's title and body terms.
func (tb *termBuilder) add(title, body string) {
	tb.title = tb.appendTerms(tb.title, title)
	tb.body = tb.appendTerms(tb.body, body)
}

func (tb *termBuilder) appendTerms(p postingList, text string) postingList {
	tb.buf = tb.buf[:0]
	for _, t := range analyzer.Analyze([]byte(text)) {
		id, ok := tb.ids[string(t.Term)]
		if !ok {
			id = int32(len(tb.terms))
			st := string(t.Term)
			tb.ids[st] = id
			tb.terms = append(tb.terms, st)
		}
		tb.buf = append(tb.buf, id)
	}
	slices.Sort(tb.buf)
	p.ids = append(p.ids, slices.Compact(tb.buf)...)
	p.off = append(p.off, uint32(len(p.ids)))
	return p
}

// finish renumbers the terms in sorted order and returns the term numbers,
// the sorted terms, their document frequencies and the postings.
func (tb *termBuilder) finish(sectionOf []int32, sections postingList) (map[string]int32, []string, []int32, termPostings) {
	order := make([]int32, len(tb.terms))
	for k := range order {
		order[k] = int32(k)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(tb.terms[a], tb.terms[b]) })
	renum := make([]int32, len(order))
	sorted := make([]string, len(order))
	for k, old := range order {
		renum[old] = int32(k)
		sorted[k] = tb.terms[old]
	}
	for t, old := range tb.ids {
		tb.ids[t] = renum[old]
	}
	for _, p := range []*postingList{&tb.title, &tb.body} {
		for k := range p.ids {
			p.ids[k] = renum[p.ids[k]]
		}
		for e := 0; e+1 < len(p.off); e++ {
			slices.Sort(p.ids[p.off[e]:p.off[e+1]])
		}
	}
	tb.terms = sorted
	nEntries := len(tb.title.off) - 1
	// all: each entry's title and body terms, merged.
	var all postingList
	all.off = make([]uint32, 1, nEntries+1)
	all.ids = make([]int32, 0, len(tb.title.ids)+len(tb.body.ids))
	for e := int32(0); int(e) < nEntries; e++ {
		all.ids = mergeUnion(all.ids, tb.title.of(e), tb.body.of(e))
		all.off = append(all.off, uint32(len(all.ids)))
	}
	// sections: each section's terms, the union of its passages'.
	var secTerms postingList
	secTerms.off = make([]uint32, 1, len(sections.off))
	var tmp []int32
	for sec := int32(0); int(sec)+1 < len(sections.off); sec++ {
		tmp = tmp[:0]
		for _, e := range sections.of(sec) {
			tmp = append(tmp, all.of(e)...)
		}
		slices.Sort(tmp)
		secTerms.ids = append(secTerms.ids, slices.Compact(tmp)...)
		secTerms.off = append(secTerms.off, uint32(len(secTerms.ids)))
	}
	dfs := make([]int32, len(sorted))
	for _, t := range all.ids {
		dfs[t]++
	}
	return tb.ids, sorted, dfs, termPostings{
		title: invert(tb.title, len(sorted)), body: invert(tb.body, len(sorted)), sections: invert(secTerms, len(sorted)),
	}
}

// invert turns lists of terms (per entry or section) into lists, per
// term, of the entries or sections holding it, in order.
func invert(p postingList, nTerms int) postingList {
	count := make([]uint32, nTerms)
	for _, t := range p.ids {
		count[t]++
	}
	return fill(count, func(emit func(list, id int32)) {
		for k := int32(0); int(k)+1 < len(p.off); k++ {
			for _, t := range p.of(k) {
				emit(t, k)
			}
		}
	})
}

// mergeUnion appends the union of sorted lists a and b to dst.
func mergeUnion(dst, a, b []int32) []int32 {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			dst = append(dst, a[i])
			i++
		case a[i] > b[j]:
			dst = append(dst, b[j])
			j++
		default:
			dst = append(dst, a[i])
			i++
			j++
		}
	}
	dst = append(dst, a[i:]...)
	return append(dst, b[j:]...)
}

// titleText is what the title field holds: the question or heading, a
// bullet's label and any alternate questions.
func titleText(e faq.Entry) string {
	parts := []string{e.Title}
	if e.Label != "" {
		parts = append(parts, e.Label)
	}
	parts = append(parts, e.Alternates...)
	return strings.Join(parts, "\n")
}

// Index serves searches over the current snapshot and swaps in new ones.
// It is safe for concurrent use.
type Index struct {
	mu   sync.RWMutex
	snap *snapshot
	rk   *Ranker
}

// New builds an index over entries with the given thesaurus (nil for none).
func New(entries []faq.Entry, syn *Synonyms) (*Index, error) {
	return newIndexIn(entries, syn, "")
}

// newIndexIn is New building in a folder under parent (buildSnapshotIn).
func newIndexIn(entries []faq.Entry, syn *Synonyms, parent string) (*Index, error) {
	s, err := buildSnapshotIn(entries, syn, parent)
	if err != nil {
		return nil, err
	}
	if err := embeddedDataErr(); err != nil {
		s.idx.Close()
		return nil, err
	}
	return &Index{snap: s, rk: DefaultRanker()}, nil
}

// SetRanker makes r rank every later search (nil: the bundled ranker).
func (x *Index) SetRanker(r *Ranker) {
	if r == nil {
		r = DefaultRanker()
	}
	x.mu.Lock()
	x.rk = r
	x.mu.Unlock()
}

// Ranker returns the ranker in use.
func (x *Index) Ranker() *Ranker {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.rk
}

// Replace builds a new snapshot from entries and swaps it in atomically.
// On error the current snapshot keeps serving.
func (x *Index) Replace(entries []faq.Entry, syn *Synonyms) error {
	s, err := buildSnapshot(entries, syn)
	if err != nil {
		return err
	}
	x.swap(s)
	return nil
}

// swap makes s the snapshot searches use and closes the one it replaces.
func (x *Index) swap(s *snapshot) {
	x.mu.Lock()
	old := x.snap
	x.snap = s
	x.mu.Unlock()
	// Searches hold the read lock for their whole run, so once the write
	// lock was taken no search still uses old.
	if old != nil {
		old.idx.Close()
	}
}

// Close releases the index.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.snap == nil {
		return nil
	}
	err := x.snap.idx.Close()
	x.snap = nil
	return err
}

// Entry returns the entry with the given ID.
func (x *Index) Entry(id string) (faq.Entry, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.snap == nil {
		return faq.Entry{}, false
	}
	i, ok := x.snap.byID[id]
	if !ok {
		return faq.Entry{}, false
	}
	return x.snap.entries[i], true
}

// Entries returns all indexed entries, in content order.
func (x *Index) Entries() []faq.Entry {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.snap == nil {
		return nil
	}
	return x.snap.entries
}

// Len is the number of indexed entries.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.snap == nil {
		return 0
	}
	return len(x.snap.entries)
}

// ErrClosed is returned by Search after Close.
var ErrClosed = errors.New("search: index closed")

// Search finds the entries that best answer query, best first, at most
// limit of them, each with a calibrated confidence. A query with no usable
// words returns no matches and no error.
func (x *Index) Search(ctx context.Context, query string, limit int) ([]faq.Match, error) {
	s, rk, err := x.reading(ctx)
	if err != nil {
		return nil, err
	}
	defer x.mu.RUnlock()
	return s.search(ctx, rk, query, limit)
}

// reading takes the read lock for a search in ctx and returns the serving
// snapshot and ranker; the caller releases the lock (x.mu.RUnlock). On an
// error (ctx's, or ErrClosed) the lock is not held.
func (x *Index) reading(ctx context.Context) (*snapshot, *Ranker, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	x.mu.RLock()
	if x.snap == nil {
		x.mu.RUnlock()
		return nil, nil, ErrClosed
	}
	return x.snap, x.rk, nil
}

// Candidate is an entry retrieved for a question, with the features the
// ranker weighed, its score and its calibrated confidence.
type Candidate struct {
	Entry      faq.Entry
	Features   Features
	Score      float64
	Confidence float64
}

// Candidates returns every entry retrieved for query with its features,
// best first by the current ranker: what training and explanations need.
func (x *Index) Candidates(ctx context.Context, query string) ([]Candidate, error) {
	s, rk, err := x.reading(ctx)
	if err != nil {
		return nil, err
	}
	defer x.mu.RUnlock()
	cands, _, err := s.ranked(ctx, rk, query)
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, len(cands))
	for k, c := range cands {
		out[k] = Candidate{Entry: s.entries[c.i], Features: c.x, Score: c.z, Confidence: c.conf}
	}
	return out, nil
}
