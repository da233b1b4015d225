package faq

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlEntry is one FAQ entry in a YAML file.
type yamlEntry struct {
	Question   string   `yaml:"question"`
	Alternates []string `yaml:"alternates"`
	// AlternateQuestions is accepted as a synonym of Alternates.
	AlternateQuestions []string `yaml:"alternate_questions"`
	Answer             string   `yaml:"answer"`
	Tags               []string `yaml:"tags"`
	ID                 string   `yaml:"id"`
	line               int
}

type yamlFile struct {
	Title string      `yaml:"title"`
	FAQ   []yamlEntry `yaml:"faq"`
}

// ParseYAML parses a YAML FAQ file: either a list of entries or a mapping
// with an optional "title" and a "faq" list. Each entry has "question",
// optional "alternates" (or "alternate_questions"), "answer" and "tags".
// Unknown keys are errors, so typos do not silently drop content.
func ParseYAML(name string, data []byte) ([]Entry, error) {
	// Check the encoding first: yaml's own messages for these name no line.
	if err := checkText(name, data); err != nil {
		return nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		e := yamlError(name, err)
		// A problem found at the end of the input is on the last line.
		if lines := bytes.Count(bytes.TrimRight(data, "\n"), []byte("\n")) + 1; e.Line > lines {
			e.Line = lines
		}
		return nil, e
	}
	if len(root.Content) == 0 {
		return nil, errAt(name, 0, "file is empty")
	}
	doc := root.Content[0]
	var items []yamlEntry
	var nodes []*yaml.Node
	switch doc.Kind {
	case yaml.SequenceNode:
		nodes = doc.Content
	case yaml.MappingNode:
		var f yamlFile
		if err := decodeStrict(doc, &f); err != nil {
			return nil, yamlError(name, err)
		}
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "faq" && doc.Content[i+1].Kind == yaml.SequenceNode {
				nodes = doc.Content[i+1].Content
			}
		}
		if nodes == nil {
			return nil, errAt(name, doc.Line, "expected a list of entries or a \"faq:\" list")
		}
	default:
		return nil, errAt(name, doc.Line, "expected a list of entries or a \"faq:\" list")
	}
	for _, n := range nodes {
		var it yamlEntry
		if err := decodeStrict(n, &it); err != nil {
			return nil, yamlError(name, err)
		}
		it.line = n.Line
		items = append(items, it)
	}
	var out []Entry
	for _, it := range items {
		q := normalizeSpace(it.Question)
		if q == "" {
			return nil, errAt(name, it.line, "entry has no \"question\"")
		}
		a := collapseParagraphs(strings.TrimSpace(it.Answer))
		if a == "" {
			return nil, errAt(name, it.line, "question %q has an empty answer", clip(q, 60))
		}
		var alts []string
		for _, s := range append(it.Alternates, it.AlternateQuestions...) {
			if s = normalizeSpace(s); s != "" {
				alts = append(alts, s)
			}
		}
		id := makeID(name, TypeFAQ, q)
		if it.ID != "" {
			id = it.ID
		}
		out = append(out, Entry{ID: id, Type: TypeFAQ, Title: q, Alternates: alts, Text: a, Tags: it.Tags, Source: name, Line: it.line})
	}
	if len(out) == 0 {
		return nil, errAt(name, 0, "no entries")
	}
	return out, nil
}

func decodeStrict(n *yaml.Node, v any) error {
	// Node.Decode has no KnownFields switch; re-encode and decode strictly.
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			// Line numbers refer to the re-encoded node; shift them to the file.
			return shiftLines(te, n.Line-1)
		}
		return err
	}
	return nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func shiftLines(te *yaml.TypeError, by int) error {
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = yamlLine.ReplaceAllStringFunc(m, func(s string) string {
			n, _ := strconv.Atoi(s[5:])
			return fmt.Sprintf("line %d", n+by)
		})
	}
	return &yaml.TypeError{Errors: msgs}
}

// yamlParserProblems are the messages of yaml.v3's parser (as opposed to
// its scanner). yaml.v3 reports their line 0-based (and none at all for the
// first line), so yamlError adds one: "[How many hours?]" on line 2 was
// reported as line 1.
var yamlParserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

func isParserProblem(msg string) bool {
	for _, p := range yamlParserProblems {
		if strings.HasSuffix(msg, p) {
			return true
		}
	}
	return false
}

// yamlError turns a yaml error into an *Error with the first line it names.
func yamlError(name string, err error) *Error {
	line := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) && isParserProblem(err.Error()) {
		line++ // see yamlParserProblems
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	// Drop only the "line N" that became Line: later ones ("already
	// defined at line 2", further errors) are part of the message.
	if loc := yamlLine.FindStringIndex(msg); loc != nil {
		msg = msg[:loc[0]] + msg[loc[1]:]
	}
	msg = strings.NewReplacer("unmarshal errors:\n  ", "", "\n  ", "; ", ": :", ":", "  ", " ").Replace(msg)
	return &Error{File: name, Line: line, Msg: "invalid YAML: " + strings.TrimSpace(strings.Trim(msg, ": "))}
}

// collapseParagraphs joins wrapped lines and keeps blank-line paragraph breaks.
func collapseParagraphs(s string) string {
	var paras []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = normalizeSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}
