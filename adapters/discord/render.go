package discord

import (
	"cmp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"faqbot/bot"
)

// Discord limits that shape the rendering.
const (
	maxContent    = 2000 // characters of message content
	maxLabel      = 80   // characters of a button label
	maxCustomID   = 100  // characters of a component custom_id
	maxRowButtons = 5
	maxRows       = 5
	maxRelated    = 3
	maxFooter     = 600 // longest disclaimer footer we render in full
	maxTitle      = 256
)

// Custom IDs of our buttons. They carry everything needed to handle a click,
// so any instance (gateway or HTTP endpoint) can serve it statelessly.
const (
	idPrefixEntry = "faq:e:" // answer this entry
	idPrefixYes   = "faq:y:" // 👍 for this entry
	idPrefixNo    = "faq:n:" // 👎 for this entry
)

// outMessage is one Discord message to send.
type outMessage struct {
	Content    string
	Components []discordgo.MessageComponent
}

// noMentions is the allowed_mentions of every message: parse nothing, do not
// ping the replied-to user.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// ulen is the length Discord counts, in UTF-16 code units (a conservative
// upper bound of characters).
func ulen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// truncate shortens s to at most max UTF-16 units, ending with "…" when cut.
func truncate(s string, max int) string {
	if ulen(s) <= max {
		return s
	}
	return strings.TrimRightFunc(s[:prefixFitting(s, max-1)], unicode.IsSpace) + "…"
}

// prefixFitting returns the byte length of the longest prefix of s that fits
// in max UTF-16 units.
func prefixFitting(s string, max int) int {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > max {
			return i
		}
	}
	return len(s)
}

// splitText cuts s into chunks of at most max UTF-16 units, preferring
// paragraph breaks, then line breaks, then sentence ends, then spaces; only a
// single unbroken run longer than max is cut mid-word.
func splitText(s string, max int) []string {
	s = strings.TrimSpace(s)
	var out []string
	for ulen(s) > max {
		end := prefixFitting(s, max)
		head := s[:end]
		cut := -1
		for _, sep := range []string{"\n\n", "\n", ". ", "! ", "? ", "; ", ", ", " "} {
			i := strings.LastIndex(head, sep)
			if i <= 0 || ulen(head[:i]) < max/3 {
				continue
			}
			// Keep the punctuation with the first chunk; drop the space.
			cut = i + len(strings.TrimRight(sep, " \n"))
			break
		}
		if cut < 0 {
			// At the limit (prefixFitting returns a rune boundary), but
			// never an empty chunk.
			if cut = end; cut == 0 {
				_, cut = utf8.DecodeRuneInString(s)
			}
		}
		chunk := strings.TrimRightFunc(s[:cut], unicode.IsSpace)
		if chunk != "" {
			out = append(out, chunk)
		}
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// footer renders the disclaimer as Discord subtext lines.
func footer(disclaimer string) string {
	d := truncate(strings.TrimSpace(disclaimer), maxFooter)
	if d == "" {
		return ""
	}
	lines := strings.Split(d, "\n")
	for i, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			lines[i] = "-# " + l
		}
	}
	return strings.Join(lines, "\n")
}

// renderReply is renderReplyWith the default "did you mean" line.
func renderReply(r bot.Reply) []outMessage { return renderReplyWith(r, DefaultTexts().DidYouMean) }

// renderReplyWith turns a reply into one or more messages, each within
// Discord's limits and each carrying the disclaimer (when the reply has
// one); buttons go on the last message. didYouMean introduces the
// near-tie buttons under an answer.
func renderReplyWith(r bot.Reply, didYouMean string) []outMessage {
	var header string
	if r.Kind != bot.KindUrgent && r.Source.Title != "" {
		header = "**" + escapeMarkdown(truncate(r.Source.Title, maxTitle)) + "**"
	}
	body := strings.TrimSpace(r.Text)
	if len(r.DidYouMean) > 0 && r.Kind != bot.KindUrgent && r.Kind != bot.KindClarify { // a clarify text asks already
		body += "\n\n" + didYouMean
	}
	return assemble(header, body, footer(r.Disclaimer), components(r))
}

