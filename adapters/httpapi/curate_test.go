package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"faqbot/adapters/httpapi"
)

// fakeCurator is the fake bot with the Curator methods: one entry,
// "massage-help", whose wordings it keeps.
type fakeCurator struct {
	*fakeBot
	mu       sync.Mutex
	accepted []string
	stubs    [][]string
}

func newFakeCurator() *fakeCurator { return &fakeCurator{fakeBot: newFakeBot()} }

func (f *fakeCurator) FindEntries(ctx context.Context, text string, limit int) ([]httpapi.EntryRef, error) {
	out := []httpapi.EntryRef{
		{EntryID: "massage-help", Title: "Can massage help lower back pain?", Type: "faq", Source: "faq.yaml:3", Text: "Massage can ease…"},
		{EntryID: "stretch", Title: "Which stretches help?", Type: "faq", Source: "faq.yaml:9", Alternates: []string{"stretching"}},
	}
	if text == "broken" {
		return nil, fmt.Errorf("fake: index gone")
	}
	if limit < len(out) {
		out = out[:limit]
	}
	return out, nil
}

func (f *fakeCurator) AcceptAlternate(ctx context.Context, id, q string) (httpapi.Accepted, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := httpapi.Accepted{EntryID: id, Question: q, File: "content/alternates.yaml", Title: "Can massage help lower back pain?"}
	switch {
	case id != "massage-help":
		return out, fmt.Errorf("fake: %w: %q", httpapi.ErrUnknownEntry, id)
	case q == "Which stretches help?":
		return out, fmt.Errorf("fake: %w: it is the question of another entry", httpapi.ErrConflict)
	case q == "boom":
		return out, fmt.Errorf("fake: disk full")
	}
	for _, a := range f.accepted {
		if strings.EqualFold(a, q) {
			return out, nil
		}
	}
	f.accepted = append(f.accepted, q)
	out.Added, out.Reindexed, out.Report = true, true, fakeReport{OK: true, Entries: 42}
	return out, nil
}

func (f *fakeCurator) FAQStub(ctx context.Context, qs []string, count int) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stubs = append(f.stubs, qs)
	if strings.TrimSpace(strings.Join(qs, "")) == "" {
		return nil, fmt.Errorf("fake: %w: no question", httpapi.ErrInvalid)
	}
	return fmt.Appendf(nil, "- question: %s\n  answer: \"\"\n# asked %d times\n", qs[0], count), nil
}

