package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"faqbot/bot"
	"faqbot/metrics"
	"faqbot/store"
)

var benchQuestions = []string{
	"How does massage relieve low back pain?",
	"Can a massage help my lumbar pain?",
	"is masage good for chronic back pain",
	"Does massage reduce stress?",
	"Where can I find a licensed massage therapist?",
	"Can massage help with knee pain?",
	"Tell me a joke",
	"back pain with fever",
	"What are the benefits of a whole body massage?",
	"Is tingling in my legs a sign of chronic back pain?",
}

// BenchmarkAnswer is one Answer on the bundled content through the real
// core (triage, analysis, bleve search, ranking, composition), cycling
// through a mix of answerable, unanswerable, misspelt and urgent questions.
func BenchmarkAnswer(b *testing.B) {
	co := testCore(b, bundled)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := co.bot.Answer(ctx, bot.Question{Text: benchQuestions[i%len(benchQuestions)]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkColdStartAsk runs the built binary: `faqbot ask "question"`,
// from process start to exit (config, content load, index build, answer).
func BenchmarkColdStartAsk(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "faqbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	wd, _ := os.Getwd()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "ask", "-content", filepath.Join(wd, bundled), "Can massage help with neck pain?")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ask: %v\n%s", err, out)
		}
	}
}

// BenchmarkAnswerStore answers 1,000 questions a second (10 every 10 ms)
// through the real core on the bundled content, with the conversation store
// off, on SQLite, on PostgreSQL (when FAQBOT_TEST_POSTGRES_DSN is set) and
// on SQLite with the Prometheus metrics recording too. One iteration is one
// second. It reports the answer latency as the caller sees it (mean, p50,
// p99, in µs) and the process CPU as a share of one core, the store's
// writer goroutine included. Compare the variants' µs/answer for what the
// store adds to the answer path:
//
//	go test -run '^$' -bench AnswerStore -benchtime 5x -count 3 ./cmd/faqbot/
func BenchmarkAnswerStore(b *testing.B) {
	type variant struct {
		name    string
		dsn     func(b *testing.B) string
		metrics bool
	}
	sqlite := func(b *testing.B) string { return filepath.Join(b.TempDir(), "bench.db") }
	variants := []variant{{"none", nil, false}, {"sqlite", sqlite, false}, {"sqlite+metrics", sqlite, true}}
	if dsn := os.Getenv("FAQBOT_TEST_POSTGRES_DSN"); dsn != "" {
		variants = append(variants, variant{"postgres", func(*testing.B) string { return dsn }, false})
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			quiet := newLogger(io.Discard, LogConfig{}, 0)
			var opts []bot.Option
			var st *store.Store
			if v.dsn != nil {
				var err error
				st, err = store.Open(ctx, store.Config{DSN: v.dsn(b), Salt: "bench-salt", Logger: quiet})
				if err != nil {
					b.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- st.Run(ctx) }()
				defer func() { cancel(); <-done; st.Close() }()
				opts = append(opts, bot.WithRecorder(st))
			}
			var met *metrics.Metrics
			if v.metrics {
				met = metrics.New()
			}
			cfg := DefaultConfig()
			cfg.Content.Paths = []string{bundled}
			co, err := buildCore(cfg, quiet, met, opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer co.lib.Close()

			lat := make([]time.Duration, 0, b.N*1000)
			cpu0 := cpuTime()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				tick := time.NewTicker(10 * time.Millisecond)
				for k := 0; k < 100; k++ {
					<-tick.C
					for j := 0; j < 10; j++ {
						n := k*10 + j
						t0 := time.Now()
						if _, err := co.bot.Answer(ctx, bot.Question{Text: benchQuestions[n%len(benchQuestions)], Platform: "bench", UserID: strconv.Itoa(n % 97)}); err != nil {
							b.Fatal(err)
						}
						lat = append(lat, time.Since(t0))
					}
				}
				tick.Stop()
			}
			b.StopTimer()
			wall := time.Since(start)
			cpu := cpuTime() - cpu0
			slices.Sort(lat)
			var sum time.Duration
			for _, d := range lat {
				sum += d
			}
			us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
			b.ReportMetric(us(sum)/float64(len(lat)), "µs/answer")
			b.ReportMetric(us(lat[len(lat)/2]), "p50-µs")
			b.ReportMetric(us(lat[len(lat)*99/100]), "p99-µs")
			b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "%cpu")
			if st != nil {
				// Let the writer catch up, then check nothing was lost.
				deadline := time.Now().Add(5 * time.Second)
				for st.Stats().Queued > 0 && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if s := st.Stats(); s.Dropped > 0 || s.WriteErrors > 0 {
					b.Errorf("store stats %+v: records lost", s)
				}
			}
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
