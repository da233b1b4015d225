package faq

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The debouncer is driven with explicit times: these tests never sleep and
// do not depend on the machine's load (the fsnotify tests in watch_test.go
// check the wiring).

var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func TestDebouncerFiresOnceFilesAreStable(t *testing.T) {
	d := debouncer{wait: 100 * time.Millisecond}
	files := map[string]fileState{"a": {size: 1}}
	look := func() map[string]fileState { return files }

	if got := d.change(t0); got != d.wait {
		t.Fatalf("change: wait %v, want %v", got, d.wait)
	}
	// Later changes of the burst keep the deadline of the first.
	if got := d.change(t0.Add(50 * time.Millisecond)); got != d.wait {
		t.Fatalf("second change: wait %v, want %v", got, d.wait)
	}
	now := t0.Add(150 * time.Millisecond)
	if fire, next := d.due(now, look); fire || next != d.wait {
		t.Fatalf("first look: fire %v next %v, want a second look after %v", fire, next, d.wait)
	}
	// A writer changed the file without an event: wait again.
	files = map[string]fileState{"a": {size: 2}}
	now = now.Add(d.wait)
	if fire, _ := d.due(now, look); fire {
		t.Fatal("fired while the file was still changing")
	}
	now = now.Add(d.wait)
	if fire, next := d.due(now, look); !fire || next >= 0 {
		t.Fatalf("stable files: fire %v next %v, want to fire", fire, next)
	}
	// A stale timer after firing does nothing.
	if fire, next := d.due(now.Add(d.wait), look); fire || next >= 0 {
		t.Errorf("idle due: fire %v next %v, want nothing", fire, next)
	}
}

func TestDebouncerContinuousChangesFireByTheDeadline(t *testing.T) {
	d := debouncer{wait: 100 * time.Millisecond}
	n := 0
	look := func() map[string]fileState { n++; return map[string]fileState{"a": {size: int64(n)}} } // never stable
	now := t0
	d.change(now)
	fired := time.Time{}
	for step := 0; step < 40 && fired.IsZero(); step++ {
		now = now.Add(d.wait / 2)
		wait := d.change(now) // a write every half wait
		if deadline := t0.Add(10 * d.wait); now.Add(wait).After(deadline) {
			t.Fatalf("at %v: wait %v goes past the deadline %v", now.Sub(t0), wait, deadline.Sub(t0))
		}
		if fire, _ := d.due(now, look); fire {
			fired = now
		}
	}
	if fired.IsZero() || fired.Sub(t0) < 10*d.wait || fired.Sub(t0) > 10*d.wait+d.wait/2 {
		t.Errorf("fired after %v, want at the 10×wait deadline (%v)", fired.Sub(t0), 10*d.wait)
	}
	// The next change starts a new burst with a new deadline.
	if got := d.change(fired.Add(time.Millisecond)); got != d.wait {
		t.Errorf("new burst: wait %v, want %v", got, d.wait)
	}
}

// TestDebouncerWaitsForStableFilesOnDisk: the stability check looks at the
// real files (size and mtime), so a writer that changes a file without
// events is waited for.
func TestDebouncerWaitsForStableFilesOnDisk(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(a, []byte("Q?\nA.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dirs := map[string]map[string]bool{dir: nil}
	look := func() map[string]fileState { return snapshot(dirs) }
	d := debouncer{wait: time.Second}
	now := t0
	d.change(now)
	now = now.Add(d.wait)
	if fire, _ := d.due(now, look); fire {
		t.Fatal("fired at the first look")
	}
	if err := os.WriteFile(a, []byte("Q?\nA, and more text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	now = now.Add(d.wait)
	if fire, _ := d.due(now, look); fire {
		t.Fatal("fired although the file changed since the last look")
	}
	now = now.Add(d.wait)
	if fire, _ := d.due(now, look); !fire {
		t.Error("did not fire once the file was stable")
	}
}
