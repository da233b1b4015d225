package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"faqbot/adapters/httpapi"
	"faqbot/bot"
	"faqbot/search"
)

func TestWebConfig(t *testing.T) {
	getenv := func(string) string { return "" }
	d := DefaultConfig()
	hc := d.httpConfig(getenv, nil)
	if !hc.Web.Enabled || hc.Web.Disclaimer != bot.DefaultConfig().Disclaimer {
		t.Errorf("default web config: got %+v, want on with the bot's disclaimer", hc.Web)
	}

	p := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, p, "http:\n  web: false\nweb:\n  title: Clinic FAQ\n  greeting: Hi\n  colors:\n    accent: \"#123456\"\nbot:\n  disclaimer: Not advice.\n")
	cfg, err := ReadConfig(p, true)
	if err != nil {
		t.Fatal(err)
	}
	w := cfg.httpConfig(getenv, nil).Web
	if w.Enabled || w.Title != "Clinic FAQ" || w.Greeting != "Hi" || w.Colors["accent"] != "#123456" || w.Disclaimer != "Not advice." {
		t.Errorf("web config: got %+v, want off, Clinic FAQ, Hi, accent #123456, Not advice.", w)
	}

	writeFile(t, p, "web:\n  titel: typo\n")
	if _, err := ReadConfig(p, true); err == nil {
		t.Error("unknown web key: got no error")
	}
}

func TestAdminExplain(t *testing.T) {
	co := testCore(t, bundled)
	a := admin{lib: co.lib, bot: co.bot}
	ex, err := a.Explain(context.Background(), "How can I tell if my back pain is chronic?", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Candidates) == 0 || len(ex.Candidates) > 3 {
		t.Fatalf("got %d candidates, want 1 to 3", len(ex.Candidates))
	}
	c := ex.Candidates[0]
	if c.Title != "How can I tell if my back pain is chronic?" || c.Confidence < ex.MinConfidence || c.Source == "" {
		t.Errorf("best candidate: got %+v, want the chronic-pain entry above the threshold %v", c, ex.MinConfidence)
	}
	var names []string
	for _, f := range c.Features {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, search.FeatureNames()) {
		t.Errorf("feature names: got %v, want %v", names, search.FeatureNames())
	}
	if ex.MinConfidence <= 0 || ex.ClarifyConfidence <= 0 {
		t.Errorf("thresholds: got %v and %v, want the bot's", ex.MinConfidence, ex.ClarifyConfidence)
	}
}

// TestServeWebPages: `faqbot serve` serves the chat page with the
// configured title, explains through the admin API, and http.web: false
// turns the page off.
func TestServeWebPages(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.Mkdir(content, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(content, "sleep.yaml"), sleepFAQ)
	env := map[string]string{"FAQBOT_ADMIN_TOKEN": "serve-web-admin-token-0123456789abcdef"}
	for _, web := range []bool{true, false} {
		p := filepath.Join(dir, "config.yaml")
		writeFile(t, p, fmt.Sprintf("http:\n  listen: 127.0.0.1:0\n  web: %v\nweb:\n  title: Sleep FAQ\nlog:\n  level: warn\ncontent:\n  paths: [content]\n", web))
		addr, stop := startServe(t, env, "-config", p)
		resp, err := http.Get("http://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if web && (resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "<title>Sleep FAQ</title>") || resp.Header.Get("Content-Security-Policy") == "") {
			t.Errorf("GET / with http.web: got %d %q, want the page titled Sleep FAQ with a CSP", resp.StatusCode, page)
		}
		if !web && resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET / with http.web: false: got %d, want 404", resp.StatusCode)
		}
		req, _ := http.NewRequest("POST", "http://"+addr+"/admin/explain", strings.NewReader(`{"question":"how much sleep do adults need"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+env["FAQBOT_ADMIN_TOKEN"])
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var ex httpapi.Explanation
		err = json.NewDecoder(resp.Body).Decode(&ex)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || len(ex.Candidates) == 0 || ex.Candidates[0].Title != "How much sleep do adults need?" {
			t.Errorf("explain: got %d %+v (%v), want the sleep entry first", resp.StatusCode, ex, err)
		}
		stop()
	}
}
