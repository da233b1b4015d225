package main

import (
	"errors"
	"strconv"

	"faqbot/adapters/discord"
	"faqbot/adapters/telegram"
	"faqbot/metrics"
	"faqbot/search"
	"faqbot/store"
)

// storeMetrics exposes the conversation store's counters. met may be nil.
func storeMetrics(met *metrics.Metrics, st *store.Store) error {
	if met == nil {
		return nil
	}
	stat := func(f func(store.Stats) float64) func() float64 {
		return func() float64 { return f(st.Stats()) }
	}
	return errors.Join(
		met.CounterFunc("store_records_written_total", "Questions and feedback written to the conversation store.", nil,
			stat(func(s store.Stats) float64 { return float64(s.Written) })),
		met.CounterFunc("store_write_failures_total", "Batch writes to the conversation store that failed.", nil,
			stat(func(s store.Stats) float64 { return float64(s.WriteErrors) })),
		met.CounterFunc("store_records_dropped_total", "Records lost: buffer full, store shut down, or their batch failed.", nil,
			stat(func(s store.Stats) float64 { return float64(s.Dropped) })),
		met.GaugeFunc("store_queue_length", "Records buffered, waiting to be written.", nil,
			stat(func(s store.Stats) float64 { return float64(s.Queued) })),
	)
}

// contentMetrics exposes what is indexed. met may be nil.
func contentMetrics(met *metrics.Metrics, lib *search.Library) error {
	if met == nil {
		return nil
	}
	return errors.Join(
		met.GaugeFunc("content_entries", "Entries (FAQ questions and article passages) in the serving index.", nil,
			func() float64 { return float64(lib.Index().Len()) }),
		met.GaugeFunc("content_version", "The serving content version (its first 12 hex digits as a number): replicas that serve the same content show the same value.", nil,
			func() float64 { return versionNumber(lib.Status().Serving.Version) }),
		met.GaugeFunc("content_last_reindex_success", "1 when the latest reindex succeeded (or none has run since start), 0 when it failed and older content is serving.", nil,
			func() float64 {
				if st := lib.Status(); st.LastReindex != nil && !st.LastReindex.OK {
					return 0
				}
				return 1
			}),
	)
}

// versionNumber is a content version's first 12 hex digits as a number
// (exact in a float64), 0 when it is not hex.
func versionNumber(v string) float64 {
	if len(v) > 12 {
		v = v[:12]
	}
	n, err := strconv.ParseUint(v, 16, 64)
	if err != nil {
		return 0
	}
	return float64(n)
}

// platformStats are the counters both chat adapters keep.
type platformStats struct {
	Received, Sent, Dropped, Deferred, RateLimited, APIErrors uint64
}

// platformMetrics exposes a chat adapter's counters under
// platform="telegram" or "discord". met may be nil.
func platformMetrics(met *metrics.Metrics, platform string, stats func() platformStats) error {
	if met == nil {
		return nil
	}
	l := map[string]string{"platform": platform}
	counter := func(name, help string, f func(platformStats) uint64) error {
		return met.CounterFunc(name, help, l, func() float64 { return float64(f(stats())) })
	}
	return errors.Join(
		counter("platform_updates_received_total", "Questions, commands and button presses received from the platform.",
			func(s platformStats) uint64 { return s.Received }),
		counter("messages_sent_total", "Messages delivered to the platform (each part of a split reply counts).",
			func(s platformStats) uint64 { return s.Sent }),
		counter("messages_dropped_total", "Messages given up: refused, still failing after retries, or unsent at shutdown.",
			func(s platformStats) uint64 { return s.Dropped }),
		counter("rate_limit_deferrals_total", "Sends held back by a rate limit before going out (our own limiter for Telegram; a waited-out 429 for Discord).",
			func(s platformStats) uint64 { return s.Deferred }),
		counter("platform_rate_limited_total", "HTTP 429 (rate limited) responses from the platform API.",
			func(s platformStats) uint64 { return s.RateLimited }),
		counter("platform_api_errors_total", "Platform API calls that failed (any error, 429s included).",
			func(s platformStats) uint64 { return s.APIErrors }),
	)
}

func telegramStats(s telegram.Stats) platformStats {
	return platformStats{s.Received, s.Sent, s.Dropped, s.Deferred, s.RateLimited, s.APIErrors}
}

func discordStats(s discord.Stats) platformStats {
	return platformStats{s.Received, s.Sent, s.Dropped, s.Deferred, s.RateLimited, s.APIErrors}
}
