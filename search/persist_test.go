package search

import (
	"bufio"
	"context"
	"encoding/json"
	"faqbot/bot/bottest"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"faqbot/faq"
)

// persistQuestions are the development set's questions over the bundled
// content, plus some the content does not answer and a typo.
func persistQuestions(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../testdata/dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs := []string{"masage for neck pain", "what is the capital of france", "sleep", "headache after a massage?"}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var it struct{ Q string }
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		qs = append(qs, it.Q)
	}
	return qs
}

// copyContent copies the bundled content into a new folder, which a test
// may change.
func copyContent(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	des, err := os.ReadDir("../content")
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		data, err := os.ReadFile(filepath.Join("../content", de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, de.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// openPersistLib opens a library over content with index path ip and
// returns it with its log.
func openPersistLib(t *testing.T, content, ip string) (*Library, Report, *bottest.SyncBuffer) {
	t.Helper()
	var buf bottest.SyncBuffer
	l, rep, err := OpenLibrary(LibraryConfig{Paths: []string{content}, IndexPath: ip, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatalf("OpenLibrary: %v", err)
	}
	l.saving.Wait() // a first start writes the index in the background
	return l, rep, &buf
}

// answers are every candidate of every question: entry, score, features
// and confidence.
func answers(t *testing.T, x *Index, qs []string) []string {
	t.Helper()
	var out []string
	for _, q := range qs {
		cs, err := x.Candidates(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			b, _ := json.Marshal(struct {
				ID         string
				Score      float64
				Confidence float64
				Features   Features
			}{c.Entry.ID, c.Score, c.Confidence, c.Features})
			out = append(out, q+" "+string(b))
		}
	}
	return out
}

// versions lists the persisted folders under ip.
func versions(t *testing.T, ip string) []string {
	t.Helper()
	des, err := os.ReadDir(ip)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		if de.IsDir() {
			out = append(out, de.Name())
		}
	}
	return out
}

// TestPersistRoundTrip writes a snapshot and reads it back: every field
// that persist.go writes or finish recomputes comes back equal. A field
// added to snapshot and forgotten in persist.go fails here.
func TestPersistRoundTrip(t *testing.T) {
	res, err := faq.Load([]string{"../content"}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	syn := DefaultSynonyms()
	built, err := buildSnapshotIn(res.Entries, syn, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer built.idx.Close()
	st, err := openDiskStore(t.TempDir(), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if err := st.save("k", built, Report{OK: true, Version: res.Version}); err != nil {
		t.Fatalf("save: %v", err)
	}
	read, rep, err := st.load("k", syn)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	defer read.idx.Close()
	if rep.Version != res.Version {
		t.Errorf("report version: got %q, want %q", rep.Version, res.Version)
	}
	a, b := reflect.ValueOf(built).Elem(), reflect.ValueOf(read).Elem()
	for i := range a.NumField() {
		name := a.Type().Field(i).Name
		switch name {
		case "idx", "built", "corrections", "scoringPool", "marksPool", "diskErr":
			continue
		}
		// Unexported fields: compare through DeepEqual on addressable copies.
		if !reflect.DeepEqual(fieldValue(a, i), fieldValue(b, i)) {
			t.Errorf("field %s differs after the round trip", name)
		}
	}
}

// fieldValue returns struct field i of v as an interface, unexported or not.
func fieldValue(v reflect.Value, i int) any {
	f := v.Field(i)
	p := reflect.NewAt(f.Type(), f.Addr().UnsafePointer())
	return p.Elem().Interface()
}

func TestPersistReopenIdentical(t *testing.T) {
	content, ip := copyContent(t), filepath.Join(t.TempDir(), "index")
	qs := persistQuestions(t)

	l, rep, log := openPersistLib(t, content, ip)
	want := answers(t, l.Index(), qs)
	l.Close()
	if !strings.Contains(log.String(), "persisted the index") {
		t.Fatalf("first start did not persist; log:\n%s", log)
	}
	if v := versions(t, ip); len(v) != 1 {
		t.Fatalf("index path holds %q, want one version", v)
	}

	l2, rep2, log2 := openPersistLib(t, content, ip)
	defer l2.Close()
	if !strings.Contains(log2.String(), "opened the persisted index") {
		t.Fatalf("restart did not open the persisted index; log:\n%s", log2)
	}
	if !rep2.OK || rep2.Version != rep.Version || rep2.Entries != rep.Entries || !reflect.DeepEqual(rep2.Files, rep.Files) {
		t.Errorf("restart report: got %+v, want the first start's %+v", rep2, rep)
	}
	got := answers(t, l2.Index(), qs)
	if len(want) < len(qs) {
		t.Fatalf("only %d candidates for %d questions", len(want), len(qs))
	}
	if !reflect.DeepEqual(got, want) {
		for k := range min(len(got), len(want)) {
			if got[k] != want[k] {
				t.Errorf("first difference at %d:\n got %s\nwant %s", k, got[k], want[k])
				break
			}
		}
		t.Fatalf("restart answers differ (%d against %d candidates)", len(got), len(want))
	}
	res, err := faq.Load([]string{content}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l2.Index().Entries(), res.Entries) {
		t.Errorf("restart entries differ from a fresh load's")
	}
}

func TestPersistContentChangeRebuilds(t *testing.T) {
	content, ip := copyContent(t), filepath.Join(t.TempDir(), "index")
	l, _, _ := openPersistLib(t, content, ip)
	l.Close()
	before := versions(t, ip)

	extra := "# Cupping\n\n## What is cupping?\n\nCupping places warm cups on the skin to draw it up, an old practice sometimes offered beside massage.\n"
	if err := os.WriteFile(filepath.Join(content, "cupping.md"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	l2, _, log := openPersistLib(t, content, ip)
	defer l2.Close()
	if strings.Contains(log.String(), "opened the persisted index") {
		t.Fatalf("changed content opened the old persisted index; log:\n%s", log)
	}
	ms, err := l2.Index().Search(context.Background(), "what is cupping", 1)
	if err != nil || len(ms) == 0 || !strings.Contains(ms[0].Entry.Text, "warm cups") {
		t.Errorf("search for the new entry: %v, %v", ms, err)
	}
	after := versions(t, ip)
	if len(after) != 1 || after[0] == before[0] {
		t.Errorf("versions: before %q, after %q; want one new version, the old one removed", before, after)
	}
}

func TestPersistCorruptRebuilds(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   string
	}{
		{"flipped byte in data.bin", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, "data.bin")) }, "corrupt"},
		{"flipped byte in strings.bin", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, "strings.bin")) }, "corrupt"},
		{"flipped byte in the bleve segment", func(t *testing.T, dir string) {
			zaps, _ := filepath.Glob(filepath.Join(dir, "bleve", "store", "*.zap"))
			if len(zaps) == 0 {
				t.Fatal("no zap segment")
			}
			flipByte(t, zaps[0])
		}, "corrupt"},
		{"truncated bleve segment", func(t *testing.T, dir string) {
			zaps, _ := filepath.Glob(filepath.Join(dir, "bleve", "store", "*.zap"))
			if len(zaps) == 0 {
				t.Fatal("no zap segment")
			}
			if err := os.Truncate(zaps[0], 100); err != nil {
				t.Fatal(err)
			}
		}, "corrupt"},
		{"no manifest (half-written)", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, manifestName)); err != nil {
				t.Fatal(err)
			}
		}, "no manifest"},
		{"garbled manifest", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, manifestName), []byte("{\"format\":"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "manifest"},
		{"missing strings.bin", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "strings.bin")); err != nil {
				t.Fatal(err)
			}
		}, "strings.bin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			content, ip := copyContent(t), filepath.Join(t.TempDir(), "index")
			qs := persistQuestions(t)[:10]
			l, _, _ := openPersistLib(t, content, ip)
			want := answers(t, l.Index(), qs)
			l.Close()
			v := versions(t, ip)
			tc.damage(t, filepath.Join(ip, v[0]))

			l2, _, log := openPersistLib(t, content, ip)
			if !strings.Contains(log.String(), "persisted index unusable: rebuilding") || !strings.Contains(log.String(), tc.want) {
				t.Errorf("log does not report the damage (%q); log:\n%s", tc.want, log)
			}
			if !strings.Contains(log.String(), "level=ERROR") {
				t.Errorf("damage not logged as an error; log:\n%s", log)
			}
			if got := answers(t, l2.Index(), qs); !reflect.DeepEqual(got, want) {
				t.Errorf("answers after the rebuild differ")
			}
			l2.Close()
			// The rebuild wrote a good folder again: the next start opens it.
			l3, _, log3 := openPersistLib(t, content, ip)
			defer l3.Close()
			if !strings.Contains(log3.String(), "opened the persisted index") {
				t.Errorf("start after the rebuild did not open the rewritten index; log:\n%s", log3)
			}
		})
	}
}

