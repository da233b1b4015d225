// Command kbgen writes a synthetic knowledge base of a given size, for the
// scale benchmarks (docs/BENCHMARKS.md): YAML FAQ files and Markdown
// articles, the same for the same seed.
//
//	go run ./cmd/kbgen -n 50000 -seed 1 -out DIR [-yaml 0.5] [-per-file 1000]
//
// It writes about n entries: a share -yaml of them as FAQ entries in YAML
// files (y0000.yaml, …; a question of 6–15 words, sometimes an alternate,
// an answer of 40–200 words in one to three paragraphs), the rest as
// Markdown article passages (m0000.md, …; "#" title, "##" section headings,
// one to four paragraphs of 40–120 words each). Words come from a
// Zipf-distributed vocabulary of real health and everyday words plus
// made-up ones, so the vocabulary keeps growing with the size as real
// content's does, and a few percent of the questions share an opening.
// Questions are unique. A questions.txt of -questions questions (reworded
// from the knowledge base's, about a quarter with a typo, a fifth
// off-topic) comes with it.
package main

import (
	"flag"
	"fmt"
	"os"

	"faqbot/internal/kbgen"
)

func main() {
	n := flag.Int("n", 10000, "entries to write")
	seed := flag.Uint64("seed", 1, "random seed: the same seed writes the same files")
	out := flag.String("out", "", "folder to write into (created; must be empty or absent)")
	yamlShare := flag.Float64("yaml", 0.5, "share of the entries written as YAML FAQ entries (the rest Markdown passages)")
	perFile := flag.Int("per-file", 1000, "entries per file")
	nq := flag.Int("questions", 500, "questions to write to questions.txt")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	err := kbgen.Generate(*out, kbgen.Options{N: *n, Seed: *seed, YAMLShare: *yamlShare, PerFile: *perFile, Questions: *nq})
	if err != nil {
		fmt.Fprintln(os.Stderr, "kbgen:", err)
		os.Exit(1)
	}
}
