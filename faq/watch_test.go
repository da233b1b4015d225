package faq_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"faqbot/faq"
)

const testDebounce = 100 * time.Millisecond

// startWatch runs faq.Watch on paths until the test ends and returns the
// channel that receives one value per onChange call.
func startWatch(t *testing.T, paths ...string) <-chan struct{} {
	t.Helper()
	calls := make(chan struct{}, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- faq.Watch(ctx, paths, testDebounce, nil, func() { calls <- struct{}{} })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Watch after cancel: got %v, want nil", err)
			}
		case <-time.After(2 * time.Second):
			t.Error("Watch did not return after cancel")
		}
	})
	return calls
}

// settle waits until the watcher is running: it repeats probe until a call
// arrives, then lets the burst end and drains it.
func settle(t *testing.T, calls <-chan struct{}, probe func()) {
	t.Helper()
	for i := 0; i < 50; i++ {
		probe()
		select {
		case <-calls:
			drain(calls)
			return
		case <-time.After(3 * testDebounce):
		}
	}
	t.Fatal("the watcher never reported the probe change")
}

func drain(calls <-chan struct{}) {
	for {
		select {
		case <-calls:
		case <-time.After(3 * testDebounce):
			return
		}
	}
}

// expectCalls checks that exactly want calls arrive after what happened.
func expectCalls(t *testing.T, calls <-chan struct{}, want int, what string) {
	t.Helper()
	got := 0
	for got < want {
		select {
		case <-calls:
			got++
		case <-time.After(3 * time.Second):
			t.Fatalf("%s: got %d onChange calls, want %d", what, got, want)
		}
	}
	select {
	case <-calls:
		got++
		drain(calls)
		t.Errorf("%s: got more than %d onChange calls, want %d", what, want, want)
	case <-time.After(4 * testDebounce):
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceFile saves like many editors do: write a temporary file, rename it
// over the original.
func replaceFile(t *testing.T, path, text string) {
	t.Helper()
	tmp := path + ".tmp"
	writeFile(t, tmp, text)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestWatchFolder(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	writeFile(t, a, "Q?\nA.\n")
	calls := startWatch(t, dir)
	settle(t, calls, func() { writeFile(t, a, "Q?\nA.\n") })

	writeFile(t, a, "Q?\nA changed.\n")
	expectCalls(t, calls, 1, "write")

	replaceFile(t, a, "Q?\nA replaced.\n")
	expectCalls(t, calls, 1, "rename-replace")

	b := filepath.Join(dir, "b.md")
	writeFile(t, b, "# New\n")
	expectCalls(t, calls, 1, "create")

	for i := 0; i < 30; i++ {
		writeFile(t, a, "burst "+string(rune('a'+i%26)))
		writeFile(t, b, "burst "+string(rune('a'+i%26)))
		time.Sleep(5 * time.Millisecond)
	}
	expectCalls(t, calls, 1, "burst of 60 writes")

	writeFile(t, filepath.Join(dir, ".a.txt.swp"), "vim")
	writeFile(t, filepath.Join(dir, "a.txt~"), "backup")
	if err := os.Chmod(a, 0o600); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, calls, 0, "hidden, backup and chmod")

	if err := os.Remove(b); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, calls, 1, "remove")

	// The rename-replaced file is still watched.
	writeFile(t, a, "Q?\nA again.\n")
	expectCalls(t, calls, 1, "write after rename-replace")
}

func TestWatchFile(t *testing.T) {
	dir := t.TempDir()
	faqFile := filepath.Join(dir, "faq.yaml")
	other := filepath.Join(dir, "notes.txt")
	writeFile(t, faqFile, "- q: Q?\n  a: A.\n")
	writeFile(t, other, "not content")
	calls := startWatch(t, faqFile)
	settle(t, calls, func() { writeFile(t, faqFile, "- q: Q?\n  a: A.\n") })

	writeFile(t, other, "still not content")
	expectCalls(t, calls, 0, "a neighbouring file")

	for i := 0; i < 3; i++ {
		replaceFile(t, faqFile, "- q: Q?\n  a: version "+string(rune('1'+i))+"\n")
		expectCalls(t, calls, 1, "rename-replace of the watched file")
	}

	if err := os.Remove(faqFile); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, calls, 1, "remove")
	writeFile(t, faqFile, "- q: Q?\n  a: back.\n")
	expectCalls(t, calls, 1, "re-create")
}

// TestWatchContinuousWrites checks that a file written without pause still
// triggers, at the latest 10×debounce after the first change.
func TestWatchContinuousWrites(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	writeFile(t, a, "x")
	calls := startWatch(t, dir)
	settle(t, calls, func() { writeFile(t, a, "x") })

	stop := time.After(15 * testDebounce)
	got := 0
	tick := time.NewTicker(testDebounce / 5)
	defer tick.Stop()
loop:
	for {
		select {
		case <-tick.C:
			writeFile(t, a, time.Now().String())
		case <-calls:
			got++
		case <-stop:
			break loop
		}
	}
	if got < 1 {
		t.Errorf("got %d calls during %v of continuous writes, want at least 1", got, 15*testDebounce)
	}
	drain(calls)
}

func TestWatchErrors(t *testing.T) {
	ctx := context.Background()
	if err := faq.Watch(ctx, nil, testDebounce, nil, func() {}); err == nil {
		t.Error("no paths: got nil error, want one")
	}
	missing := filepath.Join(t.TempDir(), "missing")
	if err := faq.Watch(ctx, []string{missing}, testDebounce, nil, func() {}); err == nil {
		t.Error("missing path: got nil error, want one")
	}
}
