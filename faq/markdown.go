package faq

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var mdHeading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)

// ParseMarkdown parses Markdown content: "#" headings start sections,
// paragraphs and "-" / "*" bullets become passages, and a section headed
// "FAQ" (or "Frequently Asked Questions") holds "### question" headings each
// followed by its answer.
//
// It is one piece on purpose: a line-by-line state machine (section, FAQ
// block, paragraph, bullet) reads best as one loop over the lines.
func ParseMarkdown(name string, data []byte) ([]Entry, error) {
	lines, err := splitLines(name, data)
	if err != nil {
		return nil, err
	}
	b := &articleBuilder{source: name}
	inFAQ, faqLevel := false, 0
	var q *Entry
	var answer []string
	flushQ := func() error {
		if q == nil {
			return nil
		}
		text := strings.TrimSpace(strings.Join(answer, "\n"))
		text = collapseParagraphs(text)
		if text == "" {
			return errAt(name, q.Line, "question %q has no answer", clip(q.Title, 60))
		}
		q.Text = text
		q.ID = makeID(name, TypeFAQ, q.Title)
		b.faqs = append(b.faqs, *q)
		q, answer = nil, nil
		return nil
	}
	inFence := false
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if m := mdHeading.FindStringSubmatch(t); m != nil && !inFence {
			level, title := len(m[1]), stripInline(m[2])
			switch {
			case inFAQ && level > faqLevel:
				if err := flushQ(); err != nil {
					return nil, err
				}
				if title == "" {
					return nil, errAt(name, l.n, "empty question heading")
				}
				q = &Entry{Type: TypeFAQ, Title: title, Source: name, Line: l.n}
				continue
			case isFAQHeading(title):
				if err := flushQ(); err != nil {
					return nil, err
				}
				b.breakParagraph()
				inFAQ, faqLevel = true, level
				continue
			default:
				if err := flushQ(); err != nil {
					return nil, err
				}
				inFAQ = false
				if title != "" {
					b.heading(title, l.n)
				}
				continue
			}
		}
		if inFAQ {
			if q == nil {
				if t != "" {
					return nil, errAt(name, l.n, "text in the FAQ section before the first \"###\" question")
				}
				continue
			}
			answer = append(answer, stripInline(t))
			continue
		}
		switch {
		case t == "":
			b.breakParagraph()
		case isBullet(t) && !strings.HasPrefix(t, "**"):
			// The marker may be a multi-byte rune ("•"): drop the whole rune.
			_, size := utf8.DecodeRuneInString(t)
			b.bullet(stripInline(strings.TrimSpace(t[size:])), l.n)
		case strings.HasPrefix(t, ">"):
			b.paragraphLine(stripInline(strings.TrimSpace(strings.TrimLeft(t, ">"))), l.n)
		default:
			b.paragraphLine(stripInline(t), l.n)
		}
	}
	if err := flushQ(); err != nil {
		return nil, err
	}
	return b.finish()
}

func isFAQHeading(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "faq" || t == "faqs" || t == "frequently asked questions"
}

var (
	mdLink   = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdMarker = regexp.MustCompile("(\\*\\*|__|`)")
)

// stripInline removes Markdown emphasis, code marks and link targets.
func stripInline(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdMarker.ReplaceAllString(s, "")
	return strings.TrimSpace(s)
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
