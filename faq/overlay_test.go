package faq

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	overlayArticle = "Sleep Guide\n\nSleep matters for health.\n\nQ: How long should I sleep?\nA: Seven to nine hours.\n\nQ: Is napping bad?\nA: Short naps are fine.\n"
	overlayFAQ     = "- question: How much water should I drink?\n  alternates: [daily water intake]\n  answer: About eight glasses.\n"
)

// overlayDir writes a content folder with an article, a YAML FAQ and, when
// overlay is not "", alternates.yaml holding it.
func overlayDir(t *testing.T, overlay string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sleep.txt", overlayArticle)
	write("water.yaml", overlayFAQ)
	if overlay != "" {
		write(DefaultOverlayName, overlay)
	}
	return dir
}

func entryByTitle(t *testing.T, es []Entry, title string) Entry {
	t.Helper()
	for _, e := range es {
		if e.Title == title {
			return e
		}
	}
	t.Fatalf("no entry %q among %d", title, len(es))
	return Entry{}
}

func ids(t *testing.T, dir string) (sleep, nap, water string) {
	t.Helper()
	res, err := Load([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return entryByTitle(t, res.Entries, "How long should I sleep?").ID,
		entryByTitle(t, res.Entries, "Is napping bad?").ID,
		entryByTitle(t, res.Entries, "How much water should I drink?").ID
}

func TestOverlayApplied(t *testing.T) {
	sleep, _, water := ids(t, overlayDir(t, ""))
	dir := overlayDir(t, "# operator notes\n"+sleep+":\n  - how many hours of sleep do I need\n  - How many hours of sleep do I NEED?\n"+
		water+": [how much should I drink a day]\n")
	res, err := Load([]string{dir}, Options{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	e := entryByTitle(t, res.Entries, "How long should I sleep?")
	if len(e.Alternates) != 1 || e.Alternates[0] != "how many hours of sleep do I need" {
		t.Errorf("sleep alternates: got %q, want the one wording once (repeats are kept once)", e.Alternates)
	}
	w := entryByTitle(t, res.Entries, "How much water should I drink?")
	if strings.Join(w.Alternates, "|") != "daily water intake|how much should I drink a day" {
		t.Errorf("water alternates: got %q, want its own then the overlay's", w.Alternates)
	}
	var ov *FileResult
	for i, f := range res.Files {
		if filepath.Base(f.Path) == DefaultOverlayName {
			ov = &res.Files[i]
		}
	}
	if ov == nil || ov.Err != nil || ov.Entries != 0 || ov.Alternates != 2 {
		t.Errorf("overlay file result: got %+v, want 2 alternates, 0 entries, no error", ov)
	}
	if len(res.Entries) != 4 {
		t.Errorf("got %d entries, want 4 (the overlay is not content)", len(res.Entries))
	}
	// The version changes with the overlay.
	plain, _ := Load([]string{overlayDir(t, "")}, Options{})
	if plain.Version == res.Version {
		t.Error("the content version does not change with the overlay")
	}
}

func TestOverlayEmptyAndMissing(t *testing.T) {
	for name, body := range map[string]string{"missing": "", "comments only": "# nothing yet\n", "null": "~\n", "id without wordings": "qabc:\n"} {
		t.Run(name, func(t *testing.T) {
			dir := overlayDir(t, body)
			if name == "id without wordings" {
				sleep, _, _ := ids(t, overlayDir(t, ""))
				os.WriteFile(filepath.Join(dir, DefaultOverlayName), []byte(sleep+":\n"), 0o644)
			}
			res, err := Load([]string{dir}, Options{})
			if err != nil || len(res.Entries) != 4 {
				t.Errorf("got %d entries, error %v; want 4, none", len(res.Entries), err)
			}
		})
	}
}

func TestOverlayErrors(t *testing.T) {
	sleep, nap, water := ids(t, overlayDir(t, ""))
	cases := []struct {
		name, body string
		line       int
		want       string
	}{
		{"bad YAML", sleep + ":\n  - fine\n  - [unclosed\n", 3, "invalid YAML"},
		{"not a mapping", "- " + sleep + "\n", 1, "expected entry IDs"},
		{"unknown ID", sleep + ":\n  - hours of sleep\nqdoesnotexist:\n  - something\n", 3, `unknown entry ID "qdoesnotexist"`},
		{"ID twice", sleep + ":\n  - a\n" + sleep + ":\n  - b\n", 3, "listed twice (also at line 1)"},
		{"scalar value", sleep + ": hours of sleep\n", 1, "expected a list of wordings"},
		{"nested list", sleep + ":\n  - [a, b]\n", 2, "expected a wording"},
		{"empty wording", sleep + ":\n  - \"  \"\n", 2, "empty wording"},
		{"another entry's question", sleep + ":\n  - fine\n  - is napping bad\n", 3, `already a question of another entry, "Is napping bad?"`},
		{"another entry's alternate", sleep + ":\n  - Daily water intake!\n", 2, "How much water should I drink?"},
		{"same wording for two entries", sleep + ":\n  - rest question\n" + nap + ":\n  - rest question\n", 4, "already a question of another entry"},
		{"binary", sleep + ":\n  - a\x00\n", 2, "binary data"},
	}
	_ = water
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := overlayDir(t, c.body)
			res, err := Load([]string{dir}, Options{})
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("got error %v, want a *faq.Error", err)
			}
			if filepath.Base(fe.File) != DefaultOverlayName || fe.Line != c.line || !strings.Contains(fe.Error(), c.want) {
				t.Errorf("got %q (line %d), want alternates.yaml:%d with %q", fe.Error(), fe.Line, c.line, c.want)
			}
			// The content still loads, without any of the overlay.
			if len(res.Entries) != 4 {
				t.Errorf("got %d entries, want the 4 of the content", len(res.Entries))
			}
			for _, e := range res.Entries {
				if e.Title != "How much water should I drink?" && len(e.Alternates) > 0 {
					t.Errorf("%q got alternates %q from a broken overlay", e.Title, e.Alternates)
				}
			}
		})
	}
}

