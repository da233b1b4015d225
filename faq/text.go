package faq

import (
	"bufio"
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// line is one input line with its 1-based number.
type line struct {
	n    int
	text string
}

// ParseText parses the plain-text article format: a title line, Title Case
// section headings, paragraphs, "•" bullet lines ("Title: text"), and a FAQ
// block of "Q:" / "A:" pairs. name is used for IDs and error messages.
func ParseText(name string, data []byte) ([]Entry, error) {
	lines, err := splitLines(name, data)
	if err != nil {
		return nil, err
	}
	b := &articleBuilder{source: name}
	var title bool
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l.text)
		switch {
		case t == "":
			b.breakParagraph()
		case hasQAPrefix(t, "Q"):
			b.breakParagraph()
			next, qerr := b.parseQA(lines, i)
			if qerr != nil {
				return nil, qerr
			}
			i = next - 1
		case hasQAPrefix(t, "A"):
			return nil, errAt(name, l.n, "answer without a question (an \"A:\" line needs a \"Q:\" line before it)")
		case !title:
			title = true
			b.heading(t, l.n)
		case isBullet(t):
			b.bullet(strings.TrimSpace(strings.TrimLeft(t, "•*-‣◦▪ \t")), l.n)
		case isHeading(t):
			b.heading(t, l.n)
		default:
			b.paragraphLine(t, l.n)
		}
	}
	return b.finish()
}

// splitLines checks the encoding and splits data into numbered lines.
func splitLines(name string, data []byte) ([]line, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := checkText(name, data); err != nil {
		return nil, err
	}
	var out []line
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), len(data)+1)
	n := 0
	for sc.Scan() {
		n++
		out = append(out, line{n: n, text: strings.TrimRight(strings.ReplaceAll(sc.Text(), "\u00a0", " "), " \t\r")})
	}
	if err := sc.Err(); err != nil {
		return nil, &Error{File: name, Msg: "read", Err: err}
	}
	return out, nil
}

// checkText rejects an empty file, invalid UTF-8 and NUL bytes, naming the
// line of the first bad byte.
func checkText(name string, data []byte) *Error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errAt(name, 0, "file is empty")
	}
	if !utf8.Valid(data) {
		return errAt(name, firstInvalidLine(data), "not valid UTF-8 text")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return errAt(name, 1+bytes.Count(data[:i], []byte("\n")), "binary data (NUL byte) in a text file")
	}
	return nil
}

func firstInvalidLine(data []byte) int {
	n := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return n
		}
		if r == '\n' {
			n++
		}
		data = data[size:]
	}
	return n
}

func hasQAPrefix(t, letter string) bool {
	return len(t) >= 2 && strings.EqualFold(t[:1], letter) && t[1] == ':'
}

func isBullet(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	switch r {
	case '•', '‣', '◦', '▪':
		return true
	case '-', '*':
		return len(t) > 1 && t[1] == ' '
	}
	return false
}

// minorWords stay lower case in Title Case headings.
var minorWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "but": true, "nor": true,
	"for": true, "of": true, "in": true, "on": true, "at": true, "to": true, "by": true,
	"with": true, "from": true, "into": true, "vs": true, "vs.": true, "via": true,
	"is": true, "are": true, "as": true, "per": true, "than": true, "up": true, "off": true,
}

// isHeading tells a Title Case heading ("What is Massage Therapy?",
// "Conclusion: The Best Massage") from a paragraph line: short, no final
// sentence punctuation other than "?", and every word that is not a minor
// word starts with a capital letter or a digit.
func isHeading(t string) bool {
	if utf8.RuneCountInString(t) > 100 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".!,;:", last) {
		return false
	}
	words := strings.Fields(t)
	if len(words) == 0 || len(words) > 14 {
		return false
	}
	for i, w := range words {
		w = strings.Trim(w, "\"'“”‘’()[]?:")
		if w == "" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			continue
		}
		if i > 0 && minorWords[strings.ToLower(w)] {
			continue
		}
		return false
	}
	return true
}

// articleBuilder collects sections, paragraphs and bullets into entries.
type articleBuilder struct {
	source   string
	sections []*section
	para     []string
	paraLine int
	faqs     []Entry
}

type section struct {
	heading string
	line    int
	blocks  []block
}

type block struct {
	text   string
	label  string
	line   int
	bullet bool
}

func (b *articleBuilder) current() *section {
	if len(b.sections) == 0 {
		b.sections = append(b.sections, &section{})
	}
	return b.sections[len(b.sections)-1]
}

