package search

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"faqbot/faq"
)

// parityQuestions are every evaluation set's questions, with the content
// they are asked of.
func parityQuestions(t *testing.T) map[string][]string {
	t.Helper()
	sets := map[string][]string{
		"../content":      {"../testdata/dev.jsonl", "../testdata/paraphrase.jsonl", "../testdata/eval/conversational-massage.jsonl", "../testdata/eval/offtopic.jsonl"},
		"../testdata/kb2": {"../testdata/kb2-eval.jsonl"},
		"../testdata/kb3": {"../testdata/kb3-eval.jsonl"},
		"../testdata/kb4": {"../testdata/kb4-eval.jsonl"},
		"../testdata/kb5": {"../testdata/kb5-eval.jsonl"},
	}
	out := map[string][]string{}
	for dir, files := range sets {
		for _, f := range files {
			out[dir] = append(out[dir], evalQuestions(t, f)...)
		}
	}
	return out
}

// TestDirectScoresMatchBleve: the candidates scored over the postings are
// bleve's, in bleve's order, with bleve's scores to the bit, on every
// evaluation question of every knowledge base (and on the MedQuAD and
// generated knowledge bases named in FAQBOT_CHECK_KB, dir:questions.txt
// pairs as in FAQBOT_CHECK_KB=/tmp/m10k/content). Bleve sums the scores of
// more than searcher.DisjunctionHeapTakeover clauses in heap order; the comparison
// makes it use its slice searcher for every question, whose order the
// direct scoring follows.
func TestDirectScoresMatchBleve(t *testing.T) {
	sliceDisjunctions(t)
	qs := checkedQuestions(t)
	ctx := context.Background()
	for dir, questions := range qs {
		s := openSnapshot(t, dir, faq.Options{MaxAnswerChars: 1200})
		if s.bm == nil {
			t.Fatalf("%s: no BM25 data: the snapshot's postings differ from bleve's", dir)
		}
		sc := s.getScoring()
		compared, multi, wide := 0, 0, 0
		for _, q := range questions {
			cs := s.analyzeQuery(q)
			want, err := s.bleveHits(ctx, cs)
			if err != nil {
				t.Fatal(err)
			}
			got := s.directHits(cs, candidates, sc)
			if len(got) != len(want) {
				t.Errorf("%s: %q: %d hits, bleve %d", dir, q, len(got), len(want))
			}
			for k := range min(len(got), len(want)) {
				if got[k] == want[k] {
					continue
				}
				if got[k].score == want[k].score && wideTie(s, cs, got[k:], want[k:]) {
					wide++
					break
				}
				t.Errorf("%s: %q: hit %d is %s %v, bleve's %s %v", dir, q, k,
					s.entries[got[k].i].ID, got[k].score, s.entries[want[k].i].ID, want[k].score)
				break
			}
			if len(sc.clauses) > 1 {
				multi++
			}
			s.putScoring(sc)
			sc = s.getScoring()
			compared++
		}
		s.idx.Close()
		if compared == 0 || multi == 0 {
			t.Fatalf("%s: %d questions compared, %d with several clauses", dir, compared, multi)
		}
		t.Logf("%s: %d questions, %d with several clauses, %d with more ties at the cut than bleve's wider search reads", dir, compared, multi, wide)
	}
}

// wideTie reports whether got and want, the rest of the direct and bleve
// hits from where they first differ, are all tied on one score with more
// entries than candidates' wider search reads: then bleve's pick among them
// depends on where the build put each document, and the direct one is the
// tied entries with the lowest IDs, as candidates intends.
func wideTie(s *snapshot, cs []concept, got, want []hit) bool {
	score := got[0].score
	sc := s.getScoring()
	defer s.putScoring(sc)
	all := s.directHits(cs, len(s.entries), sc)
	first, tied := -1, map[int32]bool{}
	for k, h := range all {
		if h.score == score {
			if first < 0 {
				first = k
			}
			tied[h.i] = true
		}
	}
	if first+len(tied) <= candidates+tieMargin {
		return false
	}
	start := slices.Index(all, got[0])
	if start < 0 || start+len(got) > len(all) || !slices.Equal(got, all[start:start+len(got)]) {
		return false
	}
	for _, h := range want {
		if h.score != score || !tied[h.i] {
			return false
		}
	}
	return true
}

// TestScoringRecycled: a recycled working space leaves nothing behind, so
// the same question scores the same after others.
func TestScoringRecycled(t *testing.T) {
	s := loadSnapshot(t, "../content")
	q := "can massage help my lower back pain"
	first := append([]hit(nil), s.directHits(s.analyzeQuery(q), candidates, s.getScoring())...)
	sc := s.getScoring()
	for _, other := range []string{"massage therapist license", "what is deep tissue massage", q} {
		s.putScoring(sc)
		sc = s.getScoring()
		got := s.directHits(s.analyzeQuery(other), candidates, sc)
		if other != q {
			continue
		}
		if len(got) != len(first) {
			t.Fatalf("%d hits after others, %d first", len(got), len(first))
		}
		for k := range got {
			if got[k] != first[k] {
				t.Fatalf("hit %d: %v after others, %v first", k, got[k], first[k])
			}
		}
	}
}

