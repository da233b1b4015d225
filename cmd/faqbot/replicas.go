package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"faqbot/search"
	"faqbot/store"
)

// contentStore is what replica sync needs of the store.
type contentStore interface {
	Content(ctx context.Context) (store.ContentState, error)
	PublishContent(ctx context.Context, c store.ContentState) error
}

// replicaSync keeps replicas that share a store on one content version.
// Each replica publishes the version its latest successful reindex
// produced, whatever triggered it (CLI, admin API, chat command, signal,
// file watch); one that sees a newer version published by another
// reindexes its own content once. Replicas reading one content folder then
// converge within an interval; replicas whose folders differ each try once
// per published version and log that they differ, instead of reindexing
// each other forever.
type replicaSync struct {
	lib *search.Library
	st  contentStore
	by  string
	log *slog.Logger
	// published is the version this replica published last; tried is the
	// shared version it last reindexed for.
	published, tried string
}

func newReplicaSync(lib *search.Library, st contentStore, log *slog.Logger) *replicaSync {
	host, _ := os.Hostname()
	return &replicaSync{lib: lib, st: st, by: fmt.Sprintf("%s/%d", host, os.Getpid()), log: log}
}

// run steps every interval until ctx ends.
func (r *replicaSync) run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := r.step(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("replica sync", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// step compares the shared version with the one serving here: it follows
// a newer one, or publishes its own.
func (r *replicaSync) step(ctx context.Context) error {
	serving := r.lib.Status().Serving
	shared, err := r.st.Content(ctx)
	if err != nil {
		return err
	}
	if shared.Version != "" && shared.Version != serving.Version && shared.At.After(serving.At) {
		if shared.Version == r.tried {
			return nil
		}
		r.tried = shared.Version
		r.log.Info("another replica serves newer content: reindexing", "version", shared.Version, "by", shared.By, "serving", serving.Version)
		rep, err := r.lib.Reindex(ctx, "replica")
		if err != nil {
			return fmt.Errorf("reindex for %s's version %s: %w", shared.By, shared.Version, err)
		}
		if rep.Version != shared.Version {
			r.log.Warn("this replica's content differs from another's: check that every replica reads the same content",
				"version", rep.Version, "other", shared.Version, "by", shared.By)
		}
		return nil
	}
	if !serving.OK || serving.Version == "" || serving.Version == shared.Version || serving.Version == r.published || serving.At.Before(shared.At) {
		return nil
	}
	if err := r.st.PublishContent(ctx, store.ContentState{Version: serving.Version, At: serving.At, By: r.by}); err != nil {
		return err
	}
	r.published = serving.Version
	return nil
}
