package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"faqbot/adapters/httpapi"
	"faqbot/search"
	"faqbot/store"
)

// StoreConfig is the store: section, the conversation log behind reports.
// The DSN is a SQLite file path (relative to the config file) or a
// postgres:// URL for several replicas.
type StoreConfig struct {
	Enabled bool   `yaml:"enabled"`
	DSN     string `yaml:"dsn"`
	// Driver is "sqlite" or "postgres"; "" chooses by DSN.
	Driver    string   `yaml:"driver"`
	Retention Duration `yaml:"retention"`
	// WeakScore: answers scored below it are listed as weak matches in
	// reports. 0 means bot.min_confidence + 0.15.
	WeakScore float64 `yaml:"weak_score"`
	// Writer tuning; 0 takes the store's default (see store.Config).
	BatchSize       int      `yaml:"batch_size"`
	FlushInterval   Duration `yaml:"flush_interval"`
	BufferSize      int      `yaml:"buffer_size"`
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
	WriteTimeout    Duration `yaml:"write_timeout"`
	PurgeInterval   Duration `yaml:"purge_interval"`
	// Journal is where serve keeps accepted records until they are
	// written, so that a killed process loses none: "" is beside a SQLite
	// database (<dsn>.journal) and none for PostgreSQL, "off" is none.
	// Give each process its own.
	Journal string `yaml:"journal"`
	// SyncInterval is how often serve compares its content version with
	// the one other replicas published in the store, and follows a newer
	// one. Used with a PostgreSQL store (SQLite serves one process); 0
	// turns it off.
	SyncInterval Duration `yaml:"sync_interval"`
}

func (c StoreConfig) validate() error {
	switch c.Driver {
	case "", store.DriverSQLite, store.DriverPostgres:
	default:
		return fmt.Errorf("store.driver %q must be %s, %s or empty (chosen by dsn)", c.Driver, store.DriverSQLite, store.DriverPostgres)
	}
	if c.BatchSize < 0 || c.BufferSize < 0 || c.FlushInterval < 0 || c.ShutdownTimeout < 0 || c.WriteTimeout < 0 || c.PurgeInterval < 0 || c.SyncInterval < 0 {
		return errors.New("store: sizes and intervals must not be negative")
	}
	return nil
}

func defaultStoreConfig() StoreConfig {
	return StoreConfig{DSN: "data/faqbot.db", Retention: Duration(store.DefaultRetention), SyncInterval: Duration(10 * time.Second)}
}

// storeConfig is the store's configuration; journal is set for the one
// process that records (serve), never for commands that only read.
func (c Config) storeConfig(getenv func(string) string, log *slog.Logger, journal bool) store.Config {
	// A DSN with a password belongs in the environment.
	dsn := envOr(getenv, "FAQBOT_STORE_DSN", c.Store.DSN)
	if !isURL(dsn) {
		dsn = c.path(dsn)
	}
	s := c.Store
	return store.Config{
		Driver: s.Driver, DSN: dsn, Salt: getenv("FAQBOT_STORE_SALT"), Retention: time.Duration(s.Retention),
		BatchSize: s.BatchSize, FlushInterval: time.Duration(s.FlushInterval), BufferSize: s.BufferSize,
		ShutdownTimeout: time.Duration(s.ShutdownTimeout), WriteTimeout: time.Duration(s.WriteTimeout),
		PurgeInterval: time.Duration(s.PurgeInterval), Logger: log,
		Journal: c.journalPath(dsn, journal),
	}
}

// syncInterval is how often replicas compare content versions; 0 for a
// SQLite store, which one process owns.
func (c Config) syncInterval(getenv func(string) string) time.Duration {
	if !isURL(envOr(getenv, "FAQBOT_STORE_DSN", c.Store.DSN)) {
		return 0
	}
	return time.Duration(c.Store.SyncInterval)
}

// journalPath is the store journal's path prefix, "" for none.
func (c Config) journalPath(dsn string, journal bool) string {
	switch j := c.Store.Journal; {
	case !journal || j == "off":
		return ""
	case j != "":
		return c.path(j)
	case isURL(dsn):
		return "" // PostgreSQL: replicas need paths of their own, so opt in
	default:
		return strings.TrimPrefix(strings.SplitN(dsn, "?", 2)[0], "file:") + ".journal"
	}
}

// reportOptions are the report settings: the weak-match threshold, and the
// search index's own analysis of a question (stop words, thesaurus,
// stemming), so that reports group questions as search saw them.
func (c Config) reportOptions() store.ReportOptions {
	o := store.ReportOptions{WeakScore: c.Store.WeakScore}
	if o.WeakScore == 0 {
		o.WeakScore = min(1, c.minConfidence(search.DefaultRanker())+0.15)
	}
	// A broken synonym file is reported by the reindex; reports then
	// cluster with the built-in thesaurus.
	syn, err := search.LoadSynonyms(c.synonymPaths())
	if err != nil {
		syn = search.DefaultSynonyms()
	}
	o.Terms = syn.Terms
	return o
}

// writeReport writes the report for [from, to) as json or csv.
func writeReport(ctx context.Context, st *store.Store, opts store.ReportOptions, w io.Writer, format string, from, to time.Time) error {
	rep, err := st.Report(ctx, from, to, opts)
	if err != nil {
		return err
	}
	if format == "csv" {
		return store.WriteCSV(w, rep)
	}
	return store.WriteJSON(w, rep)
}

func isURL(s string) bool {
	for i := 0; i < len(s) && i < 16; i++ {
		if s[i] == ':' {
			return i+2 < len(s) && s[i+1] == '/' && s[i+2] == '/'
		}
	}
	return false
}

// report prints what people asked and what the bot could not answer.
func (m *Main) report(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("report", &c)
	since := 7 * 24 * time.Hour
	fs.Func("since", "report period ending now: days (7d) or a duration (36h); default 7d", func(s string) error {
		d, err := httpapi.ParseSince(s)
		since = d
		return err
	})
	format := fs.String("format", "json", "json or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "json" && *format != "csv" {
		return fmt.Errorf("%w: -format must be json or csv", errUsage)
	}
	cfg, err := m.loadConfig(c)
	if err != nil {
		return err
	}
	if !cfg.Store.Enabled {
		return errors.New("report: the conversation store is off (set store.enabled: true in config.yaml)")
	}
	st, err := store.Open(ctx, cfg.storeConfig(m.Getenv, newLogger(m.Stderr, cfg.Log, slog.LevelWarn), false))
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now()
	return writeReport(ctx, st, cfg.reportOptions(), m.Stdout, *format, now.Add(-since), now)
}
