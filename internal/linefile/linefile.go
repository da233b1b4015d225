// Package linefile reads the line-oriented files that tests use: JSON
// lines (evaluation and red-team sets) and plain lists of questions. A
// file that cannot be read fails the test. Only tests import it; it
// imports nothing of the project, so every package's tests can use it.
package linefile

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// JSON decodes every line of the JSON-lines file at path into a T, in
// order. A line that is not a JSON value (an empty one included) fails tb.
func JSON[T any](tb testing.TB, path string) []T {
	tb.Helper()
	var out []T
	scan(tb, path, func(line []byte) {
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	})
	return out
}

// Text is the lines of the file at path, trimmed, without the empty ones.
func Text(tb testing.TB, path string) []string {
	tb.Helper()
	var out []string
	scan(tb, path, func(line []byte) {
		if l := strings.TrimSpace(string(line)); l != "" {
			out = append(out, l)
		}
	})
	return out
}

// scan calls fn with every line of the file at path.
func scan(tb testing.TB, path string, fn func(line []byte)) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}
