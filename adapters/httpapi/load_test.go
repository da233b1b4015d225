package httpapi_test

import (
	"context"
	"os"
	"strings"
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

// loadEnv is the load settings of the environment (loadtest.ReadEnv).
func loadEnv(tb testing.TB) loadtest.Env {
	tb.Helper()
	env, err := loadtest.ReadEnv(os.Getenv)
	if err != nil {
		tb.Fatal(err)
	}
	return env
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
		Workers:  loadEnv(b).Workers,
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
	env := loadEnv(t)
	if env.Duration == 0 {
		t.Skip("set FAQBOT_LOAD=10s to run the load test")
	}
	f := newFakeBot()
	f.noRecord = true
	url := serveLocal(t, f)
	res, err := loadtest.Run(context.Background(), loadtest.Config{URL: url, Workers: env.Workers, Duration: env.Duration, Rate: env.Rate})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("workers=%d rate=%v: %v", env.Workers, env.Rate, res)
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

// TestLoadEnv: the load settings come from the environment with their
// defaults, and a value that does not parse is an error naming it.
func TestLoadEnv(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	got, err := loadtest.ReadEnv(env(nil))
	if want := (loadtest.Env{Workers: 16}); err != nil || got != want {
		t.Errorf("empty environment: got %+v, %v; want %+v", got, err, want)
	}
	got, err = loadtest.ReadEnv(env(map[string]string{"FAQBOT_LOAD": "10s", "FAQBOT_LOAD_RATE": "500", "FAQBOT_LOAD_WORKERS": "4"}))
	if want := (loadtest.Env{Duration: 10 * time.Second, Rate: 500, Workers: 4}); err != nil || got != want {
		t.Errorf("all set: got %+v, %v; want %+v", got, err, want)
	}
	for _, k := range []string{"FAQBOT_LOAD", "FAQBOT_LOAD_RATE", "FAQBOT_LOAD_WORKERS"} {
		if _, err := loadtest.ReadEnv(env(map[string]string{k: "-1"})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=-1: got %v, want an error naming it", k, err)
		}
	}
}
