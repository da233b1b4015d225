package faq_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"faqbot/faq"
)

// writeFiles creates files (path relative to dir -> content) under a new
// temporary folder and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// problems lists the *faq.Errors joined in err.
func problems(t *testing.T, err error) []*faq.Error {
	t.Helper()
	if err == nil {
		return nil
	}
	var out []*faq.Error
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var fe *faq.Error
		if !errors.As(e, &fe) {
			t.Errorf("problem %q is a %T, want a *faq.Error", e, e)
			return
		}
		out = append(out, fe)
	}
	walk(err)
	return out
}

const (
	goodText = "Sleep Guide\n\nSleep matters.\n\nQ: How long should I sleep?\nA: Seven to nine hours.\n"
	goodMD   = "# Migraine\n\nA migraine is a bad headache.\n\n## FAQ\n\n### Can migraines run in families?\n\nYes, often.\n"
	goodYAML = "- question: How much water should I drink?\n  answer: About eight glasses.\n"
)

func TestLoadFolder(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"b-sleep.txt":          goodText,
		"a-migraine.md":        goodMD,
		"sub/c-water.yaml":     goodYAML,
		".hidden.txt":          "not a content file \x00",
		".git/config":          "[core]",
		"_drafts/draft.txt":    "Q: unfinished\n",
		"_notes.md":            "Q: unfinished\n",
		"b-sleep.txt~":         "editor backup",
		"README.md":            "# About this folder\n\nNot content.\n",
		"sub/.DS_Store":        "\x00\x01",
		"sub/deeper/d-eyes.md": "# Eyes\n\nBlink often at screens.\n",
	})
	res, err := faq.Load([]string{dir}, faq.Options{})
	if err != nil {
		t.Fatalf("Load: got error %v, want none (hidden, draft, backup and README files are skipped)", err)
	}
	var got []string
	for _, f := range res.Files {
		rel, _ := filepath.Rel(dir, f.Path)
		got = append(got, filepath.ToSlash(rel))
		if f.Err != nil || f.Entries == 0 {
			t.Errorf("%s: Entries %d, Err %v; want entries and no error", rel, f.Entries, f.Err)
		}
	}
	want := []string{"a-migraine.md", "b-sleep.txt", "sub/c-water.yaml", "sub/deeper/d-eyes.md"}
	if !equalStrings(got, want) {
		t.Errorf("files:\n got  %q\n want %q (sorted, hidden and backup files skipped)", got, want)
	}
	if n := len(res.Entries); n != 2+2+1+1 {
		t.Errorf("entries: got %d, want 6", n)
	}
	// Entries come file by file in the same order.
	if res.Entries[0].Source != res.Files[0].Path || res.Entries[len(res.Entries)-1].Source != res.Files[3].Path {
		t.Errorf("entry order: first from %s, last from %s; want files in order", res.Entries[0].Source, res.Entries[len(res.Entries)-1].Source)
	}
	if len(res.Version) != 16 {
		t.Errorf("Version: got %q, want 16 hex digits", res.Version)
	}

	// Stable: loading again gives the same order, IDs and version.
	again, err := faq.Load([]string{dir}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != res.Version {
		t.Errorf("Version on reload: got %s, want %s", again.Version, res.Version)
	}
	for i := range res.Entries {
		if again.Entries[i].ID != res.Entries[i].ID {
			t.Errorf("entry %d ID on reload: got %s, want %s", i, again.Entries[i].ID, res.Entries[i].ID)
		}
	}

	// A content change changes the version.
	if err := os.WriteFile(filepath.Join(dir, "b-sleep.txt"), []byte(goodText+"\nQ: Is napping good?\nA: Short naps are fine.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := faq.Load([]string{dir}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if changed.Version == res.Version {
		t.Errorf("Version after an edit: still %s, want a new one", changed.Version)
	}
	if len(changed.Entries) != len(res.Entries)+1 {
		t.Errorf("entries after adding a Q/A: got %d, want %d", len(changed.Entries), len(res.Entries)+1)
	}
}

func TestLoadBrokenFileKeepsOthers(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.txt":    goodText,
		"b.txt":    "Broken\n\nSome text.\n\nQ: Where is my answer?\n",
		"c.yaml":   goodYAML,
		"d.json":   "{}",
		"e.md":     "",
		"f.yaml":   "- question: x\n  anwser: y\n",
		"g.md":     goodMD,
		"h.txt":    "caf\xe9\n",
		"sub/i.md": "# T\n\nok\n",
	})
	res, err := faq.Load([]string{dir}, faq.Options{})
	if err == nil {
		t.Fatal("Load: got no error, want the broken files reported")
	}
	want := map[string]int{ // file -> line of its problem
		"b.txt":  5,
		"d.json": 0,
		"e.md":   0,
		"f.yaml": 2,
		"h.txt":  1,
	}
	got := map[string]int{}
	for _, p := range problems(t, err) {
		got[filepath.Base(p.File)] = p.Line
		if !strings.Contains(err.Error(), p.Error()) {
			t.Errorf("joined error %q lacks %q", err, p)
		}
	}
	if len(got) != len(want) {
		t.Errorf("problems: got %v, want %v", got, want)
	}
	for f, line := range want {
		if l, ok := got[f]; !ok || l != line {
			t.Errorf("problem in %s: got line %d (reported %v), want line %d", f, l, ok, line)
		}
	}
	// The good files still give their entries.
	sources := map[string]int{}
	for _, e := range res.Entries {
		sources[filepath.Base(e.Source)]++
	}
	wantSources := map[string]int{"a.txt": 2, "c.yaml": 1, "g.md": 2, "i.md": 1}
	if len(sources) != len(wantSources) {
		t.Errorf("entries by file: got %v, want %v", sources, wantSources)
	}
	for f, n := range wantSources {
		if sources[f] != n {
			t.Errorf("entries from %s: got %d, want %d", f, sources[f], n)
		}
	}
	// Files reports every file, with its error or count.
	if len(res.Files) != 9 {
		t.Errorf("Files: got %d, want 9", len(res.Files))
	}
	for _, f := range res.Files {
		_, bad := want[filepath.Base(f.Path)]
		if bad != (f.Err != nil) || bad != (f.Entries == 0) {
			t.Errorf("%s: Err %v, Entries %d; want broken=%v", f.Path, f.Err, f.Entries, bad)
		}
	}
}

