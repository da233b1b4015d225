package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"faqbot/bot"
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
	if a.cfg.ReindexCommand {
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
		_, err := a.rest.ApplicationCommandBulkOverwrite(appID, a.cfg.GuildID, a.commands(), restOpts(ctx)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: register commands: %w", err)
	}
	a.log.Info("slash commands registered", "guild", a.cfg.GuildID != "", "count", len(a.commands()))
	return nil
}

// restOpts are the options of every REST call: our context, and 429s
// returned to retry429.
func restOpts(ctx context.Context) []discordgo.RequestOption {
	return []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
}

// selfMention reports whether m mentions the bot user id.
func selfMention(m *discordgo.Message, id string) bool {
	return slices.ContainsFunc(m.Mentions, func(u *discordgo.User) bool { return u != nil && u.ID == id }) ||
		strings.Contains(m.Content, "<@"+id+">") || strings.Contains(m.Content, "<@!"+id+">")
}

// onMessage answers a guild mention or a DM; a bare mention gets the help.
func (a *Adapter) onMessage(ctx context.Context, s *discordgo.Session, ev *discordgo.MessageCreate) {
	m := ev.Message
	if m == nil || m.Author == nil || m.Author.ID == "" || m.ChannelID == "" || m.ID == "" {
		a.log.Warn("malformed MESSAGE_CREATE skipped")
		return
	}
	self, _ := a.selfID.Load().(string)
	if m.Author.Bot || m.Author.System || m.Author.ID == self || m.WebhookID != "" ||
		(m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply) {
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
	q := a.question(m.Author.ID, m.ChannelID)
	q.Text = text
	if text == "" {
		q.Intent = bot.IntentHelp
	}
	r, err := a.ask(ctx, q)
	var msgs []outMessage
	switch {
	case err != nil:
		msgs = []outMessage{a.fail(log, err)}
	case r.Quiet:
		return // flood control: silence after the one notice
	default:
		msgs = a.render(r)
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

// question is a bot.Question from a Discord user in a channel.
func (a *Adapter) question(userID, channelID string) bot.Question {
	return bot.Question{Platform: Platform, UserID: userID, ChatID: channelID, Admin: a.admins[userID]}
}

// ask calls the Answerer, bounded by AnswerTimeout.
func (a *Adapter) ask(ctx context.Context, q bot.Question) (bot.Reply, error) {
	actx, cancel := context.WithTimeout(ctx, a.cfg.AnswerTimeout)
	defer cancel()
	return a.ans.Answer(actx, q)
}

// fail is the one place that maps an error to what the person is told: it
// logs the detail once and renders the core's text for the error's kind.
func (a *Adapter) fail(log *slog.Logger, err error) outMessage {
	if bot.ErrorKindOf(err) == bot.Invalid {
		log.Warn("request refused", "err", err)
	} else {
		log.Error("answer failed", "kind", bot.ErrorKindOf(err), "err", err)
	}
	return plain(bot.ErrorMessage(err))
}

// render turns a core reply into messages, by its kind.
func (a *Adapter) render(r bot.Reply) []outMessage {
	if r.Kind == bot.KindTopics {
		return renderTopics(r.Text, r.Topics, r.Disclaimer)
	}
	return renderReplyWith(r, a.texts.DidYouMean)
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

// route is what an interaction asks of the core, and whether only the
// person who asked sees the answer.
type route struct {
	q         bot.Question
	ephemeral bool
}

// errSkip marks an interaction that gets no response at all (autocomplete,
// unsupported types).
var errSkip = errors.New("discord: interaction not served")

// commandRoutes is the route table of slash commands: each handler turns
// the command into a Question for the core.
var commandRoutes = map[string]func(d discordgo.ApplicationCommandInteractionData, q bot.Question) (route, error){
	cmdAsk: func(d discordgo.ApplicationCommandInteractionData, q bot.Question) (route, error) {
		rt := route{q: q}
		for _, o := range d.Options {
			switch {
			case o == nil:
			case o.Name == optQ && o.Type == discordgo.ApplicationCommandOptionString:
				rt.q.Text, _ = o.Value.(string)
			case o.Name == optPrivate && o.Type == discordgo.ApplicationCommandOptionBoolean:
				rt.ephemeral, _ = o.Value.(bool)
			}
		}
		return rt, nil
	},
	cmdTopics:  intentRoute(bot.IntentTopics, false),
	cmdHelp:    intentRoute(bot.IntentHelp, false),
	cmdReindex: intentRoute(bot.IntentReindex, true),
}

func intentRoute(i bot.Intent, ephemeral bool) func(discordgo.ApplicationCommandInteractionData, bot.Question) (route, error) {
	return func(_ discordgo.ApplicationCommandInteractionData, q bot.Question) (route, error) {
		q.Intent = i
		return route{q: q, ephemeral: ephemeral}, nil
	}
}

// componentRoutes is the route table of our buttons, by custom_id prefix;
// the rest of the custom_id is the entry ID.
var componentRoutes = []struct {
	prefix string
	route  func(in *discordgo.Interaction, id string, q bot.Question) route
}{
	{idPrefixEntry, func(in *discordgo.Interaction, id string, q bot.Question) route {
		q.Intent, q.EntryID = bot.IntentEntry, id
		if in.Message != nil {
			q.Text = entryLabel(in.Message.Components, idPrefixEntry+id)
		}
		if q.Text == "" {
			q.Text = id
		}
		return route{q: q, ephemeral: in.Message != nil && in.Message.Flags&discordgo.MessageFlagsEphemeral != 0}
	}},
	{idPrefixYes, feedbackRoute(true)},
	{idPrefixNo, feedbackRoute(false)},
}

func feedbackRoute(helpful bool) func(*discordgo.Interaction, string, bot.Question) route {
	return func(_ *discordgo.Interaction, id string, q bot.Question) route {
		q.Intent, q.EntryID, q.Helpful = bot.IntentFeedback, id, helpful
		return route{q: q, ephemeral: true}
	}
}

// routeInteraction finds the handler of an interaction in the route
// tables. An unknown command or button is an Invalid error (answered
// privately with Texts.Unknown); errSkip means no response at all.
func (a *Adapter) routeInteraction(in *discordgo.Interaction, q bot.Question) (route, error) {
	unknown := &bot.Error{Kind: bot.Invalid, Message: a.texts.Unknown}
	switch d := in.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		if in.Type != discordgo.InteractionApplicationCommand {
			return route{}, errSkip // autocomplete: not offered
		}
		if h := commandRoutes[d.Name]; h != nil {
			return h(d, q)
		}
		unknown.Err = fmt.Errorf("unknown command %q", d.Name)
	case discordgo.MessageComponentInteractionData:
		for _, c := range componentRoutes {
			if id, ok := strings.CutPrefix(d.CustomID, c.prefix); ok && id != "" {
				return c.route(in, id, q), nil
			}
		}
		unknown.Err = fmt.Errorf("unknown button %q", d.CustomID)
	default:
		return route{}, errSkip
	}
	return route{ephemeral: true}, unknown
}

// handleInteraction serves a slash command or button click, from the gateway
// or the HTTP endpoint; respond and s are as in exchange.
func (a *Adapter) handleInteraction(ctx context.Context, s *discordgo.Session, in *discordgo.Interaction, respond func(*discordgo.InteractionResponse) error) {
	user := interactionUserID(in)
	if in.ID == "" || in.Token == "" || user == "" {
		a.log.Warn("malformed interaction skipped", "type", int(in.Type))
		return
	}
	rt, err := a.routeInteraction(in, a.question(user, in.ChannelID))
	if errors.Is(err, errSkip) {
		a.log.Warn("unsupported or malformed interaction skipped", "type", int(in.Type))
		return
	}
	log := a.log.With("interaction", in.Type.String(), "intent", rt.q.Intent.String())
	a.stats.received.Add(1)
	work := func(ctx context.Context) rendered {
		if err != nil {
			return rendered{msgs: []outMessage{a.fail(log, err)}, private: true}
		}
		r, err := a.ask(ctx, rt.q)
		switch {
		case err != nil:
			return rendered{msgs: []outMessage{a.fail(log, err)}}
		case r.Kind == bot.KindLimited:
			// An interaction must be answered, also when flood control
			// would stay quiet: say why, privately.
			return rendered{msgs: []outMessage{plain(r.Text)}, private: true}
		}
		return rendered{msgs: a.render(r)}
	}
	x := &exchange{a: a, s: s, in: in, log: log, ephemeral: rt.ephemeral, respond: respond}
	x.respondTimely(ctx, work)
}

// rendered is the outcome of an interaction's work: the messages, and
// whether they must be private even if the interaction was not.
type rendered struct {
	msgs    []outMessage // never empty: render, fail and plain make at least one
	private bool
}

// response builds an interaction response carrying msg.
func response(typ discordgo.InteractionResponseType, msg outMessage, ephemeral bool) *discordgo.InteractionResponse {
	data := &discordgo.InteractionResponseData{Content: msg.Content, Components: msg.Components, AllowedMentions: noMentions()}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: typ, Data: data}
}

// exchange is one interaction being answered: respond sends the initial
// response (exactly once); edits and follow-ups go through s.
type exchange struct {
	a         *Adapter
	s         *discordgo.Session
	in        *discordgo.Interaction
	log       *slog.Logger
	ephemeral bool
	respond   func(*discordgo.InteractionResponse) error
}

// failed counts n messages dropped and logs why (without the token).
func (x *exchange) failed(what string, n int, err error) {
	x.a.stats.dropped.Add(uint64(n))
	x.log.Error(what, "err", redactErr(err, x.in.Token))
}

// respondTimely runs work and answers within Discord's 3 s rule: directly
// when work is done within DeferAfter, otherwise with a deferred response
// ("thinking…") followed by an edit of it. Extra messages of a long reply
// are sent as follow-ups.
func (x *exchange) respondTimely(ctx context.Context, work func(context.Context) rendered) {
	result := make(chan rendered, 1)
	go func() { result <- work(ctx) }() // ends when work does (bounded by AnswerTimeout)
	timer := time.NewTimer(x.a.cfg.DeferAfter)
	defer timer.Stop()
	var out rendered
	select {
	case out = <-result:
		x.ephemeral = x.ephemeral || out.private
		if err := x.respond(response(discordgo.InteractionResponseChannelMessageWithSource, out.msgs[0], x.ephemeral)); err != nil {
			x.failed("respond", len(out.msgs), err)
			return
		}
	case <-timer.C:
		var ok bool
		if out, ok = x.respondDeferred(ctx, result); !ok {
			return
		}
	}
	x.a.stats.sent.Add(1)
	x.followUps(ctx, out.msgs[1:])
}

// respondDeferred answers "thinking…" now and edits the answer in when
// work is done. It reports whether the answer was delivered.
func (x *exchange) respondDeferred(ctx context.Context, result <-chan rendered) (rendered, bool) {
	x.a.stats.interactionsDeferred.Add(1)
	deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if x.ephemeral {
		deferred.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	if err := x.respond(deferred); err != nil {
		x.failed("respond deferred", len((<-result).msgs), err)
		return rendered{}, false
	}
	out := <-result
	content, comps := out.msgs[0].Content, out.msgs[0].Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	edit := &discordgo.WebhookEdit{Content: &content, Components: &comps, AllowedMentions: noMentions()}
	if err := x.a.retry429(ctx, func() error {
		_, err := x.s.InteractionResponseEdit(x.in, edit, restOpts(ctx)...)
		return err
	}); err != nil {
		x.failed("edit deferred response", len(out.msgs), err)
		return rendered{}, false
	}
	return out, true
}

// followUps sends the further messages of a long reply.
func (x *exchange) followUps(ctx context.Context, msgs []outMessage) {
	for i, m := range msgs {
		p := &discordgo.WebhookParams{Content: m.Content, Components: m.Components, AllowedMentions: noMentions()}
		if x.ephemeral {
			p.Flags = discordgo.MessageFlagsEphemeral
		}
		if err := x.a.retry429(ctx, func() error {
			_, err := x.s.FollowupMessageCreate(x.in, true, p, restOpts(ctx)...)
			return err
		}); err != nil {
			x.failed("send follow-up", len(msgs)-i, err)
			return
		}
		x.a.stats.sent.Add(1)
	}
}
