package httpapi_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"faqbot/adapters/httpapi"
	"faqbot/bot"
)

// webConfig is a config with the chat page and the console on.
func webConfig() httpapi.Config {
	return httpapi.Config{AdminToken: testToken, Web: httpapi.Web{Enabled: true, Title: "Back pain help",
		Greeting: "Hi there", Disclaimer: "Not medical advice."}}
}

// assets are every page and file the web side serves.
var assets = []struct{ path, ctype string }{
	{"/", "text/html; charset=utf-8"},
	{"/widget.js", "text/javascript; charset=utf-8"},
	{"/web/chat.js", "text/javascript; charset=utf-8"},
	{"/web/chat.css", "text/css; charset=utf-8"},
	{"/web/theme.css", "text/css; charset=utf-8"},
	{"/admin/", "text/html; charset=utf-8"},
	{"/web/admin.js", "text/javascript; charset=utf-8"},
	{"/web/admin.css", "text/css; charset=utf-8"},
}

func TestWebAssetsHeadersAndSize(t *testing.T) {
	ts, _ := newTestServer(t, webConfig(), newFakeBot())
	total := 0
	for _, a := range assets {
		status, h, body := call(t, "GET", ts.URL+a.path, "", "", nil)
		if status != http.StatusOK {
			t.Errorf("GET %s: got %d, want 200", a.path, status)
			continue
		}
		total += len(body)
		if got := h.Get("Content-Type"); got != a.ctype {
			t.Errorf("GET %s: got Content-Type %q, want %q", a.path, got, a.ctype)
		}
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", a.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("GET %s: CSP %q allows something unsafe", a.path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", a.path)
		}
		if strings.HasPrefix(a.path, "/admin/") != strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s: CSP %q: only the console refuses framing", a.path, csp)
		}
		// Conditional requests get 304.
		if status, _, _ := call(t, "GET", ts.URL+a.path, "", "", map[string]string{"If-None-Match": h.Get("ETag")}); status != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: got %d, want 304", a.path, status)
		}
	}
	if total >= 50<<10 {
		t.Errorf("pages and assets weigh %d bytes, want well under 50 KB", total)
	}
	t.Logf("pages and assets: %d bytes", total)
}

