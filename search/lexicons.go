package search

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Lexicons are an operator's additions to the built-in word lists
// (config content.lexicons): more filler words, dropped from questions
// like "please" ("data/filler.txt"); more generic words, which count
// little towards confidence like "better" ("data/generic.txt"); more chat
// spellings, written out before analysis like "shud" ("data/chat.txt").
// They apply to questions only: content is analysed with the built-in
// lists, so an added word never needs the index rebuilt differently and a
// persisted index stays valid. A nil *Lexicons adds nothing.
type Lexicons struct {
	filler, generic, genericStems map[string]bool
	chat                          map[string][]string
}

// LexiconFiles name the files of each lexicon; each file extends the
// built-in list. Filler and generic files hold words separated by spaces
// or lines ('#' starts a comment); chat files hold "short = words" lines.
type LexiconFiles struct {
	Filler, Generic, Chat []string
}

// LoadLexicons reads the files. Every problem is reported with its file
// and line (a word that is not one word as questions are split, "x = y"
// lines that are not); the lexicons are nil when there is any.
func LoadLexicons(f LexiconFiles) (*Lexicons, error) {
	if len(f.Filler)+len(f.Generic)+len(f.Chat) == 0 {
		return nil, nil
	}
	l := &Lexicons{filler: map[string]bool{}, generic: map[string]bool{}, genericStems: map[string]bool{}, chat: map[string][]string{}}
	var errs []error
	read := func(files []string, add func(name, data string) error) {
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				errs = append(errs, fmt.Errorf("search: lexicon: %w", err))
				continue
			}
			if err := add(name, string(data)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	read(f.Filler, func(name, data string) error { return addWords(l.filler, name, data) })
	read(f.Generic, func(name, data string) error { return addWords(l.generic, name, data) })
	read(f.Chat, func(name, data string) error {
		m, err := parseChat(name, data)
		for k, v := range m {
			l.chat[k] = v
		}
		return err
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for w := range l.generic {
		if st := stemWord(w); st != "" {
			l.genericStems[st] = true
		}
	}
	return l, nil
}

// addWords adds a word list's words to m; a token that questions would
// split into other words ("lower-back", "it's") is an error at its line.
func addWords(m map[string]bool, name, data string) error {
	var errs []error
	for n, line := range strings.Split(data, "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		for _, tok := range strings.Fields(strings.ToLower(line)) {
			if ws := splitWords(tok); len(ws) != 1 || ws[0] != tok {
				errs = append(errs, fmt.Errorf("%s:%d: %q is not one word as questions are split (letters and digits only)", name, n+1, tok))
				continue
			}
			m[tok] = true
		}
	}
	return errors.Join(errs...)
}

// Len is how many words and spellings the lexicons add.
func (l *Lexicons) Len() int {
	if l == nil {
		return 0
	}
	return len(l.filler) + len(l.generic) + len(l.chat)
}

func (l *Lexicons) isFiller(w string) bool { return l != nil && l.filler[w] }

func (l *Lexicons) isGeneric(w string) bool { return l != nil && l.generic[w] }

func (l *Lexicons) isGenericStem(st string) bool { return l != nil && l.genericStems[st] }

func (l *Lexicons) chatFor(w string) ([]string, bool) {
	if l == nil {
		return nil, false
	}
	to, ok := l.chat[w]
	return to, ok
}
