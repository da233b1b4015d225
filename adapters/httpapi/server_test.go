package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"faqbot/adapters/httpapi"
	"faqbot/bot"
	"faqbot/internal/testrun"
)

const testToken = "s3cret-admin-token-for-tests-0123456789"

// newTestServer returns an httptest server running the API around f, and
// the log output.
func newTestServer(t *testing.T, cfg httpapi.Config, f *fakeBot) (*httptest.Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := httpapi.New(cfg, f, f, logger)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, logs
}

// call sends one request and returns the status, headers and body.
func call(t *testing.T, method, url, contentType, body string, header map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp.StatusCode, resp.Header, b
}

// errorText decodes a JSON error body, failing when it is not one.
func errorText(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Fatalf("got body %q, want a JSON error object", body)
	}
	return e.Error
}

func TestAsk(t *testing.T) {
	f := newFakeBot()
	ts, _ := newTestServer(t, httpapi.Config{}, f)

	status, h, body := call(t, "POST", ts.URL+"/v1/ask", "application/json; charset=utf-8", `{"question":"  Can massage help my back?  "}`, nil)
	if status != http.StatusOK {
		t.Fatalf("got status %d (%s), want 200", status, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("got Content-Type %q, want application/json", ct)
	}
	var got bot.Reply
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("decode reply %q: %v", body, err)
	}
	want := fakeReply("Can massage help my back?")
	if got.Kind != want.Kind || got.Text != want.Text || got.Source != want.Source || got.Disclaimer != want.Disclaimer {
		t.Errorf("got reply %+v, want %+v", got, want)
	}
	// The JSON is exactly the bot.Reply contract.
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(bytes.TrimSpace(body), wantJSON) {
		t.Errorf("got body %s, want %s", body, wantJSON)
	}
	qs := f.asked()
	if len(qs) != 1 || qs[0].Text != "Can massage help my back?" || qs[0].Platform != "http" {
		t.Errorf("got questions %+v, want one trimmed question from platform http", qs)
	}
}

func TestTopicsHealthReady(t *testing.T) {
	f := newFakeBot()
	ts, _ := newTestServer(t, httpapi.Config{}, f)

	status, _, body := call(t, "GET", ts.URL+"/v1/topics", "", "", nil)
	var topics struct {
		Topics []bot.Ref `json:"topics"`
	}
	if err := json.Unmarshal(body, &topics); status != 200 || err != nil || len(topics.Topics) != 2 {
		t.Errorf("GET /v1/topics: got %d %s, want 200 with 2 topics", status, body)
	}

	status, _, body = call(t, "GET", ts.URL+"/healthz", "", "", nil)
	if status != 200 || !bytes.Contains(body, []byte(`"ok"`)) {
		t.Errorf("GET /healthz: got %d %s, want 200 ok", status, body)
	}

	for _, ready := range []bool{false, true, false} {
		f.ready.Store(ready)
		want := http.StatusServiceUnavailable
		if ready {
			want = http.StatusOK
		}
		if status, _, body = call(t, "GET", ts.URL+"/readyz", "", "", nil); status != want {
			t.Errorf("GET /readyz with Ready()=%v: got %d %s, want %d", ready, status, body, want)
		}
		// Liveness does not depend on readiness.
		if status, _, _ = call(t, "GET", ts.URL+"/healthz", "", "", nil); status != 200 {
			t.Errorf("GET /healthz with Ready()=%v: got %d, want 200", ready, status)
		}
	}
}

