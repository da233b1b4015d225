package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"faqbot/adapters/discord"
	"faqbot/adapters/httpapi"
	"faqbot/adapters/telegram"
	"faqbot/bot"
	"faqbot/faq"
	"faqbot/metrics"
	"faqbot/search"
	"faqbot/store"
)

// admin adapts the content library and the conversation store to the HTTP
// admin endpoints.
type admin struct {
	lib   *search.Library
	guard *faq.Guard
	st    *store.Store // nil when the store is off
	ropts store.ReportOptions
	bot   *bot.Bot // for the thresholds shown by Explain; nil shows zeros
	// overlay is the alternates overlay that AcceptAlternate writes ("":
	// none, refused).
	overlay string
}

// Explain ranks question over the serving index for the console's "Try a
// question" (POST /admin/explain): the best limit candidates with their
// confidence and ranking features.
func (a admin) Explain(ctx context.Context, question string, limit int) (httpapi.Explanation, error) {
	cs, err := a.lib.Index().Candidates(ctx, question)
	if err != nil {
		return httpapi.Explanation{}, fmt.Errorf("explain: %w", err)
	}
	out := httpapi.Explanation{Question: question}
	if a.bot != nil {
		bc := a.bot.Config()
		out.MinConfidence, out.ClarifyConfidence = bc.MinConfidence, bc.ClarifyConfidence
	}
	names := search.FeatureNames()
	for i, c := range cs {
		if i == limit {
			break
		}
		hc := httpapi.Candidate{
			EntryID: c.Entry.ID, Title: c.Entry.Title, Type: string(c.Entry.Type),
			Source: fmt.Sprintf("%s:%d", c.Entry.Source, c.Entry.Line), Confidence: c.Confidence, Score: c.Score,
		}
		for j, v := range c.Features {
			if j < len(names) {
				hc.Features = append(hc.Features, httpapi.Feature{Name: names[j], Value: v})
			}
		}
		out.Candidates = append(out.Candidates, hc)
	}
	return out, nil
}

func (a admin) Reindex(ctx context.Context) (httpapi.ReindexReport, error) {
	rep, err := a.lib.Reindex(ctx, "http")
	return reindexReport(rep), err
}

// ForceReindex is Reindex accepting any loss of entries (?force=1).
func (a admin) ForceReindex(ctx context.Context) (httpapi.ReindexReport, error) {
	a.guard.Force()
	rep, err := a.lib.Reindex(ctx, "http-force")
	return reindexReport(rep), err
}

func (a admin) Status(ctx context.Context) httpapi.Status {
	st := a.lib.Status()
	out := httpapi.Status{Serving: reindexReport(st.Serving), Reindexes: st.Reindexes, Failures: st.Failures}
	if st.LastReindex != nil {
		last := reindexReport(*st.LastReindex)
		out.LastReindex = &last
	}
	return out
}

// reindexReport is the library's report as the admin API shows it.
func reindexReport(r search.Report) httpapi.ReindexReport {
	out := httpapi.ReindexReport{OK: r.OK, Trigger: r.Trigger, At: r.At, DurationMS: r.DurationMS, Version: r.Version,
		Entries: r.Entries, Synonyms: r.Synonyms, Errors: r.Errors}
	for _, f := range r.Files {
		out.Files = append(out.Files, httpapi.FileReport{Path: f.Path, Entries: f.Entries, Error: f.Error})
	}
	return out
}
func (a admin) Ready() bool { return a.lib.Index().Len() > 0 }

func (a admin) Report(ctx context.Context, w io.Writer, format string, from, to time.Time) error {
	if a.st == nil {
		return fmt.Errorf("report: %w", httpapi.ErrNoReports)
	}
	return writeReport(ctx, a.st, a.ropts, w, format, from, to)
}

// chatReindex is the hook behind the /reindex chat command (bot.WithReindex).
func chatReindex(lib *search.Library) func(ctx context.Context, platform string) (string, error) {
	return func(ctx context.Context, platform string) (string, error) {
		rep, err := lib.Reindex(ctx, platform)
		if err != nil {
			if len(rep.Errors) > 0 {
				return "", fmt.Errorf("%w: %s", err, strings.Join(rep.Errors, "; "))
			}
			return "", err
		}
		return fmt.Sprintf("%d entries from %d files, version %s", rep.Entries, len(rep.Files), rep.Version), nil
	}
}

