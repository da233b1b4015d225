package telegram

import (
	"context"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"faqbot/bot"
)

// handling is the context of one update being answered.
type handling struct {
	a        *Adapter
	ctx      context.Context
	tk       *ticket
	updateID int
}

func (h *handling) route(u tgbotapi.Update) {
	switch {
	case u.Message != nil:
		h.message(u.Message)
	case u.CallbackQuery != nil:
		h.callback(u.CallbackQuery)
	case u.InlineQuery != nil:
		h.inline(u.InlineQuery)
	case u.EditedMessage != nil, u.ChannelPost != nil, u.EditedChannelPost != nil:
		h.a.log.Debug("ignoring an edited message or channel post", "update_id", u.UpdateID)
	default:
		h.a.log.Debug("ignoring an unexpected update type", "update_id", u.UpdateID)
	}
}

// target is where a reply goes.
type target struct {
	chatID  int64
	group   bool
	replyTo int // message to reply to (groups), 0 for none
}

func (h *handling) message(m *tgbotapi.Message) {
	a := h.a
	if m.Chat == nil || m.From == nil {
		a.log.Warn("skipping a message without chat or sender", "update_id", h.updateID)
		return
	}
	if m.From.ID == a.self.ID || m.From.IsBot {
		return // our own or another bot's message
	}
	private := m.Chat.IsPrivate()
	group := m.Chat.IsGroup() || m.Chat.IsSuperGroup()
	if !private && !group {
		return // channels
	}
	to := target{chatID: m.Chat.ID, group: group}
	if group {
		to.replyTo = m.MessageID
	}
	toMe := m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == a.self.ID

	if m.Text == "" {
		if hasContent(m) && (private || toMe) && h.allow(m.From, to) {
			h.notice(to, a.texts.NonText, false)
		}
		return
	}

	if cmd, args, explicit, ok := h.command(m); ok {
		h.runCommand(m, to, private, explicit, cmd, args)
		return
	}
	switch {
	case private:
		h.ask(m.From, to, m.Text)
	case group:
		if q, ok := h.mention(m); ok {
			h.ask(m.From, to, q)
		} else if toMe {
			h.ask(m.From, to, m.Text)
		}
	}
}

// hasContent reports a message people sent on purpose (a sticker, photo,
// voice note...), as opposed to a service message such as a member joining.
func hasContent(m *tgbotapi.Message) bool {
	return m.Sticker != nil || len(m.Photo) > 0 || m.Voice != nil || m.Audio != nil ||
		m.Video != nil || m.VideoNote != nil || m.Document != nil || m.Animation != nil ||
		m.Location != nil || m.Contact != nil || m.Poll != nil || m.Dice != nil ||
		m.Venue != nil || m.Game != nil
}

// command parses a leading bot_command entity. explicit is true for
// /cmd@thisbot; ok is false when the message is not a command or is
// addressed to another bot (/cmd@otherbot).
func (h *handling) command(m *tgbotapi.Message) (cmd, args string, explicit, ok bool) {
	if len(m.Entities) == 0 {
		return "", "", false, false
	}
	e := m.Entities[0]
	if e.Type != "bot_command" || e.Offset != 0 {
		return "", "", false, false
	}
	_, word, rest, valid := utf16Cut(m.Text, 0, e.Length)
	if !valid || !strings.HasPrefix(word, "/") {
		return "", "", false, false
	}
	word = word[1:]
	if at := strings.IndexByte(word, '@'); at >= 0 {
		if !strings.EqualFold(word[at+1:], h.a.self.UserName) {
			return "", "", false, false
		}
		word, explicit = word[:at], true
	}
	return strings.ToLower(word), strings.TrimSpace(rest), explicit, true
}

// mention finds an @mention of the bot (entity offsets are UTF-16 units)
// and returns the message with the mention removed.
func (h *handling) mention(m *tgbotapi.Message) (string, bool) {
	for _, e := range m.Entities {
		before, mid, after, ok := utf16Cut(m.Text, e.Offset, e.Length)
		if !ok {
			continue
		}
		isMe := (e.Type == "mention" && strings.EqualFold(mid, "@"+h.a.self.UserName)) ||
			(e.Type == "text_mention" && e.User != nil && e.User.ID == h.a.self.ID)
		if isMe {
			return strings.TrimSpace(strings.TrimSpace(before) + " " + strings.TrimSpace(after)), true
		}
	}
	return "", false
}

