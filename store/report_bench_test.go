package store

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"
	"time"

	"faqbot/bot"
)

// BenchmarkReport100k: a report over 100,000 logged questions, a third of
// them unanswered, in many different wordings.
func BenchmarkReport100k(b *testing.B) {
	s, err := Open(context.Background(), Config{DSN: filepath.Join(b.TempDir(), "r.db"), Salt: "s", Logger: quietLogger(), BatchSize: 5000, FlushInterval: 10 * time.Millisecond, BufferSize: 200000})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	stop := run(b, s)
	words := []string{"massage", "back", "pain", "cost", "insurance", "pregnant", "knee", "neck", "sleep", "hot", "stone", "clinic", "hours", "open", "price", "deep", "tissue", "safe", "often", "week", "child", "elderly", "shoulder", "hip", "sciatica", "stretch", "oil", "cream", "booking", "cancel"}
	r := rand.New(rand.NewSource(1))
	now := time.Now()
	const n = 100000
	for i := 0; i < n; i++ {
		q := fmt.Sprintf("%s %s %s %s?", words[r.Intn(len(words))], words[r.Intn(len(words))], words[r.Intn(len(words))], words[r.Intn(len(words))])
		kind := bot.KindAnswer
		if i%3 == 0 {
			kind = bot.KindFallback
		}
		s.RecordQuestion(bot.Record{Time: now.Add(-time.Duration(i) * time.Second), Platform: "http", Question: q, Kind: kind, EntryID: "e", Score: r.Float64()})
	}
	for s.Stats().Written+s.Stats().Dropped < n {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		rep, err := s.Report(context.Background(), now.Add(-48*time.Hour), now.Add(time.Hour), ReportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(rep.Unanswered)), "clusters")
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/report")
	}
}
