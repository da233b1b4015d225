package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"faqbot/adapters/httpapi"
	"faqbot/faq"
)

// The admin's httpapi.Curator methods: the console's entry picker,
// "accept as alternate" and "needs a new FAQ".
var _ httpapi.Curator = admin{}

// kindError gives err an httpapi status kind (httpapi.ErrConflict, …)
// without changing its message.
type kindError struct{ err, kind error }

func (e kindError) Error() string   { return e.err.Error() }
func (e kindError) Unwrap() []error { return []error{e.err, e.kind} }

// FindEntries lists the entries best matching text: the entry with that ID,
// then the ranked search candidates, then entries whose title contains the
// text; an empty text lists the first entries.
func (a admin) FindEntries(ctx context.Context, text string, limit int) ([]httpapi.EntryRef, error) {
	idx := a.lib.Index()
	var out []httpapi.EntryRef
	seen := map[string]bool{}
	add := func(e faq.Entry) bool {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, entryRef(e))
		}
		return len(out) < limit
	}
	if text == "" {
		for _, e := range idx.Entries() {
			if !add(e) {
				break
			}
		}
		return out, nil
	}
	if e, ok := idx.Entry(text); ok {
		add(e)
	}
	cs, err := idx.Candidates(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("entry search: %w", err)
	}
	for _, c := range cs {
		if len(out) >= limit || !add(c.Entry) {
			break
		}
	}
	low := strings.ToLower(text)
	for _, e := range idx.Entries() {
		if len(out) >= limit {
			break
		}
		if strings.Contains(strings.ToLower(e.Title), low) || strings.Contains(strings.ToLower(e.Label), low) {
			add(e)
		}
	}
	return out, nil
}

func entryRef(e faq.Entry) httpapi.EntryRef {
	text := e.Text
	if utf8.RuneCountInString(text) > 160 {
		text = string([]rune(text)[:160]) + "…"
	}
	title := e.Title
	if e.Label != "" {
		title += " — " + e.Label
	}
	return httpapi.EntryRef{EntryID: e.ID, Title: title, Type: string(e.Type),
		Source: fmt.Sprintf("%s:%d", e.Source, e.Line), Text: text, Alternates: e.Alternates}
}

// AcceptAlternate appends question to the entry's wordings in the
// alternates overlay, then reindexes so that it is answered from now on.
func (a admin) AcceptAlternate(ctx context.Context, entryID, question string) (httpapi.Accepted, error) {
	out := httpapi.Accepted{EntryID: entryID, Question: question, File: a.overlay}
	if a.overlay == "" {
		return out, kindError{errors.New("there is no alternates overlay: the content has no folder; set content.alternates in config.yaml"), httpapi.ErrConflict}
	}
	idx := a.lib.Index()
	e, ok := idx.Entry(entryID)
	if !ok {
		return out, kindError{fmt.Errorf("no entry has the ID %q (was the content reindexed meanwhile?)", entryID), httpapi.ErrUnknownEntry}
	}
	out.Title = e.Title
	added, err := faq.AddAlternate(a.overlay, idx.Entries(), entryID, question)
	switch {
	case errors.Is(err, faq.ErrUnknownEntry):
		return out, kindError{err, httpapi.ErrUnknownEntry}
	case errors.Is(err, faq.ErrQuestionTaken):
		return out, kindError{err, httpapi.ErrConflict}
	case errors.Is(err, faq.ErrBadWording):
		return out, kindError{err, httpapi.ErrInvalid}
	case err != nil:
		var fe *faq.Error
		if errors.As(err, &fe) {
			// The overlay itself is broken: the operator fixes it first.
			return out, kindError{err, httpapi.ErrConflict}
		}
		return out, fmt.Errorf("%s: %w", filepath.Base(a.overlay), err)
	}
	out.Added = added
	if !added {
		return out, nil
	}
	rep, err := a.lib.Reindex(ctx, "alternate")
	out.Report, out.Reindexed = rep, err == nil
	if err != nil {
		out.ReindexError = err.Error()
		if len(rep.Errors) > 0 {
			out.ReindexError = strings.Join(rep.Errors, "\n")
		}
	}
	return out, nil
}

// FAQStub makes a YAML FAQ entry to fill in from a cluster's questions.
func (a admin) FAQStub(ctx context.Context, questions []string, count int) ([]byte, error) {
	b, err := faq.FAQStub(questions, count, time.Now())
	if errors.Is(err, faq.ErrBadWording) {
		return nil, kindError{err, httpapi.ErrInvalid}
	}
	return b, err
}