func (b *articleBuilder) heading(t string, n int) {
	b.breakParagraph()
	b.sections = append(b.sections, &section{heading: t, line: n})
}

func (b *articleBuilder) paragraphLine(t string, n int) {
	if len(b.para) == 0 {
		b.paraLine = n
	}
	b.para = append(b.para, t)
}

func (b *articleBuilder) breakParagraph() {
	if len(b.para) == 0 {
		return
	}
	s := b.current()
	s.blocks = append(s.blocks, block{text: strings.Join(b.para, " "), line: b.paraLine})
	b.para = nil
}

func (b *articleBuilder) bullet(t string, n int) {
	b.breakParagraph()
	if t == "" {
		return
	}
	s := b.current()
	s.blocks = append(s.blocks, block{text: t, label: bulletLabel(t), line: n, bullet: true})
}

// bulletLabel returns the "Title" of a "Title: text" bullet.
func bulletLabel(t string) string {
	i := strings.Index(t, ":")
	if i <= 0 || i > 60 {
		return ""
	}
	lead := t[:i]
	if len(strings.Fields(lead)) > 6 || !isHeading(lead) {
		return ""
	}
	return lead
}

// parseQA reads a "Q:" line (and continuation lines) at lines[i] and its
// "A:" answer, which may span several paragraphs until the next "Q:" or a
// heading-like line after a blank. It returns the index after the pair.
func (b *articleBuilder) parseQA(lines []line, i int) (int, error) {
	qLine := lines[i].n
	q := []string{strings.TrimSpace(strings.TrimSpace(lines[i].text)[2:])}
	i++
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i].text)
		if t == "" || hasQAPrefix(t, "A") || hasQAPrefix(t, "Q") {
			break
		}
		q = append(q, t)
	}
	for i < len(lines) && strings.TrimSpace(lines[i].text) == "" {
		i++
	}
	question := strings.Join(q, " ")
	if question == "" {
		return 0, errAt(b.source, qLine, "empty question after \"Q:\"")
	}
	if i >= len(lines) || !hasQAPrefix(strings.TrimSpace(lines[i].text), "A") {
		return 0, errAt(b.source, qLine, "question %q has no answer (expected an \"A:\" line)", clip(question, 60))
	}
	aLine := lines[i].n
	var paras []string
	cur := []string{strings.TrimSpace(strings.TrimSpace(lines[i].text)[2:])}
	i++
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i].text)
		if hasQAPrefix(t, "Q") {
			break
		}
		if cur == nil && len(paras) > 0 && isHeading(t) {
			break // a heading after a blank line starts a new section
		}
		if hasQAPrefix(t, "A") {
			return 0, errAt(b.source, lines[i].n, "second answer for question %q", clip(question, 60))
		}
		if t == "" {
			if len(cur) > 0 && strings.Join(cur, "") != "" {
				paras = append(paras, strings.Join(cur, " "))
			}
			cur = nil
			continue
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 && strings.Join(cur, "") != "" {
		paras = append(paras, strings.Join(cur, " "))
	}
	answer := strings.Join(paras, "\n\n")
	if strings.TrimSpace(answer) == "" {
		return 0, errAt(b.source, aLine, "empty answer for question %q", clip(question, 60))
	}
	b.faqs = append(b.faqs, Entry{
		Type: TypeFAQ, Title: question, Text: answer, Source: b.source, Line: qLine,
		ID: makeID(b.source, TypeFAQ, question),
	})
	return i, nil
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// finish turns sections into passage entries, followed by the FAQ entries.
func (b *articleBuilder) finish() ([]Entry, error) {
	b.breakParagraph()
	var out []Entry
	docTitle := ""
	if len(b.sections) > 0 {
		docTitle = b.sections[0].heading
	}
	for _, s := range b.sections {
		heading := s.heading
		if heading == "" {
			heading = docTitle
		}
		lead := ""
		for j, bl := range s.blocks {
			e := Entry{Type: TypePassage, Title: heading, Text: bl.text, Label: bl.label, Source: b.source, Line: bl.line}
			if bl.bullet {
				e.Context = lead
			} else {
				lead = bl.text
			}
			for _, nb := range s.blocks[j+1:] {
				e.More = append(e.More, nb.text)
			}
			e.ID = makeID(b.source, TypePassage, heading, bl.text)
			out = append(out, e)
		}
	}
	out = append(out, b.faqs...)
	if len(out) == 0 {
		return nil, errAt(b.source, 0, "no entries: no paragraphs, bullets or Q:/A: pairs found")
	}
	return out, nil
}
