package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"faqbot/adapters/httpapi"
	"faqbot/internal/testrun"
)

// TestAdminThrottle: after AdminFailBurst failed attempts an address gets
// 429 with Retry-After, even with the right token, while another address
// is unaffected; the refusals make one log line, not one each; the address
// regains attempts over time.
func TestAdminThrottle(t *testing.T) {
	f := newFakeBot()
	ts, logs := newTestServer(t, httpapi.Config{AdminToken: testToken, AdminFailBurst: 3, AdminFailEvery: 300 * time.Millisecond}, f)
	bad := map[string]string{"Authorization": "Bearer wrong-token-guess"}
	good := map[string]string{"Authorization": "Bearer " + testToken}

	var codes []int
	for i := 0; i < 200; i++ {
		status, h, body := call(t, "GET", ts.URL+"/admin/status", "", "", bad)
		codes = append(codes, status)
		if status == http.StatusTooManyRequests {
			if s, err := strconv.Atoi(h.Get("Retry-After")); err != nil || s < 1 {
				t.Fatalf("429 with Retry-After %q, want whole seconds >= 1", h.Get("Retry-After"))
			}
			errorText(t, body)
		}
	}
	for i, c := range codes {
		want := http.StatusTooManyRequests
		if i < 3 {
			want = http.StatusUnauthorized
		}
		if c != want {
			t.Fatalf("attempt %d: got %d, want %d (codes %v...)", i+1, c, want, codes[:8])
		}
	}
	if status, _, _ := call(t, "GET", ts.URL+"/admin/status", "", "", good); status != http.StatusTooManyRequests {
		t.Errorf("right token from a throttled address: got %d, want 429 (a guess must not be checked)", status)
	}
	if n := f.statusHits.Load(); n != 0 {
		t.Errorf("got %d status calls, want 0", n)
	}
	if n := strings.Count(logs.String(), "admin requests refused"); n != 1 {
		t.Errorf("201 refusals logged %d lines, want 1:\n%s", n, logs)
	}

	// Another address: the handler seen from [::1] instead of 127.0.0.1.
	h := newHandler(t, httpapi.Config{AdminToken: testToken, AdminFailBurst: 3, AdminFailEvery: time.Hour}, f)
	for i, remote := range []string{"192.0.2.1:1000", "192.0.2.1:2000", "192.0.2.1:3000", "192.0.2.1:4000", "[2001:db8::1]:1", "198.51.100.7:5"} {
		req := httptest.NewRequest("GET", "/admin/status", nil)
		req.RemoteAddr = remote
		req.Header.Set("Authorization", "Bearer wrong-token-guess")
		if i == 5 {
			req.Header.Set("Authorization", "Bearer "+testToken)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		want := http.StatusUnauthorized
		switch i {
		case 3:
			want = http.StatusTooManyRequests // 4th failure from 192.0.2.1, whatever its port
		case 5:
			want = http.StatusOK
		}
		if rec.Code != want {
			t.Errorf("request %d from %s: got %d, want %d", i+1, remote, rec.Code, want)
		}
	}

	time.Sleep(350 * time.Millisecond) // one attempt regained
	if status, _, _ := call(t, "GET", ts.URL+"/admin/status", "", "", good); status != http.StatusOK {
		t.Errorf("right token after the wait: got %d, want 200", status)
	}
}

func newHandler(t *testing.T, cfg httpapi.Config, f *fakeBot) http.Handler {
	t.Helper()
	s, err := httpapi.New(cfg, f, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s.Handler()
}

// forceAdmin is a fakeBot that can force a reindex.
type forceAdmin struct {
	*fakeBot
	forced int
}

func (a *forceAdmin) ForceReindex(ctx context.Context) (httpapi.ReindexReport, error) {
	a.forced++
	return httpapi.ReindexReport{OK: true, Entries: 7}, nil
}

func TestReindexForce(t *testing.T) {
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	f := newFakeBot()
	ts, _ := newTestServer(t, httpapi.Config{AdminToken: testToken}, f)
	if status, _, body := call(t, "POST", ts.URL+"/admin/reindex?force=1", "", "", auth); status != http.StatusBadRequest {
		t.Errorf("force=1 on an admin without ForceReindex: got %d %s, want 400", status, body)
	}

	fa := &forceAdmin{fakeBot: newFakeBot()}
	s, err := httpapi.New(httpapi.Config{AdminToken: testToken}, fa, fa, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts2 := httptest.NewServer(s.Handler())
	defer ts2.Close()
	c := &httpapi.Client{BaseURL: ts2.URL, Token: testToken, Force: true}
	rep, err := c.Reindex(context.Background())
	var r fakeReport
	if err != nil || json.Unmarshal(rep, &r) != nil || r.Entries != 7 || fa.forced != 1 || fa.reindexes.Load() != 0 {
		t.Errorf("Client{Force: true}.Reindex: got %s, %v (forced %d, plain %d), want the forced report", rep, err, fa.forced, fa.reindexes.Load())
	}
	if status, _, _ := call(t, "POST", ts2.URL+"/admin/reindex?force=maybe", "", "", auth); status != http.StatusBadRequest {
		t.Errorf("force=maybe: got %d, want 400", status)
	}
	if status, _, _ := call(t, "POST", ts2.URL+"/admin/reindex?force=0", "", "", auth); status != http.StatusOK || fa.reindexes.Load() != 1 {
		t.Errorf("force=0: got %d, want 200 and a plain reindex", status)
	}
}

func TestParseSince(t *testing.T) {
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "1d": 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := httpapi.ParseSince(in); err != nil || got != want {
			t.Errorf("ParseSince(%q): got %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0d", "-1d", "367d", "7days", "1w", "-2h", "0s"} {
		if _, err := httpapi.ParseSince(in); err == nil {
			t.Errorf("ParseSince(%q): got no error, want one", in)
		}
	}
}

// TestReportTimeout: a report slower than ReportTimeout (clustering a big
// store, not watching its context) ends in a logged 503 with a JSON error,
// not an empty reply; one report is built at a time.
func TestReportTimeout(t *testing.T) {
	f := newFakeBot()
	f.reportDelay = 600 * time.Millisecond
	logs := &logBuffer{}
	s, err := httpapi.New(httpapi.Config{AdminToken: testToken, ReportTimeout: 200 * time.Millisecond, WriteTimeout: 100 * time.Millisecond}, f, f,
		slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := testrun.Serve(t, "Serve", 10*time.Second, s.Serve)
	base := "http://" + addr
	auth := map[string]string{"Authorization": "Bearer " + testToken}

	start := time.Now()
	status, _, body := call(t, "GET", base+"/admin/report", "", "", auth)
	if status != http.StatusServiceUnavailable || !strings.Contains(errorText(t, body), "took longer than 200ms") {
		t.Fatalf("slow report: got %d %s, want 503 saying it took too long", status, body)
	}
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("the 503 came after %v, want about the 200ms timeout", el)
	}
	if !strings.Contains(logs.String(), "report timed out") {
		t.Errorf("the timeout is not logged:\n%s", logs)
	}
	if status, _, _ := call(t, "GET", base+"/admin/report", "", "", auth); status != http.StatusServiceUnavailable {
		t.Errorf("a report while the slow one still runs: got %d, want 503", status)
	}
	time.Sleep(500 * time.Millisecond)
	f.mu.Lock()
	f.reportDelay = 0
	f.mu.Unlock()
	if status, _, body := call(t, "GET", base+"/admin/report", "", "", auth); status != http.StatusOK {
		t.Errorf("a fast report afterwards: got %d %s, want 200", status, body)
	}
}
