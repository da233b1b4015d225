package search_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"faqbot/faq"
	"faqbot/search"
)

const bundledDir = "../content"

// bundled loads the bundled knowledge base.
func bundled(t testing.TB) []faq.Entry {
	t.Helper()
	res, err := faq.Load([]string{bundledDir}, faq.Options{})
	if err != nil {
		t.Fatalf("loading %s: %v", bundledDir, err)
	}
	return res.Entries
}

// writeFile writes a file in a new temporary folder and returns its path.
func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// contentDir returns a folder holding the made-up sleep and migraine content.
func contentDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	put(t, dir, "sleep.yaml", sleepYAML)
	put(t, dir, "migraine.md", migraineMD)
	return dir
}

func put(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func openLibrary(t *testing.T, cfg search.LibraryConfig) (*search.Library, search.Report) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	l, rep, err := search.OpenLibrary(cfg)
	if err != nil {
		t.Fatalf("OpenLibrary: %v (report %+v)", err, rep)
	}
	t.Cleanup(func() { l.Close() })
	return l, rep
}

func TestOpenLibrary(t *testing.T) {
	dir := contentDir(t)
	l, rep := openLibrary(t, search.LibraryConfig{Paths: []string{dir}})
	nSleep, nMig := len(parse(t, "s.yaml", sleepYAML)), len(parse(t, "m.md", migraineMD))
	if !rep.OK || len(rep.Errors) != 0 {
		t.Errorf("report: OK %v, Errors %q; want OK and no errors", rep.OK, rep.Errors)
	}
	if rep.Entries != nSleep+nMig || l.Index().Len() != nSleep+nMig {
		t.Errorf("entries: report %d, index %d; want %d", rep.Entries, l.Index().Len(), nSleep+nMig)
	}
	if rep.Trigger != "start" || rep.Version == "" || rep.At.IsZero() || rep.DurationMS <= 0 {
		t.Errorf("report: Trigger %q Version %q At %v DurationMS %v; want start, a version, a time and a duration", rep.Trigger, rep.Version, rep.At, rep.DurationMS)
	}
	if rep.Synonyms != search.DefaultSynonyms().Len() {
		t.Errorf("report Synonyms: got %d, want %d", rep.Synonyms, search.DefaultSynonyms().Len())
	}
	wantFiles := map[string]int{"migraine.md": nMig, "sleep.yaml": nSleep}
	if len(rep.Files) != 2 {
		t.Errorf("report Files: got %+v, want 2", rep.Files)
	}
	for _, f := range rep.Files {
		if f.Entries != wantFiles[filepath.Base(f.Path)] || f.Error != "" {
			t.Errorf("file %s: %d entries, error %q; want %d, none", f.Path, f.Entries, f.Error, wantFiles[filepath.Base(f.Path)])
		}
	}
	st := l.Status()
	if st.Serving.Version != rep.Version || st.Serving.Entries != rep.Entries || st.LastReindex != nil || st.Reindexes != 0 || st.Failures != 0 {
		t.Errorf("Status at start: got %+v, want the start report, no reindexes", st)
	}
	wantTop(t, l.Index(), "what is insomnia", "What is insomnia?", answerable)
}

// TestLibraryWarnings: a duplicate question is a warning in the report,
// not an error; the reindex succeeds and the rest serves.
func TestLibraryWarnings(t *testing.T) {
	dir := contentDir(t)
	put(t, dir, "dup.yaml", "- question: What is insomnia?\n  answer: Trouble sleeping.\n- question: Can I drink coffee at night?\n  answer: Coffee late keeps you awake.\n")
	l, rep := openLibrary(t, search.LibraryConfig{Paths: []string{dir}})
	if !rep.OK || len(rep.Errors) != 0 {
		t.Errorf("report: OK %v, Errors %q; want OK (a duplicate question is a warning)", rep.OK, rep.Errors)
	}
	if rep.WarningCount != 1 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "duplicate question") {
		t.Errorf("report warnings: %d %q, want the duplicate question", rep.WarningCount, rep.Warnings)
	}
	wantTop(t, l.Index(), "can I drink coffee at night", "Can I drink coffee at night?", answerable)
	rep, err := l.Reindex(context.Background(), "test")
	if err != nil || !rep.OK || rep.WarningCount != 1 {
		t.Errorf("reindex: %v, OK %v, %d warnings; want success with the warning", err, rep.OK, rep.WarningCount)
	}
}

