package search_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"testing"
	"time"

	"faqbot/faq"
	"faqbot/internal/kbgen"
	"faqbot/internal/linefile"
	"faqbot/search"
)

// The scale benchmarks build the index over knowledge bases of 1,000,
// 10,000 and 50,000 generated entries (internal/kbgen, seed 1, half YAML
// FAQ and half Markdown) and over the 10,000-passage MedQuAD knowledge base
// of ../shared/bench when it is there. Only the 1k size runs unless
// FAQBOT_BENCH_LARGE=1; CI runs it, if at all, with -benchtime=1x. They
// are benchmarks, never timed tests:
//
//	FAQBOT_BENCH_LARGE=1 go test ./search/ -run '^$' -bench Scale -benchtime 1x -benchmem
//
// Each reports heap-MB (the live heap after a collection, with the index
// built) besides the time; FAQBOT_HEAPPROFILE=PREFIX writes a heap profile
// to PREFIX-<size>.pprof.
var scaleSizes = []struct {
	name  string
	n     int
	large bool
}{{"1k", 1000, false}, {"10k", 10000, true}, {"50k", 50000, true}, {"medquad10k", 0, true}}

// scaleKB returns the content folder and questions of a scale size, made
// once per process, or "" when the size is not run.
func scaleKB(b *testing.B, name string, n int, large bool) (string, []string) {
	b.Helper()
	if large && os.Getenv("FAQBOT_BENCH_LARGE") == "" {
		b.Skip("set FAQBOT_BENCH_LARGE=1 for the large sizes")
	}
	dir := filepath.Join(os.TempDir(), "faqbot-scale", name)
	if _, err := os.Stat(filepath.Join(dir, "questions.txt")); err != nil {
		os.RemoveAll(dir)
		var gerr error
		if n == 0 {
			gerr = untar(filepath.Join("..", "..", "shared", "bench", "medquad-m10k.tgz"), dir)
			if os.IsNotExist(gerr) {
				b.Skip("../shared/bench/medquad-m10k.tgz not present")
			}
		} else {
			gerr = kbgen.Generate(dir, kbgen.Options{N: n, Seed: 1, YAMLShare: 0.5, Questions: 500})
		}
		if gerr != nil {
			os.RemoveAll(dir)
			b.Fatal(gerr)
		}
	}
	return filepath.Join(dir, "content"), linefile.Text(b, filepath.Join(dir, "questions.txt"))
}

func untar(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.Clean("/"+h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			out, err := os.Create(p)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		}
	}
}

func loadScale(b *testing.B, content string) []faq.Entry {
	b.Helper()
	res, err := faq.Load([]string{content}, faq.Options{MaxAnswerChars: 1200})
	if err != nil {
		b.Fatal(err)
	}
	return res.Entries
}

// liveHeapMB is the heap in use after full collections (two: the first
// only moves sync.Pool contents to the victim cache).
func liveHeapMB() float64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// BenchmarkScaleBuild builds the index (load excluded) at each size.
func BenchmarkScaleBuild(b *testing.B) {
	for _, sz := range scaleSizes {
		b.Run(sz.name, func(b *testing.B) {
			content, _ := scaleKB(b, sz.name, sz.n, sz.large)
			es := loadScale(b, content)
			syn := search.DefaultSynonyms()
			before := liveHeapMB()
			b.ReportAllocs()
			b.ResetTimer()
			var x *search.Index
			for i := 0; i < b.N; i++ {
				if x != nil {
					x.Close()
				}
				var err error
				if x, err = search.New(es, syn); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(liveHeapMB()-before, "index-MB")
			b.ReportMetric(float64(len(es)), "entries")
			if p := os.Getenv("FAQBOT_HEAPPROFILE"); p != "" {
				f, err := os.Create(p + "-" + sz.name + ".pprof")
				if err != nil {
					b.Fatal(err)
				}
				pprof.WriteHeapProfile(f)
				f.Close()
			}
			x.Close()
		})
	}
}

// BenchmarkScaleSearch is one Search per iteration at each size, cycling
// through the size's questions.
func BenchmarkScaleSearch(b *testing.B) {
	for _, sz := range scaleSizes {
		b.Run(sz.name, func(b *testing.B) {
			content, qs := scaleKB(b, sz.name, sz.n, sz.large)
			x, err := search.New(loadScale(b, content), search.DefaultSynonyms())
			if err != nil {
				b.Fatal(err)
			}
			defer x.Close()
			ctx := context.Background()
			for _, q := range qs { // warm the caches (corrections, WordNet)
				x.Search(ctx, q, 8)
			}
			benchSearch(b, x, qs)
		})
	}
}

// BenchmarkScalePruning is BenchmarkScaleSearch with and without the
// candidates' pruning (prune.go) in the same run, each question searched
// both ways, each way first in turn, so that the two are paired on a shared machine:
// p50/p99 of the pruned searches and of the exhaustive ones.
func BenchmarkScalePruning(b *testing.B) {
	for _, sz := range scaleSizes {
		b.Run(sz.name, func(b *testing.B) {
			content, qs := scaleKB(b, sz.name, sz.n, sz.large)
			x, err := search.New(loadScale(b, content), search.DefaultSynonyms())
			if err != nil {
				b.Fatal(err)
			}
			defer x.Close()
			defer search.SetPruning(true)
			ctx := context.Background()
			for _, q := range qs {
				x.Search(ctx, q, 8)
			}
			var took [2][]time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for k := range took {
					mode := (k + i) % 2 // each first in turn: the second reads warm caches
					search.SetPruning(mode == 0)
					t0 := time.Now()
					if _, err := x.Search(ctx, qs[i%len(qs)], 8); err != nil {
						b.Fatal(err)
					}
					took[mode] = append(took[mode], time.Since(t0))
				}
			}
			b.StopTimer()
			for mode, name := range []string{"pruned", "exhaustive"} {
				t := took[mode]
				slices.Sort(t)
				b.ReportMetric(float64(t[len(t)/2].Microseconds()), name+"-p50-µs")
				b.ReportMetric(float64(t[len(t)*99/100].Microseconds()), name+"-p99-µs")
			}
		})
	}
}

// BenchmarkScaleRestart opens the library over each size with a persisted
// index (written once, before the timer): what a restart with unchanged
// content costs, from hashing the content files to serving. index-MB is
// the live heap with the library open.
func BenchmarkScaleRestart(b *testing.B) {
	for _, sz := range scaleSizes {
		b.Run(sz.name, func(b *testing.B) {
			content, _ := scaleKB(b, sz.name, sz.n, sz.large)
			cfg := search.LibraryConfig{Paths: []string{content}, IndexPath: b.TempDir(),
				Options: faq.Options{MaxAnswerChars: 1200}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			l, _, err := search.OpenLibrary(cfg)
			if err != nil {
				b.Fatal(err)
			}
			l.Close() // waits for the index to be written
			before := liveHeapMB()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if l, _, err = search.OpenLibrary(cfg); err != nil {
					b.Fatal(err)
				}
				if i+1 < b.N {
					l.Close()
				}
			}
			b.StopTimer()
			b.ReportMetric(liveHeapMB()-before, "index-MB")
			b.ReportMetric(float64(l.Index().Len()), "entries")
			l.Close()
		})
	}
}
