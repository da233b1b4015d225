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
		// Unparseable: fails alone.
		"e.yaml": "- question: [unclosed\n",
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
	if msg := got[place{"c.yaml", 4}]; !strings.Contains(msg, `duplicate entry ID "dup"`) {
		t.Errorf("c.yaml:4: got %q, want a duplicate entry ID error; all: %v", msg, got)
	}
	if len(got) != 2 {
		t.Errorf("errors: got %d %v, want 2 (c.yaml's duplicate ID, e.yaml's syntax)", len(got), got)
	}
	warn := map[place]string{}
	for _, w := range res.Warnings {
		warn[place{filepath.Base(w.File), w.Line}] = w.Msg
	}
	for _, w := range []struct {
		place
		msg string
	}{
		{place{"a.yaml", 3}, "over the 200 a reply can show: served as 2 parts"},
		{place{"b.md", 7}, `duplicate question "How much water should I drink!" (first at ` + filepath.Join(dir, "a.yaml") + `:1): this later entry is skipped`},
	} {
		if msg := warn[w.place]; !strings.Contains(msg, w.msg) {
			t.Errorf("warning at %s:%d: got %q, want it to contain %q; all warnings: %v", w.file, w.line, msg, w.msg, warn)
		}
	}
	if len(warn) != 2 {
		t.Errorf("warnings: got %d %v, want 2", len(warn), warn)
	}
	// Files with errors serve nothing; files with warnings serve the rest.
	count := map[string]int{}
	for _, e := range res.Entries {
		count[filepath.Base(e.Source)]++
		if e.Type == faq.TypeFAQ && len([]rune(e.Text)) > 200 {
			t.Errorf("%s: answer of %d characters served, want at most 200", e.ID, len([]rune(e.Text)))
		}
	}
	want := map[string]int{"a.yaml": 3, "b.md": 1, "d.txt": 2}
	for f, n := range want {
		if count[f] != n {
			t.Errorf("%s: %d entries served, want %d (all: %v)", f, count[f], n, count)
		}
	}
	if len(count) != len(want) {
		t.Errorf("entries served from %v, want only %v", count, want)
	}
	for _, f := range res.Files {
		b := filepath.Base(f.Path)
		if bad := b == "c.yaml" || b == "e.yaml"; bad != (f.Err != nil) {
			t.Errorf("%s: Err = %v, want error=%v", f.Path, f.Err, bad)
		}
		if f.Err == nil && f.Entries != want[b] {
			t.Errorf("%s: FileResult.Entries %d, want %d served", b, f.Entries, want[b])
		}
	}

	// Without a limit, the long answer is whole and there is no warning.
	res, err = faq.Load([]string{filepath.Join(dir, "a.yaml")}, faq.Options{})
	if err != nil || len(res.Warnings) != 0 || len(res.Entries) != 2 {
		t.Errorf("no MaxAnswerChars: got %v, %d warnings, %d entries; want no error, no warning, 2 entries", err, len(res.Warnings), len(res.Entries))
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
		// The same question twice in a file derives the same ID: a
		// duplicate question (a warning of Check), not an ID error.
		{"same question, same ID", []faq.Entry{e("x", "A?", "1.", faq.TypeFAQ, 1), e("x", "a", "2.", faq.TypeFAQ, 9)}, faq.Options{}, nil},
		{"duplicate passage ID", []faq.Entry{e("x", "A", "1.", faq.TypePassage, 1), e("x", "A", "1.", faq.TypePassage, 3)}, faq.Options{}, []string{`k.txt:3: duplicate entry ID "x" (also at k.txt:1)`}},
		{"long answers are not errors", []faq.Entry{e("q1", "A?", strings.Repeat("é", 11), faq.TypeFAQ, 3)}, faq.Options{MaxAnswerChars: 10}, nil},
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

func TestCheckDuplicates(t *testing.T) {
	q := func(id, title string, alts []string, src string, line int) faq.Entry {
		return faq.Entry{ID: id, Type: faq.TypeFAQ, Title: title, Alternates: alts, Text: "Answer " + id + ".", Source: src, Line: line}
	}
	in := []faq.Entry{
		q("q1", "Is it safe?", []string{"Can I do it safely?"}, "a.yaml", 1),
		// Within the file: same question, differently written.
		q("q2", "is it SAFE", nil, "a.yaml", 5),
		// An alternate repeating an earlier question is dropped; the
		// entry stays with its other phrasings.
		q("q3", "How long does it take?", []string{"Is it safe", "How many minutes?", "how many minutes"}, "a.yaml", 9),
		// Across files: a main question that was an alternate there.
		q("q4", "Can I do it safely", nil, "b.md", 3),
		{ID: "p1", Type: faq.TypePassage, Title: "Is it safe?", Text: "Passages are not questions.", Source: "b.md", Line: 7},
	}
	out, warns := faq.Check(in, faq.Options{})
	var ids []string
	for _, e := range out {
		ids = append(ids, e.ID)
	}
	if want := []string{"q1", "q3", "p1"}; !equalStrings(ids, want) {
		t.Errorf("served %q, want %q (later duplicates skipped)", ids, want)
	}
	if got := out[1].Alternates; !equalStrings(got, []string{"How many minutes?"}) {
		t.Errorf("q3 alternates: got %q, want the duplicate ones dropped", got)
	}
	var got []string
	for _, w := range warns {
		got = append(got, w.Error())
	}
	want := []string{
		`a.yaml:5: duplicate question "is it SAFE" (first at a.yaml:1): this later entry is skipped`,
		`a.yaml:9: duplicate question "Is it safe" (first at a.yaml:1): alternate left out of "How long does it take?"`,
		`b.md:3: duplicate question "Can I do it safely" (first at a.yaml:1, an alternate of "Is it safe?"): this later entry is skipped`,
	}
	if !equalStrings(got, want) {
		t.Errorf("warnings:\n got  %q\n want %q", got, want)
	}
	if in[2].Alternates[0] != "Is it safe" {
		t.Error("Check changed its input")
	}
}

func TestCheckLongAnswer(t *testing.T) {
	p1 := "Rest is the first treatment. Most sprains heal in two weeks." // 60
	p2 := strings.Repeat("Ice it for twenty minutes. ", 5)               // 135
	p3 := "See a doctor if it does not improve."
	e := faq.Entry{ID: "q1", Type: faq.TypeFAQ, Title: "How is a sprain treated?", Alternates: []string{"sprain care"},
		Text: p1 + "\n\n" + strings.TrimSpace(p2) + "\n\n" + p3, Tags: []string{"injury"}, Source: "k.yaml", Line: 4}
	out, warns := faq.Check([]faq.Entry{e}, faq.Options{MaxAnswerChars: 100})
	if len(warns) != 1 || !strings.Contains(warns[0].Error(), `k.yaml:4: answer to "How is a sprain treated?" is 234 characters, over the 100 a reply can show: served as`) {
		t.Errorf("warnings: got %v, want one about the long answer", warns)
	}
	var texts []string
	for k, p := range out {
		texts = append(texts, p.Text)
		if n := len([]rune(p.Text)); n > 100 {
			t.Errorf("part %d: %d characters, want at most 100", k, n)
		}
		if !strings.HasSuffix(p.Text, ".") {
			t.Errorf("part %d %q does not end at a sentence end", k, p.Text)
		}
		if p.Type != faq.TypeFAQ || p.Title != e.Title || !equalStrings(p.Alternates, e.Alternates) || p.Source != e.Source || p.Line != e.Line || len(p.Tags) != 1 {
			t.Errorf("part %d: %+v, want the entry's type, question, alternates, tags and place", k, p)
		}
	}
	// Paragraphs and sentences are packed greedily, in order.
	want := []string{
		p1 + "\n\nIce it for twenty minutes.",
		"Ice it for twenty minutes. Ice it for twenty minutes. Ice it for twenty minutes.",
		"Ice it for twenty minutes.\n\n" + p3,
	}
	if !equalStrings(texts, want) {
		t.Errorf("parts:\n got  %q\n want %q", texts, want)
	}
	if out[0].ID != "q1" || out[1].ID != "q1-2" || out[2].ID != "q1-3" {
		t.Errorf("IDs %q %q %q, want q1 q1-2 q1-3", out[0].ID, out[1].ID, out[2].ID)
	}
	// Nothing is lost: the parts hold every word of the answer, in order.
	if strings.Join(strings.Fields(strings.Join(texts, " ")), " ") != strings.Join(strings.Fields(e.Text), " ") {
		t.Errorf("parts %q do not add up to the answer", texts)
	}
	// One unbroken sentence over the limit is cut at spaces.
	e.Text = strings.Repeat("word ", 50) + "end."
	out, _ = faq.Check([]faq.Entry{e}, faq.Options{MaxAnswerChars: 40})
	for k, p := range out {
		if n := len([]rune(p.Text)); n > 40 {
			t.Errorf("long sentence part %d: %d characters, want at most 40", k, n)
		}
	}
	if len(out) < 6 || !strings.HasSuffix(out[0].Text, "…") || !strings.HasSuffix(out[len(out)-1].Text, "end.") {
		t.Errorf("long sentence: got %d parts %q", len(out), out[0].Text)
	}
	// An answer that fits and passages of any length are left alone.
	short := faq.Entry{ID: "q2", Type: faq.TypeFAQ, Title: "Q?", Text: strings.Repeat("x", 40), Source: "k.yaml"}
	pass := faq.Entry{ID: "p1", Type: faq.TypePassage, Title: "H", Text: strings.Repeat("y. ", 100), Source: "k.md"}
	if out, warns := faq.Check([]faq.Entry{short, pass}, faq.Options{MaxAnswerChars: 40}); len(out) != 2 || len(warns) != 0 {
		t.Errorf("short answer and long passage: got %d entries, %v; want both unchanged", len(out), warns)
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