func TestOpenLibraryBrokenFile(t *testing.T) {
	dir := contentDir(t)
	put(t, dir, "broken.txt", "Broken\n\nText.\n\nQ: Is this answered?\n")
	l, rep := openLibrary(t, search.LibraryConfig{Paths: []string{dir}})
	if rep.OK {
		t.Error("report OK with a broken file, want false")
	}
	broken := filepath.Join(dir, "broken.txt") + ":5:"
	if len(rep.Errors) != 1 || !strings.HasPrefix(rep.Errors[0], broken) {
		t.Errorf("report Errors: got %q, want one starting with %q", rep.Errors, broken)
	}
	var fileErr string
	for _, f := range rep.Files {
		if filepath.Base(f.Path) == "broken.txt" {
			fileErr = f.Error
		}
	}
	if !strings.HasPrefix(fileErr, broken) {
		t.Errorf("broken file status: got %q, want an error starting with %q", fileErr, broken)
	}
	// The good files serve.
	wantTop(t, l.Index(), "how long does a migraine last", "How long does a migraine last?", answerable)
	wantTop(t, l.Index(), "what is insomnia", "What is insomnia?", answerable)
}

func TestOpenLibraryFails(t *testing.T) {
	for name, cfg := range map[string]search.LibraryConfig{
		"no paths":     {},
		"missing path": {Paths: []string{filepath.Join(t.TempDir(), "none")}},
		"only broken":  {Paths: []string{writeFile(t, "b.txt", "Q: no answer\n")}},
		"bad synonyms": {Paths: []string{contentDir(t)}, SynonymFiles: []string{writeFile(t, "syn.txt", "knee\n")}},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.Logger = quietLogger()
			l, _, err := search.OpenLibrary(cfg)
			if err == nil {
				l.Close()
				t.Fatal("got no error")
			}
			if l != nil {
				t.Errorf("got a library with the error, want nil")
			}
		})
	}
	// A synonym error keeps its type and line through OpenLibrary.
	syn := writeFile(t, "syn.txt", "sore, aching\n\nknee\n")
	_, _, err := search.OpenLibrary(search.LibraryConfig{Paths: []string{contentDir(t)}, SynonymFiles: []string{syn}, Logger: quietLogger()})
	var se *search.SynonymError
	if !errors.As(err, &se) || se.Line != 3 {
		t.Errorf("bad synonyms: got %v, want a *search.SynonymError at line 3", err)
	}
}

