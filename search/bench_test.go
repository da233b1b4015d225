package search_test

import (
	"context"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

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
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := x.Search(ctx, benchQuestions[i%len(benchQuestions)], 8); err != nil {
			b.Fatal(err)
		}
	}
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
// title and text, top-1) on the same questions, and reports their ratio
// (issue 15 asks for Search at most 1.0× bare bleve on this content).
func BenchmarkSearchVsBareBleve(b *testing.B) {
	es := bundled(b)
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
	// Interleaved, question by question, so that a busy machine slows
	// both alike.
	var ours, theirs time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := benchQuestions[i%len(benchQuestions)]
		start := time.Now()
		if _, err := x.Search(ctx, q, 8); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := bare.SearchInContext(ctx, bleve.NewSearchRequestOptions(bleve.NewMatchQuery(q), 1, 0, false)); err != nil {
			b.Fatal(err)
		}
		ours += mid.Sub(start)
		theirs += time.Since(mid)
	}
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "search-ns/op")
	b.ReportMetric(float64(theirs.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(ours)/float64(theirs), "ratio")
}
