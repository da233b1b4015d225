package telegram

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"faqbot/internal/defaults"
)

// Config holds the adapter's settings as plain values. Zero values mean the
// documented defaults; see DefaultConfig.
type Config struct {
	// Token is the bot token from BotFather (FAQBOT_TELEGRAM_TOKEN). Required.
	// It is never logged.
	Token string
	// APIEndpoint is the Bot API endpoint in the client's format, with one %s
	// for the token and one for the method, e.g.
	// "http://127.0.0.1:8081/bot%s/%s" (FAQBOT_TELEGRAM_API_ENDPOINT).
	// Empty means https://api.telegram.org.
	APIEndpoint string
	// Webhook switches from long polling to a webhook when Webhook.URL is set.
	Webhook Webhook

	// PollTimeout is the long-polling timeout (whole seconds; default 30s).
	PollTimeout time.Duration
	// PollLimit is the most updates fetched per getUpdates (1-100; default 100).
	PollLimit int

	// ChatInterval is the least time between two messages to one chat
	// (default 1s; negative: no limit).
	ChatInterval time.Duration
	// GroupPerMinute caps messages per minute to one group (default 20;
	// negative: no limit).
	GroupPerMinute int
	// GlobalPerSecond caps all messages per second (default 30; negative: no
	// limit).
	GlobalPerSecond int

	// AdminIDs are the Telegram user IDs whose questions carry
	// bot.Question.Admin (the core lets them run /reindex).
	AdminIDs []int64

	// ShutdownTimeout bounds the time spent finishing replies in flight after
	// the context is cancelled (default 10s).
	ShutdownTimeout time.Duration
	// Workers is the number of concurrent update handlers; updates from one
	// chat are always handled in order by the same worker (default 8).
	Workers int
	// SendWorkers is the number of concurrent sendMessage requests (default 8).
	SendWorkers int
	// MaxRetries is how often a message is retried after a network error or a
	// 5xx before it is given up and logged (default 5). 429s are always waited
	// out and retried.
	MaxRetries int
	// RetryBackoff is the first retry delay; it doubles up to 30s
	// (default 500ms).
	RetryBackoff time.Duration
	// RequestTimeout bounds every Bot API request except the long poll
	// (default 15s).
	RequestTimeout time.Duration

	// Texts are the adapter's own messages; empty fields take the defaults
	// from DefaultTexts.
	Texts Texts

	// Claim, when set, is asked before each new update is handled, for
	// de-duplication shared by replicas (a webhook behind a load balancer
	// may deliver an update to two of them, or again after a timeout):
	// false means another replica has it. When Claim fails the update is
	// handled anyway: answering twice is better than not answering.
	Claim func(ctx context.Context, updateID int) (bool, error)
}

// Webhook configures webhook mode.
type Webhook struct {
	// URL is the public HTTPS URL Telegram posts updates to. Empty means long
	// polling (and any webhook left registered is deleted at start).
	URL string
	// Listen is the address of the adapter's own HTTP server, e.g. ":8443".
	// Empty: no server is started; mount Adapter.WebhookHandler yourself.
	Listen string
	// Secret is sent to Telegram as secret_token and required in the
	// X-Telegram-Bot-Api-Secret-Token header of every webhook request:
	// 1-256 characters of A-Z, a-z, 0-9, _ and -. Required with URL.
	Secret string
	// Path is the path served on Listen; default: the path of URL, or
	// "/telegram/webhook" when URL has none.
	Path string
}

// Texts are the messages the adapter writes itself, for Telegram events
// the core has no word for; answers, notices and error texts come from the
// core (bot.Texts), so every platform says the same. They are HTML-escaped
// when sent.
type Texts struct {
	NonText        string // reply to stickers, photos, voice...
	AskPrompt      string // /ask without a question
	AskPlaceholder string // the input field's placeholder under AskPrompt
	UnknownCommand string
	GroupHint      string // appended to /start and /help in groups
	ButtonExpired  string

	CmdStart, CmdHelp, CmdAsk, CmdTopics string // setMyCommands descriptions
}

// DefaultTexts returns the built-in English texts.
func DefaultTexts() Texts {
	return Texts{
		NonText:        "Sorry, I can only read text questions. Please type your question.",
		AskPrompt:      "What would you like to know? Type your question in your own words, as a reply to this message.",
		AskPlaceholder: "Your question",
		UnknownCommand: "I don't know that command. Try /help.",
		GroupHint:      "In groups, use /ask followed by your question, mention me, or reply to one of my messages.",
		ButtonExpired:  "This button no longer works. Please ask again.",
		CmdStart:       "What this bot does",
		CmdHelp:        "How to ask a question",
		CmdAsk:         "Ask a question: /ask <question>",
		CmdTopics:      "The questions I can answer",
	}
}

