package search_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"faqbot/faq"
	"faqbot/search"
)

// The test knowledge bases: small, made up, and about several topics so
// nothing here is tuned to the bundled massage article.
const (
	sleepYAML = `
- question: How many hours of sleep does an adult need?
  answer: Most adults need seven to nine hours of sleep each night.
- question: Why do I wake up at night?
  answer: Stress, caffeine, alcohol and a warm bedroom often cause waking in the night.
- question: Can caffeine keep me awake?
  answer: Yes. Caffeine from coffee, tea and cola can keep you awake for up to eight hours.
- question: What is insomnia?
  answer: Insomnia is trouble falling asleep or staying asleep on most nights for weeks.
- question: Do naps help after a bad night?
  answer: A short nap of twenty minutes can restore alertness without spoiling the next night.
`
	migraineMD = `# Migraine Guide

A migraine is a throbbing headache, often with nausea and sensitivity to light.

## Common Triggers

Skipped meals, dehydration, too little sleep and bright flickering lights can trigger an attack.

## Treating an Attack

Painkillers taken early, rest in a dark room and drinking water help most attacks.

## FAQ

### How long does a migraine last?

An attack usually lasts between four and seventy-two hours.

### Can children get migraines?

Yes, children can get migraines, often shorter ones with stomach ache.
`
	backTXT = `Back Care

Lower Back Exercises

Gentle stretching and walking keep the lower back flexible and strong.

Q: Can massage help lower back pain?
A: Massage relaxes tight muscles in the lower back and can ease pain.

Q: Is a firm mattress better for a sore back?
A: A medium-firm mattress suits most people with back pain.
`
	gutYAML = `
- question: What causes abdominal cramps?
  answer: Abdominal cramps often come from trapped wind, constipation or a stomach bug.
`
)

// parse parses inline content under name, failing the test on error.
func parse(t testing.TB, name, src string) []faq.Entry {
	t.Helper()
	es, err := faq.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return es
}

// health is the made-up sleep, migraine, back and gut content.
func health(t testing.TB) []faq.Entry {
	t.Helper()
	var all []faq.Entry
	all = append(all, parse(t, "sleep.yaml", sleepYAML)...)
	all = append(all, parse(t, "migraine.md", migraineMD)...)
	all = append(all, parse(t, "back.txt", backTXT)...)
	all = append(all, parse(t, "gut.yaml", gutYAML)...)
	return all
}

func newIndex(t testing.TB, entries []faq.Entry, syn *search.Synonyms) *search.Index {
	t.Helper()
	x, err := search.New(entries, syn)
	if err != nil {
		t.Fatalf("search.New: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func find(t testing.TB, x *search.Index, q string, limit int) []faq.Match {
	t.Helper()
	ms, err := x.Search(context.Background(), q, limit)
	if err != nil {
		t.Fatalf("Search(%q): got error %v, want none", q, err)
	}
	return ms
}

// confident is the bot's default threshold for answering.
var confident = search.DefaultRanker().MinConfidence

func describe(ms []faq.Match) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "\n  %.3f %q missing %q", m.Confidence, m.Entry.Title, m.Missing)
	}
	if b.Len() == 0 {
		return " (no matches)"
	}
	return b.String()
}

// wantTop checks that the best match for q is titled title with at least
// minConf confidence.
func wantTop(t *testing.T, x *search.Index, q, title string, minConf float64) faq.Match {
	t.Helper()
	ms := find(t, x, q, 5)
	if len(ms) == 0 || ms[0].Entry.Title != title || ms[0].Confidence < minConf {
		t.Errorf("Search(%q): got%s\nwant first %q with confidence >= %.2f", q, describe(ms), title, minConf)
		return faq.Match{}
	}
	return ms[0]
}

// matchFor returns the match for the entry titled title, if any.
func matchFor(ms []faq.Match, title string) (faq.Match, bool) {
	for _, m := range ms {
		if m.Entry.Title == title {
			return m, true
		}
	}
	return faq.Match{}, false
}

