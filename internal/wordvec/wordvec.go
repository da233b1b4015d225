// Package wordvec holds GloVe's word vectors (Pennington, Socher and
// Manning 2014; 6B tokens of Wikipedia and Gigaword, 100 dimensions; Public
// Domain Dedication and License), 69,693 words, derived by scripts/glove.sh
// (GLOVE-LICENSE). They give a measure of relatedness that no list written
// for one knowledge base has: "dog" is near "pet" (cosine 0.75), "ache" near
// "pain" (0.51), "job" near "work" (0.73). The search ranker reads them as
// features (search/features.go) and the safety triage's model reads them
// (bot/safetymodel.go).
package wordvec

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

//go:embed glove.bin
var gloveBin string

// Dim is the vectors' dimension.
const Dim = 100

// Vectors holds unit vectors scaled to signed bytes, one row per word, in
// GloVe's frequency order.
type Vectors struct {
	// words holds the words, each ending in a newline; off[r] is where row
	// r's word starts, and byWord lists the rows in the words' order (the
	// file gives it), for a binary search. (A map would take 5 MB of memory
	// for its 70,000 keys; these take 0.6 MB, and a search of them about 1 µs.)
	words  string
	off    []uint32
	byWord []int32
	data   []int8
}

// Load parses the embedded vectors once; the error says why they did not
// parse (a broken build; TestData guards it).
var Load = sync.OnceValues(func() (*Vectors, error) { return Parse(gloveBin) })

// Len is the number of words.
func (v *Vectors) Len() int { return len(v.byWord) }

// Word is row r's word.
func (v *Vectors) Word(r int32) string {
	return v.words[v.off[r] : v.off[r+1]-1]
}

// Row is w's row, or -1 when w has no vector.
func (v *Vectors) Row(w string) int32 {
	k, ok := slices.BinarySearchFunc(v.byWord, w, func(r int32, w string) int { return strings.Compare(v.Word(r), w) })
	if !ok {
		return -1
	}
	return v.byWord[k]
}

// Vec is row r's unit vector, its components scaled by 127.
func (v *Vectors) Vec(r int32) []int8 { return v.data[int(r)*Dim : int(r+1)*Dim : int(r+1)*Dim] }

// Parse reads the format scripts/glove/build.go writes. The data is
// kept uncompressed in the binary so that the words and the vectors are
// read where they lie, in the binary's read-only data: nothing is copied,
// and only the pages a search reads come into memory (gzipped, they cost a
// 7.5 MB buffer besides the 5.3 MB of compressed data read once).
func Parse(text string) (*Vectors, error) {
	head, rest, _ := strings.Cut(text, "\n")
	f := strings.Fields(head)
	if len(f) != 3 || f[0] != "glove2" {
		return nil, fmt.Errorf("word vectors: bad header %q", head)
	}
	n, err1 := strconv.Atoi(f[1])
	d, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil || d != Dim || n <= 0 || n > 1<<22 {
		return nil, fmt.Errorf("word vectors: bad header %q", head)
	}
	wv := &Vectors{off: make([]uint32, 0, n+1), byWord: make([]int32, n)}
	start := len(head) + 1
	for k := range n {
		w, after, ok := strings.Cut(rest, "\n")
		if !ok || w == "" {
			return nil, fmt.Errorf("word vectors: word %d missing", k+1)
		}
		wv.off = append(wv.off, uint32(len(text)-len(rest)-start))
		rest = after
	}
	wv.words = text[start : len(text)-len(rest)]
	wv.off = append(wv.off, uint32(len(wv.words)))
	if len(rest) != n*Dim+4*n {
		return nil, fmt.Errorf("word vectors: %d bytes of vectors and order, want %d", len(rest), n*Dim+4*n)
	}
	// The file gives the rows in the words' order (no start sorts them);
	// strictly ascending words, every row in range, make it a permutation.
	order := rest[n*Dim:]
	for k := range n {
		r := binary.LittleEndian.Uint32([]byte(order[4*k : 4*k+4]))
		if r >= uint32(n) {
			return nil, fmt.Errorf("word vectors: order: row %d of %d", r, n)
		}
		wv.byWord[k] = int32(r)
		if k == 0 {
			continue
		}
		switch prev, w := wv.Word(wv.byWord[k-1]), wv.Word(wv.byWord[k]); {
		case prev == w:
			return nil, fmt.Errorf("word vectors: word %q twice", w)
		case prev > w:
			return nil, fmt.Errorf("word vectors: order: %q before %q", prev, w)
		}
	}
	rest = rest[:n*Dim]
	// A string's bytes are never written: viewing them as int8 is safe.
	wv.data = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.StringData(rest))), len(rest))
	return wv, nil
}

// SIF is a word's weight in a text's vector: the smooth inverse
// frequency a/(a+p(w)) of Arora, Liang and Ma (2017), with a = 1e-3 and p(w)
// from Zipf's law, p ≈ 0.1/rank, the rank being the word's row (GloVe
// lists words by corpus frequency): r/(r+100). "the" weighs 0.01, a word of
// rank 10,000 0.99.
func SIF(row int32) float32 {
	r := float32(row) + 1
	return r / (r + 100)
}

// Dot is the cosine of two rows.
func (v *Vectors) Dot(a, b int32) float64 {
	if a == b {
		return 1
	}
	x := v.Vec(a)
	y := v.Vec(b)
	x, y = x[:Dim], y[:Dim]
	var s0, s1, s2, s3 int32
	for k := 0; k < Dim; k += 4 {
		s0 += int32(x[k]) * int32(y[k])
		s1 += int32(x[k+1]) * int32(y[k+1])
		s2 += int32(x[k+2]) * int32(y[k+2])
		s3 += int32(x[k+3]) * int32(y[k+3])
	}
	return float64(s0+s1+s2+s3) / (127 * 127)
}
