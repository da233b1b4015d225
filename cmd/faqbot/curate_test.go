package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"faqbot/adapters/httpapi"
	"faqbot/bot"
	"faqbot/faq"
)

const napFAQ = "- question: Are naps good for you?\n  answer: A short nap of 20 minutes can refresh you.\n"

// loopCore builds the core over a content folder holding sleepFAQ and
// napFAQ, and returns it with its admin.
func loopCore(t *testing.T) (*core, admin, string) {
	t.Helper()
	content := t.TempDir()
	writeFile(t, filepath.Join(content, "sleep.yaml"), sleepFAQ+napFAQ)
	co := testCore(t, content)
	if co.overlay != filepath.Join(content, faq.DefaultOverlayName) {
		t.Fatalf("overlay: got %q, want alternates.yaml in the content folder", co.overlay)
	}
	return co, admin{lib: co.lib, guard: co.guard, bot: co.bot, overlay: co.overlay}, content
}

func entryID(t *testing.T, co *core, title string) string {
	t.Helper()
	for _, e := range co.lib.Index().Entries() {
		if e.Title == title {
			return e.ID
		}
	}
	t.Fatalf("no entry %q", title)
	return ""
}

func TestAdminAcceptAlternateAnswers(t *testing.T) {
	co, a, content := loopCore(t)
	ctx := context.Background()
	const q = "what is the right amount of shut-eye for a grown-up"
	if r, _ := co.bot.Answer(ctx, bot.Question{Text: q}); r.Kind == bot.KindAnswer {
		t.Fatalf("before: %q is answered with %q; pick a question the content misses", q, r.Source.Title)
	}
	sleep := entryID(t, co, "How much sleep do adults need?")
	acc, err := a.AcceptAlternate(ctx, sleep, q)
	if err != nil || !acc.Added || !acc.Reindexed || acc.Title != "How much sleep do adults need?" || acc.File != co.overlay {
		t.Fatalf("accept: got %+v, %v", acc, err)
	}
	r, _ := co.bot.Answer(ctx, bot.Question{Text: q})
	if r.Kind != bot.KindAnswer || r.Source.ID != sleep {
		t.Errorf("after accepting: got %s from %q, want the sleep entry's answer", r.Kind, r.Source.Title)
	}
	st := co.lib.Status()
	var found bool
	for _, f := range st.Serving.Files {
		if f.Path == co.overlay {
			found = f.Alternates == 1 && f.Error == ""
		}
	}
	if !found || st.LastReindex == nil || st.LastReindex.Trigger != "alternate" {
		t.Errorf("status after accepting: %+v, want the overlay with 1 alternate and an \"alternate\" reindex", st)
	}

	// Again: nothing to do, no reindex.
	n := st.Reindexes
	if acc, err := a.AcceptAlternate(ctx, sleep, "What is the right amount of shut-eye for a grown up?"); err != nil || acc.Added {
		t.Errorf("accept again: got %+v, %v; want not added", acc, err)
	}
	if co.lib.Status().Reindexes != n {
		t.Error("a duplicate reindexed")
	}
	// Refusals, each with the status kind the API maps.
	nap := entryID(t, co, "Are naps good for you?")
	for _, c := range []struct {
		id, q string
		kind  error
	}{
		{"qnothere", "anything", httpapi.ErrUnknownEntry},
		{nap, "how much sleep do adults need", httpapi.ErrConflict},
		{nap, q, httpapi.ErrConflict},
		{nap, "?!", httpapi.ErrInvalid},
	} {
		if _, err := a.AcceptAlternate(ctx, c.id, c.q); !errors.Is(err, c.kind) || strings.HasPrefix(err.Error(), "conflict") {
			t.Errorf("accept %q for %s: got %v, want one matching %v with a plain message", c.q, c.id, err, c.kind)
		}
	}
	// A hand edit broke the overlay: accepting refuses with its file:line,
	// and a reindex keeps serving the last good content.
	writeFile(t, co.overlay, sleep+":\n  - [oops\n")
	if _, err := a.AcceptAlternate(ctx, nap, "is a siesta healthy"); !errors.Is(err, httpapi.ErrConflict) || !strings.Contains(err.Error(), "alternates.yaml:2") {
		t.Errorf("accept with a broken overlay: got %v, want a conflict naming alternates.yaml:2", err)
	}
	if _, err := co.lib.Reindex(ctx, "test"); err == nil || !strings.Contains(err.Error(), "alternates.yaml:2") {
		t.Errorf("reindex with a broken overlay: got %v, want its file:line", err)
	}
	if r, _ := co.bot.Answer(ctx, bot.Question{Text: q}); r.Source.ID != sleep {
		t.Errorf("after a failed reindex: got %s %q, want the last good index's answer", r.Kind, r.Source.Title)
	}
	// Restarted on the broken overlay, the content serves without it.
	cfg := DefaultConfig()
	cfg.Content.Paths = []string{content}
	co2, err := buildCore(cfg, newLogger(io.Discard, LogConfig{}, 0), nil)
	if err != nil {
		t.Fatalf("start with a broken overlay: %v", err)
	}
	defer co2.lib.Close()
	if co2.lib.Index().Len() != 2 || co2.lib.Status().Serving.OK {
		t.Errorf("start with a broken overlay: %d entries, status %+v; want both entries and the overlay's error", co2.lib.Index().Len(), co2.lib.Status().Serving)
	}
}