func TestBadRequests(t *testing.T) {
	f := newFakeBot()
	ts, _ := newTestServer(t, httpapi.Config{MaxBodyBytes: 256, MaxQuestionChars: 20, AdminToken: testToken}, f)
	const js = "application/json"
	auth := map[string]string{"Authorization": "Bearer " + testToken}

	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		header      map[string]string
		want        int
		wantAllow   string
	}{
		{"ask with GET", "GET", "/v1/ask", "", "", nil, 405, "POST"},
		{"ask with PUT", "PUT", "/v1/ask", js, `{"question":"hi"}`, nil, 405, "POST"},
		{"topics with POST", "POST", "/v1/topics", js, `{}`, nil, 405, "GET, HEAD"},
		{"healthz with DELETE", "DELETE", "/healthz", "", "", nil, 405, "GET, HEAD"},
		{"readyz with POST", "POST", "/readyz", "", "", nil, 405, "GET, HEAD"},
		{"reindex with GET", "GET", "/admin/reindex", "", "", auth, 405, "POST"},
		{"status with POST", "POST", "/admin/status", "", "", auth, 405, "GET, HEAD"},
		{"unknown path", "GET", "/v1/nope", "", "", nil, 404, ""},
		{"no content type", "POST", "/v1/ask", "", `{"question":"hi"}`, nil, 415, ""},
		{"form content type", "POST", "/v1/ask", "application/x-www-form-urlencoded", "question=hi", nil, 415, ""},
		{"text content type", "POST", "/v1/ask", "text/plain", `{"question":"hi"}`, nil, 415, ""},
		{"latin1 charset", "POST", "/v1/ask", "application/json; charset=iso-8859-1", `{"question":"hi"}`, nil, 415, ""},
		{"empty body", "POST", "/v1/ask", js, "", nil, 400, ""},
		{"not JSON", "POST", "/v1/ask", js, "question: hi", nil, 400, ""},
		{"truncated JSON", "POST", "/v1/ask", js, `{"question":"hi"`, nil, 400, ""},
		{"array body", "POST", "/v1/ask", js, `["hi"]`, nil, 400, ""},
		{"question not a string", "POST", "/v1/ask", js, `{"question":42}`, nil, 400, ""},
		{"missing question", "POST", "/v1/ask", js, `{}`, nil, 400, ""},
		{"null question", "POST", "/v1/ask", js, `{"question":null}`, nil, 400, ""},
		{"blank question", "POST", "/v1/ask", js, `{"question":"   "}`, nil, 400, ""},
		{"question over the cap", "POST", "/v1/ask", js, `{"question":"` + strings.Repeat("é", 21) + `"}`, nil, 400, ""},
		{"unknown field", "POST", "/v1/ask", js, `{"question":"hi","user":"me"}`, nil, 400, ""},
		{"two objects", "POST", "/v1/ask", js, `{"question":"hi"}{"question":"again"}`, nil, 400, ""},
		{"trailing garbage", "POST", "/v1/ask", js, `{"question":"hi"} x`, nil, 400, ""},
		{"body over the cap", "POST", "/v1/ask", js, `{"question":"` + strings.Repeat("a", 300) + `"}`, nil, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := call(t, tt.method, ts.URL+tt.path, tt.contentType, tt.body, tt.header)
			if status != tt.want {
				t.Fatalf("got status %d (%s), want %d", status, body, tt.want)
			}
			errorText(t, body)
			if got := h.Get("Allow"); got != tt.wantAllow {
				t.Errorf("got Allow %q, want %q", got, tt.wantAllow)
			}
		})
	}
	if qs := f.asked(); len(qs) != 0 {
		t.Errorf("got %d questions reaching the bot, want none", len(qs))
	}
	if n := f.reindexes.Load(); n != 0 {
		t.Errorf("got %d reindexes, want none", n)
	}
}

// TestBodyOverCapChunked checks the cap without a Content-Length.
func TestBodyOverCapChunked(t *testing.T) {
	f := newFakeBot()
	ts, _ := newTestServer(t, httpapi.Config{MaxBodyBytes: 256}, f)
	body := io.MultiReader(strings.NewReader(`{"question":"`), strings.NewReader(strings.Repeat("a", 1000)), strings.NewReader(`"}`))
	resp, err := http.Post(ts.URL+"/v1/ask", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %d %s, want 413", resp.StatusCode, b)
	}
	errorText(t, b)
}

func TestAnswerError(t *testing.T) {
	f := newFakeBot()
	f.answerErr = errBroken
	ts, logs := newTestServer(t, httpapi.Config{}, f)

	status, _, body := call(t, "POST", ts.URL+"/v1/ask", "application/json", `{"question":"massage?"}`, nil)
	if status != http.StatusInternalServerError {
		t.Fatalf("got status %d, want 500", status)
	}
	if msg := errorText(t, body); strings.Contains(msg, errBroken.Error()) {
		t.Errorf("got error %q, want a short message without internals", msg)
	}
	if n := strings.Count(logs.String(), errBroken.Error()); n != 1 {
		t.Errorf("got the error logged %d times, want once; logs:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "adapter=http") {
		t.Errorf("got logs without adapter=http:\n%s", logs)
	}
}

// TestAnswerErrorKinds: the core's error kinds map to HTTP statuses in one
// place, with the core's text for the person and never the cause.
func TestAnswerErrorKinds(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		text   string
	}{
		{&bot.Error{Kind: bot.Invalid, Message: "That entry does not exist.", Err: errBroken}, http.StatusBadRequest, "That entry does not exist."},
		{&bot.Error{Kind: bot.Unavailable, Err: errBroken}, http.StatusServiceUnavailable, bot.DefaultConfig().Texts.Unavailable},
		{context.DeadlineExceeded, http.StatusServiceUnavailable, bot.DefaultConfig().Texts.Unavailable},
		{errBroken, http.StatusInternalServerError, bot.DefaultConfig().Texts.Error},
	} {
		f := newFakeBot()
		f.answerErr = c.err
		ts, _ := newTestServer(t, httpapi.Config{}, f)
		status, _, body := call(t, "POST", ts.URL+"/v1/ask", "application/json", `{"question":"massage?"}`, nil)
		if msg := errorText(t, body); status != c.status || msg != c.text {
			t.Errorf("%v: got %d %q, want %d %q", c.err, status, msg, c.status, c.text)
		}
	}
}

