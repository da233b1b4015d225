package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"faqbot/internal/testrun"
	"faqbot/search"
)

func TestVersion(t *testing.T) {
	out, _, err := run(t, "", nil, "version")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"faqbot ", "module   faqbot", "revision ", "go       go1."} {
		if !strings.Contains(out, want) {
			t.Errorf("faqbot version lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigRejects(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"log:\n  level: verbose\n", `log.level "verbose" must be debug, info, warn or error`},
		{"log:\n  level: inf\n", `log.level "inf"`},
		{"content:\n  max_drop: 0\n", "content.max_drop 0 must be"},
		{"content:\n  max_drop: 1.5\n", "content.max_drop 1.5 must be"},
	} {
		p := filepath.Join(t.TempDir(), "config.yaml")
		writeFile(t, p, c.yaml)
		_, err := ReadConfig(p, true)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("config %q: got %v, want an error containing %q", c.yaml, err, c.want)
		}
	}
	for _, level := range []string{"debug", "INFO", "warn", "error", ""} {
		p := filepath.Join(t.TempDir(), "config.yaml")
		writeFile(t, p, "log:\n  level: \""+level+"\"\n")
		if _, err := ReadConfig(p, true); err != nil {
			t.Errorf("log.level %q: got %v, want it accepted", level, err)
		}
	}
}

