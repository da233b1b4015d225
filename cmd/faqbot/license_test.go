package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLicenseFiles: the MIT LICENSE names the faqbot authors, and NOTICE
// and the README point at the licenses of the third-party data, which
// exist, as do the data files they cover.
func TestLicenseFiles(t *testing.T) {
	read := func(p string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("../..", p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	lic := read("LICENSE")
	for _, want := range []string{"MIT License", "Copyright (c) the faqbot authors", "THE SOFTWARE IS PROVIDED \"AS IS\""} {
		if !strings.Contains(lic, want) {
			t.Errorf("LICENSE lacks %q", want)
		}
	}
	notice, readme := read("NOTICE"), read("README.md")
	for _, p := range []string{"search/data/WORDNET-LICENSE", "search/data/wordnet.tsv.gz", "search/data/words.COPYRIGHT", "search/data/words.gz", "internal/wordvec/GLOVE-LICENSE", "internal/wordvec/glove.bin"} {
		if _, err := os.Stat(filepath.Join("../..", p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if !strings.Contains(notice, p) {
			t.Errorf("NOTICE does not name %s", p)
		}
		if !strings.Contains(readme, p) {
			t.Errorf("README does not name %s", p)
		}
	}
	// Every repository path NOTICE names exists.
	for _, p := range regexp.MustCompile(`search/data/[A-Za-z.-]+[A-Za-z]`).FindAllString(notice, -1) {
		if _, err := os.Stat(filepath.Join("../..", p)); err != nil {
			t.Errorf("NOTICE names %s: %v", p, err)
		}
	}
}
