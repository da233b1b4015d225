package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"faqbot/bot"
	"faqbot/faq"
	"faqbot/search"
)

// Config is config.yaml: every non-secret setting. Secrets (tokens) come
// from the environment only; there are deliberately no fields for them.
type Config struct {
	Content  ContentConfig  `yaml:"content"`
	Index    IndexConfig    `yaml:"index"`
	Safety   SafetyConfig   `yaml:"safety"`
	Bot      BotConfig      `yaml:"bot"`
	Log      LogConfig      `yaml:"log"`
	HTTP     HTTPConfig     `yaml:"http"`
	Telegram TelegramConfig `yaml:"telegram"`
	Discord  DiscordConfig  `yaml:"discord"`
	Store    StoreConfig    `yaml:"store"`
	Admin    AdminConfig    `yaml:"admin"`
	Web      WebConfig      `yaml:"web"`

	// dir is the folder of the config file; relative paths resolve from it.
	dir string
}

// LexiconsConfig names the files of each lexicon (search.LexiconFiles).
type LexiconsConfig struct {
	Filler  []string `yaml:"filler"`
	Generic []string `yaml:"generic"`
	Chat    []string `yaml:"chat"`
}

// ContentConfig says where the knowledge base lives.
type ContentConfig struct {
	Paths    []string `yaml:"paths"`
	Synonyms []string `yaml:"synonyms"`
	// Lexicons are files extending the built-in word lists that questions
	// are read with (search.Lexicons).
	Lexicons LexiconsConfig `yaml:"lexicons"`
	Watch    bool           `yaml:"watch"`
	Debounce Duration       `yaml:"debounce"`
	// Ranker is a weights file written by `faqbot train` ("" = built in).
	Ranker string `yaml:"ranker"`
	// Alternates is the operator-owned overlay of added wordings that the
	// console's "accept as alternate" writes ("" = alternates.yaml in the
	// first content folder).
	Alternates string `yaml:"alternates"`
	// MaxDrop is the share of entries (0 < max_drop <= 1) a reindex may
	// lose, per file and in all, before it is refused as a probable file
	// caught mid-write (faq.DefaultMaxDrop, 0.3); 1 turns the check off.
	MaxDrop float64 `yaml:"max_drop"`
}

// IndexConfig is where the search index is kept between starts.
type IndexConfig struct {
	// Path is a folder where the index is persisted, keyed by the content
	// version and the binary, so that a start with unchanged content opens
	// it instead of building ("" = in memory only; see search.LibraryConfig).
	Path string `yaml:"path"`
}

// SafetyConfig points at the red-flag rules ("" = built in) and says
// whether the safety model gives its second opinion (with the built-in
// rules only; default true).
type SafetyConfig struct {
	Rules string `yaml:"rules"`
	Model *bool  `yaml:"model"`
}

// useModel is whether the safety model is on.
func (s SafetyConfig) useModel() bool { return s.Model == nil || *s.Model }

// BotConfig tunes the answering core.
type BotConfig struct {
	Disclaimer string `yaml:"disclaimer"`
	// MinConfidence is the answer threshold, a calibrated probability;
	// unset, the ranker's recommendation.
	MinConfidence *float64 `yaml:"min_confidence"`
	// ClarifyConfidence is the floor of the "did you mean" band (0: half
	// of min_confidence).
	ClarifyConfidence float64   `yaml:"clarify_confidence"`
	TieMargin         float64   `yaml:"tie_margin"`
	MaxAnswerChars    int       `yaml:"max_answer_chars"`
	ShortAnswerChars  int       `yaml:"short_answer_chars"`
	MaxQuestionChars  int       `yaml:"max_question_chars"`
	Texts             bot.Texts `yaml:"texts"`
}

// LogConfig sets the log level and format.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// HTTPConfig is the HTTP API (issue: operators).
type HTTPConfig struct {
	Enabled          bool   `yaml:"enabled"`
	Listen           string `yaml:"listen"`
	MaxBodyBytes     int64  `yaml:"max_body_bytes"`
	MaxQuestionChars int    `yaml:"max_question_chars"`
	// Metrics serves Prometheus metrics at /metrics on Listen.
	Metrics bool `yaml:"metrics"`
	// Web serves the chat page at / and /widget.js (docs/web.md).
	Web bool `yaml:"web"`
}

// WebConfig is the web: section, the chat page's look (docs/web.md).
type WebConfig struct {
	Title    string `yaml:"title"`
	Greeting string `yaml:"greeting"`
	// Colors: accent, accent_text, background, surface, text, urgent.
	Colors map[string]string `yaml:"colors"`
}

// AdminConfig lists who may run admin chat commands such as /reindex.
type AdminConfig struct {
	TelegramUserIDs []int64  `yaml:"telegram_user_ids"`
	DiscordUserIDs  []string `yaml:"discord_user_ids"`
}

// Duration is a time.Duration written as "500ms", "2s" in YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: duration %q: %w", n.Line, n.Value, err)
	}
	*d = Duration(v)
	return nil
}