func (t Texts) withDefaults() Texts {
	d := DefaultTexts()
	or := func(v, def string) string { return cmp.Or(strings.TrimSpace(v), def) }
	t.NonText, t.AskPrompt, t.AskPlaceholder = or(t.NonText, d.NonText), or(t.AskPrompt, d.AskPrompt), or(t.AskPlaceholder, d.AskPlaceholder)
	t.UnknownCommand, t.GroupHint, t.ButtonExpired = or(t.UnknownCommand, d.UnknownCommand), or(t.GroupHint, d.GroupHint), or(t.ButtonExpired, d.ButtonExpired)
	t.CmdStart, t.CmdHelp, t.CmdAsk, t.CmdTopics = or(t.CmdStart, d.CmdStart), or(t.CmdHelp, d.CmdHelp), or(t.CmdAsk, d.CmdAsk), or(t.CmdTopics, d.CmdTopics)
	return t
}

// DefaultConfig returns a Config with every default filled in except Token.
func DefaultConfig() Config {
	return Config{
		APIEndpoint:     tgbotapi.APIEndpoint,
		PollTimeout:     30 * time.Second,
		PollLimit:       100,
		ChatInterval:    time.Second,
		GroupPerMinute:  20,
		GlobalPerSecond: 30,
		ShutdownTimeout: 10 * time.Second,
		Workers:         8,
		SendWorkers:     8,
		MaxRetries:      5,
		RetryBackoff:    500 * time.Millisecond,
		RequestTimeout:  15 * time.Second,
		Texts:           DefaultTexts(),
	}
}

const defaultWebhookPath = "/telegram/webhook"

// withDefaults fills zero values and validates the result.
func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if strings.TrimSpace(c.Token) == "" {
		return c, errors.New("telegram: no bot token (set FAQBOT_TELEGRAM_TOKEN)")
	}
	if c.APIEndpoint == "" {
		c.APIEndpoint = d.APIEndpoint
	}
	if strings.Count(c.APIEndpoint, "%s") != 2 {
		return c, fmt.Errorf("telegram: api endpoint %q: want two %%s, for the token and the method", c.APIEndpoint)
	}
	if u, err := url.Parse(fmt.Sprintf(c.APIEndpoint, "TOKEN", "getMe")); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return c, fmt.Errorf("telegram: api endpoint %q: not an http(s) URL", c.APIEndpoint)
	}
	defaults.Positive(&c.PollTimeout, d.PollTimeout)
	if c.PollLimit <= 0 || c.PollLimit > 100 {
		c.PollLimit = d.PollLimit
	}
	c.ChatInterval = cmp.Or(c.ChatInterval, d.ChatInterval)
	c.GroupPerMinute = cmp.Or(c.GroupPerMinute, d.GroupPerMinute)
	c.GlobalPerSecond = cmp.Or(c.GlobalPerSecond, d.GlobalPerSecond)
	defaults.Positive(&c.ShutdownTimeout, d.ShutdownTimeout)
	defaults.Positive(&c.Workers, d.Workers)
	defaults.Positive(&c.SendWorkers, d.SendWorkers)
	defaults.Positive(&c.MaxRetries, d.MaxRetries)
	defaults.Positive(&c.RetryBackoff, d.RetryBackoff)
	defaults.Positive(&c.RequestTimeout, d.RequestTimeout)
	c.Texts = c.Texts.withDefaults()
	if c.Webhook.URL != "" {
		u, err := url.Parse(c.Webhook.URL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return c, fmt.Errorf("telegram: webhook url %q: not an absolute URL", c.Webhook.URL)
		}
		if !validSecret(c.Webhook.Secret) {
			return c, errors.New("telegram: webhook secret: want 1-256 characters of A-Z, a-z, 0-9, _ and -")
		}
		if c.Webhook.Path == "" {
			c.Webhook.Path = u.Path
		}
		if c.Webhook.Path == "" || c.Webhook.Path == "/" {
			c.Webhook.Path = defaultWebhookPath
		}
		if !strings.HasPrefix(c.Webhook.Path, "/") {
			c.Webhook.Path = "/" + c.Webhook.Path
		}
	}
	return c, nil
}

func validSecret(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		ok := r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}
