package bot

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"faqbot/faq"
)

// endsWell reports whether s ends a sentence or with an ellipsis.
func endsWell(s string) bool {
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "…")
}

func TestComposeAnswer(t *testing.T) {
	sentence := "Gentle stretching keeps the neck supple and eases stiffness after long hours at a desk. "
	long := strings.TrimSpace(strings.Repeat(sentence, 20)) // ~1800 characters
	for _, c := range []struct {
		name string
		e    faq.Entry
		want string
	}{
		{"FAQ answer whole", faq.Entry{Type: faq.TypeFAQ, Text: "  Yes.\n\nSee a doctor if it persists.  ", More: []string{"ignored"}}, "Yes.\n\nSee a doctor if it persists."},
		{"short passage takes the next ones", faq.Entry{Type: faq.TypePassage, Text: "Short.", More: []string{"Second.", "Third."}}, "Short.\n\nSecond.\n\nThird."},
		{"long enough passage stands alone", faq.Entry{Type: faq.TypePassage, Text: strings.Repeat("Word ", 70) + "end.", More: []string{"Next."}}, strings.Repeat("Word ", 70) + "end."},
		{"stops once long enough", faq.Entry{Type: faq.TypePassage, Text: "Short.", More: []string{strings.Repeat("b", 310) + ".", "Never."}}, "Short.\n\n" + strings.Repeat("b", 310) + "."},
		{"lead-in takes its list", faq.Entry{Type: faq.TypePassage, Text: strings.Repeat("x", 320) + " these:", More: []string{"One.", "Two."}}, strings.Repeat("x", 320) + " these:\n\nOne."},
		{"does not add what would overflow", faq.Entry{Type: faq.TypePassage, Text: "Short.", More: []string{long, "After."}}, "Short."},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := composeAnswer(c.e, 300, 1200); got != c.want {
				t.Errorf("composeAnswer:\n got  %q\n want %q", got, c.want)
			}
		})
	}
	// Two paragraphs after the lead-in: it keeps taking while it ends in ":",
	// then stops once long enough.
	lead := faq.Entry{Type: faq.TypePassage, Text: "Try these:", More: []string{"Walk daily.", "Stretch.", "Sleep well."}}
	if got := composeAnswer(lead, 5, 1200); got != "Try these:\n\nWalk daily." {
		t.Errorf("lead-in with short=5: got %q, want the lead-in and its first item", got)
	}
}

func TestComposeAnswerNeverTooLongNorMidSentence(t *testing.T) {
	sentence := "Gentle stretching keeps the neck supple and eases stiffness after long hours at a desk. "
	long := strings.Repeat(sentence, 20)
	for _, e := range []faq.Entry{
		{Type: faq.TypeFAQ, Text: long},
		{Type: faq.TypePassage, Text: long},
		{Type: faq.TypePassage, Text: "Short intro.", More: []string{long, long}},
		{Type: faq.TypeFAQ, Text: strings.Repeat("Does it help? It may! ", 80)},
		{Type: faq.TypeFAQ, Text: strings.Repeat("ü", 2000) + "."}, // one 2000-rune "word"
		{Type: faq.TypeFAQ, Text: strings.Repeat("no sentence end here ", 100)},
		{Type: faq.TypeFAQ, Text: "A first sentence. " + strings.Repeat("then a very long clause without any full stop ", 40)},
		// A paragraph without a final full stop, then a long one without any.
		{Type: faq.TypeFAQ, Text: strings.Repeat("It can be caused by poor posture or strain ", 12) + "\n\n" + strings.Repeat("and then a clause goes on ", 60)},
	} {
		got := composeAnswer(e, 300, 1200)
		if n := utf8.RuneCountInString(got); n > 1200 || n == 0 {
			t.Errorf("composeAnswer(%.30q...): %d characters, want 1..1200", e.Text, n)
		}
		if !utf8.ValidString(got) {
			t.Errorf("composeAnswer(%.30q...): invalid UTF-8", e.Text)
		}
		if !endsWell(got) {
			t.Errorf("composeAnswer(%.30q...): ends %q, want . ! ? or …", e.Text, tail(got))
		}
	}
	// A long answer made of sentences is cut at a sentence end, keeping
	// as many whole sentences as fit.
	got := composeAnswer(faq.Entry{Type: faq.TypeFAQ, Text: long}, 300, 1200)
	if !strings.HasSuffix(got, "desk.") || utf8.RuneCountInString(got) < 1200-len(sentence) {
		t.Errorf("cut: got %d characters ending %q, want the whole sentences that fit", utf8.RuneCountInString(got), tail(got))
	}
}

// TestCutSentencesRandom checks the contract on many generated texts.
func TestCutSentencesRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	words := []string{"pain", "sleep", "a", "the", "migraine", "héadache", "naïve", "步", "🙂", "stretch", "therapist"}
	ends := []string{". ", "! ", "? ", ", ", " ", "\n\n", ".\n"}
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		n := rng.Intn(400)
		for j := 0; j < n; j++ {
			b.WriteString(words[rng.Intn(len(words))])
			b.WriteString(ends[rng.Intn(len(ends))])
		}
		text := strings.TrimSpace(b.String())
		if text == "" {
			continue
		}
		max := 50 + rng.Intn(1200)
		got := cutSentences(text, max)
		if n := utf8.RuneCountInString(got); n > max {
			t.Fatalf("cutSentences(%d chars, %d): %d characters", utf8.RuneCountInString(text), max, n)
		}
		if utf8.RuneCountInString(text) <= max {
			if got != text {
				t.Fatalf("cutSentences changed a text that fits: got %q, want %q", got, text)
			}
			continue
		}
		if !endsWell(got) {
			t.Fatalf("cutSentences(..., %d): ends %q, want . ! ? or …", max, tail(got))
		}
		if !strings.HasPrefix(text, strings.TrimSuffix(got, "…")) {
			t.Fatalf("cutSentences: %q is not a prefix of the text", tail(got))
		}
	}
}

func tail(s string) string {
	r := []rune(s)
	if len(r) > 20 {
		r = r[len(r)-20:]
	}
	return string(r)
}
