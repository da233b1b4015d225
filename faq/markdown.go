package faq

import (
	"bytes"
	"sort"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// markdown parses CommonMark (with GitHub tables). A real parser, not a
// line matcher: setext headings ("Title" over "====="), numbered lists,
// fenced and indented code, HTML blocks, block quotes and wrapped list
// items come out as a reader sees them.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table))

// ParseMarkdown parses Markdown content: headings start sections,
// paragraphs, block quotes and list items become passages (code, HTML and
// comments are left out, links keep their text), tables become one passage
// of "header: cell" rows, and a section headed "FAQ" (or "Frequently Asked
// Questions") holds deeper question headings each followed by its answer.
func ParseMarkdown(name string, data []byte) ([]Entry, error) {
	if _, err := splitLines(name, data); err != nil {
		return nil, err
	}
	data = normalizeBullets(data)
	p := &mdParser{name: name, src: data, b: &articleBuilder{source: name}, lines: lineStarts(data)}
	doc := markdown.Parser().Parse(text.NewReader(data))
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if err := p.block(n); err != nil {
			return nil, err
		}
	}
	if err := p.flushQ(); err != nil {
		return nil, err
	}
	return p.b.finish()
}

// mdParser turns the document's blocks into the article builder's calls.
type mdParser struct {
	name  string
	src   []byte
	lines []int // byte offset of each line start
	b     *articleBuilder
	// In a FAQ section: its heading level, the question being read and the
	// paragraphs of its answer.
	inFAQ    bool
	faqLevel int
	q        *Entry
	answer   []string
}

func (p *mdParser) block(n ast.Node) error {
	switch n := n.(type) {
	case *ast.Heading:
		return p.heading(n)
	case *ast.Paragraph, *ast.TextBlock:
		return p.paragraph(inlineText(n, p.src), p.line(n))
	case *ast.List:
		for it := n.FirstChild(); it != nil; it = it.NextSibling() {
			if err := p.listItem(it); err != nil {
				return err
			}
		}
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if err := p.block(c); err != nil {
				return err
			}
		}
	case *extast.Table:
		return p.paragraph(tableText(n, p.src), p.line(n))
	case *ast.ThematicBreak:
		p.b.breakParagraph()
	}
	// Code blocks, HTML blocks and comments are not prose: left out.
	return nil
}

func (p *mdParser) heading(h *ast.Heading) error {
	title, line := inlineText(h, p.src), p.line(h)
	if !hasWord(title) {
		title = "" // "### **": markup and no words
	}
	switch {
	case p.inFAQ && h.Level > p.faqLevel:
		if err := p.flushQ(); err != nil {
			return err
		}
		if title == "" {
			return errAt(p.name, line, "empty question heading")
		}
		p.q = &Entry{Type: TypeFAQ, Title: title, Source: p.name, Line: line}
	case isFAQHeading(title):
		if err := p.flushQ(); err != nil {
			return err
		}
		p.b.breakParagraph()
		p.inFAQ, p.faqLevel = true, h.Level
	default:
		if err := p.flushQ(); err != nil {
			return err
		}
		p.inFAQ = false
		if title != "" {
			p.b.heading(title, line)
		}
	}
	return nil
}

// paragraph adds one paragraph: to the answer being read in a FAQ
// section, else as a passage.
func (p *mdParser) paragraph(t string, line int) error {
	if t == "" {
		return nil
	}
	if p.inFAQ {
		if p.q == nil {
			return errAt(p.name, line, "text in the FAQ section before the first \"###\" question")
		}
		p.answer = append(p.answer, t)
		return nil
	}
	p.b.paragraphLine(t, line)
	p.b.breakParagraph()
	return nil
}

// listItem adds a list item: a bullet passage (its nested lists are
// bullets of their own), or a line of the answer in a FAQ section.
func (p *mdParser) listItem(it ast.Node) error {
	var parts []string
	var nested []ast.Node
	for c := it.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := c.(*ast.List); ok {
			nested = append(nested, c)
			continue
		}
		if t := inlineText(c, p.src); t != "" {
			parts = append(parts, t)
		}
	}
	t := strings.Join(parts, " ")
	switch {
	case t == "":
	case p.inFAQ:
		if p.q == nil {
			return errAt(p.name, p.line(it), "text in the FAQ section before the first \"###\" question")
		}
		p.answer = append(p.answer, "- "+t)
	default:
		p.b.bullet(t, p.line(it))
	}
	for _, l := range nested {
		if err := p.block(l); err != nil {
			return err
		}
	}
	return nil
}

func (p *mdParser) flushQ() error {
	if p.q == nil {
		return nil
	}
	q := p.q
	text := strings.Join(p.answer, "\n\n")
	if text == "" {
		return errAt(p.name, q.Line, "question %q has no answer", clip(q.Title, 60))
	}
	q.Text = text
	q.ID = makeID(p.name, TypeFAQ, q.Title)
	p.b.faqs = append(p.b.faqs, *q)
	p.q, p.answer = nil, nil
	return nil
}

// line is the 1-based line a block starts on.
func (p *mdParser) line(n ast.Node) int {
	off := -1
	for c := n; c != nil && off < 0; c = c.FirstChild() {
		if c.Type() != ast.TypeInline && c.Lines().Len() > 0 {
			off = c.Lines().At(0).Start
		}
		if t, ok := c.(*ast.Text); ok {
			off = t.Segment.Start
		}
	}
	if off < 0 {
		return 1
	}
	return sort.SearchInts(p.lines, off+1)
}

// lineStarts are the byte offsets at which the lines of data start.
func lineStarts(data []byte) []int {
	out := []int{0}
	for i, c := range data {
		if c == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// normalizeBullets turns lines that open with a bullet character people
// paste from word processors ("•", "◦", "▪") into Markdown list items,
// which CommonMark would otherwise run into the paragraph above.
func normalizeBullets(data []byte) []byte {
	if !bytes.ContainsAny(data, "•◦▪") {
		return data
	}
	lines := strings.SplitAfter(string(data), "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " \t")
		for _, m := range []string{"•", "◦", "▪"} {
			if strings.HasPrefix(t, m) {
				lines[i] = l[:len(l)-len(t)] + "-" + t[len(m):]
			}
		}
	}
	return []byte(strings.Join(lines, ""))
}

// inlineText is the text of a block's inline content: emphasis and code
// marks dropped, links by their text, images by their alt text, line
// breaks as spaces, raw HTML left out.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.AutoLink:
				b.Write(c.Label(src))
			case *ast.RawHTML:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return normalizeSpace(b.String())
}

// tableText is a table as "header: cell, header: cell" rows, one a line.
func tableText(t *extast.Table, src []byte) string {
	var header []string
	var rows []string
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, inlineText(c, src))
		}
		if _, ok := r.(*extast.TableHeader); ok {
			header = cells
			continue
		}
		var parts []string
		for i, c := range cells {
			if c == "" {
				continue
			}
			if i < len(header) && header[i] != "" {
				c = header[i] + ": " + c
			}
			parts = append(parts, c)
		}
		if len(parts) > 0 {
			rows = append(rows, strings.Join(parts, ", "))
		}
	}
	return strings.Join(rows, "; ")
}

// hasWord reports whether t has a letter or a digit.
func hasWord(t string) bool {
	return strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

func isFAQHeading(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "faq" || t == "faqs" || t == "frequently asked questions"
}