func TestReindex(t *testing.T) {
	dir := contentDir(t)
	l, start := openLibrary(t, search.LibraryConfig{Paths: []string{dir}})
	x := l.Index()
	ctx := context.Background()

	// Break a file: the reindex fails, naming file and line, and the
	// previous content keeps serving.
	put(t, dir, "sleep.yaml", sleepYAML+"- question: Is snoring harmful?\n  answr: Sometimes.\n")
	rep, err := l.Reindex(ctx, "test-broken")
	if err == nil {
		t.Fatal("Reindex with a broken file: got no error")
	}
	where := filepath.Join(dir, "sleep.yaml") + ":13:"
	if !strings.Contains(err.Error(), where) {
		t.Errorf("Reindex error: got %q, want it to name %s", err, where)
	}
	var fe *faq.Error
	if !errors.As(err, &fe) || fe.Line != 13 {
		t.Errorf("Reindex error: got %v, want a *faq.Error at line 13 inside", err)
	}
	if rep.OK || rep.Trigger != "test-broken" || len(rep.Errors) != 1 || !strings.HasPrefix(rep.Errors[0], where) {
		t.Errorf("failed report: OK %v Trigger %q Errors %q; want false, test-broken, one error at %s", rep.OK, rep.Trigger, rep.Errors, where)
	}
	if l.Index() != x {
		t.Error("Index() changed value across a reindex, want the same *Index")
	}
	wantTop(t, x, "what is insomnia", "What is insomnia?", answerable) // sleep.yaml still served
	if x.Len() != start.Entries {
		t.Errorf("entries after a failed reindex: got %d, want %d", x.Len(), start.Entries)
	}
	st := l.Status()
	if st.Reindexes != 1 || st.Failures != 1 || st.LastReindex == nil || st.LastReindex.OK || st.Serving.Version != start.Version {
		t.Errorf("Status after a failure: got %+v, want 1 reindex, 1 failure, serving the start version", st)
	}

	// Fix it: the new content serves.
	put(t, dir, "sleep.yaml", sleepYAML+"- question: Is snoring harmful?\n  answer: Loud snoring with pauses in breathing needs a doctor.\n")
	rep, err = l.Reindex(ctx, "test-fixed")
	if err != nil {
		t.Fatalf("Reindex after the fix: %v", err)
	}
	if !rep.OK || rep.Entries != start.Entries+1 || rep.Version == start.Version {
		t.Errorf("report: OK %v Entries %d Version %s; want OK, %d entries, a new version", rep.OK, rep.Entries, rep.Version, start.Entries+1)
	}
	wantTop(t, x, "is snoring harmful", "Is snoring harmful?", answerable)
	st = l.Status()
	if st.Reindexes != 2 || st.Failures != 1 || st.Serving.Version != rep.Version || st.LastReindex.Trigger != "test-fixed" {
		t.Errorf("Status after the fix: got %+v, want 2 reindexes, 1 failure, serving %s", st, rep.Version)
	}

	// A whole-folder problem (no files left) also keeps the content.
	for _, f := range []string{"sleep.yaml", "migraine.md"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Reindex(ctx, "test-empty"); err == nil {
		t.Error("Reindex of an empty folder: got no error")
	}
	wantTop(t, x, "is snoring harmful", "Is snoring harmful?", answerable)
}

func TestReindexCoalesces(t *testing.T) {
	l, _ := openLibrary(t, search.LibraryConfig{Paths: []string{contentDir(t)}})
	const calls = 20
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, calls)
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			rep, err := l.Reindex(context.Background(), "burst")
			if err == nil && !rep.OK {
				err = errors.New("report not OK")
			}
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Reindex: %v", err)
		}
	}
	st := l.Status()
	// One build runs while the others wait for a single shared next build;
	// a slow scheduler may let a straggler start a third.
	if st.Reindexes < 1 || st.Reindexes > 4 {
		t.Errorf("%d concurrent Reindex calls ran %d builds, want 1 to 4", calls, st.Reindexes)
	}
	t.Logf("%d concurrent calls, %d builds", calls, st.Reindexes)
}

