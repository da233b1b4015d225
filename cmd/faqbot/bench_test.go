package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"faqbot/bot"
)

var benchQuestions = []string{
	"How does massage relieve low back pain?",
	"Can a massage help my lumbar pain?",
	"is masage good for chronic back pain",
	"Does massage reduce stress?",
	"Where can I find a licensed massage therapist?",
	"Can massage help with knee pain?",
	"Tell me a joke",
	"back pain with fever",
	"What are the benefits of a whole body massage?",
	"Is tingling in my legs a sign of chronic back pain?",
}

// BenchmarkAnswer is one Answer on the bundled content through the real
// core (triage, analysis, bleve search, ranking, composition), cycling
// through a mix of answerable, unanswerable, misspelt and urgent questions.
func BenchmarkAnswer(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Content.Paths = []string{bundled}
	co, err := buildCore(cfg, newLogger(io.Discard, LogConfig{}, 0))
	if err != nil {
		b.Fatal(err)
	}
	defer co.lib.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := co.bot.Answer(ctx, bot.Question{Text: benchQuestions[i%len(benchQuestions)]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkColdStartAsk runs the built binary: `faqbot ask "question"`,
// from process start to exit (config, content load, index build, answer).
func BenchmarkColdStartAsk(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "faqbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	wd, _ := os.Getwd()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "ask", "-content", filepath.Join(wd, bundled), "Can massage help with neck pain?")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ask: %v\n%s", err, out)
		}
	}
}