func TestServeRejectsShortAdminToken(t *testing.T) {
	dir := t.TempDir()
	cfg := serveConfig(t, dir, "content:\n  paths: ["+abs(t, bundled)+"]\n")
	_, stderr, err := run(t, "", map[string]string{"FAQBOT_ADMIN_TOKEN": "abc12"}, "serve", "-config", cfg)
	if err == nil || !strings.Contains(err.Error(), "FAQBOT_ADMIN_TOKEN is 5 bytes; use at least 32") {
		t.Fatalf("serve with a 5-byte admin token: got %v, want a refusal naming FAQBOT_ADMIN_TOKEN", err)
	}
	if strings.Contains(err.Error()+stderr, "abc12") {
		t.Error("the refusal shows the token")
	}
	// The bound is 32 bytes (not characters): 31 is refused, 32 accepted,
	// and 16 two-byte characters are 32 bytes.
	for token, ok := range map[string]bool{
		strings.Repeat("a", 31): false, strings.Repeat("a", 32): true,
		strings.Repeat("é", 15) + "a": false, strings.Repeat("é", 16): true, "": true,
	} {
		if err := checkAdminToken(token); (err == nil) != ok {
			t.Errorf("checkAdminToken(%d bytes): %v, want accepted %v", len(token), err, ok)
		}
	}
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestReindexNoServer: nothing listening at -url is a failure (exit 1),
// not a silent success.
func TestReindexNoServer(t *testing.T) {
	addr := testrun.FreeAddr(t)
	env := map[string]string{"FAQBOT_ADMIN_TOKEN": "test-admin-token-123-0123456789abcdef"}
	_, _, err := run(t, "", env, "reindex", "-content", bundled, "-url", "http://"+addr)
	if err == nil || !strings.Contains(err.Error(), "nothing is listening at http://"+addr) {
		t.Fatalf("reindex with nothing listening: got %v, want an error saying so", err)
	}
	var buf strings.Builder
	if code := exitCode(&buf, err); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

// TestReportSinceDays: -since takes days like ?since= does.
func TestReportSinceDays(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "store:\n  enabled: true\n  dsn: data/c.db\n")
	env := map[string]string{"FAQBOT_STORE_SALT": "test-salt"}
	out, _, err := run(t, "", env, "report", "-config", cfg, "-since", "7d")
	if err != nil || !strings.Contains(out, `"questions": 0`) {
		t.Errorf("report -since 7d: %v\n%s", err, out)
	}
	if _, _, err := run(t, "", env, "report", "-config", cfg, "-since", "7 days"); !errors.Is(err, errUsage) {
		t.Errorf("report -since '7 days': got %v, want a usage error", err)
	}
}

func status(t *testing.T, base, token string) (serving, last map[string]any) {
	t.Helper()
	code, body := get(t, base+"/admin/status", token)
	if code != 200 {
		t.Fatalf("GET /admin/status: %d %s", code, body)
	}
	var st struct {
		Serving map[string]any `json:"serving"`
		Last    map[string]any `json:"last_reindex"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	return st.Serving, st.Last
}

// TestServeHalfWrittenContent replays the incident: with content.watch, the
// bundled article caught after 4,500 of its 11,493 bytes is refused (ok
// false, the metric at 0, the old content answering) until the write
// completes; a deliberate cut goes through with reindex -force.
func TestServeHalfWrittenContent(t *testing.T) {
	full, err := os.ReadFile(filepath.Join(bundled, "massage-lower-back-pain.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	os.Mkdir(content, 0o755)
	article := filepath.Join(content, "massage.txt")
	writeFile(t, article, string(full))
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "http:\n  listen: 127.0.0.1:0\nlog:\n  level: info\ncontent:\n  paths: [content]\n  watch: true\n  debounce: 50ms\n")
	const token = "half-written-admin-token-0123456789abcdef"
	env := map[string]string{"FAQBOT_ADMIN_TOKEN": token}
	addr, stop, logs := startServeLogs(t, env, "-config", cfg)
	defer stop()
	base := "http://" + addr
	metric := func(line string) bool {
		_, m := get(t, base+"/metrics", "")
		return strings.Contains(m, "\n"+line+"\n")
	}
	if !metric("faqbot_content_entries 73") || !metric("faqbot_content_last_reindex_success 1") {
		t.Fatal("before: want 73 entries and success 1")
	}
	_, m := get(t, base+"/metrics", "")
	if !strings.Contains(m, "faqbot_build_info{goversion=\"go1.") {
		t.Errorf("/metrics lacks faqbot_build_info")
	}
	if !strings.Contains(logs(), "build.go=go1.") {
		t.Errorf("the start log lacks the build: %s", logs())
	}

	writeFile(t, article, string(full[:4500]))
	eventually(t, "the half-written file is refused", func() bool {
		_, last := status(t, base, token)
		return last != nil && last["ok"] == false
	})
	_, last := status(t, base, token)
	errs, _ := json.Marshal(last["errors"])
	if !strings.Contains(string(errs), "massage.txt") || !strings.Contains(string(errs), "down from 73") {
		t.Errorf("refusal errors %s: want the file and the count it had", errs)
	}
	if !metric("faqbot_content_last_reindex_success 0") || !metric("faqbot_content_entries 73") {
		t.Errorf("after the refusal: want success 0 and still 73 entries")
	}
	if _, m := get(t, base+"/metrics", ""); !strings.Contains(m, `faqbot_reindex_total{result="failed",trigger="watch"} `) {
		t.Errorf("the refusal is not counted as a failed reindex")
	}

	writeFile(t, article, string(full))
	eventually(t, "the completed file loads", func() bool { return metric("faqbot_content_last_reindex_success 1") })

	cut := filepath.Join(dir, "cut.txt")
	writeFile(t, cut, string(full[:4500]))
	// Deliberately cut (written aside, renamed into place), then forced.
	if err := os.Rename(cut, article); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the cut refused by the watcher", func() bool { return metric("faqbot_content_last_reindex_success 0") })
	out, _, err := run(t, "", env, "reindex", "-content", content, "-url", base)
	if err == nil || !strings.Contains(out, "down from 73") {
		t.Errorf("reindex without -force: got %v\n%s\nwant the refusal", err, out)
	}
	out, _, err = run(t, "", env, "reindex", "-content", content, "-url", base, "-force")
	if err != nil || !strings.Contains(out, "reindexed") {
		t.Fatalf("reindex -force: %v\n%s", err, out)
	}
	if serving, _ := status(t, base, token); serving["entries"].(float64) >= 73 || serving["trigger"] != "http-force" {
		t.Errorf("after -force: serving %v, want the cut content by http-force", serving)
	}
}

// TestServeSymlinkOutOfContent: content/passwd.txt -> /etc/passwd is not
// indexed; the log names the link; the rest serves.
func TestServeSymlinkOutOfContent(t *testing.T) {
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Skip("no /etc/passwd")
	}
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	os.Mkdir(content, 0o755)
	writeFile(t, filepath.Join(content, "sleep.yaml"), sleepFAQ)
	link := filepath.Join(content, "passwd.txt")
	if err := os.Symlink("/etc/passwd", link); err != nil {
		t.Fatal(err)
	}
	const token = "symlink-test-admin-token-0123456789abcdef"
	addr, stop, logs := startServeLogs(t, map[string]string{"FAQBOT_ADMIN_TOKEN": token}, "-config", serveConfig(t, dir, "content:\n  paths: [content]\n"))
	defer stop()
	if !strings.Contains(logs(), link+": -> /etc/passwd: symbolic link leads outside the content folders") {
		t.Errorf("the log does not name the link:\n%s", logs())
	}
	serving, _ := status(t, "http://"+addr, token)
	if serving["entries"].(float64) != 1 {
		t.Errorf("serving %v entries, want sleep.yaml's 1 only", serving["entries"])
	}
	r, _ := ask(t, addr, "root")
	if strings.Contains(r.Source.Title, "root:") {
		t.Errorf("asked root: matched %q, from outside the content", r.Source.Title)
	}
}

// TestDeployConfigs: the configs shipped in deploy/ load (compose.yaml is
// not a faqbot config: TestComposeFile checks it).
func TestDeployConfigs(t *testing.T) {
	files, _ := filepath.Glob("../../deploy/*.yaml")
	files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == "compose.yaml" })
	if len(files) < 2 {
		t.Fatalf("deploy/*.yaml: got %v, want the systemd and container configs", files)
	}
	for _, f := range files {
		if _, err := ReadConfig(f, true); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestPlatformConfigKeys: the telegram.* and discord.* keys documented in
// docs/telegram.md and docs/discord.md reach the adapters.
func TestPlatformConfigKeys(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, p, "admin:\n  telegram_user_ids: [1]\n  discord_user_ids: [\"10\"]\n"+
		"telegram:\n  poll_limit: 50\n  workers: 3\n  send_workers: 2\n  max_retries: 4\n  retry_backoff: 250ms\n  request_timeout: 7s\n  admin_ids: [2]\n  texts:\n    ask_prompt: Ask away.\n    cmd_ask: Ask it\n"+
		"discord:\n  admin_ids: [\"20\"]\n  defer_after: 1s\n  answer_timeout: 9s\n  workers: 5\n  texts:\n    unknown: Gone.\n"+
		"bot:\n  texts:\n    flood: Slow down.\n")
	cfg, err := ReadConfig(p, true)
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		return map[string]string{"FAQBOT_TELEGRAM_TOKEN": "t", "FAQBOT_DISCORD_TOKEN": "d"}[k]
	}
	tc, err := cfg.telegramConfig(env)
	if err != nil {
		t.Fatal(err)
	}
	if tc.PollLimit != 50 || tc.Workers != 3 || tc.SendWorkers != 2 || tc.MaxRetries != 4 || tc.RetryBackoff != 250*time.Millisecond ||
		tc.RequestTimeout != 7*time.Second || len(tc.AdminIDs) != 2 || tc.Texts.AskPrompt != "Ask away." || tc.Texts.CmdAsk != "Ask it" {
		t.Errorf("telegram config %+v: want the configured values", tc)
	}
	dc, err := cfg.discordConfig(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(dc.AdminIDs) != 2 || dc.DeferAfter != time.Second || dc.AnswerTimeout != 9*time.Second || dc.Workers != 5 || dc.Texts.Unknown != "Gone." {
		t.Errorf("discord config %+v: want the configured values", dc)
	}
	if got := cfg.botConfig(search.DefaultRanker()).Texts.Flood; got != "Slow down." {
		t.Errorf("bot.texts.flood = %q, want the configured text", got)
	}
}

func TestHealth(t *testing.T) {
	dir := t.TempDir()
	addr, stop := startServe(t, nil, "-config", serveConfig(t, dir, "content:\n  paths: ["+abs(t, bundled)+"]\n"))
	out, _, err := run(t, "", nil, "health", "-url", "http://"+addr)
	stop()
	if err != nil || !strings.Contains(out, "ready") {
		t.Errorf("health of a running server: %v %q", err, out)
	}
	if _, _, err := run(t, "", nil, "health", "-url", "http://"+addr, "-timeout", "1s"); err == nil {
		t.Error("health of a stopped server: got nil, want an error")
	}
}

// TestConfigUnknownKeysAreErrors: a typo or a key that nothing reads any
// more stops the start with the line and the key, at any depth.
func TestConfigUnknownKeysAreErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"bot:\n  min_confidance: 0.5\n", "min_confidance"},
		{"bot:\n  texts:\n    feedback_thank: Thanks\n", "feedback_thank"},
		{"telegram:\n  texts:\n    flood: Slow down.\n", "flood"}, // moved to bot.texts
		{"discord:\n  interactions:\n    publickey: x\n", "publickey"},
		{"colour: blue\n", "colour"},
	} {
		p := filepath.Join(t.TempDir(), "config.yaml")
		writeFile(t, p, c.yaml)
		_, err := ReadConfig(p, true)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%q: got %v, want an error naming the line and %q", c.yaml, err, c.want)
		}
	}
}

// TestDocumentedAdminTokens: every admin token the README, docs/, deploy/
// and the OpenAPI document show or tell how to make passes serve's check:
// `openssl rand -hex N` / `-base64 N` commands and literal example values.
func TestDocumentedAdminTokens(t *testing.T) {
	files := []string{"../../README.md", "../../adapters/httpapi/openapi.json"}
	for _, pat := range []string{"../../docs/*.md", "../../deploy/*"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	rand := regexp.MustCompile(`openssl rand -(hex|base64) (\d+)`)
	literal := regexp.MustCompile(`FAQBOT_ADMIN_TOKEN[=:] *"?([A-Za-z0-9][^"\s$]*)"?`)
	signIn := regexp.MustCompile(`"token": "([^"]+)"`)
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.Contains(line, "ADMIN_TOKEN") && !strings.Contains(line, `"token":`) {
				continue
			}
			for _, m := range rand.FindAllStringSubmatch(line, -1) {
				n, _ := strconv.Atoi(m[2])
				length := 2 * n
				if m[1] == "base64" {
					length = (n + 2) / 3 * 4
				}
				checked++
				if err := checkAdminToken(strings.Repeat("x", length)); err != nil {
					t.Errorf("%s: %q makes a token serve refuses: %v", filepath.Base(f), m[0], err)
				}
			}
			for _, re := range []*regexp.Regexp{literal, signIn} {
				for _, m := range re.FindAllStringSubmatch(line, -1) {
					checked++
					if err := checkAdminToken(m[1]); err != nil {
						t.Errorf("%s: the example token %q is refused: %v", filepath.Base(f), m[1], err)
					}
				}
			}
		}
	}
	if checked < 4 {
		t.Errorf("checked %d documented admin tokens; want the README's, docs', deploy/'s and the OpenAPI sign-in example", checked)
	}
}