func (h *handling) runCommand(m *tgbotapi.Message, to target, private, explicit bool, cmd, args string) {
	a := h.a
	switch cmd {
	case "start", "help":
		if !h.allow(m.From, to) {
			return
		}
		r := a.ans.Help(h.ctx)
		var extra []string
		if !private {
			extra = append(extra, a.texts.GroupHint)
		}
		h.reply(to, r, extra...)
	case "ask":
		if args == "" {
			if h.allow(m.From, to) {
				h.prompt(to)
			}
			return
		}
		h.ask(m.From, to, args)
	case "topics":
		if h.allow(m.From, to) {
			h.topics(to)
		}
	case "reindex":
		if h.allow(m.From, to) {
			h.reindex(m.From, to)
		}
	default:
		// In groups a bare /command may be meant for another bot.
		if (private || explicit) && h.allow(m.From, to) {
			h.notice(to, a.texts.UnknownCommand, false)
		}
	}
}

// allow applies the per-user flood control; past the limit it sends the
// one notice and reports false.
func (h *handling) allow(from *tgbotapi.User, to target) bool {
	d := h.a.flood.Allow(idString(from.ID))
	if d.Notice {
		h.notice(to, h.a.texts.Flood, false)
	}
	return d.Allowed
}

func (h *handling) question(from *tgbotapi.User, chatID int64, text string) bot.Question {
	q := bot.Question{Text: text, Platform: Platform, UserID: idString(from.ID)}
	if chatID != 0 {
		q.ChatID = idString(chatID)
	}
	return q
}

// ask answers a typed question.
func (h *handling) ask(from *tgbotapi.User, to target, text string) {
	if strings.TrimSpace(text) == "" {
		if h.allow(from, to) {
			h.prompt(to)
		}
		return
	}
	if !h.allow(from, to) {
		return
	}
	r, err := h.a.ans.Answer(h.ctx, h.question(from, to.chatID, text))
	if err != nil {
		h.fail("answer", err, to)
		return
	}
	h.reply(to, r)
}

// fail logs an Answerer error once and tells the person something kind.
func (h *handling) fail(op string, err error, to target) {
	h.a.log.Error("answering failed", "op", op, "update_id", h.updateID, "err", err)
	h.notice(to, h.a.texts.Error, false)
}

// prompt asks for the question, as a forced reply so that the answer in a
// group comes back to the bot even with privacy mode on.
func (h *handling) prompt(to target) {
	msg := h.newMessage(to, renderNotice(h.a.texts.AskPrompt))
	msg.ReplyMarkup = tgbotapi.ForceReply{ForceReply: true, Selective: to.group, InputFieldPlaceholder: "Your question"}
	h.enqueue(to, false, []tgbotapi.MessageConfig{msg})
}

func (h *handling) topics(to target) {
	refs := h.a.ans.Topics(h.ctx)
	disclaimer := h.a.ans.Help(h.ctx).Disclaimer
	text := h.a.texts.TopicsHeader
	kb := topicsKeyboard(refs)
	if kb == nil {
		text = h.a.texts.NoTopics
	}
	parts := pack([]block{{text: text}}, block{text: oneLine(disclaimer), tag: "i"}, maxMessageLen)
	h.send(to, false, parts, kb)
}

func (h *handling) reindex(from *tgbotapi.User, to target) {
	a := h.a
	switch {
	case a.cfg.Reindex == nil:
		h.notice(to, a.texts.Unavailable, false)
		return
	case !a.admins[from.ID]:
		h.notice(to, a.texts.NotAdmin, false)
		return
	}
	summary, err := a.cfg.Reindex(h.ctx)
	if err != nil {
		a.log.Error("reindex failed", "update_id", h.updateID, "err", err)
		h.notice(to, a.texts.ReindexFailed, false)
		return
	}
	a.log.Info("reindexed from chat", "update_id", h.updateID, "summary", summary)
	h.notice(to, a.texts.ReindexDone+" "+summary, false)
}

func (h *handling) callback(cq *tgbotapi.CallbackQuery) {
	a := h.a
	if cq.From == nil {
		a.log.Warn("skipping a callback without sender", "update_id", h.updateID)
		return
	}
	cb, ok := parseCallback(cq.Data)
	if !ok {
		h.ack(cq.ID, a.texts.ButtonExpired)
		return
	}
	if cb.feedback {
		err := a.ans.Feedback(h.ctx, bot.Feedback{Platform: Platform, UserID: idString(cq.From.ID), EntryID: cb.entryID, Helpful: cb.helpful})
		if err != nil {
			a.log.Error("recording feedback failed", "update_id", h.updateID, "err", err)
			h.ack(cq.ID, a.texts.FeedbackFailed)
			return
		}
		h.ack(cq.ID, a.texts.FeedbackThanks)
		return
	}
	// A related question or topic: stop the button's spinner, then answer.
	h.ack(cq.ID, "")
	if cq.Message == nil || cq.Message.Chat == nil {
		return // inline-mode messages carry no buttons of ours
	}
	chat := cq.Message.Chat
	to := target{chatID: chat.ID, group: chat.IsGroup() || chat.IsSuperGroup()}
	if !h.allow(cq.From, to) {
		return
	}
	title := buttonTitle(cq.Message.ReplyMarkup, cq.Data)
	r, err := a.ans.AnswerEntry(h.ctx, h.question(cq.From, chat.ID, title), cb.entryID)
	if err != nil {
		h.fail("answer entry", err, to)
		return
	}
	h.reply(to, r)
}

