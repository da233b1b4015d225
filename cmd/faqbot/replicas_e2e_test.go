package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"faqbot/internal/testrun"

	"github.com/jackc/pgx/v5"
)

// fakeBotAPI is a Telegram Bot API server on 127.0.0.1 that accepts what
// the adapter sends in webhook mode and records the messages.
type fakeBotAPI struct {
	mu   sync.Mutex
	sent []string
}

func (f *fakeBotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	r.ParseForm()
	var result any = true
	switch method {
	case "getMe":
		result = map[string]any{"id": 1, "is_bot": true, "first_name": "FAQ", "username": "faq_test_bot"}
	case "sendMessage":
		f.mu.Lock()
		f.sent = append(f.sent, r.Form.Get("text"))
		f.mu.Unlock()
		result = map[string]any{"message_id": 1, "date": time.Now().Unix(), "chat": map[string]any{"id": 42, "type": "private"}}
	case "getWebhookInfo":
		result = map[string]any{"url": ""}
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func (f *fakeBotAPI) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.sent...)
}

// pgDatabase creates a schema of its own on the test PostgreSQL server
// (FAQBOT_TEST_POSTGRES_DSN, which .ci/run sets) and returns its DSN.
func pgDatabase(t *testing.T) string {
	t.Helper()
	base := os.Getenv("FAQBOT_TEST_POSTGRES_DSN")
	if base == "" {
		t.Skip("two-replica test skipped: FAQBOT_TEST_POSTGRES_DSN is not set (eval \"$(scripts/ci-postgres.sh)\" starts a server and sets it)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "faqbot_replicas_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// TestTwoReplicas runs two `faqbot serve` on one PostgreSQL store and one
// content folder, each with a Telegram webhook: a reindex on one reaches
// the other within 2 s, and one update posted to both (a load balancer's
// retry) is answered once.
func TestTwoReplicas(t *testing.T) {
	dsn := pgDatabase(t)
	api := &fakeBotAPI{}
	tg := httptest.NewServer(api)
	defer tg.Close()

	content := t.TempDir()
	faqFile := filepath.Join(content, "faq.yaml")
	writeFile(t, faqFile, "faq:\n  - question: How long does a cold last?\n    answer: About a week.\n")
	const token = "replica-admin-token-0123456789abcdef0123"
	const secret = "webhook-secret"
	env := map[string]string{
		"FAQBOT_STORE_DSN": dsn, "FAQBOT_ADMIN_TOKEN": token, "FAQBOT_STORE_SALT": "replica-salt",
		"FAQBOT_TELEGRAM_TOKEN": "123:abc", "FAQBOT_TELEGRAM_API_ENDPOINT": tg.URL + "/bot%s/%s",
		"FAQBOT_TELEGRAM_WEBHOOK_SECRET": secret,
	}
	type replica struct{ http, hook string }
	var rs []replica
	for i := 0; i < 2; i++ {
		dir := t.TempDir()
		hook := testrun.FreeAddr(t)
		cfg := filepath.Join(dir, "config.yaml")
		writeFile(t, cfg, fmt.Sprintf(`content:
  paths: [%q]
http:
  listen: %s
log:
  level: error
store:
  enabled: true
  sync_interval: 200ms
telegram:
  enabled: true
  webhook:
    url: https://bot.example.test/hook
    listen: %s
    path: /hook
`, content, testrun.FreeAddr(t), hook))
		addr, stop := startServe(t, env, "-config", cfg)
		defer stop()
		rs = append(rs, replica{addr, hook})
	}

	status := func(addr string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/admin/status", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var st struct {
			Serving struct {
				Version string `json:"version"`
			} `json:"serving"`
		}
		json.NewDecoder(resp.Body).Decode(&st)
		return st.Serving.Version
	}
	v1 := status(rs[0].http)
	if v1 == "" || status(rs[1].http) != v1 {
		t.Fatalf("before: versions %q and %q, want one", v1, status(rs[1].http))
	}

	// One reindex, on the first replica.
	writeFile(t, faqFile, "faq:\n  - question: How long does a cold last?\n    answer: Seven to ten days.\n")
	req, _ := http.NewRequest(http.MethodPost, "http://"+rs[0].http+"/admin/reindex", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	v2 := status(rs[0].http)
	if resp.StatusCode != http.StatusOK || v2 == v1 {
		t.Fatalf("reindex: status %d, version %q (was %q)", resp.StatusCode, v2, v1)
	}
	start := time.Now()
	for status(rs[1].http) != v2 {
		if time.Since(start) > 2*time.Second {
			t.Fatalf("the second replica still serves %q 2 s after the first reindexed to %q", status(rs[1].http), v2)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("second replica on the new version %v after the reindex", time.Since(start).Round(time.Millisecond))
	metric := func(addr string) string {
		t.Helper()
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "faqbot_content_version ") {
				return l
			}
		}
		return ""
	}
	if m0, m1 := metric(rs[0].http), metric(rs[1].http); m0 == "" || m0 != m1 || m0 == "faqbot_content_version 0" {
		t.Errorf("content version metrics %q and %q, want one non-zero value", m0, m1)
	}
	if r, _ := ask(t, rs[1].http, "how long does a cold last"); !strings.Contains(r.Text, "Seven to ten days") {
		t.Errorf("second replica answers %q (%s), want the new content", r.Text, r.Kind)
	}

	// One update, posted to both replicas.
	update := `{"update_id": 500, "message": {"message_id": 7, "date": 1700000000, "text": "how long does a cold last",
		"chat": {"id": 42, "type": "private"}, "from": {"id": 42, "is_bot": false, "first_name": "Ann"}}}`
	for _, r := range rs {
		req, _ := http.NewRequest(http.MethodPost, "http://"+r.hook+"/hook", strings.NewReader(update))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook post: status %d", resp.StatusCode)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(api.messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // room for a second, wrong, answer
	if got := api.messages(); len(got) != 1 || !strings.Contains(got[0], "Seven to ten days") {
		t.Errorf("messages sent for one update posted to both replicas: %q, want one answer", got)
	}
}
