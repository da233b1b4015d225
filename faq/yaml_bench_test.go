package faq_test

import (
	"os"
	"path/filepath"
	"testing"

	"faqbot/faq"
)

// BenchmarkParseYAML parses the YAML files of FAQBOT_BENCH_YAML (a folder,
// e.g. the y*.yaml of `go run ./cmd/kbgen -n 10000 -out DIR`), or the
// repository's hearing FAQ.
func BenchmarkParseYAML(b *testing.B) {
	dir := os.Getenv("FAQBOT_BENCH_YAML")
	if dir == "" {
		dir = "../testdata/kb4"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) == 0 {
		b.Fatalf("no YAML files in %s", dir)
	}
	var data [][]byte
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range data {
			if _, err := faq.ParseYAML(files[i], d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