// serve runs the HTTP API and every enabled chat adapter until ctx ends.
func (m *Main) serve(ctx context.Context, args []string) error {
	cfg, err := m.commandConfig("serve", args)
	if err != nil {
		return err
	}
	log := newLogger(m.Stderr, cfg.Log, slog.LevelDebug)
	if err := checkAdminToken(m.Getenv("FAQBOT_ADMIN_TOKEN")); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	g, ctx := errgroup.WithContext(ctx)
	var met *metrics.Metrics
	if cfg.HTTP.Enabled && cfg.HTTP.Metrics {
		met = metrics.New()
	}
	var opts []bot.Option
	st, stopStore, err := openStore(ctx, cfg, m.Getenv, log, met)
	if err != nil {
		return err
	}
	defer stopStore()
	if st != nil {
		opts = append(opts, bot.WithRecorder(st))
	}
	co, err := buildCore(cfg, log, met, opts...)
	if err != nil {
		return err
	}
	defer co.lib.Close()
	if err := errors.Join(contentMetrics(met, co.lib), buildMetrics(met)); err != nil {
		return err
	}

	// Every component is built before any is started, so that a failure
	// (Telegram refusing the token, a port in use) leaves nothing running.
	runs, err := m.buildPlatforms(cfg, co, st, met, log)
	if err != nil {
		return err
	}
	var httpAddr string
	if cfg.HTTP.Enabled {
		run, addr, err := m.buildHTTP(cfg, co, st, met, log)
		if err != nil {
			return err
		}
		runs, httpAddr = append(runs, run), addr
	}
	if cfg.Content.Watch {
		// Registered before any server runs, so a change made once /readyz
		// answers is never missed.
		cw, err := faq.NewWatcher(cfg.contentPaths(), time.Duration(cfg.Content.Debounce), log)
		if err != nil {
			return err
		}
		defer cw.Close()
		g.Go(func() error { return watchContent(ctx, cw, co.lib, log) })
	}
	for _, run := range runs {
		g.Go(func() error { return run(ctx) })
	}
	// Register for SIGHUP before announcing readiness, so a SIGHUP sent
	// once the server is up can never hit the default (terminate) action.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	g.Go(func() error { return reindexOnSIGHUP(ctx, hup, co.lib, log) })
	if every := cfg.syncInterval(m.Getenv); st != nil && every > 0 {
		rs := newReplicaSync(co.lib, st, log.With("component", "replicas"))
		g.Go(func() error { return rs.run(ctx, every) })
	}
	log.Info("faqbot serving", "entries", co.lib.Index().Len(), "version", co.lib.Status().Serving.Version, readBuildInfo().attr())
	if m.Ready != nil {
		m.Ready(httpAddr)
	}
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	log.Info("faqbot stopped")
	return err
}

// openStore opens and starts the conversation store when it is enabled (nil
// otherwise). stop ends its writer, flushing what is buffered, and closes
// it; serve calls it after the adapters have stopped.
func openStore(ctx context.Context, cfg Config, getenv func(string) string, log *slog.Logger, met *metrics.Metrics) (st *store.Store, stop func(), err error) {
	if !cfg.Store.Enabled {
		return nil, func() {}, nil
	}
	st, err = store.Open(ctx, cfg.storeConfig(getenv, log, true))
	if err != nil {
		return nil, nil, err
	}
	storeDone := make(chan error, 1)
	storeCtx, stopWriter := context.WithCancel(context.WithoutCancel(ctx))
	go func() { storeDone <- st.Run(storeCtx) }()
	stop = func() {
		stopWriter()
		<-storeDone
		st.Close()
	}
	if err := storeMetrics(met, st); err != nil {
		stop()
		return nil, nil, err
	}
	return st, stop, nil
}

// buildHTTP builds the HTTP API and takes its listener; it returns the Run
// function (not yet started) and the address it listens on.
func (m *Main) buildHTTP(cfg Config, co *core, st *store.Store, met *metrics.Metrics, log *slog.Logger) (func(context.Context) error, string, error) {
	srv, err := httpapi.New(cfg.httpConfig(m.Getenv, met), co.bot, admin{lib: co.lib, guard: co.guard, st: st, ropts: cfg.reportOptions(), bot: co.bot, overlay: co.overlay}, log)
	if err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return nil, "", fmt.Errorf("serve: http listen: %w", err)
	}
	addr := ln.Addr().String()
	log.Info("http api listening", "addr", addr, "admin", m.Getenv("FAQBOT_ADMIN_TOKEN") != "")
	return func(ctx context.Context) error { return srv.Serve(ctx, ln) }, addr, nil
}