func TestAdmin(t *testing.T) {
	f := newFakeBot()
	// 18 refusals follow from one address: lift the throttle (TestAdminThrottle).
	ts, logs := newTestServer(t, httpapi.Config{AdminToken: testToken, AdminFailBurst: 100}, f)

	refused := []struct {
		name   string
		header map[string]string
	}{
		{"missing token", nil},
		{"wrong token", map[string]string{"Authorization": "Bearer wrong"}},
		{"token prefix", map[string]string{"Authorization": "Bearer " + testToken[:10]}},
		{"token plus suffix", map[string]string{"Authorization": "Bearer " + testToken + "x"}},
		{"basic scheme", map[string]string{"Authorization": "Basic " + testToken}},
		{"no scheme", map[string]string{"Authorization": testToken}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			for _, ep := range []struct{ method, path string }{{"POST", "/admin/reindex"}, {"GET", "/admin/status"}, {"GET", "/admin/report"}} {
				status, h, body := call(t, ep.method, ts.URL+ep.path, "", "", tt.header)
				if status != http.StatusUnauthorized {
					t.Errorf("%s %s: got %d, want 401", ep.method, ep.path, status)
				}
				if h.Get("WWW-Authenticate") == "" {
					t.Errorf("%s %s: got no WWW-Authenticate header", ep.method, ep.path)
				}
				errorText(t, body)
			}
		})
	}
	if n := f.reindexes.Load(); n != 0 {
		t.Fatalf("got %d reindexes after refused requests, want 0", n)
	}
	if n := f.statusHits.Load(); n != 0 {
		t.Fatalf("got %d status calls after refused requests, want 0", n)
	}
	if n := len(f.calls()); n != 0 {
		t.Fatalf("got %d report calls after refused requests, want 0", n)
	}

	auth := map[string]string{"Authorization": "bearer " + testToken} // the scheme is case-insensitive
	status, _, body := call(t, "POST", ts.URL+"/admin/reindex", "", "", auth)
	if status != 200 || f.reindexes.Load() != 1 {
		t.Fatalf("reindex with the token: got %d %s and %d reindexes, want 200 and 1", status, body, f.reindexes.Load())
	}
	var rep fakeReport
	if err := json.Unmarshal(body, &rep); err != nil || !rep.OK || rep.Entries != 42 {
		t.Errorf("got report %s, want the admin's report", body)
	}

	status, _, body = call(t, "GET", ts.URL+"/admin/status", "", "", auth)
	if status != 200 || !bytes.Contains(body, []byte(`"version":"sha256:abc"`)) {
		t.Errorf("status with the token: got %d %s, want 200 and the admin's status", status, body)
	}

	f.reindexErr = errors.New("content/broken.yaml:3: invalid YAML")
	status, _, body = call(t, "POST", ts.URL+"/admin/reindex", "", "", auth)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("failed reindex: got %d %s, want 422", status, body)
	}
	if msg := errorText(t, body); !strings.Contains(msg, "broken.yaml:3") {
		t.Errorf("got error %q, want the file and line", msg)
	}
	if !bytes.Contains(body, []byte(`"report":{`)) {
		t.Errorf("got %s, want the failure report", body)
	}
	if strings.Contains(logs.String(), testToken) {
		t.Errorf("the admin token is in the logs:\n%s", logs)
	}
}