func TestAdminFindEntries(t *testing.T) {
	co, a, _ := loopCore(t)
	ctx := context.Background()
	nap := entryID(t, co, "Are naps good for you?")
	for _, c := range []struct {
		text  string
		first string
		n     int
	}{
		{"", "How much sleep do adults need?", 2},
		{nap, "Are naps good for you?", 1},
		{"napping", "Are naps good for you?", 1},
		{"naps good", "Are naps good for you?", 1},
	} {
		es, err := a.FindEntries(ctx, c.text, 5)
		if err != nil || len(es) < c.n || es[0].Title != c.first {
			t.Errorf("FindEntries(%q): got %+v, %v; want %q first", c.text, es, err, c.first)
			continue
		}
		if es[0].Source == "" || es[0].Text == "" || es[0].Type != "faq" {
			t.Errorf("FindEntries(%q): %+v lacks source, text or type", c.text, es[0])
		}
	}
	if es, _ := a.FindEntries(ctx, "", 1); len(es) != 1 {
		t.Errorf("limit 1: got %d entries", len(es))
	}
}

func TestAdminFAQStubParses(t *testing.T) {
	_, a, _ := loopCore(t)
	stub, err := a.FAQStub(context.Background(), []string{"can I sleep too much", "is 11 hours of sleep bad"}, 4)
	if err != nil {
		t.Fatal(err)
	}
	filled := strings.Replace(string(stub), `answer: ""`, `answer: "Regularly sleeping over 10 hours can be a sign of a health problem."`, 1)
	es, err := faq.ParseYAML("stub.yaml", []byte(filled))
	if err != nil || len(es) != 1 || es[0].Title != "can I sleep too much" {
		t.Errorf("filled stub: %+v, %v\n%s", es, err, stub)
	}
	if _, err := a.FAQStub(context.Background(), []string{"  "}, 0); !errors.Is(err, httpapi.ErrInvalid) {
		t.Errorf("empty stub: got %v, want ErrInvalid", err)
	}
}

// TestServeAcceptAlternate: through `faqbot serve`'s HTTP API with the
// admin token, an accepted wording is answered at once; `faqbot validate`
// lists the overlay; content.alternates moves it.
func TestServeAcceptAlternate(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	os.Mkdir(content, 0o755)
	writeFile(t, filepath.Join(content, "sleep.yaml"), sleepFAQ+napFAQ)
	cfg := serveConfig(t, dir, "content:\n  paths: [content]\n  alternates: operator/accepted.yaml\n")
	os.Mkdir(filepath.Join(dir, "operator"), 0o755)
	env := map[string]string{"FAQBOT_ADMIN_TOKEN": "test-admin-token-123-0123456789abcdef"}
	addr, stop := startServe(t, env, "-config", cfg)
	defer stop()

	admin := func(method, path, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+env["FAQBOT_ADMIN_TOKEN"])
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	const q = "is a siesta healthy"
	if r, _ := ask(t, addr, q); r.Kind == bot.KindAnswer {
		t.Fatalf("before: %q answered by %q", q, r.Source.Title)
	}
	status, body := admin("GET", "/admin/entries?q=naps", "")
	var found struct {
		Entries []httpapi.EntryRef `json:"entries"`
	}
	if err := json.Unmarshal(body, &found); status != 200 || err != nil || len(found.Entries) == 0 || found.Entries[0].Title != "Are naps good for you?" {
		t.Fatalf("entries: %d %s", status, body)
	}
	id := found.Entries[0].EntryID
	status, body = admin("POST", "/admin/alternates", `{"entry_id":"`+id+`","question":"`+q+`"}`)
	if status != 200 || !strings.Contains(string(body), `"reindexed":true`) {
		t.Fatalf("accept: %d %s", status, body)
	}
	if r, _ := ask(t, addr, q); r.Kind != bot.KindAnswer || r.Source.ID != id {
		t.Errorf("after accepting: %s %q, want the nap entry", r.Kind, r.Source.Title)
	}
	data, err := os.ReadFile(filepath.Join(dir, "operator", "accepted.yaml"))
	if err != nil || !strings.Contains(string(data), "  - "+q+"\n") {
		t.Errorf("configured overlay: %v\n%s", err, data)
	}
	if _, err := os.Stat(filepath.Join(content, faq.DefaultOverlayName)); err == nil {
		t.Error("alternates.yaml written in the content folder although content.alternates names another file")
	}
	status, body = admin("POST", "/admin/alternates", `{"entry_id":"`+id+`","question":"How much sleep do adults need?"}`)
	if status != http.StatusConflict || !strings.Contains(string(body), "another entry") {
		t.Errorf("accept another entry's question: %d %s, want 409", status, body)
	}
	status, body = admin("POST", "/admin/faq-stub", `{"questions":["can I sleep too much"],"count":3}`)
	if status != 200 || !strings.Contains(string(body), "question: can I sleep too much") {
		t.Errorf("stub: %d %s", status, body)
	}
	out, _, err := run(t, "", nil, "validate", "-config", cfg)
	if err != nil || !strings.Contains(out, "accepted.yaml") || !strings.Contains(out, "1 alternates") {
		t.Errorf("validate: %v\n%s", err, out)
	}
}
