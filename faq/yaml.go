package faq

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
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

// yamlFile is a YAML FAQ file's mapping form; its entries are decoded one
// by one (ParseYAML), each with its own line.
type yamlFile struct {
	Title string    `yaml:"title"`
	FAQ   yaml.Node `yaml:"faq"`
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

// decodeStrict decodes n into v, a pointer to a struct with yaml tags,
// refusing the keys of a mapping that the struct has no field for, as
// yaml's KnownFields does (Node.Decode has no such switch), with the
// file's own line numbers, and without encoding the node again: that
// round trip was most of the time of reading a large FAQ file.
func decodeStrict(n *yaml.Node, v any) error {
	if n.Kind == yaml.MappingNode {
		t := reflect.TypeOf(v).Elem()
		known := yamlKeys(t)
		var msgs []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; !known[k.Value] {
				msgs = append(msgs, fmt.Sprintf("line %d: field %s not found in type %s", k.Line, k.Value, t))
			}
		}
		if len(msgs) > 0 {
			return &yaml.TypeError{Errors: msgs}
		}
	}
	return n.Decode(v)
}

// yamlKeys are the keys a struct type's yaml tags name.
func yamlKeys(t reflect.Type) map[string]bool {
	keys := make(map[string]bool, t.NumField())
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

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
