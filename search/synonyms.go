package search

import (
	"bufio"
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strings"
)

//go:embed data/synonyms.txt
var defaultSynonyms string

// Synonyms is a thesaurus of lay and clinical wording. Each group is a set
// of phrases (one or more words); a question using one phrase also matches
// content using another. A one-way rule ("backache => back pain") expands
// its left side to the right side but not back.
type Synonyms struct {
	groups []synGroup
	// byFirst indexes group phrases by their first stem for n-gram lookup.
	byFirst map[string][]synRef
	rules   int
	// surface holds the thesaurus's own words as written, for typo correction.
	surface map[string]bool
	stemsOf map[string]bool
	// words maps a one-word phrase, as written, to its group's first
	// one-word phrase (see Terms).
	words map[string]string
	// lex are the operator's lexicons, read with the thesaurus (see
	// WithLexicons); an index built with s applies them to questions.
	lex *Lexicons
}

// WithLexicons attaches the operator's lexicons (nil: none) to s, for the
// index built from s to apply to questions, and returns s.
func (s *Synonyms) WithLexicons(l *Lexicons) *Synonyms {
	s.lex = l
	return s
}

type synGroup struct {
	phrases [][]string // stemmed
	// from marks the phrases of a one-way rule that expand (left side);
	// nil for equivalence groups, where every phrase expands.
	from []bool
	src  string
}

type synRef struct {
	group  int
	phrase int
	// others are the group's other phrases, what the phrase expands to.
	others [][]string
}

// SynonymError is a problem in a synonym file.
type SynonymError struct {
	File string
	Line int
	Msg  string
}

func (e *SynonymError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// builtinSynonyms names the bundled thesaurus in errors.
const builtinSynonyms = "synonyms.txt (built in)"

// DefaultSynonyms returns the bundled thesaurus of lay health wording.
// Should it not parse (a broken build; TestDefaultSynonyms guards it), the
// thesaurus is empty, and LoadSynonyms, which the bot loads content with,
// reports why.
func DefaultSynonyms() *Synonyms {
	s, err := ParseSynonyms(builtinSynonyms, defaultSynonyms)
	if err != nil {
		s, _ = ParseSynonyms(builtinSynonyms, "")
	}
	return s
}

// LoadSynonyms reads the bundled thesaurus extended by operator files.
func LoadSynonyms(files []string) (*Synonyms, error) {
	s, err := ParseSynonyms(builtinSynonyms, defaultSynonyms)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("search: synonyms: %w", err)
		}
		extra, err := ParseSynonyms(f, string(data))
		if err != nil {
			return nil, err
		}
		s.merge(extra)
	}
	return s, nil
}

// ParseSynonyms parses the synonym format: one group a line, phrases
// separated by commas ("lumbar, lower back, low back"), or a one-way rule
// "backache, back ache => back pain". "#" starts a comment.
func ParseSynonyms(name, data string) (*Synonyms, error) {
	s := &Synonyms{byFirst: map[string][]synRef{}, surface: map[string]bool{}, stemsOf: map[string]bool{}, words: map[string]string{}}
	sc := bufio.NewScanner(strings.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if err := s.parseLine(name, n, l); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("search: synonyms %s: %w", name, err)
	}
	return s, nil
}

// synLine is one line of a synonym file being parsed into a group.
type synLine struct {
	s      *Synonyms
	name   string
	n      int
	oneWay bool
	g      synGroup
	single []string // one-word phrases, as written; a one-way rule's right side first
}

// parseLine parses line n of file name (without its comment, not empty)
// and adds its group to s.
func (s *Synonyms) parseLine(name string, n int, l string) error {
	left, right, oneWay := strings.Cut(l, "=>")
	sl := &synLine{s: s, name: name, n: n, oneWay: oneWay, g: synGroup{src: fmt.Sprintf("%s:%d", name, n)}}
	if err := sl.side(left, true); err != nil {
		return err
	}
	if oneWay {
		if strings.Contains(right, "=>") {
			return &SynonymError{name, n, "more than one \"=>\""}
		}
		if err := sl.side(right, false); err != nil {
			return err
		}
	}
	if len(sl.g.phrases) < 2 {
		return &SynonymError{name, n, "a synonym group needs at least two phrases"}
	}
	single := sl.single
	for _, w := range single[min(1, len(single)):] {
		if _, seen := s.words[w]; !seen {
			s.words[w] = single[0]
		}
	}
	s.add(sl.g)
	return nil
}

