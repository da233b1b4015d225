package linefile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func write(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestJSON(t *testing.T) {
	path := write(t, `{"id":"a","q":"one"}`+"\n"+`{"id":"b","q":"two"}`+"\n")
	got := JSON[struct{ ID, Q string }](t, path)
	if len(got) != 2 || got[0].ID != "a" || got[1].Q != "two" {
		t.Errorf("got %+v, want a/one and b/two", got)
	}
}

func TestText(t *testing.T) {
	path := write(t, "  first \n\n\tsecond\n   \nthird")
	if got, want := Text(t, path), []string{"first", "second", "third"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