func TestLoadPaths(t *testing.T) {
	dir := writeFiles(t, map[string]string{"one.txt": goodText, "two.yaml": goodYAML})
	one := filepath.Join(dir, "one.txt")

	// A single file, and the same file named twice, load once.
	res, err := faq.Load([]string{one, one}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || len(res.Entries) != 2 {
		t.Errorf("file named twice: got %d files, %d entries; want 1 file, 2 entries", len(res.Files), len(res.Entries))
	}

	// A missing path is reported; the other path still loads.
	missing := filepath.Join(dir, "nope")
	res, err = faq.Load([]string{missing, filepath.Join(dir, "two.yaml")}, faq.Options{})
	ps := problems(t, err)
	if len(ps) != 1 || ps[0].File != missing || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing path: got %v, want one *faq.Error for %s wrapping os.ErrNotExist", err, missing)
	}
	if len(res.Entries) != 1 {
		t.Errorf("missing path: got %d entries from the other file, want 1", len(res.Entries))
	}

	// An empty folder is an error, not silence.
	empty := t.TempDir()
	res, err = faq.Load([]string{empty}, faq.Options{})
	ps = problems(t, err)
	if len(ps) != 1 || ps[0].File != empty || !strings.Contains(err.Error(), "no files") {
		t.Errorf("empty folder: got %v, want a *faq.Error naming %s", err, empty)
	}
	if len(res.Entries) != 0 {
		t.Errorf("empty folder: got %d entries, want 0", len(res.Entries))
	}
}

