package main

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"testing"

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
	cfg := DefaultConfig()
	cfg.Content.Paths = []string{bundled}
	co, err := buildCore(cfg, newLogger(io.Discard, LogConfig{}, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer co.lib.Close()
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
