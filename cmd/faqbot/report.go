package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"faqbot/store"
)

// StoreConfig is the store: section, the conversation log behind reports.
// The DSN is a SQLite file path (relative to the config file) or a
// postgres:// URL for several replicas.
type StoreConfig struct {
	Enabled   bool     `yaml:"enabled"`
	DSN       string   `yaml:"dsn"`
	Retention Duration `yaml:"retention"`
}

func defaultStoreConfig() StoreConfig {
	return StoreConfig{DSN: "data/faqbot.db", Retention: Duration(store.DefaultRetention)}
}

func (c Config) storeConfig(getenv func(string) string, log *slog.Logger) store.Config {
	// A DSN with a password belongs in the environment.
	dsn := envOr(getenv, "FAQBOT_STORE_DSN", c.Store.DSN)
	if !isURL(dsn) {
		dsn = c.path(dsn)
	}
	return store.Config{DSN: dsn, Salt: getenv("FAQBOT_STORE_SALT"), Retention: time.Duration(c.Store.Retention), Logger: log}
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
	since := fs.Duration("since", 7*24*time.Hour, "report period, ending now")
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
	st, err := store.Open(ctx, cfg.storeConfig(m.Getenv, newLogger(m.Stderr, cfg.Log, slog.LevelWarn)))
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now()
	rep, err := st.Report(ctx, now.Add(-*since), now, store.ReportOptions{})
	if err != nil {
		return err
	}
	if *format == "csv" {
		return store.WriteCSV(m.Stdout, rep)
	}
	return store.WriteJSON(m.Stdout, rep)
}
