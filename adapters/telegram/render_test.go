package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"

	"faqbot/bot"
)

func TestEscapeHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a < b & c > d", "a &lt; b &amp; c &gt; d"},
		{"<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"},
		{"&lt;", "&amp;lt;"},
		{`quotes "stay" 'as is'`, `quotes "stay" 'as is'`},
		{"bad \xff byte", "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		if got := escapeHTML(tt.in); got != tt.want {
			t.Errorf("escapeHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got, want := htmlCost(tt.in), utf16Len(escapeHTML(tt.in)); got != want {
			t.Errorf("htmlCost(%q) = %d, want %d", tt.in, got, want)
		}
	}
}

func TestRenderSplitsLongAnswersAtParagraphs(t *testing.T) {
	para := strings.Repeat("Stretch gently & breathe <slowly>. ", 40) // ~1.4k characters
	var paras []string
	for i := range 8 {
		paras = append(paras, string(rune('A'+i))+" "+para)
	}
	r := bot.Reply{Kind: bot.KindAnswer, Text: strings.Join(paras, "\n\n"),
		Source: bot.Source{ID: "e1", Title: "Long one"}, Disclaimer: "Not medical advice.",
		Related: []bot.Ref{{ID: "r1", Title: "Next"}}}
	parts, kb := renderReply(r)
	if len(parts) < 3 {
		t.Fatalf("got %d parts, want at least 3", len(parts))
	}
	for i, p := range parts {
		if n := utf16Len(p); n > maxMessageLen {
			t.Errorf("part %d is %d UTF-16 units, want <= %d", i, n, maxMessageLen)
		}
		if !strings.HasSuffix(p, "<i>Not medical advice.</i>") {
			t.Errorf("part %d does not end with the disclaimer", i)
		}
		// Every part starts at a paragraph (or the title), never mid-sentence.
		body := strings.TrimPrefix(p, "<b>Long one</b>\n\n")
		if !strings.Contains("ABCDEFGH", body[:1]) {
			t.Errorf("part %d starts mid-paragraph: %q", i, body[:20])
		}
		if strings.Count(p, "<i>") != strings.Count(p, "</i>") || strings.Count(p, "<b>") != strings.Count(p, "</b>") {
			t.Errorf("part %d has unbalanced tags", i)
		}
	}
	if kb == nil || len(kb.InlineKeyboard) != 2 {
		t.Errorf("keyboard %+v, want one related row and the feedback row", kb)
	}
	joined := strings.Join(parts, "")
	for _, p := range paras {
		if !strings.Contains(joined, escapeHTML(strings.TrimSpace(p))) {
			t.Errorf("paragraph %q... lost or cut", p[:10])
		}
	}
}

func TestRenderSplitsOneHugeParagraph(t *testing.T) {
	// No blank lines, no newlines: must cut at spaces; then a word longer
	// than a message must be cut between runes, and astral runes count 2.
	text := strings.Repeat("word ", 2000) + strings.Repeat("💆", 5000)
	parts, _ := renderReply(bot.Reply{Kind: bot.KindAnswer, Text: text, Disclaimer: "D"})
	total := 0
	for i, p := range parts {
		if n := utf16Len(p); n > maxMessageLen {
			t.Errorf("part %d is %d UTF-16 units", i, n)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d is not valid UTF-8", i)
		}
		total += strings.Count(p, "💆")
	}
	if total != 5000 {
		t.Errorf("got %d emoji across parts, want 5000", total)
	}
}

func TestKeyboards(t *testing.T) {
	long := strings.Repeat("x", 70)
	r := bot.Reply{Kind: bot.KindAnswer, Source: bot.Source{ID: "e1"}, Disclaimer: "D",
		Related: []bot.Ref{{ID: "e1", Title: "self"}, {ID: long, Title: "too long"}, {ID: "a", Title: "A"}, {ID: "a", Title: "dup"}, {ID: "b", Title: "B"}, {ID: "c", Title: "C"}, {ID: "d", Title: "D"}}}
	kb := replyKeyboard(r)
	var got []string
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			got = append(got, *b.CallbackData)
		}
	}
	want := "q:a q:b q:c f:1:e1 f:0:e1"
	if strings.Join(got, " ") != want {
		t.Errorf("buttons %v, want %s", got, want)
	}
	if kb := replyKeyboard(bot.Reply{Kind: bot.KindUrgent, Source: bot.Source{ID: "x"}, Related: r.Related}); kb != nil {
		t.Errorf("urgent reply has buttons: %+v", kb)
	}
	if got := buttonLabel(strings.Repeat("é", 100)); utf8.RuneCountInString(got) != maxButtonRunes {
		t.Errorf("label has %d runes, want %d", utf8.RuneCountInString(got), maxButtonRunes)
	}
}

func TestParseCallback(t *testing.T) {
	tests := []struct {
		data string
		want callback
		ok   bool
	}{
		{"q:r1", callback{question: true, entryID: "r1"}, true},
		{"f:1:e1", callback{feedback: true, helpful: true, entryID: "e1"}, true},
		{"f:0:e1", callback{feedback: true, entryID: "e1"}, true},
		{"q:", callback{question: true}, false},
		{"zz", callback{}, false},
	}
	for _, tt := range tests {
		got, ok := parseCallback(tt.data)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseCallback(%q) = %+v, %v; want %+v, %v", tt.data, got, ok, tt.want, tt.ok)
		}
	}
}

func TestUTF16Cut(t *testing.T) {
	s := "héllo 👋 @faq_bot now"
	off := utf16Len("héllo 👋 ")
	before, mid, after, ok := utf16Cut(s, off, 8)
	if !ok || before != "héllo 👋 " || mid != "@faq_bot" || after != " now" {
		t.Errorf("utf16Cut = %q %q %q %v", before, mid, after, ok)
	}
	if _, _, _, ok := utf16Cut(s, off, 100); ok {
		t.Error("out-of-range entity accepted")
	}
}

// TestClarifyKeyboard: a clarify reply's choices become buttons, without
// feedback buttons (it is not an answer).
func TestClarifyKeyboard(t *testing.T) {
	kb := replyKeyboard(bot.Reply{Kind: bot.KindClarify, DidYouMean: []bot.Ref{{ID: "a", Title: "A?"}, {ID: "b", Title: "B?"}}})
	var got []string
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			got = append(got, *b.CallbackData)
		}
	}
	if strings.Join(got, " ") != "q:a q:b" {
		t.Errorf("buttons %v, want q:a q:b", got)
	}
}
