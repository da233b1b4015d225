package wordvec

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

// TestData guards the embedded word vectors: they parse, cover the
// words health questions use, and put related words nearer than unrelated
// ones.
func TestData(t *testing.T) {
	wv, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := wv.Len(); n < 50000 || len(wv.data) != n*Dim {
		t.Fatalf("%d words, %d bytes of vectors", n, len(wv.data))
	}
	for _, w := range []string{"pain", "tinnitus", "insomnia", "vaccine", "massages", "sciatica"} {
		if wv.Row(w) < 0 {
			t.Errorf("no vector for %q", w)
		}
	}
	if r := wv.Row("qzxvb"); r != -1 {
		t.Errorf("a non-word has row %d", r)
	}
	cos := func(a, b string) float64 { return wv.Dot(wv.Row(a), wv.Row(b)) }
	for _, p := range [][3]string{{"dog", "pet", "massage"}, {"ache", "pain", "money"}, {"doctor", "physician", "window"}} {
		if near, far := cos(p[0], p[1]), cos(p[0], p[2]); near <= far+0.2 {
			t.Errorf("cos(%s, %s) = %.2f, cos(%s, %s) = %.2f", p[0], p[1], near, p[0], p[2], far)
		}
	}
	if c := cos("pain", "pain"); c != 1 {
		t.Errorf("a word's cosine with itself = %v", c)
	}
}

// TestBadData: broken vector data is an error naming what is wrong,
// never a panic.
func TestBadData(t *testing.T) {
	raw := func(s string) string { return s }
	// file is the format for words (in row order) with every vector byte
	// 127, and the rows in the given order.
	file := func(words []string, order ...uint32) string {
		b := []byte(fmt.Sprintf("glove2 %d 100\n%s\n%s", len(words), strings.Join(words, "\n"), strings.Repeat("\x7f", 100*len(words))))
		for _, r := range order {
			b = binary.LittleEndian.AppendUint32(b, r)
		}
		return string(b)
	}
	for _, c := range []struct {
		name string
		data string
		want string
	}{
		{"no header line", "plain", "bad header"},
		{"empty", raw(""), "bad header"},
		{"wrong magic", raw("vectors 1 100\na\n"), "bad header"},
		{"the first format", raw("glove 1 100\na\n" + strings.Repeat("x", 100)), "bad header"},
		{"wrong dimension", raw("glove2 1 50\na\n"), "bad header"},
		{"missing words", raw("glove2 3 100\na\n"), "missing"},
		{"short vectors", raw("glove2 1 100\na\n" + strings.Repeat("x", 99)), "99 bytes"},
		{"long vectors", raw("glove2 1 100\na\n" + strings.Repeat("x", 105)), "105 bytes"},
		{"no order", file([]string{"a"}), "100 bytes"},
		{"a row out of range", file([]string{"a"}, 7), "row 7"},
		{"unsorted order", file([]string{"a", "b"}, 1, 0), "order"},
		{"a word twice", file([]string{"a", "a"}, 0, 1), "twice"},
	} {
		_, err := Parse(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.name, err, c.want)
		}
	}
	wv, err := Parse(file([]string{"zebra", "a", "goose"}, 1, 2, 0))
	if err != nil || wv.Row("a") != 1 || wv.Row("zebra") != 0 || wv.Row("goose") != 2 || wv.data[0] != 127 {
		t.Fatalf("two good vectors: %v", err)
	}
}

func BenchmarkDot(b *testing.B) {
	v, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	x, y := v.Row("pain"), v.Row("ache")
	s := 0.0
	for b.Loop() {
		s += v.Dot(x, y)
	}
	_ = s
}