// assemble splits header+body into messages of at most maxContent units, each
// ending with foot; comps go on the last message.
func assemble(header, body, foot string, comps []discordgo.MessageComponent) []outMessage {
	budget := maxContent - ulen(foot) - 2 // "\n\n" before the footer
	if header != "" {
		budget -= ulen(header) + 1
	}
	text := body
	if strings.TrimSpace(text) == "" {
		text = "…"
	}
	chunks := splitText(text, budget)
	msgs := make([]outMessage, 0, len(chunks))
	for i, c := range chunks {
		if i == 0 && header != "" {
			c = header + "\n" + c
		}
		if foot != "" {
			c += "\n\n" + foot
		}
		msgs = append(msgs, outMessage{Content: c})
	}
	if len(msgs) > 0 {
		msgs[len(msgs)-1].Components = comps
	}
	return msgs
}

// escapeMarkdown neutralises Discord markdown in a short title.
func escapeMarkdown(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `_`, `\_`, "`", "\\`", `~`, `\~`, `|`, `\|`, `>`, `\>`)
	return r.Replace(s)
}

// components builds the button rows for a reply: none for urgent replies.
func components(r bot.Reply) []discordgo.MessageComponent {
	if r.Kind == bot.KindUrgent {
		return nil
	}
	seen := map[string]bool{r.Source.ID: true} // refButtons skips empty IDs anyway
	// One row stays free for the feedback buttons.
	rows := appendRows(nil, refButtons(r.DidYouMean, maxRowButtons, seen), maxRows-1)
	rows = appendRows(rows, refButtons(r.Related, maxRelated, seen), maxRows-1)
	rows = appendRows(rows, refButtons(r.Topics, maxRowButtons*(maxRows-1), seen), maxRows-1)
	if r.Kind == bot.KindAnswer && r.Source.ID != "" && len(idPrefixYes)+len(r.Source.ID) <= maxCustomID {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Helpful", Style: discordgo.SecondaryButton,
				Emoji: &discordgo.ComponentEmoji{Name: "👍"}, CustomID: idPrefixYes + r.Source.ID},
			discordgo.Button{Label: "Not helpful", Style: discordgo.SecondaryButton,
				Emoji: &discordgo.ComponentEmoji{Name: "👎"}, CustomID: idPrefixNo + r.Source.ID},
		}})
	}
	return rows
}

// refButtons makes up to limit buttons answering refs, skipping IDs already
// shown and IDs too long for a custom_id.
func refButtons(refs []bot.Ref, limit int, seen map[string]bool) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for _, ref := range refs {
		if len(out) == limit {
			break
		}
		if ref.ID == "" || seen[ref.ID] || len(idPrefixEntry)+len(ref.ID) > maxCustomID {
			continue
		}
		seen[ref.ID] = true
		out = append(out, discordgo.Button{
			Label: truncate(cmp.Or(strings.TrimSpace(ref.Title), ref.ID), maxLabel), Style: discordgo.PrimaryButton, CustomID: idPrefixEntry + ref.ID,
		})
	}
	return out
}

// renderTopics renders the /topics list under its heading: every title in
// the text (split over messages when long) and buttons for the first ones.
func renderTopics(heading string, topics []bot.Ref, disclaimer string) []outMessage {
	var b strings.Builder
	b.WriteString(heading)
	if len(topics) > 0 {
		b.WriteString("\n")
		for _, t := range topics {
			b.WriteString("\n• " + escapeMarkdown(t.Title))
		}
	}
	rows := appendRows(nil, refButtons(topics, maxRowButtons*maxRows, map[string]bool{}), maxRows)
	return assemble("", b.String(), footer(disclaimer), rows)
}

// appendRows lays btns out in rows of maxRowButtons after rows, until there
// are limit rows.
func appendRows(rows, btns []discordgo.MessageComponent, limit int) []discordgo.MessageComponent {
	for len(btns) > 0 && len(rows) < limit {
		n := min(len(btns), maxRowButtons)
		rows = append(rows, discordgo.ActionsRow{Components: btns[:n]})
		btns = btns[n:]
	}
	return rows
}

// plain renders a short adapter message (errors, notices) as one message.
func plain(text string) outMessage {
	return outMessage{Content: truncate(text, maxContent)}
}

// entryLabel finds the label of the button with customID in a message's
// components, so a related-question click can be recorded with its text.
func entryLabel(comps []discordgo.MessageComponent, customID string) string {
	for _, c := range comps {
		switch v := c.(type) { // components arrive as values or pointers
		case *discordgo.ActionsRow:
			c = *v
		case *discordgo.Button:
			c = *v
		}
		switch v := c.(type) {
		case discordgo.ActionsRow:
			if l := entryLabel(v.Components, customID); l != "" {
				return l
			}
		case discordgo.Button:
			if v.CustomID == customID {
				return v.Label
			}
		}
	}
	return ""
}
