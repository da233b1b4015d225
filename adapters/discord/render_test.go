package discord

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"faqbot/bot"
)

func TestSplitText(t *testing.T) {
	cases := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"fits", "short text", 20, []string{"short text"}},
		{"paragraphs first", "aaaa aaaa.\n\nbbbb bbbb.", 15, []string{"aaaa aaaa.", "bbbb bbbb."}},
		{"sentence", "One two three. Four five six.", 20, []string{"One two three.", "Four five six."}},
		{"words", "alpha beta gamma delta", 12, []string{"alpha beta", "gamma delta"}},
		{"no break", strings.Repeat("x", 25), 10, []string{strings.Repeat("x", 10), strings.Repeat("x", 10), strings.Repeat("x", 5)}},
		{"surrogates counted twice", strings.Repeat("😀", 6), 4, []string{"😀😀", "😀😀", "😀😀"}},
	}
	for _, c := range cases {
		got := splitText(c.in, c.max)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		for _, g := range got {
			if ulen(g) > c.max {
				t.Errorf("%s: chunk %q is %d long, want <= %d", c.name, g, ulen(g), c.max)
			}
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("hello world", 8); got != "hello w…" {
		t.Errorf("got %q", got)
	}
	if got := truncate("short", 80); got != "short" {
		t.Errorf("got %q, want unchanged", got)
	}
	if got := truncate(strings.Repeat("é", 100), 80); ulen(got) != 80 {
		t.Errorf("got length %d, want 80", ulen(got))
	}
}

func buttons(comps []discordgo.MessageComponent) (ids []string, rows int) {
	for _, c := range comps {
		row := c.(discordgo.ActionsRow)
		rows++
		if len(row.Components) > maxRowButtons {
			ids = append(ids, "TOO-MANY-IN-ROW")
		}
		for _, b := range row.Components {
			btn := b.(discordgo.Button)
			if len(btn.CustomID) > maxCustomID || ulen(btn.Label) > maxLabel {
				ids = append(ids, "OVER-LIMIT")
			}
			ids = append(ids, btn.CustomID)
		}
	}
	return ids, rows
}

func TestComponentsLimits(t *testing.T) {
	var many []bot.Ref
	for i := range 40 {
		many = append(many, bot.Ref{ID: "t" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26)), Title: strings.Repeat("long title ", 20)})
	}
	many = append(many, bot.Ref{ID: strings.Repeat("z", 120), Title: "too long an ID"})
	r := bot.Reply{Kind: bot.KindFallback, Text: "?", Topics: many, Disclaimer: "d"}
	ids, rows := buttons(components(r))
	if rows > maxRows || len(ids) > maxRows*maxRowButtons {
		t.Errorf("got %d rows, %d buttons; want within Discord's limits", rows, len(ids))
	}
	for _, id := range ids {
		if id == "OVER-LIMIT" || id == "TOO-MANY-IN-ROW" {
			t.Errorf("a button breaks a limit: %v", ids)
		}
	}

	ans := bot.Reply{Kind: bot.KindAnswer, Text: "a", Source: bot.Source{ID: "s", Title: "S"}, Disclaimer: "d",
		Related:    []bot.Ref{{ID: "s", Title: "self"}, {ID: "a", Title: "A"}, {ID: "b", Title: "B"}, {ID: "c", Title: "C"}, {ID: "d", Title: "D"}},
		DidYouMean: []bot.Ref{{ID: "a", Title: "A"}}}
	ids, _ = buttons(components(ans))
	if got, want := strings.Join(ids, " "), "faq:e:a faq:e:b faq:e:c faq:e:d faq:y:s faq:n:s"; got != want {
		t.Errorf("answer buttons = %q, want %q (deduped, the source itself left out, 3 related)", got, want)
	}

	urgent := ans
	urgent.Kind = bot.KindUrgent
	if c := components(urgent); len(c) != 0 {
		t.Errorf("urgent reply has %d component rows, want none", len(c))
	}
}

func TestRenderEscapesTitleAndCarriesDisclaimer(t *testing.T) {
	msgs := renderReply(bot.Reply{Kind: bot.KindAnswer, Text: "Use @everyone wisely", Source: bot.Source{ID: "x", Title: "Is *this* _ok_?"}, Disclaimer: "Line one\nLine two"})
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	want := "**Is \\*this\\* \\_ok\\_?**\nUse @everyone wisely\n\n-# Line one\n-# Line two"
	if msgs[0].Content != want {
		t.Errorf("content = %q, want %q", msgs[0].Content, want)
	}
}

// TestRenderClarify: a clarify reply asks once and offers its choices as
// buttons, without feedback buttons (it is not an answer).
func TestRenderClarify(t *testing.T) {
	r := bot.Reply{Kind: bot.KindClarify, Text: "I'm not sure I understood. Did you mean one of these?", Disclaimer: "D",
		DidYouMean: []bot.Ref{{ID: "a", Title: "A?"}, {ID: "b", Title: "B?"}}}
	msgs := renderReply(r)
	if n := strings.Count(msgs[len(msgs)-1].Content, "Did you mean"); n != 1 {
		t.Errorf("content %q asks %d times, want once", msgs[len(msgs)-1].Content, n)
	}
	var ids []string
	for _, row := range components(r) {
		for _, c := range row.(discordgo.ActionsRow).Components {
			ids = append(ids, c.(discordgo.Button).CustomID)
		}
	}
	if len(ids) != 2 || strings.HasPrefix(ids[0], idPrefixYes) {
		t.Errorf("buttons %v, want the two choices and no feedback", ids)
	}
}
