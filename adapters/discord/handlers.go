package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"faqbot/bot"
)

// Short adapter texts.
const (
	textError    = "Sorry, something went wrong on my side. Please try again in a little while."
	textFlood    = "You're sending questions faster than I can answer. Please wait a minute and try again."
	textFeedback = "Thanks for the feedback, it helps improve the answers."
	textNotAdmin = "Sorry, only the bot's operators can run /reindex."
	textUnknown  = "Sorry, I don't know that command or button any more."
)

// Command names.
const (
	cmdAsk     = "ask"
	cmdTopics  = "topics"
	cmdHelp    = "help"
	cmdReindex = "reindex"
	optQ       = "question"
	optPrivate = "private"
)

// commands returns the slash commands to register.
func (a *Adapter) commands() []*discordgo.ApplicationCommand {
	contexts := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	cmds := []*discordgo.ApplicationCommand{
		{
			Name: cmdAsk, Description: "Ask a health question", Contexts: contexts,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: optQ, Description: "Your question", Required: true, MaxLength: 500},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: optPrivate, Description: "Only you see the answer"},
			},
		},
		{Name: cmdTopics, Description: "List the questions I can answer", Contexts: contexts},
		{Name: cmdHelp, Description: "How to use this bot", Contexts: contexts},
	}
	if a.cfg.Reindex != nil {
		var adminOnly int64 // hidden from members without permissions by default
		cmds = append(cmds, &discordgo.ApplicationCommand{
			Name: cmdReindex, Description: "Reload the knowledge base (operators only)",
			DefaultMemberPermissions: &adminOnly, Contexts: contexts,
		})
	}
	return cmds
}

