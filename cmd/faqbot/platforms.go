package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"faqbot/adapters/discord"
	"faqbot/adapters/httpapi"
	"faqbot/adapters/telegram"
	"faqbot/metrics"
)

// TelegramConfig is the telegram: section. The token comes from
// FAQBOT_TELEGRAM_TOKEN and the webhook secret from
// FAQBOT_TELEGRAM_WEBHOOK_SECRET, never from this file.
type TelegramConfig struct {
	Enabled         bool                  `yaml:"enabled"`
	APIEndpoint     string                `yaml:"api_endpoint"`
	Webhook         TelegramWebhookConfig `yaml:"webhook"`
	PollTimeout     Duration              `yaml:"poll_timeout"`
	ChatInterval    Duration              `yaml:"chat_interval"`
	GroupPerMinute  int                   `yaml:"group_per_minute"`
	GlobalPerSecond int                   `yaml:"global_per_second"`
	FloodPerMinute  int                   `yaml:"flood_per_minute"`
	ShutdownTimeout Duration              `yaml:"shutdown_timeout"`
	PollLimit       int                   `yaml:"poll_limit"`
	// AdminIDs are added to admin.telegram_user_ids.
	AdminIDs       []int64       `yaml:"admin_ids"`
	Workers        int           `yaml:"workers"`
	SendWorkers    int           `yaml:"send_workers"`
	MaxRetries     int           `yaml:"max_retries"`
	RetryBackoff   Duration      `yaml:"retry_backoff"`
	RequestTimeout Duration      `yaml:"request_timeout"`
	Texts          TelegramTexts `yaml:"texts"`
}

// TelegramTexts overrides the Telegram adapter's own messages; empty keys
// keep telegram.DefaultTexts. Answers, notices and error texts are the
// core's, under bot.texts.
type TelegramTexts struct {
	NonText        string `yaml:"non_text"`
	AskPrompt      string `yaml:"ask_prompt"`
	AskPlaceholder string `yaml:"ask_placeholder"`
	UnknownCommand string `yaml:"unknown_command"`
	GroupHint      string `yaml:"group_hint"`
	ButtonExpired  string `yaml:"button_expired"`
	CmdStart       string `yaml:"cmd_start"`
	CmdHelp        string `yaml:"cmd_help"`
	CmdAsk         string `yaml:"cmd_ask"`
	CmdTopics      string `yaml:"cmd_topics"`
}

func (t TelegramTexts) adapter() telegram.Texts {
	return telegram.Texts{
		NonText: t.NonText, AskPrompt: t.AskPrompt, AskPlaceholder: t.AskPlaceholder,
		UnknownCommand: t.UnknownCommand, GroupHint: t.GroupHint, ButtonExpired: t.ButtonExpired,
		CmdStart: t.CmdStart, CmdHelp: t.CmdHelp, CmdAsk: t.CmdAsk, CmdTopics: t.CmdTopics,
	}
}

// TelegramWebhookConfig switches Telegram to webhook delivery when URL is set.
type TelegramWebhookConfig struct {
	URL    string `yaml:"url"`
	Listen string `yaml:"listen"`
	Path   string `yaml:"path"`
}

func defaultTelegramConfig() TelegramConfig {
	return TelegramConfig{FloodPerMinute: 20}
}

func (c TelegramConfig) validate() error {
	if c.FloodPerMinute < 0 || c.GroupPerMinute < 0 || c.GlobalPerSecond < 0 {
		return errors.New("telegram: rates must not be negative")
	}
	return nil
}

func (c Config) telegramConfig(getenv func(string) string) (telegram.Config, error) {
	t := c.Telegram
	token := getenv("FAQBOT_TELEGRAM_TOKEN")
	if token == "" {
		return telegram.Config{}, errors.New("telegram.enabled is true but FAQBOT_TELEGRAM_TOKEN is not set")
	}
	endpoint := envOr(getenv, "FAQBOT_TELEGRAM_API_ENDPOINT", t.APIEndpoint)
	tc := telegram.Config{
		Token: token, APIEndpoint: endpoint,
		Webhook: telegram.Webhook{URL: t.Webhook.URL, Listen: t.Webhook.Listen, Path: t.Webhook.Path,
			Secret: getenv("FAQBOT_TELEGRAM_WEBHOOK_SECRET")},
		PollTimeout: time.Duration(t.PollTimeout), ChatInterval: time.Duration(t.ChatInterval),
		GroupPerMinute: t.GroupPerMinute, GlobalPerSecond: t.GlobalPerSecond,
		ShutdownTimeout: time.Duration(t.ShutdownTimeout),
		AdminIDs:        append(append([]int64(nil), c.Admin.TelegramUserIDs...), t.AdminIDs...),
		PollLimit:       t.PollLimit, Workers: t.Workers, SendWorkers: t.SendWorkers, MaxRetries: t.MaxRetries,
		RetryBackoff: time.Duration(t.RetryBackoff), RequestTimeout: time.Duration(t.RequestTimeout),
		Texts: t.Texts.adapter(),
	}
	if tc.Webhook.URL != "" && tc.Webhook.Secret == "" {
		return tc, errors.New("telegram.webhook.url is set but FAQBOT_TELEGRAM_WEBHOOK_SECRET is not")
	}
	return tc, nil
}

