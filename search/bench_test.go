package search_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"faqbot/faq"
	"faqbot/search"
)

// benchQuestions are realistic questions about the bundled content, in
// varied wording, with a typo, a synonym and one it cannot answer.
var benchQuestions = []string{
	"Can massage help lower back pain?",
	"what is massage therapy",
	"is massage good for a backache",
	"how do I find a licensed massage therapist",
	"what types of massage are best for back pain",
	"does massage help with neck pain too",
	"how can I tell if my back pain is chronic",
	"can I combine massage with physical therapy",
	"is deep tisue massage painful",
	"can massage help my knee",
}

// BenchmarkSearch runs one search on the bundled content per iteration,
// cycling through benchQuestions.
func BenchmarkSearch(b *testing.B) {
	x, err := search.New(bundled(b), search.DefaultSynonyms())
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	benchSearch(b, x, benchQuestions)
}

// benchSearch times one x.Search per iteration, cycling through qs, and
// reports the median and 99th percentile of the searches besides the mean
// (issue 15 asks for a p99 under 2 ms at 50,000 entries).
func benchSearch(b *testing.B, x *search.Index, qs []string) {
	ctx := context.Background()
	took := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := x.Search(ctx, qs[i%len(qs)], 8); err != nil {
			b.Fatal(err)
		}
		took[i] = time.Since(t0)
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkBuild builds the index over the bundled content.
func BenchmarkBuild(b *testing.B) {
	es := bundled(b)
	syn := search.DefaultSynonyms()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, err := search.New(es, syn)
		if err != nil {
			b.Fatal(err)
		}
		x.Close()
	}
}

// BenchmarkSearchVsBareBleve measures, in one run, faqbot's Search and a
// bare bleve match query (bleve's default mapping over the same entries'
// title and text, top-1) on the same questions, interleaved, and reports
// the ratio of their means and of their medians (issue 15 asks for Search
// at most 1.0× bare bleve on the bundled content and 0.3× at 10,000
// entries). The medquad10k size needs FAQBOT_BENCH_LARGE=1 (see the scale
// benchmarks) and builds both indexes first, which takes a while:
//
//	FAQBOT_BENCH_LARGE=1 go test ./search/ -run '^$' -bench SearchVsBareBleve -count 3
func BenchmarkSearchVsBareBleve(b *testing.B) {
	b.Run("bundled", func(b *testing.B) { benchVsBare(b, bundled(b), benchQuestions) })
	b.Run("medquad10k", func(b *testing.B) {
		content, qs := scaleKB(b, "medquad10k", 0, true)
		benchVsBare(b, loadScale(b, content), qs)
	})
}

func benchVsBare(b *testing.B, es []faq.Entry, qs []string) {
	x, err := search.New(es, search.DefaultSynonyms())
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	bare, err := bleve.NewMemOnly(bleve.NewIndexMapping())
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	batch := bare.NewBatch()
	for _, e := range es {
		if err := batch.Index(e.ID, map[string]string{"title": e.Title, "text": e.Text}); err != nil {
			b.Fatal(err)
		}
	}
	if err := bare.Batch(batch); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, q := range qs { // warm the caches (corrections, WordNet)
		x.Search(ctx, q, 8)
	}
	// Interleaved, question by question, so that a busy machine slows
	// both alike.
	ours, theirs := make([]time.Duration, b.N), make([]time.Duration, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)]
		start := time.Now()
		if _, err := x.Search(ctx, q, 8); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := bare.SearchInContext(ctx, bleve.NewSearchRequestOptions(bleve.NewMatchQuery(q), 1, 0, false)); err != nil {
			b.Fatal(err)
		}
		ours[i], theirs[i] = mid.Sub(start), time.Since(mid)
	}
	b.StopTimer()
	sum := func(ds []time.Duration) (t time.Duration) {
		for _, d := range ds {
			t += d
		}
		return t
	}
	median := func(ds []time.Duration) time.Duration { slices.Sort(ds); return ds[len(ds)/2] }
	so, st := sum(ours), sum(theirs)
	mo, mt := median(ours), median(theirs)
	b.ReportMetric(float64(so.Nanoseconds())/float64(b.N), "search-ns/op")
	b.ReportMetric(float64(st.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(so)/float64(st), "ratio")
	b.ReportMetric(float64(mo.Nanoseconds()), "search-p50-ns")
	b.ReportMetric(float64(mt.Nanoseconds()), "bare-p50-ns")
	b.ReportMetric(float64(mo)/float64(mt), "p50-ratio")
}