// registerCommands bulk-overwrites the slash commands, in the configured
// guild or globally.
func (a *Adapter) registerCommands(ctx context.Context) error {
	if a.cfg.SkipCommandRegistration {
		return nil
	}
	appID, _ := a.appID.Load().(string)
	if appID == "" {
		return errors.New("discord: register commands: unknown application ID")
	}
	err := a.retry429(ctx, func() error {
		_, err := a.rest.ApplicationCommandBulkOverwrite(appID, a.cfg.GuildID, a.commands(),
			discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: register commands: %w", err)
	}
	a.log.Info("slash commands registered", "scope", scope(a.cfg.GuildID), "count", len(a.commands()))
	return nil
}

func scope(guildID string) string {
	if guildID != "" {
		return "guild"
	}
	return "global"
}

// retry429 runs call, waiting out REST rate limits (429) while ctx allows.
func (a *Adapter) retry429(ctx context.Context, call func() error) error {
	for attempt := 0; ; attempt++ {
		err := call()
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) || attempt >= 5 {
			return err
		}
		wait := time.Second
		if rl.RateLimit != nil && rl.TooManyRequests != nil {
			wait = rl.RetryAfter
		}
		wait = max(wait, 10*time.Millisecond)
		if attempt == 0 {
			a.stats.deferred.Add(1)
		}
		a.log.Info("rate limited, waiting", "url_path", pathOf(rl), "retry_after", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting out rate limit: %w", ctx.Err())
		case <-t.C:
		}
	}
}

func pathOf(rl *discordgo.RateLimitError) string {
	if rl.RateLimit == nil {
		return ""
	}
	if i := strings.Index(rl.URL, "/api/"); i >= 0 {
		return redactPath(rl.URL[i:])
	}
	return ""
}

// restOpts are the options of every REST call made on behalf of an event.
func restOpts(ctx context.Context) []discordgo.RequestOption {
	return []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
}

// selfMention reports whether m mentions the bot user id.
func selfMention(m *discordgo.Message, id string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == id {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+id+">") || strings.Contains(m.Content, "<@!"+id+">")
}

// onMessage answers a guild mention or a DM.
func (a *Adapter) onMessage(ctx context.Context, s *discordgo.Session, ev *discordgo.MessageCreate) {
	m := ev.Message
	if m == nil || m.Author == nil || m.Author.ID == "" || m.ChannelID == "" || m.ID == "" {
		a.log.Warn("malformed MESSAGE_CREATE skipped")
		return
	}
	self, _ := a.selfID.Load().(string)
	if m.Author.Bot || m.Author.System || m.Author.ID == self || m.WebhookID != "" {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	if m.GuildID != "" && (self == "" || !selfMention(m, self)) {
		return // guild chatter not addressed to us
	}
	text := m.Content
	if self != "" {
		text = strings.NewReplacer("<@"+self+">", " ", "<@!"+self+">", " ").Replace(text)
	}
	text = strings.TrimSpace(text)
	if text == "" && m.GuildID == "" {
		return // attachment or sticker only in a DM
	}
	a.stats.received.Add(1)
	log := a.log.With("channel_id", m.ChannelID)
	var msgs []outMessage
	if d := a.flood.Allow(m.Author.ID); !d.Allowed {
		if !d.Notice {
			return
		}
		msgs = []outMessage{plain(textFlood)}
	} else {
		q := bot.Question{Text: text, Platform: Platform, UserID: m.Author.ID, ChatID: m.ChannelID}
		msgs = a.answer(ctx, log, func(ctx context.Context) (bot.Reply, error) {
			if text == "" {
				return a.ans.Help(ctx), nil
			}
			return a.ans.Answer(ctx, q)
		})
	}
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: new(bool)}
	for i, om := range msgs {
		send := &discordgo.MessageSend{Content: om.Content, Components: om.Components, AllowedMentions: noMentions()}
		if i == 0 {
			send.Reference = ref
		}
		err := a.retry429(ctx, func() error {
			_, err := s.ChannelMessageSendComplex(m.ChannelID, send, restOpts(ctx)...)
			return err
		})
		if err != nil {
			a.stats.dropped.Add(uint64(len(msgs) - i))
			log.Error("send reply", "err", err)
			return
		}
		a.stats.sent.Add(1)
	}
}

// answer calls the Answerer with a timeout and renders the reply; an error is
// logged here, once, and becomes a short kind message.
func (a *Adapter) answer(ctx context.Context, log logger, call func(context.Context) (bot.Reply, error)) []outMessage {
	actx, cancel := context.WithTimeout(ctx, a.cfg.AnswerTimeout)
	defer cancel()
	r, err := call(actx)
	if err != nil {
		log.Error("answer failed", "err", err)
		return []outMessage{plain(textError)}
	}
	return renderReply(r)
}

// interactionUserID is the ID of the user behind an interaction (Member in
// guilds, User in DMs).
func interactionUserID(in *discordgo.Interaction) string {
	switch {
	case in.Member != nil && in.Member.User != nil:
		return in.Member.User.ID
	case in.User != nil:
		return in.User.ID
	}
	return ""
}

// onGatewayInteraction handles an interaction received over the gateway,
// responding through the REST callback endpoint.
func (a *Adapter) onGatewayInteraction(ctx context.Context, s *discordgo.Session, in *discordgo.Interaction) {
	a.handleInteraction(ctx, s, in, func(resp *discordgo.InteractionResponse) error {
		return a.retry429(ctx, func() error { return s.InteractionRespond(in, resp, restOpts(ctx)...) })
	})
}

// handleInteraction serves a slash command or button click. respond sends
// the initial interaction response (exactly once); everything after it goes
// through s as follow-ups. It is shared by the gateway and the HTTP endpoint.
func (a *Adapter) handleInteraction(ctx context.Context, s *discordgo.Session, in *discordgo.Interaction, respond func(*discordgo.InteractionResponse) error) {
	user := interactionUserID(in)
	if in.ID == "" || in.Token == "" || user == "" {
		a.log.Warn("malformed interaction skipped", "type", int(in.Type))
		return
	}
	log := a.log.With("interaction", in.Type.String())
	q := bot.Question{Platform: Platform, UserID: user, ChatID: in.ChannelID}
	ephemeral := false
	var work func(ctx context.Context) []outMessage
	floodCheck := true

	switch d := in.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		if in.Type != discordgo.InteractionApplicationCommand {
			return // autocomplete: not offered
		}
		log = log.With("command", d.Name)
		switch d.Name {
		case cmdAsk:
			for _, o := range d.Options {
				if o == nil {
					continue
				}
				switch {
				case o.Name == optQ && o.Type == discordgo.ApplicationCommandOptionString:
					q.Text, _ = o.Value.(string)
				case o.Name == optPrivate && o.Type == discordgo.ApplicationCommandOptionBoolean:
					ephemeral, _ = o.Value.(bool)
				}
			}
			work = func(ctx context.Context) []outMessage {
				return a.answer(ctx, log, func(ctx context.Context) (bot.Reply, error) { return a.ans.Answer(ctx, q) })
			}
		case cmdTopics:
			work = func(ctx context.Context) []outMessage {
				return renderTopics(a.ans.Topics(ctx), a.ans.Help(ctx).Disclaimer)
			}
		case cmdHelp:
			work = func(ctx context.Context) []outMessage { return renderReply(a.ans.Help(ctx)) }
		case cmdReindex:
			ephemeral, floodCheck = true, false
			switch {
			case a.cfg.Reindex == nil:
				work = func(context.Context) []outMessage { return []outMessage{plain(textUnknown)} }
			case !a.admins[user]:
				log.Warn("reindex refused: not an admin")
				work = func(context.Context) []outMessage { return []outMessage{plain(textNotAdmin)} }
			default:
				work = func(ctx context.Context) []outMessage {
					rctx, cancel := context.WithTimeout(ctx, a.cfg.AnswerTimeout)
					defer cancel()
					sum, err := a.cfg.Reindex(rctx)
					if err != nil {
						log.Error("reindex failed", "err", err)
						return []outMessage{plain("Reindex failed: " + truncate(err.Error(), 1500))}
					}
					log.Info("reindex done")
					return []outMessage{plain("Reindexed. " + sum)}
				}
			}
		default:
			ephemeral, floodCheck = true, false
			work = func(context.Context) []outMessage { return []outMessage{plain(textUnknown)} }
		}
	case discordgo.MessageComponentInteractionData:
		if in.Message != nil && in.Message.Flags&discordgo.MessageFlagsEphemeral != 0 {
			ephemeral = true
		}
		id := d.CustomID
		switch {
		case strings.HasPrefix(id, idPrefixEntry) && len(id) > len(idPrefixEntry):
			entry := strings.TrimPrefix(id, idPrefixEntry)
			if in.Message != nil {
				q.Text = entryLabel(in.Message.Components, id)
			}
			if q.Text == "" {
				q.Text = entry
			}
			work = func(ctx context.Context) []outMessage {
				return a.answer(ctx, log, func(ctx context.Context) (bot.Reply, error) { return a.ans.AnswerEntry(ctx, q, entry) })
			}
		case (strings.HasPrefix(id, idPrefixYes) || strings.HasPrefix(id, idPrefixNo)) && len(id) > len(idPrefixYes):
			ephemeral, floodCheck = true, false
			f := bot.Feedback{Platform: Platform, UserID: user, EntryID: id[len(idPrefixYes):], Helpful: strings.HasPrefix(id, idPrefixYes)}
			work = func(ctx context.Context) []outMessage {
				if err := a.ans.Feedback(ctx, f); err != nil {
					log.Error("feedback failed", "err", err)
					return []outMessage{plain(textError)}
				}
				return []outMessage{plain(textFeedback)}
			}
		default:
			ephemeral, floodCheck = true, false
			work = func(context.Context) []outMessage { return []outMessage{plain(textUnknown)} }
		}
	default:
		a.log.Warn("unsupported or malformed interaction skipped", "type", int(in.Type))
		return
	}

	a.stats.received.Add(1)
	if floodCheck {
		if dec := a.flood.Allow(user); !dec.Allowed {
			// An interaction must be answered; say why, privately.
			if err := respond(response(discordgo.InteractionResponseChannelMessageWithSource, plain(textFlood), true)); err != nil {
				a.stats.dropped.Add(1)
				log.Error("respond", "err", redactErr(err, in.Token))
			} else {
				a.stats.sent.Add(1)
			}
			return
		}
	}
	a.respondTimely(ctx, s, in, log, ephemeral, work, respond)
}

