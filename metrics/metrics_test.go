package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"faqbot/bot"
	"faqbot/metrics"
)

// scrape fetches the exposition from m's handler.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	ts := httptest.NewServer(m.Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("scrape: got %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// wantLines fails for each line missing from the exposition.
func wantLines(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, "\n"+l+"\n") {
			t.Errorf("exposition lacks %q", l)
		}
	}
}

func TestRecorderMetrics(t *testing.T) {
	m := metrics.New()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				m.RecordQuestion(bot.Record{Platform: "telegram", Kind: bot.KindAnswer, Score: 0.82, Latency: 300 * time.Microsecond})
			}
		}()
	}
	wg.Wait()
	m.RecordQuestion(bot.Record{Platform: "discord", Kind: bot.KindFallback, Score: 0.31, Latency: 3 * time.Millisecond})
	m.RecordQuestion(bot.Record{Platform: "discord", Kind: bot.KindUrgent, Score: 1, Latency: 50 * time.Microsecond})
	m.RecordQuestion(bot.Record{Kind: bot.KindInvalid})
	m.RecordFeedback(bot.Feedback{Platform: "telegram", EntryID: "q1", Helpful: false}, time.Now())
	m.RecordFeedback(bot.Feedback{Platform: "telegram", EntryID: "q1", Helpful: true}, time.Now())
	m.RecordFeedback(bot.Feedback{Platform: "telegram", EntryID: "q2", Helpful: true}, time.Now())
	m.ObserveReindex("http", true, 12*time.Millisecond)
	m.ObserveReindex("watch", false, 3*time.Millisecond)

	out := scrape(t, m)
	wantLines(t, out,
		`faqbot_questions_total{kind="answer",platform="telegram"} 800`,
		`faqbot_questions_total{kind="fallback",platform="discord"} 1`,
		`faqbot_questions_total{kind="urgent",platform="discord"} 1`,
		`faqbot_questions_total{kind="invalid",platform="unknown"} 1`,
		`faqbot_answer_duration_seconds_bucket{platform="telegram",le="0.00025"} 0`,
		`faqbot_answer_duration_seconds_bucket{platform="telegram",le="0.0005"} 800`,
		`faqbot_answer_duration_seconds_count{platform="telegram"} 800`,
		`faqbot_answer_duration_seconds_bucket{platform="discord",le="0.0025"} 1`,
		`faqbot_answer_duration_seconds_bucket{platform="discord",le="0.005"} 2`,
		`faqbot_match_score_count{kind="answer"} 800`,
		`faqbot_match_score_count{kind="fallback"} 1`,
		`faqbot_feedback_total{helpful="false",platform="telegram"} 1`,
		`faqbot_feedback_total{helpful="true",platform="telegram"} 2`,
		`faqbot_reindex_total{result="ok",trigger="http"} 1`,
		`faqbot_reindex_total{result="failed",trigger="watch"} 1`,
		`faqbot_reindex_duration_seconds_count 2`,
	)
	if strings.Contains(out, `faqbot_match_score_count{kind="urgent"}`) {
		t.Error("urgent replies observed in match_score; want answers and fallbacks only")
	}
	// The standard Go and process collectors are there too.
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if !strings.Contains(out, "\n"+name+" ") {
			t.Errorf("exposition lacks %s", name)
		}
	}
}

func TestCounterAndGaugeFuncs(t *testing.T) {
	m := metrics.New()
	var tgErrors, dcErrors atomic.Uint64
	help := "Platform API calls that failed."
	if err := m.CounterFunc("platform_api_errors_total", help, map[string]string{"platform": "telegram"}, func() float64 { return float64(tgErrors.Load()) }); err != nil {
		t.Fatal(err)
	}
	if err := m.CounterFunc("platform_api_errors_total", help, map[string]string{"platform": "discord"}, func() float64 { return float64(dcErrors.Load()) }); err != nil {
		t.Fatal(err)
	}
	queued := 0.0
	if err := m.GaugeFunc("store_queue_length", "Records waiting.", nil, func() float64 { return queued }); err != nil {
		t.Fatal(err)
	}
	tgErrors.Add(3)
	queued = 7
	wantLines(t, scrape(t, m),
		`faqbot_platform_api_errors_total{platform="telegram"} 3`,
		`faqbot_platform_api_errors_total{platform="discord"} 0`,
		`faqbot_store_queue_length 7`,
	)
	// The values are read at scrape time.
	dcErrors.Add(2)
	wantLines(t, scrape(t, m), `faqbot_platform_api_errors_total{platform="discord"} 2`)

	if err := m.CounterFunc("platform_api_errors_total", help, map[string]string{"platform": "telegram"}, func() float64 { return 0 }); err == nil {
		t.Error("registering the same counter twice: got nil error")
	}
	if err := m.GaugeFunc("platform_api_errors_total", "Another help.", map[string]string{"platform": "http"}, func() float64 { return 0 }); err == nil {
		t.Error("registering a name again with another help and type: got nil error")
	}
}

func TestInstrumentHandler(t *testing.T) {
	m := metrics.New()
	h := m.InstrumentHandler("/v1/ask", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("fail") != "" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		io.WriteString(w, "ok")
	}))
	ts := httptest.NewServer(h)
	defer ts.Close()
	for _, q := range []string{"", "", "?fail=1"} {
		resp, err := http.Get(ts.URL + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	wantLines(t, scrape(t, m),
		`faqbot_http_requests_total{code="200",handler="/v1/ask"} 2`,
		`faqbot_http_requests_total{code="400",handler="/v1/ask"} 1`,
		`faqbot_http_request_duration_seconds_count{handler="/v1/ask"} 3`,
	)
}

// BenchmarkRecordQuestion is the metrics' cost on the reply path.
func BenchmarkRecordQuestion(b *testing.B) {
	m := metrics.New()
	r := bot.Record{Platform: "telegram", Kind: bot.KindAnswer, Score: 0.8, Latency: 250 * time.Microsecond}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.RecordQuestion(r)
		}
	})
}