func TestAdminOffWithoutToken(t *testing.T) {
	f := newFakeBot()
	ts, _ := newTestServer(t, httpapi.Config{}, f)
	for _, header := range []map[string]string{nil, {"Authorization": "Bearer "}, {"Authorization": "Bearer anything"}} {
		for _, ep := range []struct{ method, path string }{{"POST", "/admin/reindex"}, {"GET", "/admin/status"}, {"GET", "/admin/report"}} {
			status, _, body := call(t, ep.method, ts.URL+ep.path, "", "", header)
			if status != http.StatusNotFound {
				t.Errorf("%s %s with %v: got %d, want 404", ep.method, ep.path, header, status)
			}
			errorText(t, body)
		}
	}
	if n := f.reindexes.Load(); n != 0 {
		t.Errorf("got %d reindexes with admin off, want 0", n)
	}
}

func TestNew(t *testing.T) {
	f := newFakeBot()
	if _, err := httpapi.New(httpapi.Config{}, nil, f, nil); err == nil {
		t.Error("New with a nil answerer: got nil error, want one")
	}
	if _, err := httpapi.New(httpapi.Config{AdminToken: testToken}, f, nil, nil); err == nil {
		t.Error("New with a token and no admin: got nil error, want one")
	}
	if _, err := httpapi.New(httpapi.Config{ReadTimeout: -time.Second}, f, f, nil); err == nil {
		t.Error("New with a negative timeout: got nil error, want one")
	}
	s, err := httpapi.New(httpapi.Config{}, f, nil, nil)
	if err != nil {
		t.Fatalf("New without admin: %v", err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	if status, _, _ := call(t, "GET", ts.URL+"/readyz", "", "", nil); status != 200 {
		t.Errorf("readyz without admin: got %d, want 200", status)
	}
}

func TestRunShutsDownCleanly(t *testing.T) {
	f := newFakeBot()
	// Find a free port, then let Run listen on it.
	addr := testrun.FreeAddr(t)

	s, err := httpapi.New(httpapi.Config{Listen: addr, ShutdownTimeout: 2 * time.Second}, f, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	run := testrun.Start(t, "Run", 5*time.Second, s.Run)

	var status int
	for i := 0; i < 100; i++ {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			status = resp.StatusCode
			resp.Body.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if status != 200 {
		t.Fatalf("got healthz status %d, want 200", status)
	}
	run.Stop()
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("server still answers after Run returned")
	}

	// A busy port is an error from Run, not a hang.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	s2, _ := httpapi.New(httpapi.Config{Listen: busy.Addr().String()}, f, f, nil)
	if err := s2.Run(context.Background()); err == nil {
		t.Error("Run on a busy port: got nil, want an error")
	}
}

// TestSlowClient checks that a client trickling its request is cut off by
// the server's timeouts while others are still answered.
func TestSlowClient(t *testing.T) {
	f := newFakeBot()
	s, err := httpapi.New(httpapi.Config{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 400 * time.Millisecond}, f, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := testrun.Serve(t, "Serve", 10*time.Second, s.Serve)

	for _, partial := range []string{
		"POST /v1/ask HTTP/1.1\r\nHost: x\r\n", // headers never end
		"POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"quest", // body never ends
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Write([]byte(partial)); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, _ := io.ReadAll(conn) // returns when the server closes the connection
		if strings.Contains(partial, "{") && !strings.HasPrefix(string(got), "HTTP/1.1 408") {
			t.Errorf("slow body: got %q, want a 408", got)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("slow client %q: connection open for %v, want it closed within the read timeouts", partial, took)
		}
		conn.Close()

		status, _, body := call(t, "POST", "http://"+addr+"/v1/ask", "application/json", `{"question":"massage?"}`, nil)
		if status != 200 {
			t.Errorf("ask during a slow client: got %d %s, want 200", status, body)
		}
	}
}

func TestAdminReport(t *testing.T) {
	f := newFakeBot()
	ts, logs := newTestServer(t, httpapi.Config{AdminToken: testToken}, f)
	auth := map[string]string{"Authorization": "Bearer " + testToken}

	before := time.Now()
	status, h, body := call(t, "GET", ts.URL+"/admin/report", "", "", auth)
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("report: got %d %q %s, want 200 JSON", status, h.Get("Content-Type"), body)
	}
	var rep struct {
		Questions int `json:"questions"`
	}
	if err := json.Unmarshal(body, &rep); err != nil || rep.Questions != 3 {
		t.Errorf("report body %s: want the admin's report", body)
	}
	c := f.calls()[0]
	if c.format != "json" || c.to.Before(before) || c.to.Sub(c.from) != 7*24*time.Hour {
		t.Errorf("default report call: got %+v, want json over the last 7 days", c)
	}

	status, h, body = call(t, "GET", ts.URL+"/admin/report?since=36h&format=csv", "", "", auth)
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(body), "section,") {
		t.Errorf("csv report: got %d %q %q, want 200 text/csv", status, h.Get("Content-Type"), body)
	}
	if !strings.Contains(h.Get("Content-Disposition"), ".csv") {
		t.Errorf("csv report: Content-Disposition %q, want a .csv attachment", h.Get("Content-Disposition"))
	}
	if c := f.calls()[1]; c.format != "csv" || c.to.Sub(c.from) != 36*time.Hour {
		t.Errorf("since=36h call: got %+v, want csv over 36h", c)
	}

	status, _, body = call(t, "GET", ts.URL+"/admin/report?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z", "", "", auth)
	want := `"from":"2026-11-01T00:00:00Z","to":"2026-11-08T00:00:00Z"`
	if status != 200 || !strings.Contains(string(body), want) {
		t.Errorf("from/to report: got %d %s, want 200 with %s", status, body, want)
	}

	calls := len(f.calls())
	for _, q := range []string{"format=xml", "since=tomorrow", "since=-3d", "since=0d", "since=999d", "from=yesterday",
		"from=2026-11-08T00:00:00Z&to=2026-11-01T00:00:00Z", "since=7d&from=2026-11-01T00:00:00Z", "from=2020-01-01T00:00:00Z"} {
		status, _, body := call(t, "GET", ts.URL+"/admin/report?"+q, "", "", auth)
		if status != http.StatusBadRequest {
			t.Errorf("report?%s: got %d %s, want 400", q, status, body)
			continue
		}
		errorText(t, body)
	}
	if n := len(f.calls()); n != calls {
		t.Errorf("bad report requests reached the admin %d times, want 0", n-calls)
	}

	f.mu.Lock()
	f.noReports = true
	f.mu.Unlock()
	status, _, body = call(t, "GET", ts.URL+"/admin/report", "", "", auth)
	if status != http.StatusNotFound || !strings.Contains(errorText(t, body), "store") {
		t.Errorf("report without a store: got %d %s, want 404 naming the store", status, body)
	}
	f.mu.Lock()
	f.noReports, f.reportErr = false, errors.New("database is locked")
	f.mu.Unlock()
	status, _, body = call(t, "GET", ts.URL+"/admin/report", "", "", auth)
	if status != http.StatusInternalServerError || strings.Contains(string(body), "locked") {
		t.Errorf("failed report: got %d %s, want 500 without internals", status, body)
	}
	if !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("failed report not logged:\n%s", logs)
	}
}

func TestMetricsAndInstrument(t *testing.T) {
	f := newFakeBot()
	var mu sync.Mutex
	seen := map[string]int{}
	cfg := httpapi.Config{
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "faqbot_up 1\n")
		}),
		Instrument: func(route string, h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen[route]++
				mu.Unlock()
				h.ServeHTTP(w, r)
			})
		},
	}
	ts, _ := newTestServer(t, cfg, f)
	status, _, body := call(t, "GET", ts.URL+"/metrics", "", "", nil)
	if status != 200 || string(body) != "faqbot_up 1\n" {
		t.Errorf("GET /metrics: got %d %q, want the metrics handler's output", status, body)
	}
	if status, _, _ := call(t, "POST", ts.URL+"/metrics", "", "", nil); status != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics: got %d, want 405", status)
	}
	call(t, "POST", ts.URL+"/v1/ask", "application/json", `{"question":"massage?"}`, nil)
	call(t, "GET", ts.URL+"/healthz", "", "", nil)
	call(t, "GET", ts.URL+"/no/such/path/1", "", "", nil)
	call(t, "GET", ts.URL+"/no/such/path/2", "", "", nil)
	mu.Lock()
	defer mu.Unlock()
	want := map[string]int{"/v1/ask": 1, "/healthz": 1, "other": 2}
	if len(seen) != len(want) {
		t.Errorf("instrumented routes: got %v, want %v (/metrics not instrumented)", seen, want)
	}
	for r, n := range want {
		if seen[r] != n {
			t.Errorf("route %s: instrumented %d times, want %d", r, seen[r], n)
		}
	}

	// Without Config.Metrics there is no /metrics.
	ts2, _ := newTestServer(t, httpapi.Config{}, f)
	if status, _, _ := call(t, "GET", ts2.URL+"/metrics", "", "", nil); status != http.StatusNotFound {
		t.Errorf("GET /metrics without a handler: got %d, want 404", status)
	}
}
