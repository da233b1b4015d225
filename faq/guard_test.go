package faq_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"faqbot/faq"
)

// faqYAML returns a YAML file of n FAQ entries, numbered from first.
func faqYAML(first, n int) string {
	var b strings.Builder
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "- question: Question number %d?\n  answer: Answer %d.\n", i, i)
	}
	return b.String()
}

// TestGuardHalfWrittenArticle replays the measured incident: the bundled
// article caught after 4,500 of its 11,493 bytes parses, but loses most of
// its entries, and must be refused.
func TestGuardHalfWrittenArticle(t *testing.T) {
	full, err := os.ReadFile(bundledArticle)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "massage.txt")
	writeFile(t, p, string(full))
	g := faq.NewGuard(0)
	opt := faq.Options{Guard: g}
	res, err := faq.Load([]string{dir}, opt)
	if err != nil {
		t.Fatalf("first load: %v", err)
	}
	before := len(res.Entries)

	writeFile(t, p, string(full[:4500]))
	if _, err := faq.Load([]string{dir}, faq.Options{}); err != nil {
		t.Fatalf("the half-written file parses on its own (that is the danger), got error %v", err)
	}
	res, err = faq.Load([]string{dir}, opt)
	if !errors.Is(err, faq.ErrDropped) {
		t.Fatalf("half-written file (%d of %d entries): got error %v, want one wrapping ErrDropped", len(res.Entries), before, err)
	}
	if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), fmt.Sprintf("down from %d", before)) {
		t.Errorf("error %q should name %s and the previous count %d", err, p, before)
	}
	if res.Files[0].Err == nil {
		t.Errorf("the file's status has no error, want the refusal")
	}

	// The refused load did not become the baseline: refused again.
	if _, err := faq.Load([]string{dir}, opt); !errors.Is(err, faq.ErrDropped) {
		t.Errorf("second load of the half-written file: got %v, want ErrDropped", err)
	}
	// Once the write completes, it loads.
	writeFile(t, p, string(full))
	if _, err := faq.Load([]string{dir}, opt); err != nil {
		t.Errorf("the completed file: got %v, want nil", err)
	}
}

func TestGuard(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml"), filepath.Join(dir, "c.yaml")
	writeFile(t, a, faqYAML(0, 10))
	writeFile(t, b, faqYAML(100, 3))
	writeFile(t, c, faqYAML(200, 2))
	g := faq.NewGuard(0.3)
	load := func() error {
		t.Helper()
		_, err := faq.Load([]string{dir}, faq.Options{Guard: g})
		return err
	}
	if err := load(); err != nil {
		t.Fatalf("first load: %v", err)
	}
	steps := []struct {
		what    string
		do      func()
		refused bool
	}{
		{"a loses 3 of 10 (30%, not over)", func() { writeFile(t, a, faqYAML(0, 7)) }, false},
		{"a loses 3 of 7 (43%)", func() { writeFile(t, a, faqYAML(0, 4)) }, true},
		{"a restored to 7", func() { writeFile(t, a, faqYAML(0, 7)) }, false},
		{"b loses 1 of 3 (one entry is never refused)", func() { writeFile(t, b, faqYAML(100, 2)) }, false},
		{"c removed (2 of 11 in all)", func() { os.Remove(c) }, false},
		{"a grows", func() { writeFile(t, a, faqYAML(0, 20)) }, false},
		{"a removed (20 of 22 in all)", func() { os.Remove(a) }, true},
	}
	for _, s := range steps {
		s.do()
		err := load()
		if got := errors.Is(err, faq.ErrDropped); got != s.refused {
			t.Fatalf("%s: got error %v, refused %v, want refused %v", s.what, err, got, s.refused)
		}
	}
	g.Force()
	if err := load(); err != nil {
		t.Fatalf("forced load after removing a: got %v, want nil", err)
	}
	writeFile(t, b, faqYAML(100, 1)) // 2 -> 1: one entry
	if err := load(); err != nil {
		t.Errorf("the forced load is the new baseline: got %v, want nil", err)
	}
	writeFile(t, filepath.Join(dir, "d.yaml"), faqYAML(300, 10))
	if err := load(); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "d.yaml"))
	g.Force()
	writeFile(t, b, "- question: [broken\n")
	if err := load(); err == nil || errors.Is(err, faq.ErrDropped) {
		t.Fatalf("forced load with a broken file: got %v, want the YAML error only", err)
	}
	writeFile(t, b, faqYAML(100, 1))
	if err := load(); err != nil {
		t.Errorf("force survives a load that failed for another reason: got %v, want nil", err)
	}
}

// TestGuardAccept: a baseline set by Accept (a start that opened a
// persisted index) refuses a load losing too much, as a first load would.
func TestGuardAccept(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.yaml")
	writeFile(t, a, faqYAML(0, 10))
	res, err := faq.Load([]string{dir}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := faq.NewGuard(0.3)
	g.Accept(res.Files)
	writeFile(t, a, faqYAML(0, 4))
	if _, err := faq.Load([]string{dir}, faq.Options{Guard: g}); !errors.Is(err, faq.ErrDropped) {
		t.Errorf("load losing 6 of 10 after Accept: got %v, want ErrDropped", err)
	}
}