func TestReindexContext(t *testing.T) {
	l, _ := openLibrary(t, search.LibraryConfig{Paths: []string{contentDir(t)}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Reindex(ctx, "cancelled"); !errors.Is(err, context.Canceled) {
		t.Errorf("Reindex with a cancelled context: got %v, want context.Canceled", err)
	}
	// The build still completes.
	deadline := time.Now().Add(10 * time.Second)
	for l.Status().Reindexes == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if st := l.Status(); st.Reindexes != 1 || st.Failures != 0 {
		t.Errorf("after a cancelled wait: Status %+v, want the build to finish (1 reindex, no failure)", st)
	}
}

func TestLibrarySynonymFiles(t *testing.T) {
	dir := t.TempDir()
	put(t, dir, "naps.yaml", "- question: Are naps good for you?\n  answer: A short nap refreshes most people.\n")
	syn := writeFile(t, "syn.txt", "snooze => nap\n")
	l, rep := openLibrary(t, search.LibraryConfig{Paths: []string{dir}, SynonymFiles: []string{syn}})
	if rep.Synonyms != search.DefaultSynonyms().Len()+1 {
		t.Errorf("report Synonyms: got %d, want %d", rep.Synonyms, search.DefaultSynonyms().Len()+1)
	}
	wantTop(t, l.Index(), "snooze", "Are naps good for you?", answerAt(t))

	// A broken synonym file fails the reindex and keeps the old thesaurus.
	if err := os.WriteFile(syn, []byte("snooze => nap\nnap\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := l.Reindex(context.Background(), "syn")
	var se *search.SynonymError
	if !errors.As(err, &se) || se.Line != 2 {
		t.Errorf("Reindex with a broken synonym file: got %v, want a *search.SynonymError at line 2", err)
	}
	wantTop(t, l.Index(), "snooze", "Are naps good for you?", answerAt(t))
}

func TestLibraryOnReindex(t *testing.T) {
	dir := contentDir(t)
	var (
		mu   sync.Mutex
		seen []search.Report
	)
	l, _ := openLibrary(t, search.LibraryConfig{Paths: []string{dir}, OnReindex: func(rep search.Report) {
		mu.Lock()
		seen = append(seen, rep)
		mu.Unlock()
	}})
	ctx := context.Background()
	if _, err := l.Reindex(ctx, "test"); err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	put(t, dir, "broken.txt", "Broken\n\nText.\n\nQ: Is this answered?\n")
	if _, err := l.Reindex(ctx, "test"); err == nil {
		t.Fatal("Reindex with a broken file: got nil error")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 {
		t.Fatalf("OnReindex calls: got %d, want 2 (the first load is not a reindex)", len(seen))
	}
	if !seen[0].OK || seen[1].OK || seen[0].Trigger != "test" || seen[0].DurationMS <= 0 {
		t.Errorf("OnReindex reports: got OK %v then %v, trigger %q, duration %v; want true, false, test, > 0",
			seen[0].OK, seen[1].OK, seen[0].Trigger, seen[0].DurationMS)
	}
}

// TestSynonymTerms: a text's terms are search's analysis, with one-word
// synonyms mapped to their group's first word.
func TestSynonymTerms(t *testing.T) {
	s, err := search.ParseSynonyms("t.txt", "price, cost, fee\nlower back, lumbar, lumbago\nbackache, back ache => pain\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ a, b string }{
		{"What is the fee for a massage?", "massage prices"},
		{"my lumbago", "lumbar"},
		{"backache", "pain"},
	} {
		if x, y := s.Terms(c.a), s.Terms(c.b); strings.Join(x, " ") != strings.Join(y, " ") {
			t.Errorf("Terms(%q) = %v, Terms(%q) = %v: want the same", c.a, x, c.b, y)
		}
	}
	if got := s.Terms("what is it?"); len(got) != 0 {
		t.Errorf("stop words only: got %v, want none", got)
	}
	var none *search.Synonyms
	if got := none.Terms("Massages"); len(got) != 1 {
		t.Errorf("nil thesaurus: got %v", got)
	}
}

func TestCollectHarder(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct{ have, during int }{
		{100, 25}, {400, 25}, // the default and a raised target are lowered
		{25, 25}, {10, 10}, // an operator's lower target is kept
		{-1, -1}, // so is GOGC=off
	} {
		debug.SetGCPercent(c.have)
		restore := search.CollectHarder(25)
		if got := search.GCPercent(); got != c.during {
			t.Errorf("GC percent %d: during the build got %d, want %d", c.have, got, c.during)
		}
		restore()
		if got := search.GCPercent(); got != c.have {
			t.Errorf("GC percent %d: after the build got %d, want it restored", c.have, got)
		}
	}

	// A reindex lowers the target while it builds and gives it back,
	// failed or not.
	debug.SetGCPercent(100)
	var during []int
	search.SetTestHookBuild(func() { during = append(during, search.GCPercent()) })
	defer search.SetTestHookBuild(nil)
	dir := contentDir(t)
	l, _ := openLibrary(t, search.LibraryConfig{Paths: []string{dir}})
	if _, err := l.Reindex(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	put(t, dir, "sleep.yaml", "- question: [unclosed\n")
	if _, err := l.Reindex(context.Background(), "test-broken"); err == nil {
		t.Fatal("Reindex with a broken file: got no error")
	}
	if len(during) != 2 || during[0] != 25 || during[1] != 25 {
		t.Errorf("GC percent during the reindexes: got %v, want [25 25]", during)
	}
	if got := search.GCPercent(); got != 100 {
		t.Errorf("GC percent after reindexes: got %d, want 100", got)
	}
}

func TestCollectHarderOverlapping(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	a := search.CollectHarder(25)
	b := search.CollectHarder(25)
	a()
	if got := search.GCPercent(); got != 25 {
		t.Errorf("one build of two done: GC percent %d, want 25 until the other is done", got)
	}
	b()
	if got := search.GCPercent(); got != 100 {
		t.Errorf("both builds done: GC percent %d, want 100", got)
	}
}
