package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"faqbot/search"
	"faqbot/store"
)

func replicaLib(t *testing.T, dir string) *search.Library {
	t.Helper()
	lib, _, err := search.OpenLibrary(search.LibraryConfig{Paths: []string{dir}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

// replicaStore is a store in a temporary file, closed at the end of the
// test, and the quiet logger it logs to.
func replicaStore(t *testing.T) (*store.Store, *slog.Logger) {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(context.Background(), store.Config{DSN: filepath.Join(t.TempDir(), "s.db"), Salt: "s", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, quiet
}

// stepAll runs one step of every replica in turn.
func stepAll(t *testing.T, rs ...*replicaSync) {
	t.Helper()
	for _, r := range rs {
		if err := r.step(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFAQ(t *testing.T, dir, answer string) {
	t.Helper()
	body := "faq:\n  - question: How long does a cold last?\n    answer: " + answer + "\n"
	if err := os.WriteFile(filepath.Join(dir, "faq.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReplicaSync: two replicas on one store and one content folder; a
// reindex of one (any trigger) reaches the other at its next step. A
// replica whose folder differs follows once per published version and
// does not reindex again and again.
func TestReplicaSync(t *testing.T) {
	ctx := context.Background()
	st, quiet := replicaStore(t)
	shared := t.TempDir()
	writeFAQ(t, shared, "About a week.")
	a, b := replicaLib(t, shared), replicaLib(t, shared)
	ra, rb := newReplicaSync(a, st, quiet), newReplicaSync(b, st, quiet)
	stepAll(t, ra, rb)
	v1 := a.Status().Serving.Version
	if b.Status().Reindexes != 0 {
		t.Fatalf("same content: b reindexed %d times", b.Status().Reindexes)
	}

	time.Sleep(5 * time.Millisecond) // a later reindex time than b's start
	writeFAQ(t, shared, "Seven to ten days.")
	if _, err := a.Reindex(ctx, "http"); err != nil {
		t.Fatal(err)
	}
	v2 := a.Status().Serving.Version
	if v2 == v1 {
		t.Fatal("new content, same version")
	}
	if err := ra.step(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.Status().Serving.Version; got != v1 {
		t.Fatalf("b before its step: %s, want still %s", got, v1)
	}
	if err := rb.step(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.Status().Serving; got.Version != v2 || got.Trigger != "replica" {
		t.Fatalf("b after its step serves %s (trigger %q), want %s from a replica reindex", got.Version, got.Trigger, v2)
	}

	// A replica with other content follows once, then stays.
	other := t.TempDir()
	writeFAQ(t, other, "It depends.")
	c := replicaLib(t, other)
	// c started before a's reindex was published? Make its start older.
	rc := newReplicaSync(c, st, quiet)
	cur, _ := st.Content(ctx)
	if err := st.PublishContent(ctx, store.ContentState{Version: cur.Version, At: time.Now().Add(time.Second), By: cur.By}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := rc.step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.Status().Reindexes; n != 1 {
		t.Errorf("replica with other content reindexed %d times, want once", n)
	}
	if now, _ := st.Content(ctx); now.Version != v2 {
		t.Errorf("shared version %s, want a's %s kept", now.Version, v2)
	}
}