// An overlay naming entries of a content file that failed to load does not
// add errors of its own: the file's error says what is wrong.
func TestOverlayWithBrokenContent(t *testing.T) {
	sleep, _, water := ids(t, overlayDir(t, ""))
	dir := overlayDir(t, sleep+":\n  - hours of sleep\n"+water+":\n  - litres a day\n")
	if err := os.WriteFile(filepath.Join(dir, "water.yaml"), []byte("- question: [broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load([]string{dir}, Options{})
	errs := ErrorList(err)
	if len(errs) != 1 || !strings.Contains(errs[0], "water.yaml") {
		t.Errorf("got errors %q, want only water.yaml's", errs)
	}
	if e := entryByTitle(t, res.Entries, "How long should I sleep?"); len(e.Alternates) != 1 {
		t.Errorf("sleep alternates: got %q, want the overlay's", e.Alternates)
	}
}

// Passage and FAQ IDs do not change when the file around them changes, so
// the overlay keeps pointing at its entries across reindexes.
func TestOverlayIDsStable(t *testing.T) {
	dir := overlayDir(t, "")
	sleep, nap, water := ids(t, dir)
	res, _ := Load([]string{dir}, Options{})
	passage := res.Entries[0]
	// Move things around, edit answers, add entries.
	os.WriteFile(filepath.Join(dir, "sleep.txt"), []byte("Sleep Guide\n\nA new first paragraph.\n\nSleep matters for health.\n\nQ: Is napping bad?\nA: Naps under 30 minutes are fine.\n\nQ: How long should I sleep?\nA: Most adults need seven to nine hours.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "water.yaml"), []byte("# comment\n- question: Is coffee dehydrating?\n  answer: Not much.\n"+overlayFAQ), 0o644)
	sleep2, nap2, water2 := ids(t, dir)
	if sleep2 != sleep || nap2 != nap || water2 != water {
		t.Errorf("FAQ IDs changed with edits around them: %s %s %s -> %s %s %s", sleep, nap, water, sleep2, nap2, water2)
	}
	res2, _ := Load([]string{dir}, Options{})
	found := false
	for _, e := range res2.Entries {
		found = found || e.ID == passage.ID
	}
	if !found {
		t.Errorf("passage %q lost its ID %s when another paragraph was added before it", passage.Text, passage.ID)
	}
}

func TestOverlayConfiguredPath(t *testing.T) {
	sleep, _, _ := ids(t, overlayDir(t, ""))
	dir := overlayDir(t, "")
	elsewhere := filepath.Join(t.TempDir(), "accepted.yaml")
	os.WriteFile(elsewhere, []byte(sleep+":\n  - hours of sleep\n"), 0o644)
	// A file named alternates.yaml is content again once the overlay is elsewhere.
	res, err := Load([]string{dir}, Options{Overlay: elsewhere})
	if err != nil {
		t.Fatal(err)
	}
	if e := entryByTitle(t, res.Entries, "How long should I sleep?"); len(e.Alternates) != 1 {
		t.Errorf("got %q, want the configured overlay's wording", e.Alternates)
	}
	if got := OverlayPath([]string{filepath.Join(dir, "sleep.txt"), dir}, ""); got != filepath.Join(dir, DefaultOverlayName) {
		t.Errorf("OverlayPath: got %q, want alternates.yaml in the first folder", got)
	}
	if got := OverlayPath([]string{filepath.Join(dir, "sleep.txt")}, ""); got != "" {
		t.Errorf("OverlayPath of files only: got %q, want none", got)
	}
}

func loadEntries(t *testing.T, dir string) []Entry {
	t.Helper()
	res, err := Load([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Entries
}

// addFixture is a content folder without an overlay, for the AddAlternate
// tests: where its overlay goes, its entries and the IDs of three of them.
type addFixture struct {
	dir, path         string
	es                []Entry
	sleep, nap, water string
}

func newAddFixture(t *testing.T) addFixture {
	t.Helper()
	fx := addFixture{dir: overlayDir(t, "")}
	fx.path = filepath.Join(fx.dir, DefaultOverlayName)
	fx.sleep, fx.nap, fx.water = ids(t, fx.dir)
	fx.es = loadEntries(t, fx.dir)
	return fx
}

func TestAddAlternate(t *testing.T) {
	fx := newAddFixture(t)

	added, err := AddAlternate(fx.path, loadEntries(t, fx.dir), fx.sleep, "  how many hours of   sleep do I need ")
	if err != nil || !added {
		t.Fatalf("first add: got %v, %v; want added", added, err)
	}
	data, _ := os.ReadFile(fx.path)
	if !strings.HasPrefix(string(data), "# Alternate wordings") || !strings.Contains(string(data), "# How long should I sleep? (sleep.txt)\n"+fx.sleep+":\n  - how many hours of sleep do I need\n") {
		t.Errorf("new overlay:\n%s", data)
	}
	e := entryByTitle(t, loadEntries(t, fx.dir), "How long should I sleep?")
	if len(e.Alternates) != 1 {
		t.Fatalf("after add: alternates %q", e.Alternates)
	}

	// The operator edits the file by hand: comments and order stay.
	hand := "# My notes, keep me.\n" + fx.water + ": # water\n  - litres per day   # from the clinic\n" + string(data)
	os.WriteFile(fx.path, []byte(hand), 0o640)
	os.Chmod(fx.path, 0o640)
	for _, q := range []string{"HOW MANY hours of sleep do I need?", "How long should I sleep", "Daily water intake"} {
		// The same wording again (or the entry's own question): nothing changes.
		id := fx.sleep
		if strings.HasPrefix(q, "Daily") {
			id = fx.water
		}
		if added, err := AddAlternate(fx.path, loadEntries(t, fx.dir), id, q); err != nil || added {
			t.Errorf("add %q again: got %v, %v; want not added, no error", q, added, err)
		}
	}
	if now, _ := os.ReadFile(fx.path); string(now) != hand {
		t.Errorf("a duplicate rewrote the file:\n%s", now)
	}
	for _, q := range []string{"sleep needs", "null", "yes", "a: b", "- dash", "#hash", "'quoted' \"both\"", "naps 🙂"} {
		if added, err := AddAlternate(fx.path, loadEntries(t, fx.dir), fx.sleep, q); err != nil || !added {
			t.Fatalf("add %q: got %v, %v", q, added, err)
		}
	}
	if _, err := AddAlternate(fx.path, loadEntries(t, fx.dir), fx.nap, "  shorter sleep in the day "); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(fx.path)
	for _, want := range []string{"# My notes, keep me.", "# water", "# from the clinic", "# How long should I sleep? (sleep.txt)", "# Is napping bad? (sleep.txt)"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("comment %q lost:\n%s", want, data)
		}
	}
	if strings.Index(string(data), fx.water) > strings.Index(string(data), fx.sleep) {
		t.Errorf("order changed:\n%s", data)
	}
	if st, _ := os.Stat(fx.path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode: got %v, want the operator's 0640", st.Mode().Perm())
	}
	es := loadEntries(t, fx.dir)
	got := entryByTitle(t, es, "How long should I sleep?").Alternates
	want := []string{"how many hours of sleep do I need", "sleep needs", "null", "yes", "a: b", "- dash", "#hash", "'quoted' \"both\"", "naps 🙂"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("alternates after adds:\n got %q\nwant %q\nfile:\n%s", got, want, data)
	}
	if a := entryByTitle(t, es, "Is napping bad?").Alternates; len(a) != 1 || a[0] != "shorter sleep in the day" {
		t.Errorf("nap alternates: %q", a)
	}
	entries, _ := os.ReadDir(fx.dir)
	for _, f := range entries {
		if strings.HasSuffix(f.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", f.Name())
		}
	}
}

func TestAddAlternateRefuses(t *testing.T) {
	fx := newAddFixture(t)
	cases := []struct {
		id, q string
		want  error
	}{
		{"qnope", "anything", ErrUnknownEntry},
		{fx.sleep, "Is napping bad", ErrQuestionTaken},
		{fx.sleep, "daily water intake", ErrQuestionTaken},
		{fx.sleep, "   ", ErrBadWording},
		{fx.sleep, "?!", ErrBadWording},
		{fx.sleep, strings.Repeat("x", MaxAlternateChars+1), ErrBadWording},
	}
	for _, c := range cases {
		if _, err := AddAlternate(fx.path, fx.es, c.id, c.q); !errors.Is(err, c.want) {
			t.Errorf("AddAlternate(%q, %q): got %v, want %v", c.id, clip(c.q, 20), err, c.want)
		}
	}
	if _, err := os.Stat(fx.path); err == nil {
		t.Error("a refused wording created the overlay")
	}
	// A broken overlay is not overwritten.
	os.WriteFile(fx.path, []byte(fx.sleep+":\n  - [broken\n"), 0o644)
	if _, err := AddAlternate(fx.path, fx.es, fx.sleep, "hours of sleep"); err == nil || !strings.Contains(err.Error(), "alternates.yaml:2") {
		t.Errorf("add to a broken overlay: got %v, want its file:line", err)
	}
	if data, _ := os.ReadFile(fx.path); string(data) != fx.sleep+":\n  - [broken\n" {
		t.Errorf("the broken overlay was rewritten:\n%s", data)
	}
}

// A hand edit that lands while AddAlternate rewrites the file is not lost:
// AddAlternate starts over from the edited file.
func TestAddAlternateConcurrentEdit(t *testing.T) {
	fx := newAddFixture(t)
	edited := false
	testHookBeforeRename = func(p string) {
		if !edited {
			edited = true
			os.WriteFile(p, []byte("# edited by hand meanwhile\n"+fx.nap+":\n  - daytime sleep\n"), 0o644)
		}
	}
	defer func() { testHookBeforeRename = nil }()
	if added, err := AddAlternate(fx.path, fx.es, fx.sleep, "hours of sleep"); err != nil || !added {
		t.Fatalf("got %v, %v", added, err)
	}
	data, _ := os.ReadFile(fx.path)
	if !strings.Contains(string(data), "daytime sleep") || !strings.Contains(string(data), "hours of sleep") || !strings.Contains(string(data), "# edited by hand") {
		t.Errorf("the hand edit or the added wording is missing:\n%s", data)
	}
}

// Concurrent adds in one process all land.
func TestAddAlternateParallel(t *testing.T) {
	fx := newAddFixture(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := AddAlternate(fx.path, fx.es, fx.sleep, "wording number "+string(rune('a'+i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if a := entryByTitle(t, loadEntries(t, fx.dir), "How long should I sleep?").Alternates; len(a) != 8 {
		t.Errorf("got %d alternates, want 8: %q", len(a), a)
	}
}

func TestFAQStub(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	stub, err := FAQStub([]string{"how do I sleep with sciatica", "How do I sleep with sciatica?", "sciatica: best sleeping position", "  ", "yes"}, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	s := string(stub)
	if !strings.Contains(s, "asked 7 times") || !strings.Contains(s, "2026-12-02") {
		t.Errorf("stub header:\n%s", s)
	}
	// Unfilled, it does not load, and says where.
	_, err = ParseYAML("new.yaml", stub)
	var fe *Error
	if !errors.As(err, &fe) || fe.Line == 0 || !strings.Contains(err.Error(), "empty answer") {
		t.Errorf("unfilled stub: got %v, want an empty-answer error with a line", err)
	}
	// Filled, it loads with the cluster's wordings.
	filled := strings.Replace(s, `answer: ""`, `answer: "Lie on your back with a pillow under your knees."`, 1)
	es, err := ParseYAML("new.yaml", []byte(filled))
	if err != nil {
		t.Fatalf("filled stub: %v\n%s", err, filled)
	}
	if len(es) != 1 || es[0].Title != "how do I sleep with sciatica" || strings.Join(es[0].Alternates, "|") != "sciatica: best sleeping position|yes" {
		t.Errorf("filled stub entry: %+v\n%s", es, filled)
	}
	if _, err := FAQStub([]string{" ", "?"}, 0, now); err == nil {
		t.Error("a stub of no questions: got no error")
	}
}

// TestFingerprint: Fingerprint gives Load's version, with and without an
// overlay, without parsing (a file that does not parse still counts).
func TestFingerprint(t *testing.T) {
	sleep, _, _ := ids(t, overlayDir(t, ""))
	for _, ov := range []string{"", sleep + ": [how many hours of sleep do I need]\n"} {
		dir := overlayDir(t, ov)
		res, err := Load([]string{dir}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Fingerprint([]string{dir}, Options{})
		if err != nil || got != res.Version {
			t.Errorf("overlay %q: Fingerprint %q, %v; want Load's version %q", ov, got, err, res.Version)
		}
		if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("- q: [unclosed\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		broken, _ := Load([]string{dir}, Options{})
		if got, err := Fingerprint([]string{dir}, Options{}); err != nil || got != broken.Version || got == res.Version {
			t.Errorf("overlay %q, a broken file added: Fingerprint %q, %v; want Load's new version %q", ov, got, err, broken.Version)
		}
	}
	if _, err := Fingerprint([]string{filepath.Join(t.TempDir(), "missing")}, Options{}); err == nil {
		t.Error("Fingerprint of a missing folder: no error")
	}
}