// DefaultConfig is used for everything config.yaml leaves out.
func DefaultConfig() Config {
	d := bot.DefaultConfig()
	return Config{
		Content: ContentConfig{Paths: []string{"content"}, Debounce: Duration(500 * time.Millisecond), MaxDrop: faq.DefaultMaxDrop},
		Bot: BotConfig{Disclaimer: d.Disclaimer, TieMargin: d.TieMargin,
			MaxAnswerChars: d.MaxAnswerChars, ShortAnswerChars: d.ShortAnswerChars, MaxQuestionChars: d.MaxQuestionChars},
		Log:      LogConfig{Level: "info", Format: "text"},
		HTTP:     HTTPConfig{Enabled: true, Listen: "127.0.0.1:8080", MaxBodyBytes: 64 << 10, MaxQuestionChars: d.MaxQuestionChars, Metrics: true, Web: true},
		Telegram: defaultTelegramConfig(),
		Discord:  defaultDiscordConfig(),
		Store:    defaultStoreConfig(),
	}
}

// ReadConfig reads path over the defaults. A missing file is an error only
// when required (the operator named it); unknown keys are errors.
func ReadConfig(path string, required bool) (Config, error) {
	cfg := DefaultConfig()
	cfg.dir = "."
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.dir = filepath.Dir(path)
	return cfg, cfg.validate()
}

func (c Config) validate() error {
	var errs []error
	if p := c.Bot.MinConfidence; p != nil && (*p < 0 || *p > 1) {
		errs = append(errs, fmt.Errorf("bot.min_confidence %v must be between 0 and 1", *p))
	}
	if p := c.Bot.ClarifyConfidence; p < 0 || p > 1 {
		errs = append(errs, fmt.Errorf("bot.clarify_confidence %v must be between 0 and 1", p))
	}
	if c.Bot.MaxAnswerChars < 0 || c.Bot.MaxQuestionChars < 0 {
		errs = append(errs, errors.New("bot: character limits must not be negative"))
	}
	if c.Store.WeakScore < 0 || c.Store.WeakScore > 1 {
		errs = append(errs, fmt.Errorf("store.weak_score %v must be between 0 and 1", c.Store.WeakScore))
	}
	if c.Content.MaxDrop <= 0 || c.Content.MaxDrop > 1 {
		errs = append(errs, fmt.Errorf("content.max_drop %v must be a share above 0 and at most 1 (0.3 refuses a reindex that loses over 30%% of the entries; 1 turns the check off)", c.Content.MaxDrop))
	}
	if !validLogLevel(c.Log.Level) {
		errs = append(errs, fmt.Errorf("log.level %q must be debug, info, warn or error", c.Log.Level))
	}
	switch c.Log.Format {
	case "", "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log.format %q must be text or json", c.Log.Format))
	}
	if err := c.Store.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Telegram.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Discord.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// logLevels are the log.level values.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

func validLogLevel(s string) bool {
	_, ok := logLevels[strings.ToLower(s)]
	return ok || s == ""
}

// minAdminToken is the shortest FAQBOT_ADMIN_TOKEN serve accepts, in
// bytes: 32 random bytes (openssl rand -hex 32 prints 64 characters) are
// beyond guessing even without the failed-attempt throttle.
const minAdminToken = 32

// checkAdminToken refuses an admin token too short to resist guessing. It
// never shows the token.
func checkAdminToken(token string) error {
	if token != "" && len(token) < minAdminToken {
		return fmt.Errorf("FAQBOT_ADMIN_TOKEN is %d bytes; use at least %d random bytes (for example: openssl rand -hex 32), or unset it to turn the admin endpoints off", len(token), minAdminToken)
	}
	return nil
}

// path resolves a configured path against the config file's folder.
func (c Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) || c.dir == "" {
		return p
	}
	return filepath.Join(c.dir, p)
}

func (c Config) contentPaths() []string {
	out := make([]string, len(c.Content.Paths))
	for i, p := range c.Content.Paths {
		out[i] = c.path(p)
	}
	return out
}

// overlayPath is the alternates overlay file ("" when the content has no
// folder and none is configured).
func (c Config) overlayPath() string {
	return faq.OverlayPath(c.contentPaths(), c.path(c.Content.Alternates))
}

// contentOptions are the content validation options, without a guard.
func (c Config) contentOptions() faq.Options {
	return faq.Options{MaxAnswerChars: c.Bot.MaxAnswerChars, Overlay: c.overlayPath()}
}

// lexiconFiles are the lexicon files, resolved from the config's folder.
func (c Config) lexiconFiles() search.LexiconFiles {
	paths := func(ps []string) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = c.path(p)
		}
		return out
	}
	l := c.Content.Lexicons
	return search.LexiconFiles{Filler: paths(l.Filler), Generic: paths(l.Generic), Chat: paths(l.Chat)}
}

func (c Config) synonymPaths() []string {
	out := make([]string, len(c.Content.Synonyms))
	for i, p := range c.Content.Synonyms {
		out[i] = c.path(p)
	}
	return out
}

// minConfidence is the answer threshold: bot.min_confidence, or the
// ranker's recommendation when it is unset.
func (c Config) minConfidence(rk *search.Ranker) float64 {
	if c.Bot.MinConfidence != nil {
		return *c.Bot.MinConfidence
	}
	return rk.MinConfidence
}

func (c Config) botConfig(rk *search.Ranker) bot.Config {
	return bot.Config{
		Disclaimer: c.Bot.Disclaimer, MinConfidence: c.minConfidence(rk), ClarifyConfidence: c.Bot.ClarifyConfidence, TieMargin: c.Bot.TieMargin,
		MaxAnswerChars: c.Bot.MaxAnswerChars, ShortAnswerChars: c.Bot.ShortAnswerChars,
		MaxQuestionChars: c.Bot.MaxQuestionChars, Texts: c.Bot.Texts,
		FloodPerMinute: map[string]int{"telegram": c.Telegram.FloodPerMinute, "discord": c.Discord.FloodPerMinute},
	}
}