func TestSearchExactQuestions(t *testing.T) {
	es := health(t)
	x := newIndex(t, es, search.DefaultSynonyms())
	n := 0
	for _, e := range es {
		if e.Type != faq.TypeFAQ {
			continue
		}
		n++
		m := wantTop(t, x, e.Title, e.Title, answerable)
		if m.Entry.ID != "" && (m.Entry.ID != e.ID || len(m.Missing) != 0) {
			t.Errorf("Search(%q): got ID %s missing %q, want ID %s, nothing missing", e.Title, m.Entry.ID, m.Missing, e.ID)
		}
	}
	if n < 9 {
		t.Fatalf("test content has %d FAQ entries, want at least 9", n)
	}
	// Section headings work as questions too.
	wantTop(t, x, "common triggers", "Common Triggers", answerable)
}

func TestSearchOrderAndScores(t *testing.T) {
	x := newIndex(t, health(t), search.DefaultSynonyms())
	ms := find(t, x, "how long does a migraine last", 0)
	if len(ms) < 2 {
		t.Fatalf("got%s\nwant several matches", describe(ms))
	}
	for i, m := range ms {
		if m.Confidence < 0 || m.Confidence > 1 {
			t.Errorf("match %d: confidence %v, want within [0,1]", i, m.Confidence)
		}
		if m.Score <= 0 {
			t.Errorf("match %d (%q): Score %v, want > 0", i, m.Entry.Title, m.Score)
		}
	}
	if ms[0].Confidence <= ms[1].Confidence && ms[0].Entry.Title == ms[1].Entry.Title {
		t.Errorf("got%s\nwant a clear best match", describe(ms))
	}
}

func TestSearchStemming(t *testing.T) {
	x := newIndex(t, health(t), nil) // no thesaurus: only the analyzer links the forms
	for _, c := range []struct{ q, title string }{
		{"how long do migraines last", "How long does a migraine last?"},                              // plural
		{"which things triggered an attack", "Common Triggers"},                                       // verb form
		{"napping after a bad night", "Do naps help after a bad night?"},                              // -ing
		{"does caffeine keeps you awake", "Can caffeine keep me awake?"},                              // -s
		{"how is a migraine treated", "Treating an Attack"},                                           // past vs -ing
		{"what keeps the lower back flexible", "Lower Back Exercises"},                                // body text
		{"HOW MANY HOURS OF SLEEP DOES AN ADULT NEED", "How many hours of sleep does an adult need?"}, // case
	} {
		wantTop(t, x, c.q, c.title, 0) // linking word forms ranks; confidence is the ranker's business
	}
}

func TestSearchStopWords(t *testing.T) {
	x := newIndex(t, health(t), search.DefaultSynonyms())
	plain := find(t, x, "insomnia", 3)
	padded := find(t, x, "what is the insomnia that they have been having?", 3)
	if len(plain) == 0 || len(padded) == 0 || plain[0].Entry.ID != padded[0].Entry.ID || padded[0].Confidence < answerable {
		t.Errorf("stop words changed the result:\n insomnia:%s\n padded:%s", describe(plain), describe(padded))
	}
	// Filler words ("please", "hi") are ignored too.
	filled := find(t, x, "hi please insomnia thanks", 3)
	if len(filled) == 0 || filled[0].Entry.ID != plain[0].Entry.ID || len(filled[0].Missing) != 0 {
		t.Errorf("filler words: got%s\nwant %q with nothing missing", describe(filled), plain[0].Entry.Title)
	}
	for _, q := range []string{"the", "what is the of and to", "is it?", "please, hi, thanks", "", "   ", "?!", "¿¡…"} {
		ms, err := x.Search(context.Background(), q, 5)
		if err != nil || len(ms) != 0 {
			t.Errorf("Search(%q): got %d matches, error %v; want none and no error", q, len(ms), err)
		}
	}
}

// The built-in chat spellings parse without a bad line, and a bad line is
// reported with its file and line.
func TestChatData(t *testing.T) {
	if err := search.CheckChatData(); err != nil {
		t.Fatal(err)
	}
	m, err := search.ParseChat("extra.txt", "# comment\nthx = thanks\nbad line\n = nothing\n")
	if len(m) != 1 || len(m["thx"]) != 1 || err == nil || !strings.Contains(err.Error(), "extra.txt:3") || !strings.Contains(err.Error(), "extra.txt:4") {
		t.Errorf("ParseChat = %v, %v; want thx only and errors at lines 3 and 4", m, err)
	}
}

