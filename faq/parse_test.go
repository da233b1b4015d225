package faq_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"faqbot/faq"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// bundledArticle is the real article faqbot ships with.
const bundledArticle = "../content/massage-lower-back-pain.txt"

// goldenInputs are parsed and compared with testdata/golden/<base>.golden.
func goldenInputs(t *testing.T) []string {
	t.Helper()
	in, err := filepath.Glob("testdata/parse/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(in) < 4 {
		t.Fatalf("testdata/parse holds %d files, want at least 4", len(in))
	}
	return append(in, bundledArticle)
}

// parseFile parses path under its base name, so Source (and IDs) do not
// depend on where the test runs.
func parseFile(t *testing.T, path string) []faq.Entry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	es, err := faq.Parse(filepath.Base(path), data)
	if err != nil {
		t.Fatalf("Parse(%s): got error %v, want none", path, err)
	}
	return es
}

// TestParseGolden compares each parser's output with a golden file. Run
// `go test ./faq/ -run TestParseGolden -update` to rewrite the goldens after
// an intended change, and review the diff.
func TestParseGolden(t *testing.T) {
	for _, path := range goldenInputs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			es := parseFile(t, path)
			got, err := json.MarshalIndent(es, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", filepath.Base(path)+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Parse(%s) differs from %s (run with -update after checking the change):\n%s",
					path, golden, firstDiff(string(got), string(want)))
			}
		})
	}
}

