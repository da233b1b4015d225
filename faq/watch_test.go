package faq_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"faqbot/faq"
	"faqbot/internal/testrun"
)

const testDebounce = 100 * time.Millisecond

// startWatch runs faq.Watch on paths until the test ends and returns the
// channel that receives one value per onChange call.
func startWatch(t *testing.T, paths ...string) <-chan struct{} {
	t.Helper()
	calls := make(chan struct{}, 100)
	testrun.Start(t, "Watch", 2*time.Second, func(ctx context.Context) error {
		return faq.Watch(ctx, paths, testDebounce, nil, func() { calls <- struct{}{} })
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
	b := filepath.Join(dir, "b.md")
	calls := startWatch(t, dir)
	settle(t, calls, func() { writeFile(t, a, "Q?\nA.\n") })
	steps(t, calls, []step{
		{"write", 1, func() { writeFile(t, a, "Q?\nA changed.\n") }},
		{"rename-replace", 1, func() { replaceFile(t, a, "Q?\nA replaced.\n") }},
		{"create", 1, func() { writeFile(t, b, "# New\n") }},
	})

	// A burst is one call, unless a loaded machine stretched it: a pause of
	// a debounce between two writes, or a burst longer than the watcher's
	// max wait, may rightly be reported more than once.
	start, last, gap := time.Now(), time.Now(), time.Duration(0)
	for i := 0; i < 30; i++ {
		writeFile(t, a, "burst "+string(rune('a'+i%26)))
		writeFile(t, b, "burst "+string(rune('a'+i%26)))
		gap, last = max(gap, time.Since(last)), time.Now()
		time.Sleep(5 * time.Millisecond)
	}
	if took := time.Since(start); took < maxWait && gap < testDebounce/2 {
		expectCalls(t, calls, 1, "burst of 60 writes")
	} else {
		t.Logf("the burst took %v with pauses up to %v: at least one call expected", took, gap)
		expectSome(t, calls, "burst of 60 writes")
	}

	steps(t, calls, []step{
		{"hidden, backup and chmod", 0, func() {
			writeFile(t, filepath.Join(dir, ".a.txt.swp"), "vim")
			writeFile(t, filepath.Join(dir, "a.txt~"), "backup")
			check(t, os.Chmod(a, 0o600))
		}},
		{"remove", 1, func() { check(t, os.Remove(b)) }},
		// The rename-replaced file is still watched.
		{"write after rename-replace", 1, func() { writeFile(t, a, "Q?\nA again.\n") }},
	})
}

// step is one change to watched files and the onChange calls it makes.
type step struct {
	what string
	want int
	do   func()
}

// steps makes each change in turn and expects its calls.
func steps(t *testing.T, calls <-chan struct{}, ss []step) {
	t.Helper()
	for _, s := range ss {
		s.do()
		expectCalls(t, calls, s.want, s.what)
	}
}

// maxWait is the longest Watch holds a burst back (10×debounce): a burst
// of writes that lasts longer may rightly be reported more than once.
const maxWait = 10 * testDebounce

// check fails the test on err.
func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestWatchFile(t *testing.T) {
	dir := t.TempDir()
	faqFile := filepath.Join(dir, "faq.yaml")
	other := filepath.Join(dir, "notes.txt")
	writeFile(t, faqFile, "- q: Q?\n  a: A.\n")
	writeFile(t, other, "not content")
	calls := startWatch(t, faqFile)
	settle(t, calls, func() { writeFile(t, faqFile, "- q: Q?\n  a: A.\n") })
	ss := []step{{"a neighbouring file", 0, func() { writeFile(t, other, "still not content") }}}
	for i := 0; i < 3; i++ {
		ss = append(ss, step{"rename-replace of the watched file", 1, func() {
			replaceFile(t, faqFile, "- q: Q?\n  a: version "+string(rune('1'+i))+"\n")
		}})
	}
	steps(t, calls, append(ss,
		step{"remove", 1, func() { check(t, os.Remove(faqFile)) }},
		step{"re-create", 1, func() { writeFile(t, faqFile, "- q: Q?\n  a: back.\n") }},
	))
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

// expectSome waits for at least one onChange call after what happened,
// then lets the burst end.
func expectSome(t *testing.T, calls <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-calls:
		drain(calls)
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: got no onChange call, want at least one", what)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestWatchFolderRemovedAndRecreated: rm -rf content && cp -r new content.
// The new folder is watched: a later edit in it triggers.
func TestWatchFolderRemovedAndRecreated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	mkdir(t, dir)
	a := filepath.Join(dir, "a.txt")
	writeFile(t, a, "Q?\nA.\n")
	calls := startWatch(t, dir)
	settle(t, calls, func() { writeFile(t, a, "Q?\nA.\n") })

	for round := 0; round < 2; round++ {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * testDebounce) // the folder stays gone a while: polling finds it back
		mkdir(t, dir)
		writeFile(t, a, "Q?\nA new.\n")
		expectSome(t, calls, "folder removed and re-created")

		// At least one: under load the folder's rediscovery can report
		// late, and exactly one call per write is TestWatchFolder's check.
		writeFile(t, a, "Q?\nA edited in the new folder.\n")
		expectSome(t, calls, "write in the re-created folder")
	}
}

// TestWatchFolderRenameSwap: mv content content.old && mv content.new content.
// Edits go to the new folder's files; the old folder no longer counts.
func TestWatchFolderRenameSwap(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "content")
	mkdir(t, dir)
	writeFile(t, filepath.Join(dir, "a.txt"), "Q?\nA.\n")
	calls := startWatch(t, dir)
	settle(t, calls, func() { writeFile(t, filepath.Join(dir, "a.txt"), "Q?\nA.\n") })

	next := filepath.Join(base, "content.new")
	mkdir(t, next)
	writeFile(t, filepath.Join(next, "a.txt"), "Q?\nA v2.\n")
	drain(calls)
	old := filepath.Join(base, "content.old")
	if err := os.Rename(dir, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, dir); err != nil {
		t.Fatal(err)
	}
	expectSome(t, calls, "folder swapped by rename")

	writeFile(t, filepath.Join(old, "a.txt"), "Q?\nA in the old folder.\n")
	expectCalls(t, calls, 0, "write in the renamed-away folder")
	writeFile(t, filepath.Join(dir, "a.txt"), "Q?\nA v3.\n")
	expectCalls(t, calls, 1, "write in the swapped-in folder")
}

// swapLink points link at target atomically (a new link renamed over the
// old one), as `ln -sfn` and Kubernetes do.
func swapLink(t *testing.T, target, link string) {
	t.Helper()
	tmp := link + ".tmp"
	if err := os.Symlink(target, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
}

// TestWatchSymlinkedFolderSwap: content -> releases/v1 becomes
// content -> releases/v2.
func TestWatchSymlinkedFolderSwap(t *testing.T) {
	base := t.TempDir()
	v1, v2 := filepath.Join(base, "releases", "v1"), filepath.Join(base, "releases", "v2")
	mkdir(t, v1)
	mkdir(t, v2)
	writeFile(t, filepath.Join(v1, "a.txt"), "Q?\nA v1.\n")
	writeFile(t, filepath.Join(v2, "a.txt"), "Q?\nA v2.\n")
	link := filepath.Join(base, "content")
	if err := os.Symlink("releases/v1", link); err != nil {
		t.Fatal(err)
	}
	calls := startWatch(t, link)
	settle(t, calls, func() { writeFile(t, filepath.Join(v1, "a.txt"), "Q?\nA v1.\n") })

	swapLink(t, "releases/v2", link)
	expectSome(t, calls, "symlink swapped to v2")
	writeFile(t, filepath.Join(v1, "a.txt"), "Q?\nA v1 edited.\n")
	expectCalls(t, calls, 0, "write in the old release")
	writeFile(t, filepath.Join(v2, "a.txt"), "Q?\nA v2 edited.\n")
	expectCalls(t, calls, 1, "write in the new release")
}

// TestWatchConfigMap replays a Kubernetes ConfigMap update: files are links
// through "..data", which is swapped to a new hidden folder.
func TestWatchConfigMap(t *testing.T) {
	for _, mode := range []string{"folder", "file"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			v1 := filepath.Join(dir, "..2026_12_01_10_00_00.1")
			mkdir(t, v1)
			writeFile(t, filepath.Join(v1, "faq.yaml"), "- question: Q?\n  answer: v1\n")
			if err := os.Symlink(filepath.Base(v1), filepath.Join(dir, "..data")); err != nil {
				t.Fatal(err)
			}
			faqFile := filepath.Join(dir, "faq.yaml")
			if err := os.Symlink("..data/faq.yaml", faqFile); err != nil {
				t.Fatal(err)
			}
			path := dir
			if mode == "file" {
				path = faqFile
			}
			calls := startWatch(t, path)
			n := 2
			settle(t, calls, func() {
				// An update, as the kubelet makes it.
				next := filepath.Join(dir, "..2026_12_01_10_00_0"+string(rune('0'+n)))
				mkdir(t, next)
				writeFile(t, filepath.Join(next, "faq.yaml"), "- question: Q?\n  answer: update\n")
				swapLink(t, filepath.Base(next), filepath.Join(dir, "..data"))
				n++
			})
			next := filepath.Join(dir, "..2026_12_01_11_00_00.1")
			mkdir(t, next)
			writeFile(t, filepath.Join(next, "faq.yaml"), "- question: Q?\n  answer: v2\n")
			expectCalls(t, calls, 0, "a new hidden folder before the swap")
			swapLink(t, filepath.Base(next), filepath.Join(dir, "..data"))
			expectCalls(t, calls, 1, "..data swapped")
		})
	}
}

// The debounce itself (stable files, the 10×debounce cap under continuous
// writes) is tested without sleeping in debounce_test.go.

// TestNewWatcherSeesEarlyChange: a change made after NewWatcher returns and
// before Run starts is reported (the folders are registered by NewWatcher,
// so a server that creates it before announcing readiness misses nothing).
func TestNewWatcherSeesEarlyChange(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("- question: Q?\n  answer: A.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cw, err := faq.NewWatcher([]string{dir}, testDebounce, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cw.Close()
	if err := os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("- question: R?\n  answer: B.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * testDebounce) // Run starts late, as a busy server's goroutine may
	calls := make(chan struct{}, 10)
	testrun.Start(t, "Watcher.Run", 2*time.Second, func(ctx context.Context) error {
		return cw.Run(ctx, func() { calls <- struct{}{} })
	})
	select {
	case <-calls:
	case <-time.After(20 * testDebounce):
		t.Fatal("the change made before Run was not reported")
	}
}