// Chat spellings ("shud", "b4", "gonna") are read as the words they stand
// for: the same entries, scores and missing words as the question written
// out, and a chat spelling is never reported as a word the content lacks.
func TestSearchChatSpellings(t *testing.T) {
	x := newIndex(t, health(t), search.DefaultSynonyms())
	for _, c := range []struct{ chat, plain string }{
		{"how long shud a nap be", "how long should a nap be"},
		{"wat helps u sleep b4 an exam", "what helps you sleep before an exam"},
		{"is it bad 2 have coffee at nite", "is it bad 2 have coffee at night"},
		{"gonna try melatonin, how many hrs b4 bed", "going to try melatonin, how many hours before bed"},
	} {
		chat, plain := find(t, x, c.chat, 3), find(t, x, c.plain, 3)
		if len(plain) == 0 {
			t.Fatalf("%q: no match; the test needs one", c.plain)
		}
		if len(chat) != len(plain) {
			t.Errorf("%q: %d matches, %q: %d", c.chat, len(chat), c.plain, len(plain))
			continue
		}
		for i := range plain {
			if chat[i].Entry.ID != plain[i].Entry.ID || chat[i].Confidence != plain[i].Confidence || !slices.Equal(chat[i].Missing, plain[i].Missing) {
				t.Errorf("%q:%s\nwant as %q:%s", c.chat, describe(chat), c.plain, describe(plain))
				break
			}
		}
	}
}

func TestSearchSynonyms(t *testing.T) {
	x := newIndex(t, health(t), search.DefaultSynonyms())
	for _, c := range []struct{ q, title string }{
		{"what causes tummy cramps", "What causes abdominal cramps?"},                            // lay -> clinical
		{"can kids get migraines", "Can children get migraines?"},                                // lay -> plain
		{"does lumbar massage ease pain", "Can massage help lower back pain?"},                   // clinical -> lay
		{"is a firm mattress better for backache", "Is a firm mattress better for a sore back?"}, // one-way rule
	} {
		m := wantTop(t, x, c.q, c.title, 0.5)
		if len(m.Missing) != 0 {
			t.Errorf("Search(%q): Missing %q, want the synonym to cover the word", c.q, m.Missing)
		}
	}
	// Without the thesaurus the lay word finds nothing.
	bare := newIndex(t, health(t), nil)
	if ms := find(t, bare, "tummy", 3); len(ms) != 0 {
		t.Errorf("Search(tummy) without synonyms: got%s\nwant no matches", describe(ms))
	}
}

func TestSearchOneWaySynonyms(t *testing.T) {
	syn, err := search.ParseSynonyms("test.txt", "headache => head pain\n")
	if err != nil {
		t.Fatal(err)
	}
	es := parse(t, "heads.yaml", `
- question: What is a tension headache?
  answer: A tension headache feels like a tight band around the forehead.
- question: Why does sinus pressure cause head pain?
  answer: Blocked sinuses press on nearby nerves and cause head pain around the eyes.
`)
	x := newIndex(t, es, syn)
	// "headache" expands to "head pain": both entries are found.
	ms := find(t, x, "headache", 5)
	if _, ok := matchFor(ms, "Why does sinus pressure cause head pain?"); !ok {
		t.Errorf("Search(headache): got%s\nwant the head pain entry through the rule", describe(ms))
	}
	// "head pain" does not expand back to "headache".
	ms = find(t, x, "head pain", 5)
	if m, ok := matchFor(ms, "What is a tension headache?"); ok && m.Confidence > 0 {
		t.Errorf("Search(head pain): got%s\nwant no credit for the headache entry (one-way rule)", describe(ms))
	}
	if len(ms) == 0 || ms[0].Entry.Title != "Why does sinus pressure cause head pain?" {
		t.Errorf("Search(head pain): got%s\nwant the head pain entry first", describe(ms))
	}
}