// DiscordConfig is the discord: section. The token comes from
// FAQBOT_DISCORD_TOKEN, never from this file.
type DiscordConfig struct {
	Enabled        bool       `yaml:"enabled"`
	APIBase        string     `yaml:"api_base"`
	ApplicationID  string     `yaml:"application_id"`
	GuildID        string     `yaml:"guild_id"`
	MessageContent bool       `yaml:"message_content"`
	ShardID        int        `yaml:"shard_id"`
	ShardCount     ShardCount `yaml:"shard_count"`
	Interactions   struct {
		Listen    string `yaml:"listen"`
		Path      string `yaml:"path"`
		PublicKey string `yaml:"public_key"`
	} `yaml:"interactions"`
	DisableGateway  bool     `yaml:"disable_gateway"`
	FloodPerMinute  int      `yaml:"flood_per_minute"`
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
	// AdminIDs are added to admin.discord_user_ids.
	AdminIDs      []string `yaml:"admin_ids"`
	DeferAfter    Duration `yaml:"defer_after"`
	AnswerTimeout Duration `yaml:"answer_timeout"`
	Workers       int      `yaml:"workers"`
	// Texts overrides the Discord adapter's own messages.
	Texts struct {
		Unknown    string `yaml:"unknown"`
		DidYouMean string `yaml:"did_you_mean"`
	} `yaml:"texts"`
}

// ShardCount is a shard count or "auto".
type ShardCount int

// UnmarshalYAML accepts a number or "auto".
func (s *ShardCount) UnmarshalYAML(n *yaml.Node) error {
	if n.Value == "auto" {
		*s = ShardCount(discord.ShardAuto)
		return nil
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: shard_count %q must be a number or \"auto\"", n.Line, n.Value)
	}
	*s = ShardCount(v)
	return nil
}

func defaultDiscordConfig() DiscordConfig { return DiscordConfig{FloodPerMinute: 20} }

func (c DiscordConfig) validate() error {
	if c.FloodPerMinute < 0 {
		return fmt.Errorf("discord.flood_per_minute %d must not be negative", c.FloodPerMinute)
	}
	if c.ShardCount > 0 && (c.ShardID < 0 || c.ShardID >= int(c.ShardCount)) {
		return fmt.Errorf("discord.shard_id %d must be below shard_count %d", c.ShardID, c.ShardCount)
	}
	return nil
}

func (c Config) discordConfig(getenv func(string) string) (discord.Config, error) {
	d := c.Discord
	token := getenv("FAQBOT_DISCORD_TOKEN")
	if token == "" {
		return discord.Config{}, errors.New("discord.enabled is true but FAQBOT_DISCORD_TOKEN is not set")
	}
	base := envOr(getenv, "FAQBOT_DISCORD_API_BASE", d.APIBase)
	return discord.Config{
		Token: token, APIBase: base, ApplicationID: d.ApplicationID, GuildID: d.GuildID,
		MessageContent: d.MessageContent, ShardID: d.ShardID, ShardCount: int(d.ShardCount),
		DisableGateway:  d.DisableGateway,
		Interactions:    discord.Interactions{Listen: d.Interactions.Listen, Path: d.Interactions.Path, PublicKey: d.Interactions.PublicKey},
		AdminIDs:        append(append([]string(nil), c.Admin.DiscordUserIDs...), d.AdminIDs...),
		ReindexCommand:  true, // the core serves it (bot.WithReindex)
		Texts:           discord.Texts{Unknown: d.Texts.Unknown, DidYouMean: d.Texts.DidYouMean},
		ShutdownTimeout: time.Duration(d.ShutdownTimeout),
		DeferAfter:      time.Duration(d.DeferAfter), AnswerTimeout: time.Duration(d.AnswerTimeout), Workers: d.Workers,
	}, nil
}

func (c Config) httpConfig(getenv func(string) string, met *metrics.Metrics) httpapi.Config {
	hc := httpapi.Config{
		Listen: c.HTTP.Listen, AdminToken: getenv("FAQBOT_ADMIN_TOKEN"),
		MaxBodyBytes: c.HTTP.MaxBodyBytes, MaxQuestionChars: c.HTTP.MaxQuestionChars,
		Web: httpapi.Web{Enabled: c.HTTP.Web, Title: c.Web.Title, Greeting: c.Web.Greeting,
			Disclaimer: c.Bot.Disclaimer, Colors: c.Web.Colors},
	}
	if met != nil {
		hc.Metrics = met.Handler()
		hc.Instrument = met.InstrumentHandler
	}
	return hc
}

// envOr returns the environment variable name when set, else fallback: the
// environment overrides config.yaml.
func envOr(getenv func(string) string, name, fallback string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return fallback
}
