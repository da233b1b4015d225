package telegram

import (
	"context"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"faqbot/bot"
)

// handling is one update being answered: its ID for the logs and the
// ticket that keeps it unconfirmed until its replies are sent.
type handling struct {
	a        *Adapter
	tk       *ticket
	updateID int
}

func (h *handling) route(ctx context.Context, u tgbotapi.Update) {
	switch {
	case u.Message != nil:
		h.message(ctx, u.Message)
	case u.CallbackQuery != nil:
		h.callback(ctx, u.CallbackQuery)
	case u.InlineQuery != nil:
		h.inline(ctx, u.InlineQuery)
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

// incoming is a message addressed to the bot, as the handlers see it.
type incoming struct {
	from     *tgbotapi.User
	to       target
	private  bool
	explicit bool // a /command@thisbot
}

// cmdHandler handles one bot command; args is the text after it. An error is
// mapped to the person's text in one place, fail.
type cmdHandler func(h *handling, ctx context.Context, in incoming, args string) error

// commands is the route table of bot commands. An unknown command gets
// Texts.UnknownCommand (in groups only when addressed to this bot).
var commands = map[string]cmdHandler{
	"start":   (*handling).help,
	"help":    (*handling).help,
	"ask":     (*handling).ask,
	"topics":  (*handling).topics,
	"reindex": (*handling).reindex,
}

func (h *handling) message(ctx context.Context, m *tgbotapi.Message) {
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
	in := incoming{from: m.From, to: target{chatID: m.Chat.ID, group: group}, private: private}
	if group {
		in.to.replyTo = m.MessageID
	}
	toMe := m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == a.self.ID

	var err error
	name, args, explicit, isCmd := h.command(m)
	in.explicit = explicit
	switch {
	case m.Text == "":
		if hasContent(m) && (private || toMe) {
			h.notice(in.to, a.texts.NonText)
		}
	case isCmd && commands[name] != nil:
		err = commands[name](h, ctx, in, args)
	case isCmd:
		// In groups a bare /command may be meant for another bot.
		if private || explicit {
			h.notice(in.to, a.texts.UnknownCommand)
		}
	case private:
		err = h.ask(ctx, in, m.Text)
	default:
		if q, ok := h.mention(m); ok {
			err = h.ask(ctx, in, q)
		} else if toMe {
			err = h.ask(ctx, in, m.Text)
		}
	}
	if err != nil {
		h.notice(in.to, h.fail(err))
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

// question is a bot.Question from a Telegram user; chatID 0 means none
// (inline queries).
func (h *handling) question(intent bot.Intent, from *tgbotapi.User, chatID int64, text string) bot.Question {
	q := bot.Question{Intent: intent, Text: text, Platform: Platform, UserID: idString(from.ID), Admin: h.a.admins[from.ID]}
	if chatID != 0 {
		q.ChatID = idString(chatID)
	}
	return q
}

// answer asks the core and sends its reply to in (with extra paragraphs).
func (h *handling) answer(ctx context.Context, in incoming, q bot.Question, extra ...string) error {
	r, err := h.a.ans.Answer(ctx, q)
	if err != nil {
		return err
	}
	h.reply(in.to, r, extra...)
	return nil
}

// ask answers a typed question; an empty one gets the prompt.
func (h *handling) ask(ctx context.Context, in incoming, text string) error {
	if strings.TrimSpace(text) == "" {
		h.prompt(in.to)
		return nil
	}
	return h.answer(ctx, in, h.question(bot.IntentAsk, in.from, in.to.chatID, text))
}

// help is /start and /help; groups also get the hint on how to ask there.
func (h *handling) help(ctx context.Context, in incoming, _ string) error {
	var extra []string
	if !in.private {
		extra = append(extra, h.a.texts.GroupHint)
	}
	return h.answer(ctx, in, h.question(bot.IntentHelp, in.from, in.to.chatID, ""), extra...)
}

func (h *handling) topics(ctx context.Context, in incoming, _ string) error {
	return h.answer(ctx, in, h.question(bot.IntentTopics, in.from, in.to.chatID, ""))
}

// reindex is the admin /reindex; the core checks Admin and runs it.
func (h *handling) reindex(ctx context.Context, in incoming, _ string) error {
	return h.answer(ctx, in, h.question(bot.IntentReindex, in.from, in.to.chatID, ""))
}

// fail is the one place that maps an error to what the person is told: it
// logs the detail once and returns the core's text for the error's kind.
func (h *handling) fail(err error) string {
	h.a.log.Error("answering failed", "update_id", h.updateID, "kind", bot.ErrorKindOf(err), "err", err)
	return bot.ErrorMessage(err)
}

// prompt asks for the question, as a forced reply so that the answer in a
// group comes back to the bot even with privacy mode on.
func (h *handling) prompt(to target) {
	msg := h.newMessage(to, renderNotice(h.a.texts.AskPrompt))
	msg.ReplyMarkup = tgbotapi.ForceReply{ForceReply: true, Selective: to.group, InputFieldPlaceholder: h.a.texts.AskPlaceholder}
	h.enqueue(to, false, []tgbotapi.MessageConfig{msg})
}

func (h *handling) callback(ctx context.Context, cq *tgbotapi.CallbackQuery) {
	a := h.a
	if cq.From == nil {
		a.log.Warn("skipping a callback without sender", "update_id", h.updateID)
		return
	}
	cb, ok := parseCallback(cq.Data)
	if !ok {
		h.ack(ctx, cq.ID, a.texts.ButtonExpired)
		return
	}
	if cb.feedback {
		q := h.question(bot.IntentFeedback, cq.From, 0, "")
		q.EntryID, q.Helpful = cb.entryID, cb.helpful
		r, err := a.ans.Answer(ctx, q)
		if err != nil {
			h.ack(ctx, cq.ID, h.fail(err))
			return
		}
		h.ack(ctx, cq.ID, r.Text)
		return
	}
	// A related question or topic: stop the button's spinner, then answer.
	h.ack(ctx, cq.ID, "")
	if cq.Message == nil || cq.Message.Chat == nil {
		return // inline-mode messages carry no buttons of ours
	}
	chat := cq.Message.Chat
	in := incoming{from: cq.From, to: target{chatID: chat.ID, group: chat.IsGroup() || chat.IsSuperGroup()}}
	q := h.question(bot.IntentEntry, cq.From, chat.ID, buttonTitle(cq.Message.ReplyMarkup, cq.Data))
	q.EntryID = cb.entryID
	if err := h.answer(ctx, in, q); err != nil {
		h.notice(in.to, h.fail(err))
	}
}

// ack answers a callback query (outside the message queue: it is not a
// chat message, and the button spins until it is answered).
func (h *handling) ack(ctx context.Context, id, text string) {
	if _, err := h.a.request(ctx, tgbotapi.NewCallback(id, text)); err != nil {
		h.a.log.Warn("answerCallbackQuery failed", "update_id", h.updateID, "err", err)
	}
}

// maxInlineResults is the most entries offered for one inline query.
const maxInlineResults = 5

// inline answers an inline query with the best match and its near-ties.
// Inline queries come as the person types: they are previews, which flood
// control does not count; a failure leaves the result list empty.
func (h *handling) inline(ctx context.Context, iq *tgbotapi.InlineQuery) {
	a := h.a
	if iq.From == nil {
		a.log.Warn("skipping an inline query without sender", "update_id", h.updateID)
		return
	}
	results := make([]interface{}, 0, maxInlineResults)
	if text := strings.TrimSpace(iq.Query); text != "" {
		q := h.question(bot.IntentAsk, iq.From, 0, text)
		q.Preview = true
		r, err := a.ans.Answer(ctx, q)
		if err != nil {
			h.fail(err)
		} else {
			results = append(results, inlineArticle(0, r))
			results = h.inlineAlternatives(ctx, q, r, results)
		}
	}
	cfg := tgbotapi.InlineConfig{InlineQueryID: iq.ID, Results: results, CacheTime: 30, IsPersonal: true}
	if _, err := a.request(ctx, cfg); err != nil {
		a.log.Warn("answerInlineQuery failed", "update_id", h.updateID, "err", err)
	}
}

// inlineAlternatives adds the "did you mean" entries of an answer.
func (h *handling) inlineAlternatives(ctx context.Context, q bot.Question, r bot.Reply, results []interface{}) []interface{} {
	if r.Kind != bot.KindAnswer {
		return results
	}
	for _, ref := range r.DidYouMean {
		if len(results) >= maxInlineResults {
			break
		}
		q.Intent, q.EntryID = bot.IntentEntry, ref.ID
		alt, err := h.a.ans.Answer(ctx, q)
		if err != nil {
			h.a.log.Warn("answering an inline alternative failed", "update_id", h.updateID, "err", err)
			continue
		}
		results = append(results, inlineArticle(len(results), alt))
	}
	return results
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

// reply renders a core reply and queues it; urgent replies skip ahead, and
// a Quiet one (a flood refusal after its notice) sends nothing.
func (h *handling) reply(to target, r bot.Reply, extra ...string) {
	if r.Quiet {
		return
	}
	parts, kb := renderReply(r, extra...)
	h.send(to, r.Kind == bot.KindUrgent, parts, kb)
}

// notice queues an adapter message.
func (h *handling) notice(to target, text string) {
	h.send(to, false, []string{renderNotice(text)}, nil)
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