func TestLoadSynonymsExtends(t *testing.T) {
	es := parse(t, "naps.yaml", `
- question: Are naps good for you?
  answer: A short nap in the early afternoon refreshes most people.
`)
	def := newIndex(t, es, search.DefaultSynonyms())
	if ms := find(t, def, "snooze", 3); len(ms) != 0 {
		t.Fatalf("Search(snooze) with the built-in synonyms: got%s\nwant none (the test needs a word they lack)", describe(ms))
	}
	file := writeFile(t, "extra.txt", "# operator additions\nsnooze, forty winks => nap\n\n")
	syn, err := search.LoadSynonyms([]string{file})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := syn.Len(), search.DefaultSynonyms().Len()+1; got != want {
		t.Errorf("Len after one extra line: got %d, want %d", got, want)
	}
	ext := newIndex(t, es, syn)
	wantTop(t, ext, "snooze", "Are naps good for you?", answerAt(t))
	wantTop(t, ext, "are forty winks good for me", "Are naps good for you?", answerAt(t))
	// The built-ins still apply.
	gut := newIndex(t, parse(t, "gut.yaml", gutYAML), syn)
	wantTop(t, gut, "tummy cramps", "What causes abdominal cramps?", 0.5)
}

func TestSynonymErrors(t *testing.T) {
	for _, c := range []struct {
		name, src string
		line      int
		msg       string
	}{
		{"empty phrase", "sore, aching\nlumbar,, lower back\n", 2, "empty phrase"},
		{"trailing comma", "sore, aching\n\n# c\nknee,\n", 4, "empty phrase"},
		{"single phrase", "knee\n", 1, "at least two phrases"},
		{"two arrows", "ache => pain => hurt\n", 1, "more than one"},
		{"empty right side", "backache =>\n", 1, "empty phrase"},
		{"stop words only", "ok, the\n", 1, "only stop words"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := search.ParseSynonyms("ops.txt", c.src)
			var se *search.SynonymError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *search.SynonymError", err)
			}
			if se.File != "ops.txt" || se.Line != c.line || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("got %s:%d %q, want ops.txt:%d ...%s...", se.File, se.Line, se.Msg, c.line, c.msg)
			}
			if want := fmt.Sprintf("ops.txt:%d: ", c.line); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error text: got %q, want prefix %q", err, want)
			}
		})
	}
	// Through LoadSynonyms the file name is the path.
	bad := writeFile(t, "bad.txt", "sore, aching\nknee\n")
	_, err := search.LoadSynonyms([]string{bad})
	var se *search.SynonymError
	if !errors.As(err, &se) || se.File != bad || se.Line != 2 {
		t.Errorf("LoadSynonyms: got %v, want a *search.SynonymError at %s:2", err, bad)
	}
	if _, err := search.LoadSynonyms([]string{bad + ".missing"}); err == nil {
		t.Error("LoadSynonyms(missing file): got no error")
	}
	if search.DefaultSynonyms().Len() < 20 {
		t.Errorf("built-in synonyms: got %d groups, want a real thesaurus", search.DefaultSynonyms().Len())
	}
}

func TestSearchTypos(t *testing.T) {
	x := newIndex(t, health(t), search.DefaultSynonyms())
	for _, c := range []struct{ q, title string }{
		{"what is insommnia", "What is insomnia?"},                   // doubled letter
		{"can cafeine keep me awake", "Can caffeine keep me awake?"}, // dropped letter
		{"how long does a migrane last", "How long does a migraine last?"},
		{"mattres for a sore back", "Is a firm mattress better for a sore back?"},
	} {
		m := wantTop(t, x, c.q, c.title, 0.9)
		if len(m.Missing) != 0 {
			t.Errorf("Search(%q): Missing %q, want the typo corrected", c.q, m.Missing)
		}
	}
	// A mistyped function word is dropped, not counted as missing.
	m := wantTop(t, x, "wat is insomnia", "What is insomnia?", answerable)
	for _, w := range m.Missing {
		if w == "wat" {
			t.Errorf("Search(wat is insomnia): Missing %q, want \"wat\" dropped", m.Missing)
		}
	}
	// A real English word the content lacks is not "corrected" into a
	// content word one letter away ("lover" is not "lower", "aware" is not
	// "awake").
	for _, c := range []struct{ q, word, near string }{
		{"lover", "lover", "Lower Back Exercises"},
		{"am i aware", "aware", "Can caffeine keep me awake?"},
	} {
		ms := find(t, x, c.q, 5)
		if m, ok := matchFor(ms, c.near); ok && m.Confidence > 0 {
			t.Errorf("Search(%q): got%s\nwant no credit for %q (%q is a real word)", c.q, describe(ms), c.near, c.word)
		}
	}
}

