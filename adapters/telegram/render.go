package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"faqbot/bot"
)

const (
	// maxMessageLen is Telegram's limit on a message's text. Telegram counts
	// the text after entity parsing in UTF-16 units; we count the HTML source
	// (tags and entities included), which is never shorter.
	maxMessageLen = 4096
	// maxCallbackData is Telegram's limit on callback_data, in bytes.
	maxCallbackData = 64
	// maxRelated is the most related-question buttons under an answer.
	maxRelated = 3
	// maxTopicButtons is the most topic buttons on one message.
	maxTopicButtons = 40
	// maxButtonRunes shortens long questions on buttons.
	maxButtonRunes = 60
)

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeHTML makes s safe as text in Telegram's HTML parse mode, which only
// needs &, < and > escaped. Invalid UTF-8 is replaced, since Telegram rejects
// it.
func escapeHTML(s string) string {
	return htmlEscaper.Replace(strings.ToValidUTF8(s, "\uFFFD"))
}

// htmlCost is the UTF-16 length of escapeHTML(s).
func htmlCost(s string) int {
	n := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch r {
		case '&':
			n += 5
		case '<', '>':
			n += 4
		default:
			n += utf16.RuneLen(r)
		}
	}
	return n
}

// utf16Len is the length of s in UTF-16 units, the unit of Telegram's limits
// and entity offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// block is one paragraph of a message: plain text plus an optional style.
type block struct {
	text string
	tag  string // "", "b" or "i"
}

func (b block) open() string {
	if b.tag == "" {
		return ""
	}
	return "<" + b.tag + ">"
}

func (b block) close() string {
	if b.tag == "" {
		return ""
	}
	return "</" + b.tag + ">"
}

func (b block) html() string { return b.open() + escapeHTML(b.text) + b.close() }

// pieces splits the block into HTML snippets of at most budget UTF-16 units,
// at line breaks, then spaces, then anywhere between runes.
func (b block) pieces(budget int) []string {
	over := len(b.open()) + len(b.close())
	avail := budget - over
	if avail < 1 {
		avail = 1
	}
	var out []string
	for _, p := range splitText(b.text, avail, []string{"\n", " "}) {
		if strings.TrimSpace(p) == "" {
			continue
		}
		out = append(out, b.open()+escapeHTML(p)+b.close())
	}
	return out
}

// splitText cuts s into parts whose escaped cost is at most max, preferring
// the separators in order.
func splitText(s string, max int, seps []string) []string {
	if htmlCost(s) <= max {
		return []string{s}
	}
	if len(seps) == 0 {
		return splitRunes(s, max)
	}
	sep := seps[0]
	sepCost := htmlCost(sep)
	var out []string
	cur, curCost, has := "", 0, false
	for _, p := range strings.Split(s, sep) {
		pc := htmlCost(p)
		if has && curCost+sepCost+pc <= max {
			cur, curCost = cur+sep+p, curCost+sepCost+pc
			continue
		}
		if has {
			out = append(out, cur)
			has = false
		}
		if pc <= max {
			cur, curCost, has = p, pc, true
			continue
		}
		out = append(out, splitText(p, max, seps[1:])...)
	}
	if has {
		out = append(out, cur)
	}
	return out
}

func splitRunes(s string, max int) []string {
	var out []string
	var sb strings.Builder
	n := 0
	for _, r := range s {
		c := htmlCost(string(r))
		if n+c > max && sb.Len() > 0 {
			out = append(out, sb.String())
			sb.Reset()
			n = 0
		}
		sb.WriteRune(r)
		n += c
	}
	if sb.Len() > 0 {
		out = append(out, sb.String())
	}
	return out
}

// pack lays the body out in messages of at most limit UTF-16 units, each
// ending with the tail (the disclaimer), joining paragraphs with blank lines.
func pack(body []block, tail block, limit int) []string {
	const gap = "\n\n"
	tailHTML := tail.html()
	budget := limit - utf16Len(tailHTML) - len(gap)
	repeatTail := budget >= limit/2
	if tail.text == "" {
		repeatTail, budget = false, limit
	} else if !repeatTail {
		// An absurdly long disclaimer: send it once, as the last paragraph.
		body = append(body, tail)
		budget = limit
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		parts = append(parts, cur.String())
		cur.Reset()
		curLen = 0
	}
	for _, b := range body {
		for _, p := range b.pieces(budget) {
			pl := utf16Len(p)
			if cur.Len() > 0 && curLen+len(gap)+pl > budget {
				flush()
			}
			if cur.Len() > 0 {
				cur.WriteString(gap)
				curLen += len(gap)
			}
			cur.WriteString(p)
			curLen += pl
		}
	}
	flush()
	if !repeatTail {
		return parts
	}
	if len(parts) == 0 {
		return []string{tailHTML}
	}
	for i := range parts {
		parts[i] += gap + tailHTML
	}
	return parts
}

