package faq_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"faqbot/faq"
)

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestLoadSymlinkOutside: a link leading out of the content folder (the
// reported content/passwd.txt -> /etc/passwd) is refused with an error
// naming it; the rest loads, and a link inside the folder is followed.
func TestLoadSymlinkOutside(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "passwd.txt")
	writeFile(t, secret, "root:x:0:0:root:/root:/bin/bash\n\nSecret things.\n")
	dir := writeFiles(t, map[string]string{"good.yaml": goodYAML, "_shared/inner.md": goodMD})
	symlink(t, secret, filepath.Join(dir, "passwd.txt"))
	symlink(t, "/etc/passwd", filepath.Join(dir, "etc-passwd.txt"))
	symlink(t, "_shared/inner.md", filepath.Join(dir, "linked.md")) // _shared is not walked
	symlink(t, outside, filepath.Join(dir, "folder-link"))

	res, err := faq.Load([]string{dir}, faq.Options{})
	if !errors.Is(err, faq.ErrSymlinkOutside) {
		t.Fatalf("Load: got error %v, want one wrapping ErrSymlinkOutside", err)
	}
	var named []string
	for _, p := range problems(t, err) {
		named = append(named, filepath.Base(p.File))
		if errors.Is(p, faq.ErrSymlinkOutside) && !strings.Contains(p.Error(), "->") {
			t.Errorf("error %q should show where the link leads", p)
		}
	}
	if got, want := strings.Join(named, " "), "etc-passwd.txt folder-link passwd.txt"; got != want {
		t.Errorf("problems name %q, want %q", got, want)
	}
	for _, e := range res.Entries {
		if strings.Contains(e.Title+e.Text, "root:") || strings.Contains(e.Text, "Secret") {
			t.Errorf("entry %q from %s came from outside the content folder", e.Title, e.Source)
		}
	}
	sources := map[string]int{}
	for _, e := range res.Entries {
		sources[filepath.Base(e.Source)]++
	}
	if sources["linked.md"] == 0 || sources["good.yaml"] == 0 {
		t.Errorf("entries per file %v: want good.yaml and the inside link linked.md", sources)
	}
}

// TestLoadSymlinkedRoot: a content folder that is itself a link (a release
// symlink, content -> releases/v2) is walked, and its inner links may lead
// anywhere inside the real folder.
func TestLoadSymlinkedRoot(t *testing.T) {
	base := t.TempDir()
	v2 := filepath.Join(base, "releases", "v2")
	if err := os.MkdirAll(v2, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(v2, "a.yaml"), goodYAML)
	symlink(t, "a.yaml", filepath.Join(v2, "b.yaml"))
	root := filepath.Join(base, "content")
	symlink(t, "releases/v2", root)
	res, err := faq.Load([]string{root}, faq.Options{})
	if err != nil {
		t.Fatalf("link inside a symlinked root: %v", err)
	}
	// a.yaml and its link b.yaml ask the same question: b.yaml's copy is
	// skipped with a warning.
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Msg, "duplicate question") || len(res.Entries) != 1 {
		t.Errorf("warnings %v, %d entries; want one duplicate question warning and one entry", res.Warnings, len(res.Entries))
	}
	if len(res.Files) != 2 || !strings.HasPrefix(res.Files[0].Path, root) {
		t.Errorf("files %+v: want a.yaml and b.yaml under %s", res.Files, root)
	}
}

// TestLoadConfigMapLayout loads a Kubernetes ConfigMap mount: visible
// files are links through the "..data" link into a hidden folder.
func TestLoadConfigMapLayout(t *testing.T) {
	dir := t.TempDir()
	ts := filepath.Join(dir, "..2026_12_01_10_00_00.1")
	if err := os.Mkdir(ts, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ts, "faq.yaml"), goodYAML)
	symlink(t, filepath.Base(ts), filepath.Join(dir, "..data"))
	symlink(t, "..data/faq.yaml", filepath.Join(dir, "faq.yaml"))
	res, err := faq.Load([]string{dir}, faq.Options{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(res.Files) != 1 || len(res.Entries) != 1 {
		t.Errorf("got %d files, %d entries; want the one file through its link, once", len(res.Files), len(res.Entries))
	}
}