func TestChatPageContentAndEscaping(t *testing.T) {
	cfg := webConfig()
	cfg.Web.Title = `Help <img src=x onerror=alert(1)>`
	cfg.Web.Greeting = `Hello <script>alert(1)</script>`
	ts, _ := newTestServer(t, cfg, newFakeBot())
	_, _, body := call(t, "GET", ts.URL+"/", "", "", nil)
	page := string(body)
	for _, want := range []string{"Help &lt;img src=x onerror=alert(1)&gt;", "Hello &lt;script&gt;alert(1)&lt;/script&gt;", "Not medical advice.",
		`role="log"`, `aria-live="polite"`, `<label for="q">`, `name="viewport"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<img") || strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
		t.Errorf("page has markup from the config or an inline script/style:\n%s", page)
	}
	// The widget names its button after the title, as a JS string.
	_, _, widget := call(t, "GET", ts.URL+"/widget.js", "", "", nil)
	if !strings.Contains(string(widget), `"Help \u003Cimg src\u003Dx onerror\u003Dalert(1)\u003E"`) {
		t.Errorf("widget.js does not carry the escaped title:\n%s", widget)
	}
}

// TestScriptsUseNoMarkupSinks guards the rule that content text never
// becomes markup: the page's scripts set text, never HTML.
func TestScriptsUseNoMarkupSinks(t *testing.T) {
	ts, _ := newTestServer(t, webConfig(), newFakeBot())
	for _, p := range []string{"/web/chat.js", "/web/admin.js", "/widget.js"} {
		_, _, body := call(t, "GET", ts.URL+p, "", "", nil)
		for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "setAttribute(\"style\""} {
			if strings.Contains(string(body), sink) {
				t.Errorf("%s uses %s", p, sink)
			}
		}
	}
}

func TestWebOff(t *testing.T) {
	cfg := webConfig()
	cfg.Web.Enabled = false
	ts, _ := newTestServer(t, cfg, newFakeBot())
	for _, p := range []string{"/", "/widget.js", "/web/chat.js", "/web/chat.css", "/web/theme.css"} {
		status, _, body := call(t, "GET", ts.URL+p, "", "", nil)
		if status != http.StatusNotFound {
			t.Errorf("GET %s with the web off: got %d, want 404", p, status)
			continue
		}
		errorText(t, body)
	}
	// The console follows the admin token, not http.web.
	if status, _, _ := call(t, "GET", ts.URL+"/admin/", "", "", nil); status != http.StatusOK {
		t.Errorf("GET /admin/ with the web off: got %d, want 200", status)
	}
	// The API stays.
	if status, _, _ := call(t, "POST", ts.URL+"/v1/ask", "application/json", `{"question":"massage?"}`, nil); status != http.StatusOK {
		t.Errorf("POST /v1/ask with the web off: got %d, want 200", status)
	}
	// Without an admin token there is no console either.
	ts2, _ := newTestServer(t, httpapi.Config{}, newFakeBot())
	for _, p := range []string{"/admin/", "/admin/session", "/web/admin.js"} {
		if status, _, _ := call(t, "GET", ts2.URL+p, "", "", nil); status != http.StatusNotFound {
			t.Errorf("GET %s without an admin token: got %d, want 404", p, status)
		}
	}
}

func TestWebColors(t *testing.T) {
	cfg := webConfig()
	cfg.Web.Colors = map[string]string{"accent": "#123abc", "surface": "white"}
	ts, _ := newTestServer(t, cfg, newFakeBot())
	_, _, css := call(t, "GET", ts.URL+"/web/theme.css", "", "", nil)
	if want := ":root{--accent:#123abc;--surface:white;}\n"; string(css) != want {
		t.Errorf("theme.css: got %q, want %q", css, want)
	}
	for _, bad := range []map[string]string{
		{"accent": "red;}body{display:none"},
		{"accent": "url(x)"},
		{"border": "#fff"},
	} {
		cfg.Web.Colors = bad
		if _, err := httpapi.New(cfg, newFakeBot(), newFakeBot(), nil); err == nil {
			t.Errorf("New with colours %v: got no error", bad)
		}
	}
}

func TestAskEntry(t *testing.T) {
	f := newFakeBot()
	ts, _ := newTestServer(t, httpapi.Config{}, f)
	status, _, body := call(t, "POST", ts.URL+"/v1/ask", "application/json", `{"entry_id":"massage-help"}`, nil)
	if status != http.StatusOK {
		t.Fatalf("ask by entry: got %d %s, want 200", status, body)
	}
	var r bot.Reply
	if err := json.Unmarshal(body, &r); err != nil || r.Kind != bot.KindAnswer || r.Source.ID != "massage-help" {
		t.Errorf("ask by entry: got %s (%v), want the massage-help answer", body, err)
	}
	for _, bad := range []string{`{"entry_id":""}`, `{"entry_id":"  "}`, `{"entry_id":"a","question":"b"}`,
		`{"entry_id":42}`, `{"entry_id":"` + strings.Repeat("x", 201) + `"}`} {
		status, _, body := call(t, "POST", ts.URL+"/v1/ask", "application/json", bad, nil)
		if status != http.StatusBadRequest {
			t.Errorf("ask %s: got %d, want 400", bad, status)
		}
		errorText(t, body)
	}
	f.mu.Lock()
	got := f.entries
	f.mu.Unlock()
	if len(got) != 1 || got[0] != "massage-help" {
		t.Errorf("AnswerEntry calls: got %v, want [massage-help]", got)
	}

	f.answerErr = errBroken
	if status, _, _ := call(t, "POST", ts.URL+"/v1/ask", "application/json", `{"entry_id":"massage-help"}`, nil); status != http.StatusInternalServerError {
		t.Errorf("ask by entry with a broken bot: got %d, want 500", status)
	}
}

func TestFeedback(t *testing.T) {
	f := newFakeBot()
	ts, _ := newTestServer(t, httpapi.Config{}, f)
	status, _, body := call(t, "POST", ts.URL+"/v1/feedback", "application/json", `{"entry_id":"massage-help","helpful":false}`, nil)
	if status != http.StatusAccepted || !strings.Contains(string(body), `"recorded"`) {
		t.Fatalf("feedback: got %d %s, want 202 recorded", status, body)
	}
	f.mu.Lock()
	got := append([]bot.Feedback(nil), f.feedback...)
	f.mu.Unlock()
	want := bot.Feedback{Platform: "http", EntryID: "massage-help", Helpful: false}
	if len(got) != 1 || got[0] != want {
		t.Errorf("recorded feedback: got %+v, want [%+v]", got, want)
	}
	for _, bad := range []string{`{"entry_id":"x"}`, `{"helpful":true}`, `{"entry_id":"","helpful":true}`, `{"entry_id":"x","helpful":"yes"}`, `{"entry_id":"x","helpful":true,"user":"u"}`} {
		status, _, body := call(t, "POST", ts.URL+"/v1/feedback", "application/json", bad, nil)
		if status != http.StatusBadRequest {
			t.Errorf("feedback %s: got %d, want 400", bad, status)
		}
		errorText(t, body)
	}
	if status, h, _ := call(t, "GET", ts.URL+"/v1/feedback", "", "", nil); status != http.StatusMethodNotAllowed || h.Get("Allow") != "POST" {
		t.Errorf("GET /v1/feedback: got %d Allow %q, want 405 POST", status, h.Get("Allow"))
	}
	f.mu.Lock()
	f.feedbackErr = errors.New("fake: store down")
	f.mu.Unlock()
	if status, _, _ := call(t, "POST", ts.URL+"/v1/feedback", "application/json", `{"entry_id":"x","helpful":true}`, nil); status != http.StatusInternalServerError {
		t.Errorf("feedback with a failing bot: got %d, want 500", status)
	}
}

// console is a browser-like client with a cookie jar.
type console struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func newConsole(t *testing.T, ts *httptest.Server) *console {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// A client of its own: ts.Client() is shared.
	c := &http.Client{Transport: ts.Client().Transport, Jar: jar}
	return &console{t: t, base: ts.URL, c: c}
}

// do sends a request with the jar's cookies and the given CSRF token.
func (c *console) do(method, path, body, csrf string) (int, *http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp, b
}

// signIn signs in and returns the session cookie as set.
func (c *console) signIn() *http.Cookie {
	c.t.Helper()
	status, resp, body := c.do("POST", "/admin/session", `{"token":"`+testToken+`"}`, "")
	if status != http.StatusOK {
		c.t.Fatalf("sign in: got %d %s, want 200", status, body)
	}
	var s struct {
		CSRF string `json:"csrf"`
	}
	if err := json.Unmarshal(body, &s); err != nil || len(s.CSRF) < 32 {
		c.t.Fatalf("sign in: got %s, want a CSRF token", body)
	}
	c.csrf = s.CSRF
	for _, ck := range resp.Cookies() {
		if ck.Name == "faqbot_admin" {
			return ck
		}
	}
	c.t.Fatalf("sign in: no session cookie in %v", resp.Header["Set-Cookie"])
	return nil
}

func TestConsoleSessionAndCSRF(t *testing.T) {
	f := newFakeBot()
	ts, _ := newTestServer(t, webConfig(), f)
	c := newConsole(t, ts)

	if status, _, _ := c.do("GET", "/admin/status", "", ""); status != http.StatusUnauthorized {
		t.Errorf("status before sign-in: got %d, want 401", status)
	}
	if status, _, _ := c.do("POST", "/admin/session", `{"token":"wrong-token-wrong-token"}`, ""); status != http.StatusUnauthorized {
		t.Errorf("sign in with a wrong token: got %d, want 401", status)
	}
	if status, _, _ := c.do("GET", "/admin/session", "", ""); status != http.StatusUnauthorized {
		t.Errorf("session before sign-in: got %d, want 401", status)
	}
	ck := c.signIn()
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/admin/" || ck.Secure || ck.MaxAge <= 0 {
		t.Errorf("cookie over plain HTTP: got %+v, want HttpOnly, SameSite=Strict, Path /admin/, not Secure, a MaxAge", ck)
	}
	if strings.Contains(ck.Value, testToken) {
		t.Error("the cookie holds the admin token")
	}

	// Reading needs no CSRF token; the session answers with the same one.
	if status, _, body := c.do("GET", "/admin/status", "", ""); status != http.StatusOK {
		t.Errorf("status with the cookie: got %d %s, want 200", status, body)
	}
	if _, _, body := c.do("GET", "/admin/session", "", ""); !strings.Contains(string(body), c.csrf) {
		t.Errorf("GET /admin/session: got %s, want the session's CSRF token", body)
	}

	// Changing state needs it.
	for _, bad := range []string{"", "not-the-token", strings.Repeat("A", len(c.csrf))} {
		status, _, body := c.do("POST", "/admin/reindex", "", bad)
		if status != http.StatusForbidden {
			t.Errorf("reindex with CSRF %q: got %d, want 403", bad, status)
		}
		errorText(t, body)
	}
	if status, _, _ := c.do("POST", "/admin/explain", `{"question":"massage"}`, ""); status != http.StatusForbidden {
		t.Errorf("explain without CSRF: got %d, want 403", status)
	}
	if n := f.reindexes.Load(); n != 0 {
		t.Fatalf("got %d reindexes from refused requests, want none", n)
	}
	if status, _, body := c.do("POST", "/admin/reindex", "", c.csrf); status != http.StatusOK {
		t.Errorf("reindex with CSRF: got %d %s, want 200", status, body)
	}

	// One session's CSRF token does not work with another's cookie.
	c2 := newConsole(t, ts)
	c2.signIn()
	if status, _, _ := c2.do("POST", "/admin/reindex", "", c.csrf); status != http.StatusForbidden {
		t.Errorf("reindex with another session's CSRF: got %d, want 403", status)
	}

	// Signing out needs the token too, then the cookie is dead.
	if status, _, _ := c.do("DELETE", "/admin/session", "", ""); status != http.StatusForbidden {
		t.Errorf("sign out without CSRF: got %d, want 403", status)
	}
	if status, _, _ := c.do("DELETE", "/admin/session", "", c.csrf); status != http.StatusNoContent {
		t.Errorf("sign out: got %d, want 204", status)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/admin/status", nil)
	req.AddCookie(ck)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status with a signed-out cookie: got %d, want 401", resp.StatusCode)
	}

	// The bearer token still works without a cookie or CSRF token (scripts).
	if status, _, _ := call(t, "POST", ts.URL+"/admin/reindex", "", "", map[string]string{"Authorization": "Bearer " + testToken}); status != http.StatusOK {
		t.Errorf("reindex with the bearer token: got %d, want 200", status)
	}
}

func TestConsoleCookieSecureOverTLS(t *testing.T) {
	s, err := httpapi.New(webConfig(), newFakeBot(), newFakeBot(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(s.Handler())
	defer ts.Close()
	c := newConsole(t, ts)
	if ck := c.signIn(); !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie over TLS: got %+v, want Secure, HttpOnly, SameSite=Strict", ck)
	}
	if status, _, _ := c.do("POST", "/admin/reindex", "", c.csrf); status != http.StatusOK {
		t.Errorf("reindex over TLS with cookie and CSRF: got %d, want 200", status)
	}
}

func TestSignInThrottled(t *testing.T) {
	cfg := webConfig()
	cfg.AdminFailBurst = 2
	ts, _ := newTestServer(t, cfg, newFakeBot())
	c := newConsole(t, ts)
	for i := 0; i < 2; i++ {
		c.do("POST", "/admin/session", `{"token":"guess"}`, "")
	}
	if status, _, _ := c.do("POST", "/admin/session", `{"token":"`+testToken+`"}`, ""); status != http.StatusTooManyRequests {
		t.Errorf("sign in after failed guesses: got %d, want 429", status)
	}
}

// adminOnly hides the fake's Explain method.
type adminOnly struct{ httpapi.Admin }

func TestExplain(t *testing.T) {
	f := newFakeBot()
	ts, _ := newTestServer(t, webConfig(), f)
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	status, _, body := call(t, "POST", ts.URL+"/admin/explain", "application/json", `{"question":"massage for my back","limit":1}`, auth)
	if status != http.StatusOK {
		t.Fatalf("explain: got %d %s, want 200", status, body)
	}
	var ex httpapi.Explanation
	if err := json.Unmarshal(body, &ex); err != nil {
		t.Fatal(err)
	}
	if ex.Question != "massage for my back" || len(ex.Candidates) != 1 || ex.Candidates[0].EntryID != "massage-help" ||
		ex.Candidates[0].Features[0].Name != "bm25" || ex.MinConfidence != 0.5 {
		t.Errorf("explain: got %+v, want one massage-help candidate with its features", ex)
	}
	for _, bad := range []string{`{"question":""}`, `{"question":"` + strings.Repeat("a", 501) + `"}`, `{"q":"x"}`} {
		if status, _, _ := call(t, "POST", ts.URL+"/admin/explain", "application/json", bad, auth); status != http.StatusBadRequest {
			t.Errorf("explain %s: got %d, want 400", bad, status)
		}
	}
	if status, _, _ := call(t, "POST", ts.URL+"/admin/explain", "application/json", `{"question":"x"}`, nil); status != http.StatusUnauthorized {
		t.Errorf("explain without a token: got %d, want 401", status)
	}

	s, err := httpapi.New(webConfig(), f, adminOnly{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts2 := httptest.NewServer(s.Handler())
	defer ts2.Close()
	if status, _, _ := call(t, "POST", ts2.URL+"/admin/explain", "application/json", `{"question":"x"}`, auth); status != http.StatusNotFound {
		t.Errorf("explain without an Explainer: got %d, want 404", status)
	}
}