// TestSearchClippedForms: a clipped word ("fibro", "physio") that is
// neither a content word nor an English word nor a typo of one finds the
// content word it is the front of; an English word that is the front of a
// content word ("stand", "standard") does not.
func TestSearchClippedForms(t *testing.T) {
	entries := parse(t, "clip.yaml", `faq:
  - question: Can massage help fibromyalgia?
    answer: Gentle massage eases the widespread pain of fibromyalgia for some people.
  - question: Should I see a physiotherapist for back pain?
    answer: A physiotherapist can give you exercises that strengthen your back.
  - question: What is the standard treatment for a sprain?
    answer: Rest, ice, compression and elevation are the usual first steps.
`)
	x := newIndex(t, entries, search.DefaultSynonyms())
	for _, c := range []struct{ q, title string }{
		{"can massage help fibro", "Can massage help fibromyalgia?"},
		{"should i see a physio", "Should I see a physiotherapist for back pain?"},
	} {
		m := wantTop(t, x, c.q, c.title, answerable)
		if len(m.Missing) != 0 {
			t.Errorf("Search(%q): Missing %q, want the clipped word found", c.q, m.Missing)
		}
	}
	// Without the mechanism the clipped word is a topic the content lacks.
	ms := find(t, x, "can massage help fibrx", 3)
	if m, ok := matchFor(ms, "Can massage help fibromyalgia?"); ok && len(m.Missing) == 0 {
		t.Errorf("Search(fibrx): got%s\nwant fibrx missing (not a front of a content word)", describe(ms))
	}
	ms = find(t, x, "how long should i stand", 3)
	if m, ok := matchFor(ms, "What is the standard treatment for a sprain?"); ok && m.Confidence > 0.1 {
		t.Errorf("Search(stand): got%s\nwant no credit for the standard entry (stand is a real word)", describe(ms))
	}
}

