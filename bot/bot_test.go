package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"faqbot/faq"
)

const testDisclaimer = "Test disclaimer: not medical advice."

func testConfig() Config {
	return Config{Disclaimer: testDisclaimer, MinConfidence: 0.5, TieMargin: 0.03, MaxQuestionChars: 200}
}

// newTestBot returns a bot over a fake searcher holding the test entries
// and results, recording into a fake recorder.
func newTestBot(t *testing.T, results map[string][]faq.Match) (*Bot, *fakeSearcher, *fakeRecorder) {
	t.Helper()
	s := &fakeSearcher{entries: testEntries(), results: results}
	rec := &fakeRecorder{}
	b, err := New(s, nil, testConfig(), WithRecorder(rec), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	return b, s, rec
}

func answer(t *testing.T, b *Bot, text string) Reply {
	t.Helper()
	r, err := b.Answer(context.Background(), Question{Text: text, Platform: "test", UserID: "u-42"})
	if err != nil {
		t.Fatalf("Answer(%q): got error %v, want none", text, err)
	}
	return r
}

// checkCommon checks what every reply of every kind must have.
func checkCommon(t *testing.T, r Reply, disclaimer string) {
	t.Helper()
	if r.Disclaimer != disclaimer {
		t.Errorf("%s reply: Disclaimer = %q, want %q", r.Kind, r.Disclaimer, disclaimer)
	}
	if r.Related == nil {
		t.Errorf("%s reply: Related is nil, want an empty or filled list", r.Kind)
	}
	if len(r.Related) > 3 {
		t.Errorf("%s reply: %d related, want at most 3", r.Kind, len(r.Related))
	}
	if strings.TrimSpace(r.Text) == "" {
		t.Errorf("%s reply: empty Text", r.Kind)
	}
	if !utf8.ValidString(r.Text) || !utf8.ValidString(r.Question) {
		t.Errorf("%s reply: invalid UTF-8 in %q / %q", r.Kind, r.Text, r.Question)
	}
	if n := utf8.RuneCountInString(r.Text); n > 1200 {
		t.Errorf("%s reply: %d characters, want at most 1200", r.Kind, n)
	}
}

// TestClarify: a best match below MinConfidence but within the clarify band
// offers the best matches, with distinct titles, as "did you mean"; below
// the band the bot falls back; ClarifyConfidence ≥ MinConfidence turns the
// band off.
func TestClarify(t *testing.T) {
	results := map[string][]faq.Match{
		"migraine food": {match(eTriggers2, 0.4), match(eTriggers2, 0.39), match(eMigraineLast, 0.2), match(eNaps, 0.19), match(eInsomnia, 0.05)},
		"vague":         {match(eNaps, 0.2)},
	}
	b, _, _ := newTestBot(t, results)
	r := answer(t, b, "migraine food")
	checkCommon(t, r, testDisclaimer)
	if r.Kind != KindClarify || r.Source.ID != "" {
		t.Fatalf("got kind %s source %q, want clarify without a source", r.Kind, r.Source.ID)
	}
	var ids []string
	for _, d := range r.DidYouMean {
		ids = append(ids, d.ID)
	}
	if want := []string{eTriggers2.ID, eMigraineLast.ID, eNaps.ID}; !slices.Equal(ids, want) {
		t.Errorf("DidYouMean: got %v, want %v (distinct titles, at most 3, above half the band floor)", ids, want)
	}
	if r := answer(t, b, "vague"); r.Kind != KindFallback {
		t.Errorf("below the band: got %s, want fallback", r.Kind)
	}
	cfg := testConfig()
	cfg.ClarifyConfidence = cfg.MinConfidence
	off, err := New(&fakeSearcher{entries: testEntries(), results: results}, nil, cfg, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	if r := answer(t, off, "migraine food"); r.Kind != KindFallback {
		t.Errorf("band off: got %s, want fallback", r.Kind)
	}
	zero := testConfig()
	zero.MinConfidence = 0
	all, err := New(&fakeSearcher{entries: testEntries(), results: results}, nil, zero, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	if r := answer(t, all, "vague"); r.Kind != KindAnswer {
		t.Errorf("MinConfidence 0: got %s, want an answer (0 means 0)", r.Kind)
	}
}

func TestReplyKinds(t *testing.T) {
	results := map[string][]faq.Match{
		"how long does a migraine last":      {match(eMigraineLast, 0.95), match(eMigraineKids, 0.4)},
		"what is the capital of france":      {match(eInsomnia, 0.1)},
		"can massage help my knee":           {{Entry: eTreat, Confidence: 0.2, Missing: []string{"massage", "knee"}, Unknown: []string{"knee"}}},
		"tell me a joke":                     nil,
		"what should i eat for migraine":     {match(eTriggers2, 0.49)},
		"do naps help after a bad night":     {match(eNaps, 0.5)},
		"how long does a migraine last ?!?!": {match(eMigraineLast, 0.9)},
	}
	for _, c := range []struct {
		q          string
		kind       Kind
		source     string // Source.ID ("" for none)
		searched   bool
		textHas    string
		withTopics bool
	}{
		{"how long does a migraine last", KindAnswer, "q-last", true, "four and seventy-two hours", false},
		{"do naps help after a bad night", KindAnswer, "q-naps", true, "twenty minutes", false},   // exactly MinConfidence
		{"what should i eat for migraine", KindClarify, "", true, "not sure I understood", false}, // between MinConfidence/2 and MinConfidence
		{"what is the capital of france", KindFallback, "", true, "don't have a reliable answer", true},
		{"can massage help my knee", KindFallback, "", true, `"knee"`, true},
		{"tell me a joke", KindFallback, "", true, "don't have a reliable answer", true},
		{"I have lost control of my bladder and my back hurts", KindUrgent, "bladder-bowel-control", false, "emergency", false},
		{"I want to kill myself", KindUrgent, "suicidal-thoughts", false, "988", false},
		{"hello", KindGreeting, "", false, "Hello", true},
		{"Hi there!", KindGreeting, "", false, "Hello", true},
		{"thanks!", KindGreeting, "", false, "welcome", false},
		{"/help", KindHelp, "", false, "not a doctor", true},
		{"what can you do?", KindHelp, "", false, "not a doctor", true},
		{"", KindInvalid, "", false, "Please type a question", false},
		{" \t\n ", KindInvalid, "", false, "Please type a question", false},
		{"\x00\x07\x1b", KindInvalid, "", false, "Please type a question", false},
		{strings.Repeat("migraine ", 30), KindInvalid, "", false, "too long", false},
		{"bad \xff\xfe bytes", KindInvalid, "", false, "plain text", false},
		{"?!?! ... ---", KindInvalid, "", false, "plain text", false},
		{"😀🤕💊", KindInvalid, "", false, "plain text", false},
		{"12345 678", KindInvalid, "", false, "plain text", false},
	} {
		t.Run(fmt.Sprintf("%.30s", c.q), func(t *testing.T) {
			b, s, _ := newTestBot(t, results)
			r := answer(t, b, c.q)
			if r.Kind != c.kind {
				t.Errorf("Kind: got %s, want %s (text %q)", r.Kind, c.kind, r.Text)
			}
			checkCommon(t, r, testDisclaimer)
			if r.Source.ID != c.source {
				t.Errorf("Source.ID: got %q, want %q", r.Source.ID, c.source)
			}
			if !strings.Contains(r.Text, c.textHas) {
				t.Errorf("Text: got %q, want it to contain %q", r.Text, c.textHas)
			}
			if got := len(s.calls()) > 0; got != c.searched {
				t.Errorf("searched: got %v (%q), want %v", got, s.calls(), c.searched)
			}
			if (len(r.Topics) > 0) != c.withTopics {
				t.Errorf("Topics: got %v, want present=%v", r.Topics, c.withTopics)
			}
			switch r.Kind {
			case KindAnswer:
				if r.Source.Type != "faq" && r.Source.Type != "passage" || r.Score <= 0 {
					t.Errorf("answer: Source %+v, Score %v; want a typed source and a score", r.Source, r.Score)
				}
			case KindUrgent:
				if r.Source.Type != "safety" || len(r.Related) != 0 || len(r.Topics) != 0 || len(r.DidYouMean) != 0 {
					t.Errorf("urgent: Source %+v, Related %v, Topics %v, DidYouMean %v; want a safety source and nothing to click", r.Source, r.Related, r.Topics, r.DidYouMean)
				}
			default:
				if r.Source.ID != "" {
					t.Errorf("%s: Source %+v, want none", r.Kind, r.Source)
				}
			}
		})
	}
}

func TestDisclaimerEverywhere(t *testing.T) {
	for _, cfg := range []Config{{}, {Disclaimer: "Custom: ask your GP."}} {
		s := &fakeSearcher{entries: testEntries(), results: map[string][]faq.Match{"what is insomnia": {match(eInsomnia, 1)}}}
		b, err := New(s, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := cfg.Disclaimer
		if want == "" {
			want = DefaultConfig().Disclaimer
			if !strings.Contains(want, "not medical advice") {
				t.Errorf("default disclaimer %q, want it to say it is not medical advice", want)
			}
		}
		ctx := context.Background()
		var replies []Reply
		for _, q := range []string{"what is insomnia", "tell me a joke", "I fell down the stairs and hurt my back", "hi", "thanks", "help", "", "\xff", strings.Repeat("x", 600), "!!!"} {
			r, err := b.Answer(ctx, Question{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			replies = append(replies, r)
		}
		r, err := answerEntry(b, ctx, Question{}, "q-naps")
		if err != nil {
			t.Fatal(err)
		}
		replies = append(replies, r)
		r, err = answerEntry(b, ctx, Question{}, "gone")
		if err != nil {
			t.Fatal(err)
		}
		replies = append(replies, r, helpOf(b))
		kinds := map[Kind]bool{}
		for _, r := range replies {
			kinds[r.Kind] = true
			checkCommon(t, r, want)
		}
		if len(kinds) != 6 {
			t.Errorf("covered kinds %v, want all 6", kinds)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	for _, c := range []struct {
		name  string
		ms    []faq.Match
		wantD []string
	}{
		{"near tie, different titles", []faq.Match{match(eMigraineLast, 0.80), match(eMigraineKids, 0.78)}, []string{"q-kids"}},
		{"exact tie", []faq.Match{match(eMigraineLast, 0.80), match(eMigraineKids, 0.80)}, []string{"q-kids"}},
		{"near tie, same title", []faq.Match{match(eTriggers1, 0.80), match(eTriggers2, 0.79)}, nil},
		{"clear winner", []faq.Match{match(eMigraineLast, 0.80), match(eMigraineKids, 0.70)}, nil},
		{"two near ties", []faq.Match{match(eMigraineLast, 0.9), match(eMigraineKids, 0.89), match(eInsomnia, 0.88), match(eNaps, 0.5)}, []string{"q-kids", "q-insomnia"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, _, _ := newTestBot(t, map[string][]faq.Match{"q": c.ms})
			r := answer(t, b, "q")
			var got []string
			for _, d := range r.DidYouMean {
				got = append(got, d.ID)
				if d.Title == "" {
					t.Errorf("did-you-mean %s has no title", d.ID)
				}
			}
			if strings.Join(got, ",") != strings.Join(c.wantD, ",") {
				t.Errorf("DidYouMean: got %v, want %v", got, c.wantD)
			}
		})
	}
}

func TestRelated(t *testing.T) {
	ms := []faq.Match{
		match(eTriggers1, 0.9),
		match(eTriggers2, 0.85), // same title as the answer: excluded
		match(eTreat, 0.6),
		match(eInsomnia, 0.1), // below MinConfidence/2: not a search neighbour
		match(eNaps, 0.4),
	}
	b, _, _ := newTestBot(t, map[string][]faq.Match{"q": ms})
	r := answer(t, b, "q")
	var got []string
	for _, x := range r.Related {
		got = append(got, x.ID)
		if x.Title == r.Source.Title {
			t.Errorf("Related lists the answer's own title %q", x.Title)
		}
	}
	// Search neighbours first (treat, naps), then FAQ topics in content order.
	want := []string{"p-treat", "q-naps", "q-last"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Related: got %v, want %v", got, want)
	}

	// With a single entry in the content there is nothing to relate: an
	// empty list, not nil.
	s := &fakeSearcher{entries: []faq.Entry{eInsomnia}, results: map[string][]faq.Match{"q": {match(eInsomnia, 1)}}}
	one, err := New(s, nil, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	r = answer(t, one, "q")
	if r.Related == nil || len(r.Related) != 0 {
		t.Errorf("Related with one entry: got %#v, want an empty non-nil list", r.Related)
	}

	// Related titles are unique.
	b2, _, _ := newTestBot(t, map[string][]faq.Match{"q": {match(eMigraineLast, 1), match(eTriggers1, 0.9), match(eTriggers2, 0.9), match(eTreat, 0.9)}})
	r = answer(t, b2, "q")
	seen := map[string]bool{}
	for _, x := range r.Related {
		if seen[x.Title] {
			t.Errorf("Related repeats %q: %v", x.Title, r.Related)
		}
		seen[x.Title] = true
	}
}

func TestAnswerEntry(t *testing.T) {
	b, s, rec := newTestBot(t, nil)
	ctx := context.Background()
	r, err := answerEntry(b, ctx, Question{Platform: "test", UserID: "u-7"}, "q-caffeine")
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindAnswer || r.Source.ID != "q-caffeine" || r.Source.Title != eCaffeine.Title || r.Source.Type != "faq" || r.Text != eCaffeine.Text || r.Score != 1 {
		t.Errorf("AnswerEntry(known): got %+v, want the caffeine answer with score 1", r)
	}
	if r.Question != eCaffeine.Title {
		t.Errorf("Question: got %q, want the entry title", r.Question)
	}
	checkCommon(t, r, testDisclaimer)
	for _, x := range r.Related {
		if x.ID == "q-caffeine" {
			t.Errorf("Related lists the answered entry itself: %v", r.Related)
		}
	}
	// A passage with a label is titled "heading — label".
	r, err = answerEntry(b, ctx, Question{}, "p-treat")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Treating an Attack — Rest"; r.Source.Title != want || r.Source.Type != "passage" {
		t.Errorf("passage source: got %+v, want title %q, type passage", r.Source, want)
	}

	r, err = answerEntry(b, ctx, Question{Platform: "test", UserID: "u-7"}, "no-such-id")
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindFallback || r.Source.ID != "" || !strings.Contains(r.Text, "no longer") || len(r.Topics) == 0 {
		t.Errorf("AnswerEntry(unknown): got %+v, want a fallback with topics", r)
	}
	checkCommon(t, r, testDisclaimer)
	if len(s.calls()) != 0 {
		t.Errorf("AnswerEntry searched %q, want no search", s.calls())
	}
	if len(rec.questions) != 3 || rec.questions[0].EntryID != "q-caffeine" || rec.questions[0].UserID != "u-7" || rec.questions[2].Kind != KindFallback {
		t.Errorf("records: got %+v, want 3 (caffeine by u-7 ... fallback)", rec.questions)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := answerEntry(b, cctx, Question{}, "q-naps"); !errors.Is(err, context.Canceled) {
		t.Errorf("AnswerEntry with a cancelled context: got %v, want context.Canceled", err)
	}
}

func TestFeedback(t *testing.T) {
	b, _, rec := newTestBot(t, nil)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	b.now = func() time.Time { return at }
	f := Feedback{Platform: "telegram", UserID: "u-9", EntryID: "q-naps", Helpful: true}
	if err := giveFeedback(b, context.Background(), f); err != nil {
		t.Fatal(err)
	}
	if len(rec.feedback) != 1 || rec.feedback[0] != f || !rec.feedAt[0].Equal(at) {
		t.Errorf("recorded feedback: got %+v at %v, want %+v at %v", rec.feedback, rec.feedAt, f, at)
	}
	if err := giveFeedback(b, context.Background(), Feedback{Helpful: false}); err == nil {
		t.Error("Feedback without an entry ID: got no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := giveFeedback(b, ctx, f); !errors.Is(err, context.Canceled) {
		t.Errorf("Feedback with a cancelled context: got %v, want context.Canceled", err)
	}
	if len(rec.feedback) != 1 {
		t.Errorf("feedback records: got %d, want 1 (failed calls record nothing)", len(rec.feedback))
	}
	// Without a recorder, feedback still succeeds.
	nb, err := New(&fakeSearcher{entries: testEntries()}, nil, Config{}, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	if err := giveFeedback(nb, context.Background(), f); err != nil {
		t.Errorf("Feedback without a recorder: %v", err)
	}
}

func TestRecordQuestion(t *testing.T) {
	b, _, rec := newTestBot(t, map[string][]faq.Match{"what is insomnia": {match(eInsomnia, 0.9)}})
	ticks := []time.Time{time.Unix(100, 0), time.Unix(100, 5e6)}
	var mu sync.Mutex
	b.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := ticks[0]
		if len(ticks) > 1 {
			ticks = ticks[1:]
		}
		return t
	}
	r, err := b.Answer(context.Background(), Question{Text: "  what   is\tinsomnia ", Platform: "discord", UserID: "123456789", ChatID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.questions) != 1 {
		t.Fatalf("records: got %d, want 1", len(rec.questions))
	}
	got := rec.questions[0]
	want := Record{Time: time.Unix(100, 0), Platform: "discord", UserID: "123456789", Question: "what is insomnia", Kind: KindAnswer,
		EntryID: "q-insomnia", Title: "What is insomnia?", Score: r.Score, Latency: 5 * time.Millisecond}
	if got != want {
		t.Errorf("record:\n got  %+v\n want %+v", got, want)
	}
	// Every kind is recorded once, with the raw user ID.
	for i, q := range []string{"tell me a joke", "my back hurts and I have a fever", "hello", "", "\xff"} {
		if _, err := b.Answer(context.Background(), Question{Text: q, Platform: "p", UserID: "raw-id"}); err != nil {
			t.Fatal(err)
		}
		if n := len(rec.questions); n != i+2 {
			t.Fatalf("after %q: %d records, want %d", q, n, i+2)
		}
		if last := rec.questions[len(rec.questions)-1]; last.UserID != "raw-id" || last.Platform != "p" {
			t.Errorf("record for %q: UserID %q Platform %q, want raw-id, p", q, last.UserID, last.Platform)
		}
	}
	if k := rec.questions[2].Kind; k != KindUrgent {
		t.Errorf("fever record: Kind %s, want urgent", k)
	}
	// A failed search records nothing.
	s := &fakeSearcher{entries: testEntries(), err: errors.New("index on fire")}
	rec2 := &fakeRecorder{}
	fb, _ := New(s, nil, testConfig(), WithRecorder(rec2))
	if _, err := fb.Answer(context.Background(), Question{Text: "what is insomnia"}); err == nil {
		t.Error("Answer with a failing searcher: got no error")
	}
	if len(rec2.questions) != 0 {
		t.Errorf("failed Answer recorded %d questions, want 0", len(rec2.questions))
	}
}

func TestSearchError(t *testing.T) {
	boom := errors.New("index on fire")
	s := &fakeSearcher{entries: testEntries(), err: boom}
	b, err := New(s, nil, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Answer(context.Background(), Question{Text: "what is insomnia"})
	if !errors.Is(err, boom) {
		t.Errorf("Answer: got %v, want an error wrapping the search error", err)
	}
	if r.Kind != "" {
		t.Errorf("Answer with an error: got a %s reply, want the zero Reply", r.Kind)
	}
	// Replies that need no search still work.
	if r, err := b.Answer(context.Background(), Question{Text: "hello"}); err != nil || r.Kind != KindGreeting {
		t.Errorf("greeting with a failing searcher: got %s, %v", r.Kind, err)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(nil, nil, Config{}); err == nil {
		t.Error("New(nil searcher): got no error")
	}
	b, err := New(&fakeSearcher{}, nil, Config{MinConfidence: -1, MaxAnswerChars: 500, Texts: Texts{Greeting: "Howdy!"}})
	if err != nil {
		t.Fatal(err)
	}
	c, d := b.Config(), DefaultConfig()
	if c.MaxAnswerChars != 500 || c.MinConfidence != d.MinConfidence || c.Disclaimer != d.Disclaimer || c.Texts.Greeting != "Howdy!" || c.Texts.Fallback != d.Texts.Fallback {
		t.Errorf("Config: got %+v, want the set fields kept and defaults elsewhere", c)
	}
}

func TestInputHygiene(t *testing.T) {
	b, s, _ := newTestBot(t, map[string][]faq.Match{"how long does a migraine last?": {match(eMigraineLast, 0.9)}})
	// Control characters, zero-width characters and runs of white space
	// become single spaces before the search sees the question.
	r := answer(t, b, "\x1bhow\u200b long\x07 does\ta\r\nmigraine\x00 last?\ufeff ")
	for _, q := range s.calls() {
		for _, c := range q {
			if c < 0x20 || c == 0x7f || c == '\u200b' || c == '\ufeff' {
				t.Errorf("search got %q, with control character %U", q, c)
			}
		}
	}
	if got := s.calls(); len(got) != 1 || got[0] != "how long does a migraine last?" {
		t.Errorf("search query: got %q, want [\"how long does a migraine last?\"]", got)
	}
	if strings.ContainsAny(r.Question, "\x1b\x07\t\r\n\x00") {
		t.Errorf("Question: got %q, want control characters removed", r.Question)
	}

	s2 := &fakeSearcher{entries: testEntries(), results: map[string][]faq.Match{"how long does a migraine last?": {match(eMigraineLast, 0.9)}}}
	b2, _ := New(s2, nil, testConfig())
	r = answer(t, b2, "how\x07long\x00does a\u200bmigraine last?")
	if got := s2.calls(); len(got) != 1 || got[0] != "how long does a migraine last?" {
		t.Errorf("search query: got %q, want %q", got, "how long does a migraine last?")
	}
	if r.Kind != KindAnswer {
		t.Errorf("cleaned question: got %s, want answer", r.Kind)
	}

	// Over MaxQuestionChars: a clear message naming the limit, no search.
	s3 := &fakeSearcher{entries: testEntries()}
	b3, _ := New(s3, nil, testConfig())
	long := strings.Repeat("é", 201)
	r = answer(t, b3, long)
	if r.Kind != KindInvalid || !strings.Contains(r.Text, "200") || len(s3.calls()) != 0 {
		t.Errorf("over-long question: got %s %q after %d searches, want invalid naming 200 and no search", r.Kind, r.Text, len(s3.calls()))
	}
	if utf8.RuneCountInString(r.Question) != 200 {
		t.Errorf("over-long question: Question has %d characters, want it capped at 200", utf8.RuneCountInString(r.Question))
	}
	// Exactly at the limit is fine.
	r = answer(t, b3, strings.Repeat("é", 200))
	if r.Kind == KindInvalid && strings.Contains(r.Text, "too long") {
		t.Errorf("200-character question: got %q, want it accepted", r.Text)
	}
	// White space does not count towards the limit once collapsed.
	r = answer(t, b3, "what is insomnia"+strings.Repeat(" ", 500))
	if r.Kind == KindInvalid {
		t.Errorf("trailing spaces: got invalid %q, want the question searched", r.Text)
	}
}

func TestFuzzishInputsNeverPanic(t *testing.T) {
	b, _, _ := newTestBot(t, nil)
	inputs := []string{"\xc3", "\xed\xa0\x80", "a\x00b", strings.Repeat("\u0301", 300), "\U0010FFFF", "\u202e", "💥" + strings.Repeat("🔥", 1000), "% s %d %!", "{title}"}
	for i := 0; i < 256; i++ {
		inputs = append(inputs, string([]byte{byte(i), 'a', byte(255 - i)}))
	}
	for _, in := range inputs {
		r, err := b.Answer(context.Background(), Question{Text: in})
		if err != nil {
			t.Errorf("Answer(%q): error %v", in, err)
			continue
		}
		if r.Kind == "" || r.Disclaimer != testDisclaimer || !utf8.ValidString(r.Text) || !utf8.ValidString(r.Question) {
			t.Errorf("Answer(%q): got %+v", in, r)
		}
	}
}

func TestTopics(t *testing.T) {
	b, _, _ := newTestBot(t, nil)
	ts := topicsOf(b)
	want := []string{"q-last", "q-kids", "q-insomnia", "q-naps", "q-caffeine"}
	var got []string
	for _, x := range ts {
		got = append(got, x.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Topics: got %v, want the FAQ questions %v", got, want)
	}
	// Content without FAQ entries offers its headings, minus the title.
	s := &fakeSearcher{entries: []faq.Entry{
		{ID: "p0", Type: faq.TypePassage, Title: "Migraine Guide", Text: "x."},
		eTriggers1, eTriggers2, eTreat,
	}}
	nb, _ := New(s, nil, testConfig())
	got = nil
	for _, x := range topicsOf(nb) {
		got = append(got, x.Title)
	}
	if strings.Join(got, "|") != "Common Triggers|Treating an Attack" {
		t.Errorf("heading topics: got %q, want [Common Triggers Treating an Attack]", got)
	}
}

func TestQuestionLogAndSeveralRecorders(t *testing.T) {
	s := &fakeSearcher{entries: testEntries(), results: map[string][]faq.Match{"what is insomnia": {match(eInsomnia, 0.9)}}}
	var logs strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil))
	r1, r2 := &fakeRecorder{}, &fakeRecorder{}
	b, err := New(s, nil, testConfig(), WithRecorder(r1), WithRecorder(nil), WithRecorder(r2), WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, q := range []string{"what is insomnia", "tell me a joke", "my back hurts and I have a fever"} {
		if _, err := b.Answer(ctx, Question{Text: q, Platform: "telegram", UserID: "987654321"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := giveFeedback(b, ctx, Feedback{Platform: "telegram", UserID: "987654321", EntryID: "q-insomnia", Helpful: true}); err != nil {
		t.Fatal(err)
	}
	for i, rec := range []*fakeRecorder{r1, r2} {
		if len(rec.questions) != 3 || len(rec.feedback) != 1 {
			t.Errorf("recorder %d: %d questions, %d feedback; want 3, 1", i+1, len(rec.questions), len(rec.feedback))
		}
	}
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if l["msg"] != "question" {
			continue
		}
		if l["platform"] != "telegram" || l["latency_ms"] == nil || l["kind"] == nil {
			t.Errorf("question log %s: want platform telegram, kind and latency_ms", line)
		}
		kinds = append(kinds, l["kind"].(string))
	}
	if got := strings.Join(kinds, ","); got != "answer,fallback,urgent" {
		t.Errorf("question log kinds: got %s, want answer,fallback,urgent", got)
	}
	for _, secret := range []string{"987654321", "joke", "hurts"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q (the user ID or question text):\n%s", secret, out)
		}
	}
}

// lockedWriter serialises writes to a strings.Builder.
type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// TestTopicsFollowReindex: the cached topic list is rebuilt when the
// searcher serves new content, and callers cannot write into it.
func TestTopicsFollowReindex(t *testing.T) {
	b, s, _ := newTestBot(t, nil)
	before := topicsOf(b)
	if len(before) == 0 {
		t.Fatal("no topics")
	}
	_ = append(before[:1], Ref{ID: "x", Title: "overwritten"})
	if got := topicsOf(b); got[1].ID == "x" {
		t.Errorf("appending to a returned list changed the cache: %v", got)
	}
	s.entries = []faq.Entry{{ID: "new", Type: faq.TypeFAQ, Title: "A new question?", Text: "A new answer."}}
	if got := topicsOf(b); len(got) != 1 || got[0].ID != "new" {
		t.Errorf("after new content: got %v, want the new question only", got)
	}
}