// buildPlatforms builds the enabled chat adapters (connecting to Telegram
// checks its token) and returns their Run functions, not yet started.
func (m *Main) buildPlatforms(cfg Config, co *core, st *store.Store, met *metrics.Metrics, log *slog.Logger) ([]func(context.Context) error, error) {
	var runs []func(context.Context) error
	if cfg.Telegram.Enabled {
		tc, err := cfg.telegramConfig(m.Getenv)
		if err != nil {
			return nil, err
		}
		if st != nil && tc.Webhook.URL != "" && isURL(envOr(m.Getenv, "FAQBOT_STORE_DSN", cfg.Store.DSN)) {
			// Replicas behind a load balancer share one PostgreSQL store:
			// an update delivered to two of them is answered once.
			tc.Claim = func(ctx context.Context, id int) (bool, error) { return st.ClaimUpdate(ctx, "telegram", int64(id)) }
		}
		tg, err := telegram.New(tc, co.bot, log)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err) // the error names telegram
		}
		if err := platformMetrics(met, "telegram", func() platformStats { return telegramStats(tg.Stats()) }); err != nil {
			return nil, err
		}
		runs = append(runs, tg.Run)
	} else {
		log.Info("telegram adapter not enabled (telegram.enabled: false)")
	}
	if cfg.Discord.Enabled {
		dc, err := cfg.discordConfig(m.Getenv)
		if err != nil {
			return nil, err
		}
		dg, err := discord.New(dc, co.bot, log)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err) // the error names discord
		}
		if err := platformMetrics(met, "discord", func() platformStats { return discordStats(dg.Stats()) }); err != nil {
			return nil, err
		}
		if met != nil {
			if err := met.CounterFunc("discord_interactions_deferred_total", "Slash commands and buttons answered late: deferred (\"thinking…\") and followed up.", nil,
				func() float64 { return float64(dg.Stats().InteractionsDeferred) }); err != nil {
				return nil, err
			}
		}
		runs = append(runs, dg.Run)
	} else {
		log.Info("discord adapter not enabled (discord.enabled: false)")
	}
	return runs, nil
}

// watchContent reindexes whenever the content files change (content.watch).
func watchContent(ctx context.Context, cw *faq.Watcher, lib *search.Library, log *slog.Logger) error {
	return cw.Run(ctx, func() {
		if _, err := lib.Reindex(ctx, "watch"); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("content changed but the new content did not load; still serving the previous version")
		}
	})
}

// reindexOnSIGHUP reindexes each time a SIGHUP arrives on hup.
func reindexOnSIGHUP(ctx context.Context, hup <-chan os.Signal, lib *search.Library, log *slog.Logger) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hup:
			log.Info("SIGHUP: reindexing")
			_, _ = lib.Reindex(ctx, "sighup") // outcome is logged by the library
		}
	}
}

// reindex validates the content and asks a running server to reindex.
func (m *Main) reindex(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("reindex", &c)
	url := fs.String("url", "", "base URL of the running server (default http://<http.listen>)")
	force := fs.Bool("force", false, "accept new content that lost a large share of its entries (content.max_drop)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := m.validate(ctx, m.passCommon(c)); err != nil {
		fmt.Fprintln(m.Stdout, "content is not valid: not asking the server to reindex")
		return err
	}
	cfg, err := m.loadConfig(c)
	if err != nil {
		return err
	}
	base := *url
	if base == "" {
		base = "http://" + cfg.HTTP.Listen
	}
	cl := httpapi.Client{BaseURL: base, Token: m.Getenv("FAQBOT_ADMIN_TOKEN"), Force: *force}
	rep, err := cl.Reindex(ctx)
	switch {
	case errors.Is(err, httpapi.ErrNoServer):
		return fmt.Errorf("reindex: nothing is listening at %s, so nothing was reindexed (the content is valid; a server started now loads it): %w", base, err)
	case err != nil:
		if len(rep) > 0 {
			fmt.Fprintf(m.Stdout, "%s\n", rep)
		}
		return fmt.Errorf("reindex via %s: %w", base, err)
	}
	fmt.Fprintf(m.Stdout, "server at %s reindexed: %s\n", base, rep)
	return nil
}

func (m *Main) passCommon(c common) []string {
	var out []string
	if c.config != "" {
		out = append(out, "-config", c.config)
	}
	for _, p := range c.content {
		out = append(out, "-content", p)
	}
	return out
}
