package main

import (
	"errors"

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
		met.GaugeFunc("content_last_reindex_success", "1 when the latest reindex succeeded (or none has run since start), 0 when it failed and older content is serving.", nil,
			func() float64 {
				if st := lib.Status(); st.LastReindex != nil && !st.LastReindex.OK {
					return 0
				}
				return 1
			}),
	)
}
