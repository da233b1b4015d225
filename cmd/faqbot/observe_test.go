package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"faqbot/bot"
)

// get fetches url with an optional bearer token.
func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeObservability runs `faqbot serve` with the conversation store,
// JSON logs and the admin token, asks over HTTP, and checks what an
// operator sees: /metrics, GET /admin/report, `faqbot report` and the logs.
func TestServeObservability(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	os.Mkdir(content, 0o755)
	writeFile(t, filepath.Join(content, "sleep.yaml"), sleepFAQ)
	const token = "observability-admin-token-0123456789abcdef"
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "http:\n  listen: 127.0.0.1:0\nlog:\n  level: info\n  format: json\ncontent:\n  paths: [content]\n"+
		"store:\n  enabled: true\n  dsn: data/conversations.db\n")
	env := map[string]string{"FAQBOT_ADMIN_TOKEN": token, "FAQBOT_STORE_SALT": "test-salt"}
	addr, stop, logs := startServeLogs(t, env, "-config", cfg)
	base := "http://" + addr

	questions := map[string]bot.Kind{
		"how many hours of sleep does an adult need":    bot.KindAnswer,
		"how much sleep do adults need each night":      bot.KindAnswer,
		"what is the best diet for diabetes":            bot.KindFallback,
		"which diet is best for diabetes":               bot.KindFallback,
		"what diet helps with diabetes":                 bot.KindFallback,
		"I have back pain and can't control my bladder": bot.KindUrgent,
	}
	for q, want := range questions {
		if r, code := ask(t, base[len("http://"):], q); code != 200 || r.Kind != want {
			t.Fatalf("ask %q: %d %s, want 200 %s", q, code, r.Kind, want)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/admin/reindex", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// Metrics: questions by platform and kind, latency, reindexes, the
	// store's counters, the HTTP handlers.
	code, m := get(t, base+"/metrics", "")
	if code != 200 {
		t.Fatalf("GET /metrics: %d", code)
	}
	for _, line := range []string{
		`faqbot_questions_total{kind="answer",platform="http"} 2`,
		`faqbot_questions_total{kind="fallback",platform="http"} 3`,
		`faqbot_questions_total{kind="urgent",platform="http"} 1`,
		`faqbot_answer_duration_seconds_count{platform="http"} 6`,
		`faqbot_reindex_total{result="ok",trigger="http"} 1`,
		`faqbot_reindex_duration_seconds_count 1`,
		`faqbot_http_requests_total{code="200",handler="/v1/ask"} 6`,
		`faqbot_store_write_failures_total 0`,
		`faqbot_content_entries 1`,
		`faqbot_content_last_reindex_success 1`,
	} {
		if !strings.Contains(m, "\n"+line+"\n") {
			t.Errorf("/metrics lacks %q", line)
		}
	}

	// The report, once the store's writer has flushed (within a second).
	var rep struct {
		Questions  int     `json:"questions"`
		AnswerRate float64 `json:"answer_rate"`
		Kinds      struct {
			Answer, Fallback, Urgent int
		} `json:"kinds"`
		Unanswered []struct {
			Count    int      `json:"count"`
			Examples []string `json:"examples"`
		} `json:"unanswered"`
	}
	eventually(t, "the report counts the 6 questions", func() bool {
		code, body := get(t, base+"/admin/report?since=1h", token)
		if code != 200 {
			t.Fatalf("GET /admin/report: %d %s", code, body)
		}
		return json.Unmarshal([]byte(body), &rep) == nil && rep.Questions == 6
	})
	if rep.Kinds.Answer != 2 || rep.Kinds.Fallback != 3 || rep.Kinds.Urgent != 1 || rep.AnswerRate < 0.39 || rep.AnswerRate > 0.41 {
		t.Errorf("report kinds %+v rate %v, want 2 answers, 3 fallbacks, 1 urgent, rate 0.4", rep.Kinds, rep.AnswerRate)
	}
	if len(rep.Unanswered) != 1 || rep.Unanswered[0].Count != 3 {
		t.Errorf("unanswered clusters %+v, want the three diabetes questions as one cluster", rep.Unanswered)
	}
	// One report is built at a time, and the server lets the slot go
	// before it answers: a client asking again straight after its last
	// report was served is never told to retry.
	csvCode, csvBody := get(t, base+"/admin/report?format=csv", token)
	if csvCode != 200 || !strings.HasPrefix(csvBody, "section,") {
		t.Errorf("csv report: %d %q", csvCode, csvBody)
	}
	if code, _ := get(t, base+"/admin/report", "wrong-token"); code != http.StatusUnauthorized {
		t.Errorf("report with a wrong token: %d, want 401", code)
	}
	stop()

	// The CLI reads the same store.
	out, _, err := run(t, "", env, "report", "-config", cfg, "-since", "1h")
	if err != nil || !strings.Contains(out, `"questions": 6`) {
		t.Errorf("faqbot report: %v\n%s", err, out)
	}

	// Logs: one JSON line per question with platform, kind and latency;
	// never the token, and not the question text.
	text := logs()
	var perQuestion int
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if l["msg"] == "question" {
			perQuestion++
			if l["platform"] != "http" || l["kind"] == nil || l["latency_ms"] == nil {
				t.Errorf("question log %s: want platform, kind and latency_ms", line)
			}
		}
	}
	if perQuestion != 6 {
		t.Errorf("question log lines: got %d, want 6", perQuestion)
	}
	for _, secret := range []string{token, "test-salt", "diabetes", "control my"} {
		if strings.Contains(text, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}
