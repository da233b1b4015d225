package faq

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadFileChangingWhileRead stands in for a writer between the two
// reads: the file must be refused, not parsed from either read.
func TestLoadFileChangingWhileRead(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(p, []byte("- question: Q one?\n  answer: A.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	testHookBetweenReads = func(path string) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		if _, err := f.WriteString("- question: Q two?\n  answer: B.\n"); err != nil {
			t.Error(err)
		}
	}
	defer func() { testHookBetweenReads = nil }()
	res, err := Load([]string{dir}, Options{})
	if !errors.Is(err, ErrChanging) {
		t.Fatalf("Load of a file written during the read: got error %v, want one wrapping ErrChanging", err)
	}
	if len(res.Entries) != 0 {
		t.Errorf("got %d entries from a file that changed while read, want 0", len(res.Entries))
	}

	testHookBetweenReads = nil
	res, err = Load([]string{dir}, Options{})
	if err != nil || len(res.Entries) != 2 {
		t.Errorf("Load once the writer is done: got %d entries, error %v; want 2, nil", len(res.Entries), err)
	}
}