func TestSearchConfidenceMissing(t *testing.T) {
	x := newIndex(t, health(t), search.DefaultSynonyms())
	full := wantTop(t, x, "can massage help lower back pain", "Can massage help lower back pain?", answerable)
	ms := find(t, x, "can massage help knee pain", 5)
	if len(ms) == 0 {
		t.Fatal("Search(knee): no matches, want the back entry with knee missing")
	}
	if ms[0].Confidence >= full.Confidence {
		t.Errorf("knee question: confidence %.3f, want below the fully covered question's %.3f", ms[0].Confidence, full.Confidence)
	}
	for _, m := range ms {
		if !contains(m.Missing, "knee") {
			t.Errorf("knee question: %q has Missing %q, want it to list \"knee\"", m.Entry.Title, m.Missing)
		}
	}
	// On the bundled article (which never mentions knees) the knee
	// question is not confident at all.
	bx := newIndex(t, bundled(t), search.DefaultSynonyms())
	kms := find(t, bx, "Can massage help my knee pain?", 3)
	if len(kms) > 0 && kms[0].Confidence >= confident {
		t.Errorf("bundled, knee: got%s\nwant confidence below %.2f", describe(kms), confident)
	}
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

func TestSearchOutOfDomain(t *testing.T) {
	for name, es := range map[string][]faq.Entry{"health": health(t), "bundled": bundled(t)} {
		x := newIndex(t, es, search.DefaultSynonyms())
		missed := 0
		for _, q := range []string{
			"tell me a joke",
			"how do I cook pasta",
			"best recipe for lasagna",
			"how do i write a python function",
			"who won the football world cup",
			"what is the capital of france",
			"recommend a good movie",
		} {
			ms := find(t, x, q, 3)
			if len(ms) > 0 && ms[0].Confidence >= confident {
				missed++
				t.Logf("%s: Search(%q): got%s\nwanted no match at confidence >= %.2f", name, q, describe(ms), confident)
			}
		}
		// The learned ranker declines about 96% of off-topic questions on
		// held-out folds (docs/ranking.md); one miss in seven is allowed,
		// and logged, so that two are a failure.
		if missed > 1 {
			t.Errorf("%s: %d of 7 off-topic questions answered, want at most 1", name, missed)
		}
	}
}

func TestSearchLimit(t *testing.T) {
	x := newIndex(t, health(t), search.DefaultSynonyms())
	all := find(t, x, "pain sleep migraine night", 0)
	if len(all) < 4 {
		t.Fatalf("limit 0: got %d matches, want at least 4", len(all))
	}
	for _, limit := range []int{1, 2, 3} {
		ms := find(t, x, "pain sleep migraine night", limit)
		if len(ms) != limit {
			t.Errorf("limit %d: got %d matches", limit, len(ms))
		}
		for i := range ms {
			if ms[i].Entry.ID != all[i].Entry.ID {
				t.Errorf("limit %d, match %d: got %q, want %q (a prefix of the full list)", limit, i, ms[i].Entry.Title, all[i].Entry.Title)
			}
		}
	}
	if ms := find(t, x, "pain sleep migraine night", 1000); len(ms) != len(all) {
		t.Errorf("limit 1000: got %d, want %d", len(ms), len(all))
	}
	if ms := find(t, x, "pain sleep migraine night", -1); len(ms) != len(all) {
		t.Errorf("limit -1: got %d, want %d (all)", len(ms), len(all))
	}
}

func TestSearchHostileInput(t *testing.T) {
	x := newIndex(t, health(t), search.DefaultSynonyms())
	long := strings.Repeat("migraine sleep caffeine back pain ", 20000) // ~700 KB
	for _, q := range []string{
		long,
		strings.Repeat("a", 1<<20),
		`"sleep" +caffeine -tea * ~ : ? title:migraine body:"x" AND OR NOT (a) [b TO c] {d} ^2 \ / !`,
		`migraine~2 sleep^10 +"how long" -night*`,
		"\x00\x01\x02\xff\xfe\xfd binary \xc3\x28 migraine",
		"\u202e\u200b\ufeff migraine \U0001F600\U0001F4A9",
		"ﬁle ǅ İstanbul ß Σ",
		strings.Repeat("é", 5000),
		strings.Repeat("insommnia ", 200),
	} {
		ms, err := x.Search(context.Background(), q, 3)
		if err != nil {
			t.Errorf("Search(%.40q...): got error %v, want none", q, err)
		}
		if len(ms) > 3 {
			t.Errorf("Search(%.40q...): got %d matches, want at most 3", q, len(ms))
		}
	}
}

func TestSearchContext(t *testing.T) {
	x := newIndex(t, health(t), search.DefaultSynonyms())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := x.Search(ctx, "migraine", 3); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with a cancelled context: got %v, want context.Canceled", err)
	}
}