func curatorServer(t *testing.T, admin httpapi.Admin, f *fakeBot) *httptest.Server {
	t.Helper()
	s, err := httpapi.New(webConfig(), f, admin, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func TestAdminEntries(t *testing.T) {
	f := newFakeCurator()
	ts := curatorServer(t, f, f.fakeBot)
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	status, h, body := call(t, "GET", ts.URL+"/admin/entries?q=massage&limit=5", "", "", auth)
	if status != http.StatusOK || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("entries: got %d %s (%v), want 200, no-store", status, body, h)
	}
	var got struct {
		Entries []httpapi.EntryRef `json:"entries"`
	}
	if err := json.Unmarshal(body, &got); err != nil || len(got.Entries) != 2 || got.Entries[0].EntryID != "massage-help" {
		t.Fatalf("entries: got %s (%v)", body, err)
	}
	if !strings.Contains(string(body), `"alternates":[]`) {
		t.Errorf("an entry without alternates should list [] not null: %s", body)
	}
	for _, c := range []struct {
		query string
		want  int
	}{
		{"?limit=0", 400}, {"?limit=51", 400}, {"?limit=x", 400}, {"?q=" + strings.Repeat("a", 501), 400},
		{"?q=broken", 500}, {"?limit=1", 200}, {"", 200},
	} {
		if status, _, body := call(t, "GET", ts.URL+"/admin/entries"+c.query, "", "", auth); status != c.want {
			t.Errorf("entries%s: got %d %s, want %d", c.query[:min(len(c.query), 20)], status, body, c.want)
		}
	}
	if status, _, _ := call(t, "GET", ts.URL+"/admin/entries?q=x", "", "", nil); status != http.StatusUnauthorized {
		t.Errorf("entries without a token: got %d, want 401", status)
	}
	if status, _, _ := call(t, "POST", ts.URL+"/admin/entries", "application/json", "{}", auth); status != http.StatusMethodNotAllowed {
		t.Errorf("POST entries: got %d, want 405", status)
	}
}

func TestAdminAcceptAlternate(t *testing.T) {
	f := newFakeCurator()
	ts := curatorServer(t, f, f.fakeBot)
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	post := func(body string) (int, []byte) {
		status, _, b := call(t, "POST", ts.URL+"/admin/alternates", "application/json", body, auth)
		return status, b
	}
	status, body := post(`{"entry_id":"massage-help","question":"  is a rubdown good for my back  "}`)
	if status != http.StatusOK {
		t.Fatalf("accept: got %d %s", status, body)
	}
	var acc httpapi.Accepted
	if err := json.Unmarshal(body, &acc); err != nil || !acc.Added || !acc.Reindexed || acc.Question != "is a rubdown good for my back" || acc.File == "" {
		t.Errorf("accept: got %s (%v), want added and reindexed, the question trimmed", body, err)
	}
	if status, body := post(`{"entry_id":"massage-help","question":"Is a rubdown good for my back"}`); status != http.StatusOK || !strings.Contains(string(body), `"added":false`) {
		t.Errorf("accept again: got %d %s, want 200, not added", status, body)
	}
	for _, c := range []struct {
		body string
		want int
		msg  string
	}{
		{`{"entry_id":"nope","question":"x"}`, 404, `"nope"`},
		{`{"entry_id":"massage-help","question":"Which stretches help?"}`, 409, "another entry"},
		{`{"entry_id":"massage-help","question":"boom"}`, 500, "see the server log"},
		{`{"entry_id":"massage-help","question":" "}`, 400, "empty"},
		{`{"entry_id":"","question":"x"}`, 400, "entry_id"},
		{`{"entry_id":"massage-help","question":"` + strings.Repeat("a", 501) + `"}`, 400, "too long"},
		{`{"entry_id":"massage-help","question":"x","extra":1}`, 400, "unknown field"},
	} {
		status, body := post(c.body)
		if status != c.want || !strings.Contains(errorText(t, body), c.msg) {
			t.Errorf("accept %.60s: got %d %s, want %d with %q", c.body, status, body, c.want, c.msg)
		}
	}
	if status, _, _ := call(t, "POST", ts.URL+"/admin/alternates", "application/json", `{"entry_id":"massage-help","question":"x"}`, nil); status != http.StatusUnauthorized {
		t.Errorf("accept without a token: got %d, want 401", status)
	}
	if len(f.accepted) != 1 {
		t.Errorf("the fake accepted %q, want the one wording", f.accepted)
	}
}

// The console's session may accept and export only with its CSRF token.
func TestAdminCurateNeedsCSRF(t *testing.T) {
	f := newFakeCurator()
	ts := curatorServer(t, f, f.fakeBot)
	c := newConsole(t, ts)
	c.signIn()
	accept := `{"entry_id":"massage-help","question":"rubdown"}`
	if status, _, body := c.do("POST", "/admin/alternates", accept, ""); status != http.StatusForbidden {
		t.Errorf("accept without the CSRF token: got %d %s, want 403", status, body)
	}
	if status, _, body := c.do("POST", "/admin/faq-stub", `{"questions":["x"]}`, "wrong"); status != http.StatusForbidden {
		t.Errorf("stub with a wrong CSRF token: got %d %s, want 403", status, body)
	}
	if len(f.accepted) != 0 || len(f.stubs) != 0 {
		t.Fatalf("refused requests reached the curator: %q %q", f.accepted, f.stubs)
	}
	if status, _, body := c.do("POST", "/admin/alternates", accept, c.csrf); status != http.StatusOK {
		t.Errorf("accept with the CSRF token: got %d %s, want 200", status, body)
	}
	if status, _, body := c.do("GET", "/admin/entries?q=rub", "", ""); status != http.StatusOK {
		t.Errorf("entries (a GET) without the CSRF token: got %d %s, want 200", status, body)
	}
}

func TestAdminFAQStub(t *testing.T) {
	f := newFakeCurator()
	ts := curatorServer(t, f, f.fakeBot)
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	status, h, body := call(t, "POST", ts.URL+"/admin/faq-stub", "application/json", `{"questions":["how do I sleep with sciatica","sciatica sleeping"],"count":7}`, auth)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/yaml") ||
		!strings.Contains(h.Get("Content-Disposition"), `attachment; filename="faq-stub-`) || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("stub: got %d %v %s", status, h, body)
	}
	if !strings.Contains(string(body), "question: how do I sleep with sciatica") || !strings.Contains(string(body), "asked 7 times") {
		t.Errorf("stub body: %s", body)
	}
	many := `["` + strings.Repeat(`q","`, 20) + `q"]`
	for _, c := range []struct {
		body string
		want int
	}{
		{`{"questions":[]}`, 400}, {`{}`, 400}, {`{"questions":` + many + `}`, 400},
		{`{"questions":["x"],"count":-1}`, 400}, {`{"questions":[" "]}`, 400},
		{`{"questions":["` + strings.Repeat("a", 501) + `"]}`, 400},
	} {
		if status, _, body := call(t, "POST", ts.URL+"/admin/faq-stub", "application/json", c.body, auth); status != c.want {
			t.Errorf("stub %.50s: got %d %s, want %d", c.body, status, body, c.want)
		}
	}
}

// Without the Curator methods the endpoints answer 404; without an admin
// token at all, too.
func TestAdminCurateOff(t *testing.T) {
	f := newFakeBot()
	ts := curatorServer(t, f, f) // fakeBot has no Curator methods
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/admin/entries?q=x", ""},
		{"POST", "/admin/alternates", `{"entry_id":"a","question":"b"}`},
		{"POST", "/admin/faq-stub", `{"questions":["b"]}`},
	} {
		if status, _, body := call(t, r.method, ts.URL+r.path, "application/json", r.body, auth); status != http.StatusNotFound {
			t.Errorf("%s %s without a Curator: got %d %s, want 404", r.method, r.path, status, body)
		}
	}
	fc := newFakeCurator()
	s, err := httpapi.New(httpapi.Config{}, fc, fc, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts2 := httptest.NewServer(s.Handler())
	defer ts2.Close()
	if status, _, _ := call(t, "GET", ts2.URL+"/admin/entries?q=x", "", "", auth); status != http.StatusNotFound {
		t.Errorf("entries with the admin endpoints off: got %d, want 404", status)
	}
}