func flipByte(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPersistLeftoversRemoved: an interrupted build's folder is removed at
// the next start, and only the serving version stays.
func TestPersistLeftoversRemoved(t *testing.T) {
	content, ip := copyContent(t), filepath.Join(t.TempDir(), "index")
	for _, d := range []string{buildPrefix + "123", "0123456789abcdef0123456789abcdef"} {
		if err := os.MkdirAll(filepath.Join(ip, d, "bleve"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	l, _, _ := openPersistLib(t, content, ip)
	defer l.Close()
	if v := versions(t, ip); len(v) != 1 || strings.HasPrefix(v[0], buildPrefix) || v[0] == "0123456789abcdef0123456789abcdef" {
		t.Errorf("index path holds %q, want only the new version", v)
	}
}

// TestPersistReindexSwapsOnDisk: a reindex writes the new content's
// folder, swaps, and removes the old one; concurrent reindexes and
// searches are safe and leave one version, which the next start opens.
func TestPersistReindexSwapsOnDisk(t *testing.T) {
	content, ip := copyContent(t), filepath.Join(t.TempDir(), "index")
	l, _, log := openPersistLib(t, content, ip)
	first := versions(t, ip)

	var wg sync.WaitGroup
	ctx := context.Background()
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := l.Index().Search(ctx, "massage for back pain", 3); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for k := range 3 {
		body := "# Extra\n\n## What is extra " + strings.Repeat("x", k+1) + "?\n\nAn extra entry that changes the content version.\n"
		if err := os.WriteFile(filepath.Join(content, "extra.md"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		var rw sync.WaitGroup
		for range 3 {
			rw.Go(func() {
				if _, err := l.Reindex(ctx, "test"); err != nil {
					t.Errorf("Reindex: %v", err)
				}
			})
		}
		rw.Wait()
	}
	close(stop)
	wg.Wait()
	want := answers(t, l.Index(), []string{"what is extra xxx", "massage for back pain"})
	l.Close()
	last := versions(t, ip)
	if len(last) != 1 || last[0] == first[0] {
		t.Fatalf("versions: first %q, after the reindexes %q; want one, new; log:\n%s", first, last, log)
	}
	l2, _, log2 := openPersistLib(t, content, ip)
	defer l2.Close()
	if !strings.Contains(log2.String(), "opened the persisted index") {
		t.Fatalf("restart after the reindexes did not open their index; log:\n%s", log2)
	}
	if got := answers(t, l2.Index(), []string{"what is extra xxx", "massage for back pain"}); !reflect.DeepEqual(got, want) {
		t.Errorf("restart answers differ from the reindexed index's:\n got %q\nwant %q", got, want)
	}
}

// TestPersistPathInUse: a second process (here a second library) on the
// same index path runs without persistence instead of sharing it.
func TestPersistPathInUse(t *testing.T) {
	content, ip := copyContent(t), filepath.Join(t.TempDir(), "index")
	l, _, _ := openPersistLib(t, content, ip)
	defer l.Close()
	l2, rep, log := openPersistLib(t, content, ip)
	defer l2.Close()
	if !strings.Contains(log.String(), "in use by another process") || !rep.OK || l2.Index().Len() == 0 {
		t.Errorf("second library on a used index path: report OK %v, %d entries; log:\n%s", rep.OK, l2.Index().Len(), log)
	}
}
