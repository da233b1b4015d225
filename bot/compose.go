package bot

import (
	"strings"
	"unicode/utf8"

	"faqbot/faq"
)

// composeAnswer is the answer text for an entry: a FAQ answer whole, or a
// passage followed by the next passages of its section while it is shorter
// than short (a lead-in ending in ":" always takes what it introduces).
// The result never exceeds max characters and is never cut mid-sentence.
func composeAnswer(e faq.Entry, short, max int) string {
	text := strings.TrimSpace(e.Text)
	if e.Type == faq.TypePassage {
		for _, more := range e.More {
			if utf8.RuneCountInString(text) >= short && !strings.HasSuffix(text, ":") {
				break
			}
			next := text + "\n\n" + more
			if utf8.RuneCountInString(next) > max {
				break
			}
			text = next
		}
	}
	return cutSentences(text, max)
}

// cutSentences shortens text to at most max characters, ending at the last
// sentence end (or, failing that, paragraph or word boundary) that fits.
func cutSentences(text string, max int) string {
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	r := []rune(text)[:max]
	cut := string(r)
	best := -1
	for i := len(cut) - 1; i > 0; i-- {
		c := cut[i]
		if (c == '.' || c == '!' || c == '?') && (i+1 == len(cut) || cut[i+1] == ' ' || cut[i+1] == '\n' || cut[i+1] == '"' || cut[i+1] == ')') {
			best = i + 1
			break
		}
	}
	if best > len(cut)/3 {
		return strings.TrimSpace(cut[:best])
	}
	if i := strings.LastIndex(cut, "\n\n"); i > len(cut)/3 {
		return ellipsis(strings.TrimSpace(cut[:i]))
	}
	if i := strings.LastIndex(cut, " "); i > 0 {
		return strings.TrimSpace(cut[:i]) + "…"
	}
	// One unbroken word: cut it, and say so.
	return string(r[:max-1]) + "…"
}

// ellipsis marks text that stops before its sentence ends.
func ellipsis(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "…") {
		return s
	}
	return s + "…"
}
