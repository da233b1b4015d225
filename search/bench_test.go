package search_test

import (
	"context"
	"testing"

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
