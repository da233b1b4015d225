package search

import (
	"strings"
	"testing"

	"faqbot/internal/wordvec"
)

// TestVectorLookup: the embedded vectors load, and a form whose base
// WordNet knows finds the base's vector.
func TestVectorLookup(t *testing.T) {
	if err := embeddedDataErr(); err != nil {
		t.Fatal(err)
	}
	// Rows zebra, a, goose; in the words' order a (1), goose (2), zebra (0).
	v, err := wordvec.Parse("glove2 3 100\nzebra\na\ngoose\n" + strings.Repeat("\x7f", 300) +
		"\x01\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00")
	if err != nil {
		t.Fatal(err)
	}
	wv := &wordVectors{v}
	if r := wv.lookup("geese"); r != 2 {
		t.Errorf("geese: row %d, want goose's, 2", r)
	}
	if r := wv.lookup("qzxvb"); r != -1 {
		t.Errorf("a non-word has row %d", r)
	}
}
