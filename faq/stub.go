package faq

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxStubQuestions caps the wordings of a FAQ stub.
const MaxStubQuestions = 20

// FAQStub returns a YAML FAQ file with one entry to fill in, made from
// questions people asked that nothing answered (a report cluster): the
// first wording is the question, the others its alternates, and the answer
// is left empty. An entry with an empty answer does not load, so a stub
// saved into the content folder unfilled is refused with its file and line
// rather than served. asked is how many times the cluster was asked (0:
// not said). It returns an error when no question has any text.
func FAQStub(questions []string, asked int, now time.Time) ([]byte, error) {
	var qs []string
	seen := map[string]bool{}
	for _, q := range questions {
		q = normalizeSpace(q)
		if utf8.RuneCountInString(q) > MaxAlternateChars {
			q = string([]rune(q)[:MaxAlternateChars])
		}
		k := questionKey(q)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		qs = append(qs, q)
		if len(qs) == MaxStubQuestions {
			break
		}
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%w: no question to make a FAQ entry from", ErrBadWording)
	}
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	entry := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	q := str(qs[0])
	q.LineComment = "# the wording asked most; make it a clear question"
	entry.Content = append(entry.Content, str("question"), q)
	if len(qs) > 1 {
		alts := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, a := range qs[1:] {
			alts.Content = append(alts.Content, str(a))
		}
		entry.Content = append(entry.Content, str("alternates"), alts)
	}
	answer := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "", Style: yaml.DoubleQuotedStyle,
		LineComment: "# write the answer here: an empty answer does not load"}
	entry.Content = append(entry.Content, str("answer"), answer)
	doc := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{entry}}
	body, err := encodeYAML(doc)
	if err != nil {
		return nil, err
	}
	times := ""
	if asked > 0 {
		times = fmt.Sprintf(", asked %d times", asked)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# A new FAQ entry for questions nothing answered%s (faqbot console, %s).\n", times, now.UTC().Format("2006-01-02"))
	b.WriteString("# Write the answer and check the wording, then add the entry to a content\n")
	b.WriteString("# file (or save this file in the content folder) and reindex.\n")
	b.Write(body)
	return []byte(b.String()), nil
}