// firstDiff shows the first differing line of got and want.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(i+1) + ":\n got  " + gl + "\n want " + wl
		}
	}
	return "(no line differs)"
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestParseInvariants checks properties every parsed entry must have,
// independent of the goldens (which -update could bless by mistake).
func TestParseInvariants(t *testing.T) {
	for _, path := range goldenInputs(t) {
		es := parseFile(t, path)
		lines := strings.Count(mustRead(t, path), "\n") + 1
		for _, e := range es {
			if e.Type != faq.TypeFAQ && e.Type != faq.TypePassage {
				t.Errorf("%s:%d: Type = %q, want faq or passage", path, e.Line, e.Type)
			}
			prefix := map[faq.Type]string{faq.TypeFAQ: "q", faq.TypePassage: "p"}[e.Type]
			if !strings.HasPrefix(e.ID, prefix) || len(e.ID) != 12 {
				t.Errorf("%s:%d: ID = %q, want %q followed by 11 hex digits", path, e.Line, e.ID, prefix)
			}
			if strings.TrimSpace(e.Title) == "" || strings.TrimSpace(e.Text) == "" {
				t.Errorf("%s:%d: Title %q, Text %q: want both non-empty", path, e.Line, e.Title, e.Text)
			}
			if e.Line < 1 || e.Line > lines {
				t.Errorf("%s: entry %q has Line %d, want 1..%d", path, e.Title, e.Line, lines)
			}
			if e.Source != filepath.Base(path) {
				t.Errorf("%s: Source = %q, want %q", path, e.Source, filepath.Base(path))
			}
			for _, s := range append([]string{e.Title, e.Text, e.Label, e.Context}, e.More...) {
				if !utf8.ValidString(s) {
					t.Errorf("%s:%d: invalid UTF-8 in %q", path, e.Line, s)
				}
			}
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// find returns the entries whose Title is title (and, if text is not "",
// whose Text starts with text).
func find(es []faq.Entry, title, text string) []faq.Entry {
	var out []faq.Entry
	for _, e := range es {
		if e.Title == title && strings.HasPrefix(e.Text, text) {
			out = append(out, e)
		}
	}
	return out
}

func findOne(t *testing.T, es []faq.Entry, title, text string) faq.Entry {
	t.Helper()
	got := find(es, title, text)
	if len(got) != 1 {
		var titles []string
		for _, e := range es {
			titles = append(titles, e.Title+" | "+clipStr(e.Text, 30))
		}
		t.Fatalf("entries titled %q with text %q...: got %d, want 1; entries:\n%s", title, text, len(got), strings.Join(titles, "\n"))
	}
	return got[0]
}

func clipStr(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func titles(es []faq.Entry, typ faq.Type) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range es {
		if e.Type == typ && !seen[e.Title] {
			seen[e.Title] = true
			out = append(out, e.Title)
		}
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseTextStructure(t *testing.T) {
	es := parseFile(t, "testdata/parse/sleep-basics.txt")

	wantHeadings := []string{
		"Sleep Better: A Plain Guide to Rest", // the title line heads the intro
		"Why Do We Need Sleep?",               // a Title Case question heading
		"Habits That Help You Sleep",
		"Conclusion: Rest Is Worth Protecting", // "Conclusion: ..." is a heading, not a label
	}
	if got := titles(es, faq.TypePassage); !equalStrings(got, wantHeadings) {
		t.Errorf("passage headings:\n got  %q\n want %q", got, wantHeadings)
	}

	// A wrapped paragraph is one passage, joined with spaces.
	intro := findOne(t, es, wantHeadings[0], "Most adults")
	if want := "Most adults need between seven and nine hours of sleep a night. Too little sleep affects mood, memory and how well the body heals."; intro.Text != want {
		t.Errorf("intro Text:\n got  %q\n want %q", intro.Text, want)
	}
	if intro.Line != 3 {
		t.Errorf("intro Line: got %d, want 3", intro.Line)
	}

	// A sentence-case line ending in "?" inside a paragraph stays in it.
	why := findOne(t, es, "Why Do We Need Sleep?", "")
	if !strings.Contains(why.Text, "memories. Is one bad night a problem? Usually not") {
		t.Errorf("question line inside a paragraph: got Text %q, want it to contain the question line", why.Text)
	}
	if len(find(es, "Is one bad night a problem?", "")) != 0 {
		t.Error(`"Is one bad night a problem?" became a heading, want it kept in the paragraph`)
	}

	// Bullets: "Title: text" gives a Label; the lead-in paragraph is Context.
	lead := "Small daily habits make the biggest difference. Try these:"
	for _, c := range []struct{ text, label string }{
		{"Regular Hours: Go to bed", "Regular Hours"},
		{"Dark and Cool: A dark room", "Dark and Cool"},
		{"Screens off an hour", ""}, // no "Title:" label
	} {
		b := findOne(t, es, "Habits That Help You Sleep", c.text)
		if b.Label != c.label {
			t.Errorf("bullet %q: Label = %q, want %q", c.text, b.Label, c.label)
		}
		if b.Context != lead {
			t.Errorf("bullet %q: Context = %q, want %q", c.text, b.Context, lead)
		}
		if strings.HasPrefix(b.Text, "•") {
			t.Errorf("bullet %q: Text keeps its marker: %q", c.text, b.Text)
		}
	}
	// More lists what follows a passage in its section, in order.
	l := findOne(t, es, "Habits That Help You Sleep", lead)
	if len(l.More) != 4 || !strings.HasPrefix(l.More[0], "Regular Hours:") || !strings.HasPrefix(l.More[3], "If nothing helps") {
		t.Errorf("lead-in More: got %q, want the 3 bullets then the closing paragraph", l.More)
	}
	if last := findOne(t, es, "Habits That Help You Sleep", "If nothing helps"); len(last.More) != 0 || last.Context != "" {
		t.Errorf("closing paragraph: More %q, Context %q; want none", last.More, last.Context)
	}

	// The Q:/A: block: a question on its own line, a question followed
	// directly by its answer, and a multi-paragraph answer.
	faqs := titles(es, faq.TypeFAQ)
	wantQ := []string{
		"How many hours of sleep does an adult need?",
		"Can a nap make up for a short night?",
		"Should I use a sleep tracker?",
	}
	if !equalStrings(faqs, wantQ) {
		t.Errorf("FAQ questions:\n got  %q\n want %q", faqs, wantQ)
	}
	nap := findOne(t, es, wantQ[1], "")
	wantNap := "A short nap of 20 minutes can help you feel alert.\n\nIt does not replace a full night, and a long nap late in the day can make the next night worse."
	if nap.Text != wantNap {
		t.Errorf("multi-paragraph answer:\n got  %q\n want %q", nap.Text, wantNap)
	}
	if nap.Line != 30 {
		t.Errorf("FAQ Line: got %d, want 30 (the Q: line)", nap.Line)
	}
	// FAQ entries follow the passages.
	if es[len(es)-1].Type != faq.TypeFAQ || es[0].Type != faq.TypePassage {
		t.Errorf("order: got first %s, last %s; want passages first, FAQ entries last", es[0].Type, es[len(es)-1].Type)
	}
}

// TestParseTextSectionAfterFAQ: a heading after the last answer starts a
// new section instead of being glued onto that answer.
func TestParseTextSectionAfterFAQ(t *testing.T) {
	src := "Guide\n\nIntro text.\n\nQ: Is it safe?\nA: Yes, mostly.\n\nSee also the leaflet.\n\nFurther Reading\n\nThe leaflet has more.\n"
	es, err := faq.ParseText("g.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	q := findOne(t, es, "Is it safe?", "")
	if want := "Yes, mostly.\n\nSee also the leaflet."; q.Text != want {
		t.Errorf("answer: got %q, want %q", q.Text, want)
	}
	p := findOne(t, es, "Further Reading", "")
	if p.Text != "The leaflet has more." || p.Line != 12 {
		t.Errorf("section after the FAQ: got %q at line %d, want %q at line 12", p.Text, p.Line, "The leaflet has more.")
	}
}

func TestParseBundledArticle(t *testing.T) {
	es := parseFile(t, bundledArticle)
	heads := titles(es, faq.TypePassage)
	for _, h := range []string{"What is Massage Therapy?", "How Can Massage Help with Back Pain?", "Conclusion: The Best Massage for Lower Back Pain", "Can Massage Help with Neck Pain Too?"} {
		found := false
		for _, x := range heads {
			found = found || x == h
		}
		if !found {
			t.Errorf("heading %q missing; got %q", h, heads)
		}
	}
	for _, h := range heads {
		// Sentence-case questions in paragraphs must not become headings.
		if strings.HasPrefix(h, "But how exactly") || strings.HasPrefix(h, "With so many options") || strings.HasPrefix(h, "Is your pain") {
			t.Errorf("paragraph sentence %q became a heading", h)
		}
	}
	if n := len(titles(es, faq.TypeFAQ)); n != 10 {
		t.Errorf("FAQ entries: got %d, want 10", n)
	}
	b := findOne(t, es, "How Can Massage Help with Back Pain?", "Improved Blood Circulation:")
	if b.Label != "Improved Blood Circulation" || !strings.HasSuffix(b.Context, "help alleviate lower back pain:") {
		t.Errorf("bullet: Label %q Context %q; want the label and the lead-in ending with a colon", b.Label, b.Context)
	}
}

func TestParseMarkdownStructure(t *testing.T) {
	es := parseFile(t, "testdata/parse/migraine.md")
	want := []string{"Migraine Basics", "Common Triggers", "When to See a Doctor", "Further Reading"}
	if got := titles(es, faq.TypePassage); !equalStrings(got, want) {
		t.Errorf("headings:\n got  %q\n want %q", got, want)
	}
	intro := findOne(t, es, "Migraine Basics", "")
	if wantText := "A migraine is a moderate to severe headache, often on one side of the head. Read more at the NHS site."; intro.Text != wantText {
		t.Errorf("inline Markdown: got %q, want %q", intro.Text, wantText)
	}
	for _, b := range []string{"Skipped meals or dehydration", "Too little sleep", "Strong smells or flickering light"} {
		e := findOne(t, es, "Common Triggers", b)
		if e.Text != b || e.Context != "Many people notice their attacks follow a pattern:" {
			t.Errorf("bullet: got Text %q Context %q, want %q with the lead-in", e.Text, e.Context, b)
		}
	}
	if e := findOne(t, es, "When to See a Doctor", ""); strings.HasPrefix(e.Text, ">") {
		t.Errorf("block quote keeps its marker: %q", e.Text)
	}
	qs := titles(es, faq.TypeFAQ)
	if wantQ := []string{"How long does a migraine last?", "Can children get migraines?"}; !equalStrings(qs, wantQ) {
		t.Errorf("FAQ questions:\n got  %q\n want %q", qs, wantQ)
	}
	a := findOne(t, es, "How long does a migraine last?", "")
	if wantA := "An attack usually lasts between 4 and 72 hours.\n\nRest in a dark, quiet room often helps."; a.Text != wantA {
		t.Errorf("answer:\n got  %q\n want %q", a.Text, wantA)
	}
	c := findOne(t, es, "Can children get migraines?", "")
	if wantA := "Yes. Children's attacks are often shorter and may come with tummy ache."; c.Text != wantA {
		t.Errorf("wrapped answer:\n got  %q\n want %q", c.Text, wantA)
	}
	if a.Line != 20 {
		t.Errorf("FAQ Line: got %d, want 20 (the ### line)", a.Line)
	}
}

func TestParseYAMLForms(t *testing.T) {
	list := parseFile(t, "testdata/parse/hydration-list.yaml")
	if len(list) != 2 {
		t.Fatalf("list form: got %d entries, want 2", len(list))
	}
	w := list[0]
	if w.Title != "How much water should I drink a day?" || w.Type != faq.TypeFAQ || w.Line != 2 {
		t.Errorf("first entry: got %q (%s) line %d, want the water question (faq) at line 2", w.Title, w.Type, w.Line)
	}
	if want := []string{"How many glasses of water a day?", "daily water intake"}; !equalStrings(w.Alternates, want) {
		t.Errorf("alternates: got %q, want %q", w.Alternates, want)
	}
	if want := []string{"hydration", "water"}; !equalStrings(w.Tags, want) {
		t.Errorf("tags: got %q, want %q", w.Tags, want)
	}
	if want := "Around 6 to 8 glasses of fluid a day suits most adults.\n\nYou need more in hot weather or when you exercise."; w.Text != want {
		t.Errorf("block answer: got %q, want %q", w.Text, want)
	}
	if want := []string{"Does coffee dehydrate you?"}; !equalStrings(list[1].Alternates, want) {
		t.Errorf("alternate_questions: got %q, want %q", list[1].Alternates, want)
	}

	m := parseFile(t, "testdata/parse/hydration-map.yaml")
	if len(m) != 2 || m[0].Title != "What are the signs of dehydration?" || m[0].Line != 3 {
		t.Fatalf("mapping form: got %d entries (first %+v), want 2, first the dehydration question at line 3", len(m), m[0])
	}
	if want := "Feeling thirsty, dark yellow urine and feeling dizzy or tired."; m[0].Text != want {
		t.Errorf("folded answer: got %q, want %q", m[0].Text, want)
	}
	if want := []string{"Is fizzy water bad for you?"}; !equalStrings(m[1].Alternates, want) {
		t.Errorf("flow alternates: got %q, want %q", m[1].Alternates, want)
	}

	// An explicit id is kept as is.
	es, err := faq.Parse("x.yml", []byte("- id: water-1\n  question: Why drink water?\n  answer: It keeps you going.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if es[0].ID != "water-1" {
		t.Errorf("explicit id: got %q, want water-1", es[0].ID)
	}
}

func TestIDStable(t *testing.T) {
	const base = "Guide\n\nFirst paragraph here.\n\nSecond Section\n\nSecond paragraph.\n\nQ: What is it?\nA: A thing.\n"
	ids := func(name, src string) map[string]string { // text -> ID
		t.Helper()
		es, err := faq.Parse(name, []byte(src))
		if err != nil {
			t.Fatalf("Parse(%s): %v", name, err)
		}
		m := map[string]string{}
		for _, e := range es {
			m[e.Title+"|"+strings.Join(strings.Fields(e.Text), " ")] = e.ID
		}
		return m
	}
	a := ids("guide.txt", base)
	if b := ids("guide.txt", base); !sameMap(a, b) {
		t.Errorf("same content twice: got %v then %v, want equal IDs", a, b)
	}
	// The same file in another folder keeps its IDs (only the base name counts).
	if b := ids("elsewhere/guide.txt", base); !sameMap(a, b) {
		t.Errorf("other folder: got %v, want %v", b, a)
	}
	// Moving lines (extra blank lines, a paragraph rewrapped, the answer on
	// its own paragraph) keeps every ID.
	moved := "Guide\n\n\n\nFirst   paragraph\nhere.\n\n\nSecond Section\n\nSecond paragraph.\n\n\nQ: What is it?\n\nA: A thing.\n"
	if b := ids("guide.txt", moved); !sameMap(a, b) {
		t.Errorf("after moving lines: got %v, want %v", b, a)
	}
	// Edits change the ID of the edited entry only.
	edited := strings.Replace(base, "Second paragraph.", "Second paragraph, edited.", 1)
	c := ids("guide.txt", edited)
	if c["Second Section|Second paragraph, edited."] == a["Second Section|Second paragraph."] {
		t.Error("edited passage kept its ID, want a new one")
	}
	if c["What is it?|A thing."] != a["What is it?|A thing."] {
		t.Error("FAQ ID changed when another entry was edited")
	}
	// A FAQ ID follows its question, not its answer.
	d := ids("guide.txt", strings.Replace(base, "A: A thing.", "A: A better answer.", 1))
	if d["What is it?|A better answer."] != a["What is it?|A thing."] {
		t.Error("FAQ ID changed when only the answer changed, want it stable")
	}
	// Another file name gives other IDs.
	if e := ids("other.txt", base); e["What is it?|A thing."] == a["What is it?|A thing."] {
		t.Error("same question in another file got the same ID, want different")
	}
}

func TestIDStableAcrossMoves(t *testing.T) {
	// Passage IDs depend on heading and text; moving a section within the
	// file keeps them, while Line follows the move.
	a := "Guide\n\nAlpha Part\n\nAlpha text.\n\nBeta Part\n\nBeta text.\n"
	b := "Guide\n\nBeta Part\n\nBeta text.\n\nAlpha Part\n\nAlpha text.\n"
	ea, err := faq.Parse("g.txt", []byte(a))
	if err != nil {
		t.Fatal(err)
	}
	eb, err := faq.Parse("g.txt", []byte(b))
	if err != nil {
		t.Fatal(err)
	}
	alphaA, alphaB := findOne(t, ea, "Alpha Part", ""), findOne(t, eb, "Alpha Part", "")
	if alphaA.ID != alphaB.ID {
		t.Errorf("moved section: got ID %q, want %q", alphaB.ID, alphaA.ID)
	}
	if alphaA.Line == alphaB.Line {
		t.Errorf("moved section: Line stayed %d, want it to follow the move", alphaA.Line)
	}
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// wantErr checks that err is a *faq.Error at file:line whose message
// contains msg, and that the text names the place.
func wantErr(t *testing.T, err error, file string, line int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s:%d: ...%s...", file, line, msg)
	}
	var fe *faq.Error
	if !errors.As(err, &fe) {
		t.Fatalf("got error %T %q, want a *faq.Error", err, err)
	}
	if fe.File != file || fe.Line != line {
		t.Errorf("error place: got %s:%d, want %s:%d (%v)", fe.File, fe.Line, file, line, err)
	}
	place := file + ": "
	if line > 0 {
		place = file + ":" + itoa(line) + ": "
	}
	if !strings.HasPrefix(err.Error(), place) {
		t.Errorf("error text: got %q, want it to start with %q", err, place)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("error text: got %q, want it to contain %q", err, msg)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name, file, src string
		line            int
		msg             string
	}{
		{"Q without A", "a.txt", "Title\n\nText.\n\nQ: Is it safe?\n\nQ: Is it quick?\nA: Yes.\n", 5, "has no answer"},
		{"Q at end of file", "a.txt", "Title\n\nText.\n\nQ: Is it safe?\n", 5, "has no answer"},
		{"Q followed by text", "a.txt", "Title\n\nQ: Is it safe?\n\nNot an answer.\n", 3, "has no answer"},
		{"A without Q", "a.txt", "Title\n\nText.\n\nA: Stray answer.\n", 5, "answer without a question"},
		{"second A", "a.txt", "Title\n\nQ: One?\nA: First.\nA: Second.\n", 5, "second answer"},
		{"empty Q", "a.txt", "Title\n\nQ:\nA: Yes.\n", 3, "empty question"},
		{"empty A", "a.txt", "Title\n\nText.\n\nQ: One?\nA:\n\n", 6, "empty answer"},
		{"empty text file", "a.txt", "", 0, "file is empty"},
		{"whitespace-only text", "a.txt", " \n\t\n\r\n", 0, "file is empty"},
		{"BOM only", "a.txt", "\xef\xbb\xbf\n", 0, "file is empty"},
		{"title only", "a.txt", "Just A Title\n", 0, "no entries"},
		{"non-UTF-8 text", "a.txt", "Title\n\nfine\ncaf\xe9 au lait\n", 4, "UTF-8"},
		{"NUL in text", "a.txt", "Title\n\nText\x00 here.\n", 3, "NUL"},
		{"empty markdown", "a.md", "\n\n", 0, "file is empty"},
		{"non-UTF-8 markdown", "a.md", "# T\n\n\xff\n", 3, "UTF-8"},
		{"NUL in markdown", "a.md", "# T\n\nok\n\x00\n", 4, "NUL"},
		{"markdown question without answer", "a.md", "# T\n\n## FAQ\n\n### One?\n\nYes.\n\n### Two?\n\n## Next\n\nx\n", 9, "has no answer"},
		{"markdown text before first question", "a.md", "# T\n\n## FAQ\n\nstray\n", 5, "before the first"},
		{"markdown empty question", "a.md", "# T\n\n## FAQ\n\n### **\n\nYes.\n", 5, "empty question"},
		{"markdown headings only", "a.md", "# T\n\n## U\n", 0, "no entries"},
		{"empty yaml", "a.yaml", "", 0, "file is empty"},
		{"whitespace-only yaml", "a.yml", "  \n\n", 0, "file is empty"},
		{"comment-only yaml", "a.yaml", "# nothing here\n", 0, "file is empty"},
		{"invalid yaml", "a.yaml", "- question: a\n  answer: x\n- question: b\n  answer: x: y\n", 4, "invalid YAML: mapping values"},
		// yaml.v3 numbers parser errors from 0; these name the real line.
		{"unclosed flow list (the old README example)", "a.yaml", "- question: How much sleep do adults need?\n  alternates: [How many hours should I sleep?]\n  answer: x\n", 2, "did not find expected ',' or ']'"},
		{"parser error on the first line", "a.yaml", "[a, b\n", 1, "did not find expected"},
		{"block mapping broken further down", "a.yaml", "- question: a\n  answer: x\n\n- question: b\n  answer: y\n bad: z\n", 6, "did not find expected '-' indicator"},
		{"duplicate key", "a.yaml", "- question: a\n  answer: x\n  question: b\n", 3, "\"question\" already defined at line 1"},
		{"two unknown keys", "a.yaml", "- question: a\n  answr: x\n  tagz: b\n", 2, "field answr not found in type faq.yamlEntry; line 3: field tagz"},
		{"unknown key in list", "a.yaml", "- question: a\n  answr: x\n", 2, "answr"},
		{"unknown key deep in faq list", "a.yaml", "title: T\nfaq:\n  - question: a\n    answer: x\n  - question: b\n    answer: y\n    bogus: 1\n", 7, "bogus"},
		{"unknown top-level key", "a.yaml", "title: T\nfaqs:\n  - question: a\n    answer: x\n", 2, "faqs"},
		{"scalar document", "a.yaml", "just text\n", 1, "expected a list"},
		{"mapping without faq", "a.yaml", "title: T\n", 1, "faq"},
		{"entry not a mapping", "a.yaml", "- question: a\n  answer: x\n- just a string\n", 3, "cannot unmarshal"},
		{"tags not a list", "a.yaml", "- question: a\n  answer: x\n  tags: single\n", 3, "cannot unmarshal !!str `single` into []string"},
		{"missing question", "a.yaml", "- question: a\n  answer: x\n- answer: y\n", 3, "no \"question\""},
		{"empty yaml answer", "a.yaml", "- question: a\n  answer: \"  \"\n", 1, "empty answer"},
		{"empty list", "a.yaml", "[]\n", 0, "no entries"},
		{"non-UTF-8 yaml", "a.yaml", "- question: a\n  answer: caf\xe9\n", 2, "UTF-8"},
		{"NUL in yaml", "a.yaml", "- question: a\x00\n  answer: x\n", 1, "NUL"},
		{"unknown extension", "notes.json", "{}", 0, "unknown content extension"},
		{"no extension", "README", "Title\n\nText.\n", 0, "unknown content extension"},
	} {
		t.Run(c.name, func(t *testing.T) {
			es, err := faq.Parse(c.file, []byte(c.src))
			if es != nil {
				t.Errorf("got %d entries with the error, want nil", len(es))
			}
			wantErr(t, err, c.file, c.line, c.msg)
		})
	}
}

func TestParseExtensionsCaseInsensitive(t *testing.T) {
	for _, name := range []string{"a.TXT", "a.text", "a.Markdown", "a.MD", "a.YML"} {
		src := "Title\n\nSome text.\n"
		if strings.HasSuffix(strings.ToLower(name), "yml") {
			src = "- question: Why?\n  answer: Because.\n"
		}
		if _, err := faq.Parse(name, []byte(src)); err != nil {
			t.Errorf("Parse(%s): got %v, want no error", name, err)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	inner := errors.New("permission denied")
	for _, c := range []struct {
		e    *faq.Error
		want string
	}{
		{&faq.Error{File: "a.txt", Line: 3, Msg: "bad"}, "a.txt:3: bad"},
		{&faq.Error{File: "a.txt", Msg: "bad"}, "a.txt: bad"},
		{&faq.Error{File: "a.txt", Msg: "read", Err: inner}, "a.txt: read: permission denied"},
		{&faq.Error{File: "a.txt", Line: 2, Err: inner}, "a.txt:2: permission denied"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error(): got %q, want %q", got, c.want)
		}
	}
	if !errors.Is(&faq.Error{File: "x", Err: inner}, inner) {
		t.Error("errors.Is through *faq.Error: got false, want true")
	}
}

// TestParseMarkdownCommonMark: what a line matcher got wrong, a CommonMark
// parser reads as a person does: setext headings, numbered lists, wrapped
// items, code and HTML left out, links by their text, tables as rows.
func TestParseMarkdownCommonMark(t *testing.T) {
	src := "Sleep Guide\n===========\n\nGood sleep starts with a routine. See [the NHS page](https://www.nhs.uk/sleep).\n\n" +
		"Why sleep matters\n-----------------\n\n1. Memory is consolidated\n   in deep sleep.\n2. The immune system needs rest.\n\n" +
		"```\nrm -rf / # not prose\n```\n\n<!-- editor's note -->\n\n| Age | Hours |\n|-----|-------|\n| Adult | 7-9 |\n\n" +
		"## Tips\n\n• Keep the room cool\n• Keep it dark\n"
	es, err := faq.ParseMarkdown("s.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, e := range es {
		got[e.Title] = append(got[e.Title], e.Text)
	}
	all := fmt.Sprint(es)
	for _, bad := range []string{"===", "---", "rm -rf", "editor's note", "https://", "|"} {
		if strings.Contains(all, bad) {
			t.Errorf("entries contain %q: %v", bad, got)
		}
	}
	want := map[string][]string{
		"Why sleep matters": {"Memory is consolidated in deep sleep.", "The immune system needs rest."},
		"Tips":              {"Keep the room cool", "Keep it dark"},
	}
	for title, texts := range want {
		for _, w := range texts {
			if !slices.ContainsFunc(got[title], func(s string) bool { return strings.Contains(s, w) }) {
				t.Errorf("section %q: %q, want a passage with %q", title, got[title], w)
			}
		}
	}
	if !strings.Contains(all, "See the NHS page.") || !strings.Contains(all, "Age: Adult, Hours: 7-9") {
		t.Errorf("link text or table row missing: %v", got)
	}
	for _, e := range es {
		if e.Title == "Why sleep matters" {
			if e.Line != 9 {
				t.Errorf("first item of the numbered list at line %d, want 9", e.Line)
			}
			break
		}
	}
}
