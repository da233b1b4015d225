package httpapi_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"faqbot/adapters/httpapi"
	"faqbot/adapters/httpapi/loadtest"
	"faqbot/internal/testrun"
)

// serveLocal runs the real Server (with its timeouts) around f on a free
// 127.0.0.1 port until the test ends, and returns the /v1/ask URL.
func serveLocal(tb testing.TB, f *fakeBot) string {
	tb.Helper()
	s, err := httpapi.New(httpapi.Config{}, f, f, nil)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	addr, _ := testrun.Serve(tb, "Serve", 10*time.Second, s.Serve)
	return "http://" + addr + "/v1/ask"
}

// loadWorkers is the number of concurrent clients: FAQBOT_LOAD_WORKERS or 16.
func loadWorkers(tb testing.TB) int {
	v := os.Getenv("FAQBOT_LOAD_WORKERS")
	if v == "" {
		return 16
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		tb.Fatalf("FAQBOT_LOAD_WORKERS=%q: want a positive number", v)
	}
	return n
}

// BenchmarkAskLoad sends b.N mixed questions to POST /v1/ask over keep-alive
// connections from concurrent workers and reports req/s and latency
// percentiles. The answerer is the fake, so this measures the adapter and
// net/http, not the search.
//
//	go test -run '^$' -bench AskLoad -benchtime 200000x ./adapters/httpapi/
func BenchmarkAskLoad(b *testing.B) {
	f := newFakeBot()
	f.noRecord = true
	url := serveLocal(b, f)
	b.ResetTimer()
	res, err := loadtest.Run(context.Background(), loadtest.Config{
		URL:      url,
		Workers:  loadWorkers(b),
		Requests: b.N,
		Duration: 2 * time.Minute,
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if res.Errors > 0 {
		b.Fatalf("got %d errors (first: %s), want none", res.Errors, res.FirstError)
	}
	res.Report(b)
}

// TestLoad is the same load for a fixed time, off unless FAQBOT_LOAD is a
// duration such as 10s. FAQBOT_LOAD_RATE paces it at that many requests per
// second (open loop, latency measured from when each request was due):
//
//	FAQBOT_LOAD=10s go test -run TestLoad -v ./adapters/httpapi/
//	FAQBOT_LOAD=10s FAQBOT_LOAD_RATE=5000 go test -run TestLoad -v ./adapters/httpapi/
func TestLoad(t *testing.T) {
	v := os.Getenv("FAQBOT_LOAD")
	if v == "" {
		t.Skip("set FAQBOT_LOAD=10s to run the load test")
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("FAQBOT_LOAD=%q: %v", v, err)
	}
	f := newFakeBot()
	f.noRecord = true
	url := serveLocal(t, f)
	var rate float64
	if v := os.Getenv("FAQBOT_LOAD_RATE"); v != "" {
		if rate, err = strconv.ParseFloat(v, 64); err != nil || rate <= 0 {
			t.Fatalf("FAQBOT_LOAD_RATE=%q: want a positive number", v)
		}
	}
	res, err := loadtest.Run(context.Background(), loadtest.Config{URL: url, Workers: loadWorkers(t), Duration: d, Rate: rate})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("workers=%d rate=%v: %v", loadWorkers(t), rate, res)
	if res.Errors > 0 {
		t.Errorf("got %d errors (first: %s), want none", res.Errors, res.FirstError)
	}
}

// TestLoadSmoke runs a tiny load in every test run so the generator stays
// working.
func TestLoadSmoke(t *testing.T) {
	f := newFakeBot()
	url := serveLocal(t, f)
	res, err := loadtest.Run(context.Background(), loadtest.Config{URL: url, Workers: 4, Requests: 200})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 200 || res.Errors != 0 || res.Status[200] != 200 {
		t.Errorf("got %v, status %v; want 200 requests, all 200 OK", res, res.Status)
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.Max < res.P99 {
		t.Errorf("got p50 %v p99 %v max %v, want 0 < p50 <= p99 <= max", res.P50, res.P99, res.Max)
	}
	if n := len(f.asked()); n != 200 {
		t.Errorf("got %d questions at the answerer, want 200", n)
	}
	if _, err := loadtest.Run(context.Background(), loadtest.Config{URL: url}); err == nil {
		t.Error("Run without Requests or Duration: got nil error, want one")
	}
}
