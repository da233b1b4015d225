package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"faqbot/search"
)

// manifestInode is the inode of the one persisted folder's manifest
// under ip (0 when there is not exactly one folder).
func manifestInode(t *testing.T, ip string) uint64 {
	t.Helper()
	ms, _ := filepath.Glob(filepath.Join(ip, "*", "MANIFEST.json"))
	if len(ms) != 1 {
		return 0
	}
	st, err := os.Stat(ms[0])
	if err != nil {
		t.Fatal(err)
	}
	return st.Sys().(*syscall.Stat_t).Ino
}

// TestAskPersistedIndex: with index.path in config.yaml, a second `faqbot
// ask` opens the index the first wrote (the folder is not rewritten) and
// answers byte for byte the same.
func TestAskPersistedIndex(t *testing.T) {
	dir := t.TempDir()
	abs, err := filepath.Abs(bundled)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("content:\n  paths: ["+abs+"]\nindex:\n  path: idx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Every question of the eval sets over the bundled content, and a typo.
	in := "masage for neck pain\n"
	for _, set := range []string{"../../testdata/dev.jsonl", "../../testdata/paraphrase.jsonl", "../../testdata/eval/conversational-massage.jsonl", "../../testdata/eval/offtopic.jsonl"} {
		data, err := os.ReadFile(set)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var it struct{ Q string }
			if err := json.Unmarshal([]byte(l), &it); err != nil {
				t.Fatalf("%s: %v", set, err)
			}
			in += it.Q + "\n"
		}
	}
	first, stderr, err := run(t, in, nil, "ask", "--json", "-config", cfg)
	if err != nil {
		t.Fatalf("first ask: %v\n%s", err, stderr)
	}
	if got, want := strings.Count(first, "\n"), strings.Count(in, "\n"); got != want || want < 50 {
		t.Fatalf("first ask: %d replies to %d questions", got, want)
	}
	ino := manifestInode(t, filepath.Join(dir, "idx"))
	if ino == 0 {
		t.Fatalf("no persisted index under %s/idx after the first ask", dir)
	}
	second, stderr, err := run(t, in, nil, "ask", "--json", "-config", cfg)
	if err != nil {
		t.Fatalf("second ask: %v\n%s", err, stderr)
	}
	if second != first {
		t.Errorf("answers from the persisted index differ:\n got %s\nwant %s", second, first)
	}
	if got := manifestInode(t, filepath.Join(dir, "idx")); got != ino {
		t.Errorf("the second ask rewrote the persisted index (manifest inode %d, was %d); want it opened", got, ino)
	}
}

// TestReplicaSyncPersisted: replicas with their own index paths follow
// each other's reindexes through the store; each keeps exactly the version
// it serves on disk, and a replica restarted opens it and serves the
// shared version without reindexing.
func TestReplicaSyncPersisted(t *testing.T) {
	ctx := context.Background()
	st, quiet := replicaStore(t)
	shared := t.TempDir()
	writeFAQ(t, shared, "About a week.")
	ipA, ipB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	open := func(ip string) *search.Library {
		lib, _, err := search.OpenLibrary(search.LibraryConfig{Paths: []string{shared}, IndexPath: ip, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		return lib
	}
	a, b := open(ipA), open(ipB)
	defer func() { a.Close() }()
	ra, rb := newReplicaSync(a, st, quiet), newReplicaSync(b, st, quiet)
	stepAll(t, ra, rb)
	time.Sleep(5 * time.Millisecond)
	writeFAQ(t, shared, "Seven to ten days.")
	if _, err := a.Reindex(ctx, "http"); err != nil {
		t.Fatal(err)
	}
	v2 := a.Status().Serving.Version
	if err := ra.step(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rb.step(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.Status().Serving.Version; got != v2 {
		t.Fatalf("b after its step serves %s, want %s", got, v2)
	}
	inoB := manifestInode(t, ipB)
	if manifestInode(t, ipA) == 0 || inoB == 0 {
		t.Fatalf("want exactly one persisted version under each index path")
	}
	b.Close()
	b2 := open(ipB)
	defer b2.Close()
	if got := b2.Status().Serving.Version; got != v2 || manifestInode(t, ipB) != inoB {
		t.Errorf("restarted b serves %s (manifest inode %d, was %d); want %s opened from its index path", got, manifestInode(t, ipB), inoB, v2)
	}
	rb2 := newReplicaSync(b2, st, quiet)
	if err := rb2.step(ctx); err != nil {
		t.Fatal(err)
	}
	if n := b2.Status().Reindexes; n != 0 {
		t.Errorf("restarted b reindexed %d times; want none (it serves the shared version)", n)
	}
	ms, err := b2.Index().Search(ctx, "how long does a cold last", 1)
	if err != nil || len(ms) == 0 || !strings.Contains(ms[0].Entry.Text, "Seven to ten") {
		t.Errorf("restarted b answers %v, %v; want the new content", ms, err)
	}
}