func TestLoadValidation(t *testing.T) {
	long := strings.Repeat("Drink water. ", 20) // 260 characters
	dir := writeFiles(t, map[string]string{
		"a.yaml": "- question: How much water should I drink?\n  answer: About eight glasses.\n" +
			"- question: Is tea OK?\n  answer: " + long + "\n",
		// The same question (differently punctuated) in another file.
		"b.md": "# Water\n\nWater is good.\n\n## FAQ\n\n### How much water should I drink!\n\nPlenty.\n",
		// Two entries with the same explicit ID.
		"c.yaml": "- id: dup\n  question: First?\n  answer: One.\n- id: dup\n  question: Second?\n  answer: Two.\n",
		"d.txt":  goodText,
	})
	res, err := faq.Load([]string{dir}, faq.Options{MaxAnswerChars: 200})
	type place struct {
		file string
		line int
	}
	got := map[place]string{}
	for _, p := range problems(t, err) {
		got[place{filepath.Base(p.File), p.Line}] = p.Msg
	}
	for _, w := range []struct {
		place
		msg string
	}{
		{place{"a.yaml", 3}, "over the 200"},
		{place{"b.md", 7}, "duplicate question"},
		{place{"c.yaml", 4}, `duplicate entry ID "dup"`},
	} {
		msg, ok := got[w.place]
		if !ok || !strings.Contains(msg, w.msg) {
			t.Errorf("problem at %s:%d: got %q (found %v), want it to contain %q; all problems: %v", w.file, w.line, msg, ok, w.msg, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("problems: got %d %v, want 3", len(got), got)
	}
	if !strings.Contains(got[place{"b.md", 7}], "a.yaml:1") {
		t.Errorf("duplicate question: got %q, want it to name the first place a.yaml:1", got[place{"b.md", 7}])
	}
	// Files with validation problems serve nothing; the others serve.
	for _, e := range res.Entries {
		if b := filepath.Base(e.Source); b != "d.txt" {
			t.Errorf("entry %q from %s served, want only d.txt entries (the others failed validation)", e.Title, b)
		}
	}
	if len(res.Entries) != 2 {
		t.Errorf("entries: got %d, want 2 from d.txt", len(res.Entries))
	}
	for _, f := range res.Files {
		if ok := filepath.Base(f.Path) == "d.txt"; ok != (f.Err == nil) {
			t.Errorf("%s: Err = %v, want error=%v", f.Path, f.Err, !ok)
		}
	}

	// Without a limit, the long answer is fine.
	if _, err := faq.Load([]string{filepath.Join(dir, "a.yaml")}, faq.Options{}); err != nil {
		t.Errorf("no MaxAnswerChars: got %v, want no error", err)
	}
}

func TestValidate(t *testing.T) {
	e := func(id, title, text string, typ faq.Type, line int) faq.Entry {
		return faq.Entry{ID: id, Title: title, Text: text, Type: typ, Source: "k.txt", Line: line}
	}
	for _, c := range []struct {
		name    string
		entries []faq.Entry
		opt     faq.Options
		want    []string // messages, in order, each "k.txt:<line>: ..."
	}{
		{"clean", []faq.Entry{e("q1", "A?", "Yes.", faq.TypeFAQ, 1), e("p1", "A?", "Also.", faq.TypePassage, 2)}, faq.Options{}, nil},
		{"empty text", []faq.Entry{e("p1", "Heading", " \n", faq.TypePassage, 4)}, faq.Options{}, []string{`k.txt:4: "Heading" has an empty answer`}},
		{"duplicate ID", []faq.Entry{e("x", "A?", "1.", faq.TypeFAQ, 1), e("x", "B?", "2.", faq.TypeFAQ, 9)}, faq.Options{}, []string{`k.txt:9: duplicate entry ID "x" (also at k.txt:1)`}},
		{"duplicate question via alternate", []faq.Entry{
			e("q1", "Is it safe?", "Yes.", faq.TypeFAQ, 1),
			{ID: "q2", Title: "Other?", Alternates: []string{"is it SAFE"}, Text: "No.", Type: faq.TypeFAQ, Source: "k.txt", Line: 5},
		}, faq.Options{}, []string{`k.txt:5: duplicate question "is it SAFE" (also at k.txt:1)`}},
		{"answer length counts characters, not bytes", []faq.Entry{e("q1", "A?", strings.Repeat("é", 10), faq.TypeFAQ, 1)}, faq.Options{MaxAnswerChars: 10}, nil},
		{"answer too long", []faq.Entry{e("q1", "A?", strings.Repeat("é", 11), faq.TypeFAQ, 3)}, faq.Options{MaxAnswerChars: 10}, []string{`k.txt:3: answer to "A?" is 11 characters, over the 10 a reply can show`}},
		{"passages may be long", []faq.Entry{e("p1", "H", strings.Repeat("x", 50), faq.TypePassage, 3)}, faq.Options{MaxAnswerChars: 10}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := faq.Validate(c.entries, c.opt)
			var got []string
			for _, err := range errs {
				var fe *faq.Error
				if !errors.As(err, &fe) {
					t.Errorf("%q is a %T, want *faq.Error", err, err)
				}
				got = append(got, err.Error())
			}
			if !equalStrings(got, c.want) {
				t.Errorf("Validate:\n got  %q\n want %q", got, c.want)
			}
		})
	}
}

func TestLoadOversizedFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.txt")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: large on disk metadata, cheap to create.
	if err := f.Truncate(faq.MaxFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = faq.Load([]string{p}, faq.Options{})
	ps := problems(t, err)
	if len(ps) != 1 || ps[0].File != p || !strings.Contains(ps[0].Msg, "over the") {
		t.Errorf("oversized file: got %v, want one *faq.Error naming %s", err, p)
	}
}