// side parses the comma-separated phrases of one side of the line (from:
// the left side of a one-way rule, or any side of a group).
func (sl *synLine) side(part string, from bool) error {
	for _, p := range strings.Split(part, ",") {
		if err := sl.phrase(strings.TrimSpace(p), from); err != nil {
			return err
		}
	}
	return nil
}

// phrase adds one phrase p to the group, its words to the surface words,
// and a one-word phrase to the line's single words.
func (sl *synLine) phrase(p string, from bool) error {
	if p == "" {
		return &SynonymError{sl.name, sl.n, "empty phrase"}
	}
	st := stems(p)
	if len(st) == 0 {
		return &SynonymError{sl.name, sl.n, fmt.Sprintf("phrase %q has only stop words", p)}
	}
	sl.g.phrases = append(sl.g.phrases, st)
	if ws := splitWords(p); len(ws) == 1 && (!sl.oneWay || from) {
		sl.single = append(sl.single, ws[0])
	} else if len(ws) == 1 && sl.oneWay {
		// The right side of a one-way rule is the canonical word.
		sl.single = append([]string{ws[0]}, sl.single...)
	}
	for _, w := range splitWords(p) {
		if !isStop(w) {
			sl.s.surface[w] = true
		}
	}
	if sl.oneWay {
		sl.g.from = append(sl.g.from, from)
	}
	return nil
}

func (s *Synonyms) add(g synGroup) {
	gi := len(s.groups)
	s.groups = append(s.groups, g)
	for pi, p := range g.phrases {
		for _, w := range p {
			s.stemsOf[w] = true
		}
		if g.from != nil && !g.from[pi] {
			continue
		}
		others := make([][]string, 0, len(g.phrases)-1)
		for qi, q := range g.phrases {
			if qi != pi {
				others = append(others, q)
			}
		}
		s.byFirst[p[0]] = append(s.byFirst[p[0]], synRef{gi, pi, others})
	}
	s.rules++
}

func (s *Synonyms) merge(o *Synonyms) {
	for _, g := range o.groups {
		s.add(g)
	}
	for w, c := range o.words {
		if _, seen := s.words[w]; !seen {
			s.words[w] = c
		}
	}
	for w := range o.surface {
		s.surface[w] = true
	}
}

// surfaceWords returns the thesaurus's words as written.
func (s *Synonyms) surfaceWords() map[string]bool {
	if s == nil {
		return nil
	}
	return s.surface
}

// Terms is a text's words as search analyses them: lower-cased, stop and
// filler words dropped, each one-word phrase of the thesaurus replaced by
// its group's first word ("price" → "cost"), Porter-stemmed; sorted, each
// once. Reports use it to group the questions search declined by the same
// idea of "the same words" that search used. A nil thesaurus only skips
// the replacement.
func (s *Synonyms) Terms(text string) []string {
	var out []string
	for _, w := range splitWords(text) {
		if s != nil {
			if c, ok := s.words[w]; ok {
				w = c
			}
		}
		if st := stemWord(w); st != "" {
			out = append(out, st)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Len is the number of synonym groups.
func (s *Synonyms) Len() int {
	if s == nil {
		return 0
	}
	return len(s.groups)
}

// expansions returns, for the stem sequence starting at i, the longest
// phrase that matches a group entry, how many stems it spans, and the
// other phrases it expands to. The phrases are shared: callers must not
// modify them.
func (s *Synonyms) expansions(st []string, i int) (span int, alts [][]string) {
	if s == nil {
		return 0, nil
	}
	for _, ref := range s.byFirst[st[i]] {
		p := s.groups[ref.group].phrases[ref.phrase]
		if i+len(p) > len(st) || !equalAt(st, i, p) {
			continue
		}
		if len(p) < span {
			continue
		}
		if len(p) > span {
			span, alts = len(p), nil
		}
		if alts == nil {
			alts = ref.others // len == cap: a later append copies
		} else {
			alts = append(alts, ref.others...)
		}
	}
	return span, alts
}

func equalAt(st []string, i int, p []string) bool {
	for j, w := range p {
		if st[i+j] != w {
			return false
		}
	}
	return true
}

// stemSet returns every stem the thesaurus uses.
func (s *Synonyms) stemSet() map[string]bool {
	if s == nil {
		return nil
	}
	return s.stemsOf
}
