// Package faq is faqbot's content model and its loaders. It turns knowledge
// base files — the plain-text article format, Markdown and YAML FAQ files —
// into Entries: FAQ entries (a question and its answer) and article passages
// (a section heading with one paragraph, or a bullet with its lead-in).
//
// Every entry has a stable ID derived from its source file name and content,
// and remembers its file and line so errors and operators can point at it.
// Loading never panics: bad content gives an *Error naming file and line.
// The package has no project imports.
package faq

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
)

// Type is the kind of an entry.
type Type string

const (
	// TypeFAQ is a question with its answer.
	TypeFAQ Type = "faq"
	// TypePassage is a piece of an article: a paragraph or a bullet under a
	// section heading.
	TypePassage Type = "passage"
)

// Entry is one answerable unit of the knowledge base.
type Entry struct {
	// ID is stable across reloads while the file name and the entry's own
	// content stay the same (lines moving around do not change it).
	ID string
	// Type is TypeFAQ or TypePassage.
	Type Type
	// Title is the question of a FAQ entry, or the section heading of a passage.
	Title string
	// Alternates are other phrasings of a FAQ question (YAML), indexed with it.
	Alternates []string
	// Label is a bullet's own title ("Improved Blood Circulation"), if any.
	Label string
	// Text is the answer of a FAQ entry, or the passage's paragraph or bullet.
	Text string
	// Context is a bullet's lead-in paragraph, indexed but not shown.
	Context string
	// More is what follows a passage in its section (later paragraphs and
	// bullets), offered to the reply when the passage alone is short.
	More []string
	// Tags are free-form labels from YAML or Markdown content.
	Tags []string
	// Source is the file the entry came from; Line is its 1-based line there.
	Source string
	Line   int
}

// Error is a content problem at a place in a file. Line is 0 when the
// problem concerns the whole file.
type Error struct {
	File string
	Line int
	Msg  string
	Err  error
}

// Error formats the problem as "file:line: msg".
func (e *Error) Error() string {
	msg := e.Msg
	if e.Err != nil {
		if msg != "" {
			msg += ": "
		}
		msg += e.Err.Error()
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
	}
	return fmt.Sprintf("%s: %s", e.File, msg)
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

func errAt(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// makeID derives a stable ID from the file's base name and the entry's
// identifying content. The prefix tells the type at a glance.
func makeID(source string, t Type, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(filepath.Base(source)))
	h.Write([]byte{0})
	h.Write([]byte(t))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(normalizeSpace(p)))
	}
	prefix := "p"
	if t == TypeFAQ {
		prefix = "q"
	}
	return prefix + hex.EncodeToString(h.Sum(nil))[:11]
}

func normalizeSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ErrorList lists the messages of err, one per problem: the errors joined
// by Load (or errors.Join) are listed each on its own.
func ErrorList(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, ErrorList(e)...)
		}
		return out
	}
	return []string{err.Error()}
}