// hiddenSnapshot hides the scorch snapshot behind the reader interface, so
// that postingsReader takes bleve's term field readers.
type hiddenSnapshot struct{ index.IndexReader }

// TestPostingsReadersAgree: reading one segment's postings directly gives
// what bleve's term field readers give, term by term, on the bundled
// content, which is one segment.
func TestPostingsReadersAgree(t *testing.T) {
	s := loadSnapshot(t, "../content")
	r := indexReader(t, s)
	if is, ok := r.(*scorch.IndexSnapshot); !ok || len(is.Segments()) != 1 {
		t.Fatalf("reader %T: want one scorch segment", r)
	}
	type posting struct {
		doc, freq uint64
		norm      float64
	}
	read := func(r index.IndexReader, field string, term []byte) []posting {
		fn, err := postingsReader(r, field)
		if err != nil {
			t.Fatal(err)
		}
		var out []posting
		if err := fn(term, func(doc, freq uint64, norm float64) error {
			out = append(out, posting{doc, freq, norm})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	n := 0
	for _, field := range fieldNames {
		for _, term := range s.sortedTerms {
			direct, viaReader := read(r, field, []byte(term)), read(hiddenSnapshot{r}, field, []byte(term))
			if !slices.Equal(direct, viaReader) {
				t.Fatalf("%s:%s: segment postings %v, term field reader %v", field, term, direct, viaReader)
			}
			n += len(direct)
		}
	}
	if n == 0 {
		t.Fatal("no postings read")
	}
}

// TestConcurrentSearchesAgree: searches running at once, each with its
// own working space from the pool, give what the same searches give one
// at a time.
func TestConcurrentSearchesAgree(t *testing.T) {
	res, err := faq.Load([]string{"../content"}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := New(res.Entries, DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	qs := evalQuestions(t, "../testdata/dev.jsonl")
	ctx := context.Background()
	want := make([][]faq.Match, len(qs))
	for k, q := range qs {
		if want[k], err = x.Search(ctx, q, 8); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for r := 0; r < 5; r++ {
				for k := range qs {
					k := (k + g*7) % len(qs)
					got, err := x.Search(ctx, qs[k], 8)
					if err == nil && !slices.EqualFunc(got, want[k], func(a, b faq.Match) bool {
						return a.Entry.ID == b.Entry.ID && a.Score == b.Score && a.Confidence == b.Confidence
					}) {
						err = fmt.Errorf("%q: concurrent search differs from the sequential one", qs[k])
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}
			errs <- nil
		}(g)
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestBleveFallbackAgrees: a snapshot without BM25 data (when bleve's
// postings were not the snapshot's) searches with bleve and gets the same
// candidates, with the same scores but for the last bits: bleve sums the
// clauses of a long question in heap order (above its
// DisjunctionHeapTakeover, which faqbot leaves at bleve's default).
func TestBleveFallbackAgrees(t *testing.T) {
	s := loadSnapshot(t, "../content")
	ctx := context.Background()
	for _, q := range evalQuestions(t, "../testdata/dev.jsonl") {
		direct, _, err := s.candidates(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var want []candidate
		want = append(want, direct...)
		bm := s.bm
		s.bm = nil
		got, _, err := s.candidates(ctx, q)
		s.bm = bm
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, want, func(a, b candidate) bool { return a.i == b.i && near(a.bm25, b.bm25) && nearAll(a.x[:], b.x[:]) }) {
			t.Fatalf("%q: bleve's candidates differ from the direct ones", q)
		}
	}
}

// near reports whether a and b are equal but for rounding.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b)) }

func nearAll(a, b []float64) bool { return slices.EqualFunc(a, b, near) }

// sliceDisjunctions makes bleve sum every disjunction's clauses in its
// slice searcher's order for the length of the test (above
// searcher.DisjunctionHeapTakeover clauses it uses a heap, whose order
// depends on the documents' order), and puts the setting back after.
func sliceDisjunctions(t *testing.T) {
	n := searcher.DisjunctionHeapTakeover
	t.Cleanup(func() { searcher.DisjunctionHeapTakeover = n })
	searcher.DisjunctionHeapTakeover = 1 << 30
}

// checkedQuestions are parityQuestions and the knowledge bases named in
// FAQBOT_CHECK_KB (content folders, each with questions.txt beside it).
func checkedQuestions(t *testing.T) map[string][]string {
	t.Helper()
	qs := parityQuestions(t)
	if v := os.Getenv("FAQBOT_CHECK_KB"); v != "" {
		for _, dir := range strings.Split(v, ":") {
			b, err := os.ReadFile(filepath.Join(filepath.Dir(dir), "questions.txt"))
			if err != nil {
				t.Fatal(err)
			}
			qs[dir] = strings.Split(strings.TrimSpace(string(b)), "\n")
		}
	}
	return qs
}

// indexReader is a reader of s's bleve index, closed when the test ends.
func indexReader(t *testing.T, s *snapshot) index.IndexReader {
	t.Helper()
	ai, err := s.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ai.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
