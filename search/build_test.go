package search

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"faqbot/faq"
)

// withBuildBatch makes the builds of the test analyze n entries per
// segment, so that small contents go through several segments and their
// merge.
func withBuildBatch(t *testing.T, n int) {
	t.Helper()
	old := buildBatch
	buildBatch = n
	t.Cleanup(func() { buildBatch = old })
}

// unusableTempDir points the system's temporary folder at a regular
// file, so that no folder can be made there.
func unusableTempDir(t *testing.T) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", f)
}

// TestDiskBuildMatchesMemory: bleve's index built on disk in several
// batches and merged is the one-batch in-memory index as far as any score
// can tell: the same document count, field cardinalities, term
// frequencies and norms for every posting (so the same direct scores), and
// the same bleve score for every entry a question's query matches. Over
// every evaluation question of every knowledge base, and the knowledge
// bases named in FAQBOT_CHECK_KB (see TestDirectScoresMatchBleve), each
// built in about ten segments. Bleve sums more than
// searcher.DisjunctionHeapTakeover clauses in heap order, which depends on the
// documents' order in the segment (a batch's is random): the comparison
// makes it use its slice searcher, as TestDirectScoresMatchBleve does.
func TestDiskBuildMatchesMemory(t *testing.T) {
	sliceDisjunctions(t)
	qs := checkedQuestions(t)
	ctx := context.Background()
	for dir, questions := range qs {
		res, err := faq.Load([]string{dir}, faq.Options{MaxAnswerChars: 1200})
		if err != nil {
			t.Fatal(err)
		}
		withBuildBatch(t, max(len(res.Entries)/10, 2))
		disk, err := buildSnapshotIn(res.Entries, DefaultSynonyms(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if disk.diskErr != nil {
			t.Fatalf("%s: built in memory: %v", dir, disk.diskErr)
		}
		mem := memorySnapshot(t, res.Entries)
		if disk.bm == nil || mem.bm == nil {
			t.Fatalf("%s: no BM25 data (disk %v, memory %v)", dir, disk.bm != nil, mem.bm != nil)
		}
		if disk.bm.docTotal != mem.bm.docTotal {
			t.Errorf("%s: %d documents on disk, %d in memory", dir, disk.bm.docTotal, mem.bm.docTotal)
		}
		for f, name := range fieldNames {
			if dc, mc := cardinality(t, disk, name), cardinality(t, mem, name); dc != mc {
				t.Errorf("%s: %s cardinality %d on disk, %d in memory", dir, name, dc, mc)
			}
			if !slices.Equal(disk.bm.tf[f], mem.bm.tf[f]) {
				t.Errorf("%s: %s term frequencies differ", dir, name)
			}
			if !slices.EqualFunc(disk.bm.lenNorm[f], mem.bm.lenNorm[f], func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
				t.Errorf("%s: %s length norms differ", dir, name)
			}
		}
		compared := 0
		for _, q := range questions {
			bq := disk.buildQuery(disk.analyzeQuery(q))
			if bq == nil {
				continue
			}
			got, want := allScores(ctx, t, disk.idx, bq), allScores(ctx, t, mem.idx, bq)
			if len(got) != len(want) {
				t.Errorf("%s: %q: %d matches on disk, %d in memory", dir, q, len(got), len(want))
			}
			for id, sc := range want {
				if g, ok := got[id]; !ok || math.Float64bits(g) != math.Float64bits(sc) {
					t.Errorf("%s: %q: %s scores %v on disk, %v in memory", dir, q, id, g, sc)
					break
				}
			}
			compared++
		}
		disk.idx.Close()
		mem.idx.Close()
		if compared == 0 {
			t.Fatalf("%s: no question compared", dir)
		}
		t.Logf("%s: %d entries in batches of %d, %d questions", dir, len(res.Entries), buildBatch, compared)
	}
}

// memorySnapshot builds entries' snapshot with bleve's index in memory:
// what a build does when it cannot make its folder.
func memorySnapshot(t *testing.T, entries []faq.Entry) *snapshot {
	t.Helper()
	old, had := os.LookupEnv("TMPDIR")
	unusableTempDir(t)
	s, err := buildSnapshot(entries, DefaultSynonyms())
	if had {
		os.Setenv("TMPDIR", old)
	} else {
		os.Unsetenv("TMPDIR")
	}
	if err != nil {
		t.Fatal(err)
	}
	if s.diskErr == nil {
		s.idx.Close()
		t.Fatal("built on disk with no temporary folder")
	}
	return s
}

func cardinality(t *testing.T, s *snapshot, field string) int {
	t.Helper()
	n, err := indexReader(t, s).(index.BM25Reader).FieldCardinality(field)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// allScores is bleve's score of every document q matches, by ID.
func allScores(ctx context.Context, t *testing.T, idx bleve.Index, q query.Query) map[string]float64 {
	t.Helper()
	n, err := idx.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	res, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, int(n), 0, false))
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]float64, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out
}

