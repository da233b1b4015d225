// Package search is faqbot's retrieval: an in-memory bleve index over
// faq.Entries with an English analyzer, BM25 scoring and field boosts, a
// thesaurus of lay health wording, typo correction against the content's
// own vocabulary, and a calibrated confidence that tells the core when the
// best match does not really answer the question.
//
// An Index serves searches from one immutable snapshot at a time. Reindex
// builds a new snapshot aside and swaps it in atomically, so a search sees
// either the old content or the new one, never a half-built index.
package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/searcher"
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

// disjunctionHeapTakeover is how many clauses a disjunction needs before
// bleve merges its postings with a heap instead of stepping through every
// clause for each entry. Bleve's default (10) suits large indexes; over a
// few dozen to a few thousand entries and the 10 to 30 clauses of a typical
// question the plain stepping is faster (about a tenth of a whole search).
// Bleve exposes the setting for applications to tune; this package is the
// only user of bleve in faqbot.
const disjunctionHeapTakeover = 32

func init() { searcher.DisjunctionHeapTakeover = disjunctionHeapTakeover }

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
type snapshot struct {
	idx     bleve.Index
	entries []faq.Entry
	byID    map[string]int
	// terms holds each entry's analyzed terms (title, label, alternates,
	// text, context), for coverage.
	terms []map[string]bool
	// titleTerms and bodyTerms split terms by field.
	titleTerms, bodyTerms []map[string]bool
	// sectionTerms are the terms of a passage's whole section (the entry's
	// own terms for FAQ entries): the context a passage is read in.
	sectionTerms []map[string]bool
	// qword is each entry title's question word (see questionWord).
	qword []string
	// df is the document frequency of each term; vocab the surface words.
	df map[string]int
	// postings lists the entries containing each term, among all their
	// terms and in each field.
	postings map[string]*termPostings
	vocab    map[string]int
	// sortedTerms are the keys of df in order, for prefix lookups.
	sortedTerms []string
	// titleWeights are the title terms weighed for titlePrecision.
	titleWeights []titleWeights
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
	built       time.Time
}

func (s *snapshot) idf(term string) float64 { return s.idfOf(s.df[term]) }

// idfOf is the BM25 inverse document frequency of a term in df entries.
func (s *snapshot) idfOf(df int) float64 {
	n := float64(len(s.entries))
	d := float64(df)
	return math.Log(1 + (n-d+0.5)/(d+0.5))
}

// build indexes entries into a new in-memory scorch index (the index type
// that supports bleve's analysis fully and is fastest at this size).
func buildSnapshot(entries []faq.Entry, syn *Synonyms) (*snapshot, error) {
	if len(entries) == 0 {
		return nil, errors.New("search: no entries to index")
	}
	// The ranker's word classes come from WordNet, parsed once (about
	// 50 ms): start it now, alongside the index build, so that the first
	// question does not wait for it.
	go loadWordNet()
	im, err := newMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: new index: %w", err)
	}
	s := &snapshot{idx: idx, entries: entries, byID: make(map[string]int, len(entries)),
		df: map[string]int{}, vocab: map[string]int{}, syn: syn, built: time.Now()}
	b := idx.NewBatch()
	for i, e := range entries {
		if _, dup := s.byID[e.ID]; dup {
			idx.Close()
			return nil, fmt.Errorf("search: duplicate entry ID %q (%s:%d)", e.ID, e.Source, e.Line)
		}
		s.byID[e.ID] = i
		title := titleText(e)
		body := e.Text
		if e.Context != "" {
			body = e.Context + "\n" + body
		}
		if err := b.Index(e.ID, document{Title: title, Body: body}); err != nil {
			idx.Close()
			return nil, fmt.Errorf("search: index %s: %w", e.ID, err)
		}
		set := map[string]bool{}
		for _, t := range stems(title + "\n" + body) {
			set[t] = true
		}
		for t := range set {
			s.df[t]++
		}
		s.terms = append(s.terms, set)
		s.titleTerms = append(s.titleTerms, stemSet(title))
		s.qword = append(s.qword, questionWord(e.Title))
		s.bodyTerms = append(s.bodyTerms, stemSet(body))
		for _, w := range splitWords(title + " " + body) {
			s.vocab[w]++
		}
	}
	s.sectionTerms = sectionSets(entries, s.terms)
	s.firstInSection = firstInSections(entries)
	s.answerTypes = answerTypesOf(entries)
	s.postings = postingsOf(s.terms, s.titleTerms, s.bodyTerms, s.sectionTerms)
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, fmt.Errorf("search: index batch: %w", err)
	}
	s.idfMax = s.idf("\x00never")
	s.sortedTerms = make([]string, 0, len(s.df))
	for t := range s.df {
		s.sortedTerms = append(s.sortedTerms, t)
	}
	sort.Strings(s.sortedTerms)
	s.spell = newSpellIndex(s.vocab, syn)
	for i := range entries {
		s.titleWeights = append(s.titleWeights, s.titleWeightsOf(i))
	}
	return s, nil
}

// sectionSets unions the terms of passages that share a file and heading.
func sectionSets(entries []faq.Entry, terms []map[string]bool) []map[string]bool {
	type key struct{ source, title string }
	union := map[key]map[string]bool{}
	for i, e := range entries {
		if e.Type != faq.TypePassage {
			continue
		}
		k := key{e.Source, e.Title}
		if union[k] == nil {
			union[k] = map[string]bool{}
		}
		for t := range terms[i] {
			union[k][t] = true
		}
	}
	out := make([]map[string]bool, len(entries))
	for i, e := range entries {
		out[i] = terms[i]
		if e.Type == faq.TypePassage {
			out[i] = union[key{e.Source, e.Title}]
		}
	}
	return out
}

// termPostings are the entries containing one term: among all their terms,
// in their title, in their body, and in their section.
type termPostings struct{ all, title, body, section []int }

// postingsOf lists, for each term, the entries whose sets hold it.
func postingsOf(all, title, body, section []map[string]bool) map[string]*termPostings {
	p := map[string]*termPostings{}
	of := func(t string) *termPostings {
		if p[t] == nil {
			p[t] = &termPostings{}
		}
		return p[t]
	}
	for i := range all {
		for t := range all[i] {
			of(t).all = append(of(t).all, i)
		}
		for t := range title[i] {
			of(t).title = append(of(t).title, i)
		}
		for t := range body[i] {
			of(t).body = append(of(t).body, i)
		}
		for t := range section[i] {
			of(t).section = append(of(t).section, i)
		}
	}
	return p
}

func stemSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, t := range stems(text) {
		m[t] = true
	}
	return m
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
	s, err := buildSnapshot(entries, syn)
	if err != nil {
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
	x.mu.Lock()
	old := x.snap
	x.snap = s
	x.mu.Unlock()
	// Searches hold the read lock for their whole run, so once the write
	// lock was taken no search still uses old.
	if old != nil {
		old.idx.Close()
	}
	return nil
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
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.snap == nil {
		return nil, ErrClosed
	}
	return x.snap.search(ctx, x.rk, query, limit)
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
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.snap == nil {
		return nil, ErrClosed
	}
	cands, _, err := x.snap.ranked(ctx, x.rk, query)
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, len(cands))
	for k, c := range cands {
		out[k] = Candidate{Entry: x.snap.entries[c.i], Features: c.x, Score: c.z, Confidence: c.conf}
	}
	return out, nil
}