// ack answers a callback query (outside the message queue: it is not a
// chat message, and the button spins until it is answered).
func (h *handling) ack(id, text string) {
	if _, err := h.a.request(h.ctx, tgbotapi.NewCallback(id, text)); err != nil {
		h.a.log.Warn("answerCallbackQuery failed", "update_id", h.updateID, "err", err)
	}
}

// maxInlineResults is the most entries offered for one inline query.
const maxInlineResults = 5

func (h *handling) inline(iq *tgbotapi.InlineQuery) {
	a := h.a
	if iq.From == nil {
		a.log.Warn("skipping an inline query without sender", "update_id", h.updateID)
		return
	}
	results := make([]interface{}, 0, maxInlineResults)
	if text := strings.TrimSpace(iq.Query); text != "" {
		q := h.question(iq.From, 0, text)
		r, err := a.ans.Answer(h.ctx, q)
		if err != nil {
			a.log.Error("answering an inline query failed", "update_id", h.updateID, "err", err)
		} else {
			results = append(results, inlineArticle(0, r))
			if r.Kind == bot.KindAnswer {
				for _, ref := range r.DidYouMean {
					if len(results) >= maxInlineResults {
						break
					}
					alt, err := a.ans.AnswerEntry(h.ctx, q, ref.ID)
					if err != nil {
						a.log.Warn("answering an inline alternative failed", "update_id", h.updateID, "err", err)
						continue
					}
					results = append(results, inlineArticle(len(results), alt))
				}
			}
		}
	}
	cfg := tgbotapi.InlineConfig{InlineQueryID: iq.ID, Results: results, CacheTime: 30, IsPersonal: true}
	if _, err := a.request(h.ctx, cfg); err != nil {
		a.log.Warn("answerInlineQuery failed", "update_id", h.updateID, "err", err)
	}
}

// inlineArticle is one inline result: the matched question as title, the
// answer and the disclaimer as the message sent.
func inlineArticle(i int, r bot.Reply) tgbotapi.InlineQueryResultArticle {
	parts, _ := renderReply(r)
	text := ""
	if len(parts) > 0 {
		text = parts[0]
	}
	title := oneLine(r.Source.Title)
	if title == "" {
		title = snippet(r.Text, 64)
	}
	if r.Kind == bot.KindUrgent {
		title = "⚠️ " + title
	}
	id := r.Source.ID
	if id == "" {
		id = string(r.Kind)
	}
	art := tgbotapi.NewInlineQueryResultArticleHTML(idString(int64(i))+":"+id, title, text)
	art.Description = snippet(r.Text, 100)
	return art
}

func snippet(s string, n int) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// reply renders a core reply and queues it; urgent replies skip ahead.
func (h *handling) reply(to target, r bot.Reply, extra ...string) {
	parts, kb := renderReply(r, extra...)
	h.send(to, r.Kind == bot.KindUrgent, parts, kb)
}

// notice queues an adapter message.
func (h *handling) notice(to target, text string, urgent bool) {
	h.send(to, urgent, []string{renderNotice(text)}, nil)
}

func (h *handling) newMessage(to target, html string) tgbotapi.MessageConfig {
	msg := tgbotapi.NewMessage(to.chatID, html)
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	if to.replyTo != 0 {
		msg.ReplyToMessageID = to.replyTo
		msg.AllowSendingWithoutReply = true
	}
	return msg
}

func (h *handling) send(to target, urgent bool, parts []string, kb *tgbotapi.InlineKeyboardMarkup) {
	msgs := make([]tgbotapi.MessageConfig, 0, len(parts))
	for i, p := range parts {
		msg := h.newMessage(to, p)
		if i > 0 {
			msg.ReplyToMessageID, msg.AllowSendingWithoutReply = 0, false
		}
		if i == len(parts)-1 && kb != nil {
			msg.ReplyMarkup = *kb
		}
		msgs = append(msgs, msg)
	}
	h.enqueue(to, urgent, msgs)
}

func (h *handling) enqueue(to target, urgent bool, msgs []tgbotapi.MessageConfig) {
	if len(msgs) == 0 || h.tk == nil {
		return
	}
	if !h.a.out.enqueue(to.chatID, to.group, urgent, h.tk, h.updateID, msgs) {
		h.a.log.Error("reply not queued: shutting down", "update_id", h.updateID)
	}
}