// paragraphs splits answer text at blank lines.
func paragraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// oneLine collapses whitespace, for titles and button labels.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// renderReply turns a reply into HTML message texts (more than one when the
// answer is longer than Telegram allows) and the keyboard for the last one.
// The matched question comes first, the disclaimer last on every part.
func renderReply(r bot.Reply, extra ...string) ([]string, *tgbotapi.InlineKeyboardMarkup) {
	var body []block
	if t := oneLine(r.Source.Title); t != "" {
		if r.Kind == bot.KindUrgent {
			t = "⚠️ " + t
		}
		body = append(body, block{text: t, tag: "b"})
	}
	for _, p := range paragraphs(r.Text) {
		body = append(body, block{text: p})
	}
	for _, e := range extra {
		body = append(body, block{text: e})
	}
	return pack(body, block{text: oneLine(r.Disclaimer), tag: "i"}, maxMessageLen), replyKeyboard(r)
}

// renderNotice renders an adapter message (no disclaimer, no buttons).
func renderNotice(text string) string {
	parts := pack([]block{{text: text}}, block{}, maxMessageLen)
	if len(parts) == 0 {
		return ""
	}
	return parts[0]
}

// Callback data formats, all well under 64 bytes since entry IDs are short:
//
//	q:<entryID>     answer that entry (related question, topic)
//	f:1:<entryID>   👍 for the answer from entryID
//	f:0:<entryID>   👎
const (
	cbQuestion = "q:"
	cbHelpful  = "f:1:"
	cbUnhelp   = "f:0:"
)

func buttonLabel(title string) string {
	t := oneLine(title)
	if utf8.RuneCountInString(t) > maxButtonRunes {
		r := []rune(t)
		t = string(r[:maxButtonRunes-1]) + "…"
	}
	return t
}

// refRows turns refs into one-button rows, skipping empty IDs, duplicates and
// data over Telegram's limit.
func refRows(refs []bot.Ref, max int, seen map[string]bool) [][]tgbotapi.InlineKeyboardButton {
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, ref := range refs {
		if len(rows) >= max {
			break
		}
		data := cbQuestion + ref.ID
		if ref.ID == "" || seen[ref.ID] || len(data) > maxCallbackData || oneLine(ref.Title) == "" {
			continue
		}
		seen[ref.ID] = true
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(buttonLabel(ref.Title), data)))
	}
	return rows
}

// replyKeyboard builds the buttons under a reply: related questions and
// feedback under an answer, topics under fallback/help replies, none under
// urgent ones.
func replyKeyboard(r bot.Reply) *tgbotapi.InlineKeyboardMarkup {
	seen := map[string]bool{r.Source.ID: r.Source.ID != ""}
	var rows [][]tgbotapi.InlineKeyboardButton
	switch r.Kind {
	case bot.KindUrgent:
		return nil
	case bot.KindAnswer:
		refs := append(append([]bot.Ref{}, r.DidYouMean...), r.Related...)
		rows = refRows(refs, maxRelated, seen)
		if id := r.Source.ID; id != "" && len(cbHelpful+id) <= maxCallbackData {
			rows = append(rows, tgbotapi.NewInlineKeyboardRow(
				tgbotapi.NewInlineKeyboardButtonData("👍", cbHelpful+id),
				tgbotapi.NewInlineKeyboardButtonData("👎", cbUnhelp+id),
			))
		}
	default:
		refs := append(append([]bot.Ref{}, r.DidYouMean...), r.Topics...)
		rows = refRows(refs, maxTopicButtons, seen)
	}
	if len(rows) == 0 {
		return nil
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &kb
}

// callback is parsed callback data.
type callback struct {
	question bool // q:<id>
	feedback bool // f:<0|1>:<id>
	helpful  bool
	entryID  string
}

func parseCallback(data string) (callback, bool) {
	var cb callback
	switch {
	case strings.HasPrefix(data, cbQuestion):
		cb.question, cb.entryID = true, data[len(cbQuestion):]
	case strings.HasPrefix(data, cbHelpful):
		cb.feedback, cb.helpful, cb.entryID = true, true, data[len(cbHelpful):]
	case strings.HasPrefix(data, cbUnhelp):
		cb.feedback, cb.entryID = true, data[len(cbUnhelp):]
	default:
		return cb, false
	}
	return cb, cb.entryID != ""
}

// buttonTitle finds the label of the button carrying data in a keyboard, to
// tell the core which question was tapped.
func buttonTitle(kb *tgbotapi.InlineKeyboardMarkup, data string) string {
	if kb == nil {
		return ""
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && *b.CallbackData == data {
				return b.Text
			}
		}
	}
	return ""
}

// utf16Cut returns s[off:off+n] counted in UTF-16 units, plus the text
// before and after it; ok is false when the range is outside s.
func utf16Cut(s string, off, n int) (before, mid, after string, ok bool) {
	u := utf16.Encode([]rune(s))
	if off < 0 || n < 0 || off+n > len(u) {
		return "", "", "", false
	}
	return string(utf16.Decode(u[:off])), string(utf16.Decode(u[off : off+n])), string(utf16.Decode(u[off+n:])), true
}
