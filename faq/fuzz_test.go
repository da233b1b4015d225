package faq_test

import (
	"errors"
	"os"
	"testing"
	"unicode/utf8"

	"faqbot/faq"
)

// FuzzParse feeds arbitrary bytes to every parser: Parse must never panic,
// every error must be a *faq.Error, and entries must be well formed.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/parse/sleep-basics.txt", "testdata/parse/migraine.md", "testdata/parse/hydration-list.yaml", "testdata/parse/hydration-map.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "\n", "Q:", "A:", "Q: x\nA:", "Q: x\n\nA: y\n\nA: z", "•", "• :", "- ", "* *", "#", "# FAQ\n### \n", "## FAQ\n### q\n",
		"```\n# x\n```", "\xef\xbb\xbf", "\xff\xfe", "a\x00b", "- question: q\n  answer: a\n", "faq: 1", "title: [", "- [", "&a [*a]",
		"- question: a\n  answer: x\n  question: b\n", "Title\n\nQ: q\nA: a\n\nHeading Here\n\ntext",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"f.txt", "f.md", "f.yaml"} {
			es, err := faq.Parse(name, data)
			if err != nil {
				var fe *faq.Error
				if !errors.As(err, &fe) {
					t.Fatalf("Parse(%s): error %T %q, want a *faq.Error", name, err, err)
				}
				if fe.File != name {
					t.Fatalf("Parse(%s): error names file %q", name, fe.File)
				}
				if es != nil {
					t.Fatalf("Parse(%s): %d entries with an error, want none", name, len(es))
				}
				continue
			}
			if len(es) == 0 {
				t.Fatalf("Parse(%s): no entries and no error", name)
			}
			for _, e := range es {
				if e.ID == "" || e.Source != name || e.Line < 0 {
					t.Fatalf("Parse(%s): malformed entry %+v", name, e)
				}
				if !utf8.ValidString(e.Title) || !utf8.ValidString(e.Text) || !utf8.ValidString(e.Label) {
					t.Fatalf("Parse(%s): invalid UTF-8 in entry %+v", name, e)
				}
			}
		}
	})
}
