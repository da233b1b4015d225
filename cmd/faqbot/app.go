package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"faqbot/bot"
	"faqbot/faq"
	"faqbot/metrics"
	"faqbot/search"
)

// pathsFlag is a repeatable -content flag.
type pathsFlag []string

func (p *pathsFlag) String() string     { return strings.Join(*p, ",") }
func (p *pathsFlag) Set(v string) error { *p = append(*p, v); return nil }

// common are the flags every command takes.
type common struct {
	config  string
	content pathsFlag
}

func (m *Main) flags(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&c.config, "config", "", "config file (default config.yaml if present)")
	fs.Var(&c.content, "content", "content file or folder (repeatable; overrides content.paths)")
	if m.onFlags != nil {
		m.onFlags(fs)
	}
	return fs
}

// parseCommon parses the args of a command that has only the common flags
// and returns them with the positional arguments.
func (m *Main) parseCommon(name string, args []string) (common, []string, error) {
	var c common
	fs := m.flags(name, &c)
	err := parseFlags(fs, args)
	return c, fs.Args(), err
}

// commandConfig is the config of a command that has only the common flags.
func (m *Main) commandConfig(name string, args []string) (Config, error) {
	c, _, err := m.parseCommon(name, args)
	if err != nil {
		return Config{}, err
	}
	return m.loadConfig(c)
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errUsage
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

// parseInterleaved is parseFlags for a command whose positional arguments
// are files: flags may come after them too ("faqbot eval SET.jsonl
// -misses=false"), as people type them. It returns the positional
// arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// loadConfig reads the config named by -config (or config.yaml if present)
// and applies -content.
func (m *Main) loadConfig(c common) (Config, error) {
	path, required := c.config, true
	if path == "" {
		path, required = "config.yaml", false
	}
	cfg, err := ReadConfig(path, required)
	if err != nil {
		return cfg, err
	}
	if len(c.content) > 0 {
		cfg.Content.Paths = nil
		for _, p := range c.content {
			abs := p
			if !strings.HasPrefix(p, "/") {
				if wd, err := os.Getwd(); err == nil {
					abs = wd + "/" + p
				}
			}
			cfg.Content.Paths = append(cfg.Content.Paths, abs)
		}
	}
	return cfg, nil
}

func newLogger(w io.Writer, lc LogConfig, minLevel slog.Level) *slog.Logger {
	level, ok := logLevels[strings.ToLower(lc.Level)]
	if !ok {
		level = slog.LevelInfo // "" (validated at config load)
	}
	if level < minLevel {
		level = minLevel
	}
	opts := &slog.HandlerOptions{Level: level}
	if lc.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// core is the wired answering stack.
type core struct {
	lib *search.Library
	// guard refuses reindexes that lose too many entries; admin force
	// reindexes through it.
	guard  *faq.Guard
	bot    *bot.Bot
	triage *bot.Triage
	// overlay is the alternates overlay file ("" for none).
	overlay string
}

// buildCore loads rules and content and builds the bot. With met set, every
// question and reindex is also counted in the metrics.
func buildCore(cfg Config, log *slog.Logger, met *metrics.Metrics, opts ...bot.Option) (*core, error) {
	// The safety rules compile (tens of milliseconds) while the ranker and
	// the content load; a rules error still comes first.
	var triage *bot.Triage
	var triageErr error
	compiled := make(chan struct{})
	go func() {
		defer close(compiled)
		triage, triageErr = bot.LoadTriage(cfg.path(cfg.Safety.Rules))
		if triageErr == nil && !cfg.Safety.useModel() {
			triage = triage.RulesOnly()
		}
	}()
	fail := func(err error) (*core, error) {
		<-compiled
		if triageErr != nil {
			return nil, triageErr
		}
		return nil, err
	}
	guard := faq.NewGuard(cfg.Content.MaxDrop)
	opt := cfg.contentOptions()
	opt.Guard = guard
	lc := search.LibraryConfig{
		Paths: cfg.contentPaths(), SynonymFiles: cfg.synonymPaths(), Lexicons: cfg.lexiconFiles(),
		Options: opt, Logger: log, IndexPath: cfg.path(cfg.Index.Path),
	}
	if met != nil {
		lc.OnReindex = func(rep search.Report) {
			met.ObserveReindex(rep.Trigger, rep.OK, time.Duration(rep.DurationMS*float64(time.Millisecond)))
		}
		opts = append(opts, bot.WithRecorder(met))
	}
	rk, err := search.LoadRanker(cfg.path(cfg.Content.Ranker))
	if err != nil {
		return fail(err)
	}
	lib, _, err := search.OpenLibrary(lc)
	if err != nil {
		return fail(err)
	}
	<-compiled
	if triageErr != nil {
		lib.Close()
		return nil, triageErr
	}
	lib.Index().SetRanker(rk)
	opts = append([]bot.Option{bot.WithLogger(log), bot.WithReindex(chatReindex(lib))}, opts...)
	b, err := bot.New(lib.Index(), triage, cfg.botConfig(rk), opts...)
	if err != nil {
		lib.Close()
		return nil, err
	}
	return &core{lib: lib, guard: guard, bot: b, triage: triage, overlay: opt.Overlay}, nil
}