func TestIndexEntries(t *testing.T) {
	es := health(t)
	x := newIndex(t, es, search.DefaultSynonyms())
	if x.Len() != len(es) {
		t.Errorf("Len: got %d, want %d", x.Len(), len(es))
	}
	got := x.Entries()
	if len(got) != len(es) {
		t.Fatalf("Entries: got %d, want %d", len(got), len(es))
	}
	for i := range es {
		if got[i].ID != es[i].ID {
			t.Errorf("Entries[%d]: got %s, want %s (content order)", i, got[i].ID, es[i].ID)
		}
		e, ok := x.Entry(es[i].ID)
		if !ok || e.ID != es[i].ID || e.Title != es[i].Title || e.Text != es[i].Text {
			t.Errorf("Entry(%s): got %+v, %v; want the entry", es[i].ID, e, ok)
		}
	}
	if e, ok := x.Entry("nope"); ok {
		t.Errorf("Entry(nope): got %+v, true; want false", e)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := search.New(nil, nil); err == nil {
		t.Error("New(no entries): got no error")
	}
	es := health(t)
	dup := append(append([]faq.Entry{}, es...), es[0])
	if _, err := search.New(dup, nil); err == nil || !strings.Contains(err.Error(), es[0].ID) {
		t.Errorf("New(duplicate ID): got %v, want an error naming %s", err, es[0].ID)
	}
}

func TestReplace(t *testing.T) {
	sleep := parse(t, "sleep.yaml", sleepYAML)
	mig := parse(t, "migraine.md", migraineMD)
	x := newIndex(t, sleep, search.DefaultSynonyms())
	if err := x.Replace(mig, search.DefaultSynonyms()); err != nil {
		t.Fatal(err)
	}
	if x.Len() != len(mig) {
		t.Errorf("Len after Replace: got %d, want %d", x.Len(), len(mig))
	}
	if _, ok := x.Entry(sleep[0].ID); ok {
		t.Error("old entry still found after Replace")
	}
	wantTop(t, x, "how long does a migraine last", "How long does a migraine last?", answerable)
	if ms := find(t, x, "can caffeine keep me awake", 3); len(ms) > 0 && ms[0].Confidence >= confident {
		t.Errorf("old content after Replace: got%s", describe(ms))
	}
	// A failed Replace keeps the current content.
	if err := x.Replace(nil, nil); err == nil {
		t.Error("Replace(no entries): got no error")
	}
	if x.Len() != len(mig) {
		t.Errorf("Len after a failed Replace: got %d, want %d", x.Len(), len(mig))
	}
	wantTop(t, x, "how long does a migraine last", "How long does a migraine last?", answerable)
}

// TestReplaceAtomic searches from several goroutines while the content is
// swapped back and forth: every search succeeds and sees exactly one of
// the two contents. Run with -race.
func TestReplaceAtomic(t *testing.T) {
	a := append(parse(t, "sleep.yaml", sleepYAML), parse(t, "back.txt", backTXT)...)
	b := append(parse(t, "migraine.md", migraineMD), parse(t, "gut.yaml", gutYAML)...)
	inA, inB := ids(a), ids(b)
	x := newIndex(t, a, search.DefaultSynonyms())
	queries := []string{"sleep at night", "migraine attack", "back pain massage", "abdominal cramps", "how long", "caffeine headache"}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	var searches sync.Map
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			n := 0
			for i := 0; ; i++ {
				select {
				case <-stop:
					searches.Store(g, n)
					return
				default:
				}
				ms, err := x.Search(context.Background(), queries[i%len(queries)], 5)
				n++
				if err != nil {
					errs <- fmt.Errorf("search during Replace: %w", err)
					return
				}
				var fromA, fromB int
				for _, m := range ms {
					if inA[m.Entry.ID] {
						fromA++
					}
					if inB[m.Entry.ID] {
						fromB++
					}
				}
				if fromA+fromB != len(ms) || (fromA > 0 && fromB > 0) {
					errs <- fmt.Errorf("search saw %d entries of A and %d of B in %d matches, want one content only", fromA, fromB, len(ms))
					return
				}
			}
		}(g)
	}
	for i := 0; i < 30; i++ {
		next := b
		if i%2 == 1 {
			next = a
		}
		if err := x.Replace(next, search.DefaultSynonyms()); err != nil {
			t.Fatalf("Replace %d: %v", i, err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	total := 0
	searches.Range(func(_, v any) bool { total += v.(int); return true })
	if total == 0 {
		t.Error("no search ran during the replacements")
	}
	// 30 replacements end on content a.
	if x.Len() != len(a) {
		t.Errorf("Len: got %d, want %d", x.Len(), len(a))
	}
}

func ids(es []faq.Entry) map[string]bool {
	m := map[string]bool{}
	for _, e := range es {
		m[e.ID] = true
	}
	return m
}

func TestClose(t *testing.T) {
	x, err := search.New(health(t), search.DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := x.Search(context.Background(), "migraine", 3); !errors.Is(err, search.ErrClosed) {
		t.Errorf("Search after Close: got %v, want ErrClosed", err)
	}
	if x.Len() != 0 || x.Entries() != nil {
		t.Errorf("after Close: Len %d, Entries %d; want 0 and nil", x.Len(), len(x.Entries()))
	}
	if _, ok := x.Entry("anything"); ok {
		t.Error("Entry after Close: got true")
	}
	if err := x.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
}

// answerable is the confidence at which the bot answers by default: the
// bundled ranker's recommendation. An exact question must reach it.
var answerable = search.DefaultRanker().MinConfidence

// TestBundledRanker: the shipped weights match this build's features.
func TestBundledRanker(t *testing.T) {
	if err := search.BundledRankerError(); err != nil {
		t.Fatalf("%v (run: go run ./cmd/faqbot train)", err)
	}
}

// The standalone analyzer (content statistics, question words) gives the
// same terms as the index's, on real content and on awkward text.
func TestAnalyzerMatchesIndex(t *testing.T) {
	text, err := os.ReadFile("../content/massage-lower-back-pain.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{string(text), sleepYAML, migraineMD,
		"Don't can't won't it's the patient's O'Brien's back-pain e-mail  ÉLAN naïve 3x 10mg 9pm ¿qué? pls thx hi u ur",
	} {
		a, b, err := search.AnalyzerTerms(s)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("standalone analyzer: %d terms, index analyzer: %d; first difference at %d", len(a), len(b), firstDiff(a, b))
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// The bundled thesaurus parses (DefaultSynonyms would be empty otherwise,
// and LoadSynonyms would fail with the reason), and an empty thesaurus
// parses to no groups.
func TestDefaultSynonyms(t *testing.T) {
	if _, err := search.LoadSynonyms(nil); err != nil {
		t.Fatal(err)
	}
	if n := search.DefaultSynonyms().Len(); n < 100 {
		t.Errorf("built-in thesaurus has %d groups, want over 100", n)
	}
	if s, err := search.ParseSynonyms("empty.txt", ""); err != nil || s.Len() != 0 {
		t.Errorf("ParseSynonyms(empty) = %v groups, %v", s.Len(), err)
	}
}

// An operator's lexicons apply to questions: an added filler word is
// dropped (the question answers as without it, missing nothing more), an added
// chat spelling is written out, and bad lines are reported with file:line.
func TestLexicons(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lex, err := search.LoadLexicons(search.LexiconFiles{
		Filler:  []string{write("filler.txt", "# ours\nbruv innit\n")},
		Generic: []string{write("generic.txt", "whatnot\n")},
		Chat:    []string{write("chat.txt", "npa = nap\n")},
	})
	if err != nil || lex.Len() != 4 {
		t.Fatalf("LoadLexicons = %d words, %v", lex.Len(), err)
	}
	plain := newIndex(t, health(t), search.DefaultSynonyms())
	x := newIndex(t, health(t), search.DefaultSynonyms().WithLexicons(lex))
	want := find(t, x, "how long should a nap be", 3)
	for _, q := range []string{"how long should a nap be bruv innit", "how long should a npa be"} {
		got := find(t, x, q, 3)
		if len(got) == 0 || got[0].Entry.ID != want[0].Entry.ID || got[0].Confidence != want[0].Confidence || !slices.Equal(got[0].Missing, want[0].Missing) {
			t.Errorf("%q with the lexicons:%s\nwant as %q:%s", q, describe(got), "how long should a nap be", describe(want))
		}
		if before := find(t, plain, q, 3); len(before) > 0 && before[0].Confidence == want[0].Confidence && slices.Equal(before[0].Missing, want[0].Missing) {
			t.Errorf("%q answers the same without the lexicons: the test shows nothing", q)
		}
	}
	_, err = search.LoadLexicons(search.LexiconFiles{
		Filler: []string{write("bad-filler.txt", "ok fine\nlower-back\n")},
		Chat:   []string{write("bad-chat.txt", "npa nap\n")},
	})
	for _, w := range []string{"bad-filler.txt:2", "lower-back", "bad-chat.txt:1"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("bad lexicons: got %v, want it to name %s", err, w)
		}
	}
	if _, err := search.LoadLexicons(search.LexiconFiles{Generic: []string{filepath.Join(dir, "missing.txt")}}); err == nil {
		t.Error("a missing lexicon file loaded")
	}
}

// answerAt is the confidence at which the bot answers by default: the
// bundled ranker's recommended threshold, so that "answered" in a test
// means what it means to a user.
func answerAt(t *testing.T) float64 {
	t.Helper()
	rk := search.DefaultRanker()
	if err := search.BundledRankerError(); err != nil {
		t.Fatal(err)
	}
	return rk.MinConfidence
}