// response builds an interaction response carrying msg.
func response(typ discordgo.InteractionResponseType, msg outMessage, ephemeral bool) *discordgo.InteractionResponse {
	data := &discordgo.InteractionResponseData{Content: msg.Content, Components: msg.Components, AllowedMentions: noMentions()}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: typ, Data: data}
}

// respondTimely runs work and answers within Discord's 3 s rule: directly
// when work is done within DeferAfter, otherwise with a deferred response
// ("thinking…") followed by an edit of it. Extra messages of a long reply
// are sent as follow-ups.
func (a *Adapter) respondTimely(ctx context.Context, s *discordgo.Session, in *discordgo.Interaction, log logger, ephemeral bool, work func(context.Context) []outMessage, respond func(*discordgo.InteractionResponse) error) {
	result := make(chan []outMessage, 1)
	go func() { result <- work(ctx) }() // ends when work does (bounded by AnswerTimeout)
	timer := time.NewTimer(a.cfg.DeferAfter)
	defer timer.Stop()

	var msgs []outMessage
	select {
	case msgs = <-result:
		if len(msgs) == 0 {
			msgs = []outMessage{plain(textError)}
		}
		if err := respond(response(discordgo.InteractionResponseChannelMessageWithSource, msgs[0], ephemeral)); err != nil {
			a.stats.dropped.Add(uint64(len(msgs)))
			log.Error("respond", "err", redactErr(err, in.Token))
			return
		}
		a.stats.sent.Add(1)
	case <-timer.C:
		a.stats.interactionsDeferred.Add(1)
		deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
		if ephemeral {
			deferred.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
		}
		if err := respond(deferred); err != nil {
			log.Error("respond deferred", "err", redactErr(err, in.Token))
			a.stats.dropped.Add(uint64(max(len(<-result), 1)))
			return
		}
		msgs = <-result
		if len(msgs) == 0 {
			msgs = []outMessage{plain(textError)}
		}
		content := msgs[0].Content
		comps := msgs[0].Components
		if comps == nil {
			comps = []discordgo.MessageComponent{}
		}
		edit := &discordgo.WebhookEdit{Content: &content, Components: &comps, AllowedMentions: noMentions()}
		if err := a.retry429(ctx, func() error {
			_, err := s.InteractionResponseEdit(in, edit, restOpts(ctx)...)
			return err
		}); err != nil {
			a.stats.dropped.Add(uint64(len(msgs)))
			log.Error("edit deferred response", "err", redactErr(err, in.Token))
			return
		}
		a.stats.sent.Add(1)
	}
	for i, m := range msgs[1:] {
		p := &discordgo.WebhookParams{Content: m.Content, Components: m.Components, AllowedMentions: noMentions()}
		if ephemeral {
			p.Flags = discordgo.MessageFlagsEphemeral
		}
		if err := a.retry429(ctx, func() error {
			_, err := s.FollowupMessageCreate(in, true, p, restOpts(ctx)...)
			return err
		}); err != nil {
			a.stats.dropped.Add(uint64(len(msgs) - 1 - i))
			log.Error("send follow-up", "err", redactErr(err, in.Token))
			return
		}
		a.stats.sent.Add(1)
	}
}

// logger is the part of *slog.Logger the handlers use.
type logger interface {
	Error(msg string, args ...any)
	Warn(msg string, args ...any)
	Info(msg string, args ...any)
}