// TestBuildFallsBackToMemory: with no usable folder for the build (here
// the temporary folder, or the index path's, is a regular file, as a
// read-only or full disk would fail), the index is built in memory, says
// why, and answers as the disk build does.
func TestBuildFallsBackToMemory(t *testing.T) {
	res, err := faq.Load([]string{"../content"}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	withBuildBatch(t, 10)
	disk, err := buildSnapshotIn(res.Entries, DefaultSynonyms(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer disk.idx.Close()
	if disk.diskErr != nil {
		t.Fatal(disk.diskErr)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	mem, err := buildSnapshotIn(res.Entries, DefaultSynonyms(), file)
	if err != nil {
		t.Fatalf("build with an unusable folder: %v", err)
	}
	defer mem.idx.Close()
	if mem.diskErr == nil || !strings.Contains(mem.diskErr.Error(), "index build folder") {
		t.Errorf("diskErr: got %v, want the build folder's error", mem.diskErr)
	}
	ctx := context.Background()
	for _, q := range []string{"how often should I get a massage", "is massage safe when pregnant"} {
		a, err := disk.search(ctx, DefaultRanker(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		b, err := mem.search(ctx, DefaultRanker(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || len(a) != len(b) || a[0].Entry.ID != b[0].Entry.ID || a[0].Score != b[0].Score {
			t.Errorf("%q: disk build %v, memory build %v", q, a, b)
		}
	}
}

// TestBuildLeavesNoFolder: the build's folder is gone once the index is
// open (in the system's temporary folder) or once it is closed or its
// persisted copy made (in the index path), and after a failed build.
//
// Content of one batch is built in memory and makes no folder at all.
func TestBuildLeavesNoFolder(t *testing.T) {
	res, err := faq.Load([]string{"../content"}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	one, err := buildSnapshotIn(res.Entries, nil, tmp)
	if err != nil {
		t.Fatal(err)
	}
	if _, disk := one.idx.(*folderIndex); disk {
		t.Error("content of one batch built on disk")
	}
	assertEmpty(t, tmp, "temporary folder, one batch")
	one.idx.Close()
	withBuildBatch(t, 10)
	s, err := buildSnapshot(res.Entries, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.diskErr != nil {
		t.Fatal(s.diskErr)
	}
	if runtime.GOOS != "windows" {
		assertEmpty(t, tmp, "temporary folder, index open")
	}
	if _, err := s.search(context.Background(), DefaultRanker(), "massage", 1); err != nil {
		t.Fatalf("search after the folder was removed: %v", err)
	}
	if err := s.idx.Close(); err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, tmp, "temporary folder, index closed")

	ip := t.TempDir()
	for _, drop := range []bool{false, true} {
		s, err := buildSnapshotIn(res.Entries, nil, ip)
		if err != nil {
			t.Fatal(err)
		}
		if des, _ := os.ReadDir(ip); len(des) != 1 || !strings.HasPrefix(des[0].Name(), buildPrefix) {
			t.Errorf("index path while open: got %v, want one %s folder", des, buildPrefix)
		}
		if drop {
			dropFolder(s.idx)
			if runtime.GOOS != "windows" {
				assertEmpty(t, ip, "index path, folder dropped")
			}
		}
		if err := s.idx.Close(); err != nil {
			t.Fatal(err)
		}
		assertEmpty(t, ip, "index path, index closed")
	}

	bad := slices.Clone(res.Entries)
	bad[3].ID = "" // bleve refuses a document without an ID
	if _, err := buildSnapshotIn(bad, nil, ip); err == nil {
		t.Error("build with an empty ID: no error")
	}
	assertEmpty(t, ip, "index path, failed build")
}

func assertEmpty(t *testing.T, dir, what string) {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(des) != 0 {
		t.Errorf("%s: %s holds %d entries (%s…), want none", what, dir, len(des), des[0].Name())
	}
}
