// Package bottest holds the test doubles shared by the adapters' tests: a
// hand-written Answerer standing in for *bot.Bot, and a log buffer safe for
// concurrent writers. Only tests import it.
package bottest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"faqbot/bot"
)

// Answerer is a stand-in for *bot.Bot behind the one seam. It records every
// Question and answers by intent: typed questions with Ask, chosen entries
// with Entry, topics and help from Topics and Help, feedback with the
// default thanks. Reindex and flood control are the core's policy: put a
// bot.Gate in front of it to have them.
type Answerer struct {
	// Ask answers IntentAsk (nil: an answer echoing the question).
	Ask func(q bot.Question) (bot.Reply, error)
	// Entry answers IntentEntry (nil: Ask with the entry's ID as text).
	Entry func(q bot.Question) (bot.Reply, error)
	// Topics is the list IntentTopics returns.
	Topics []bot.Ref
	// Help is the IntentHelp reply.
	Help bot.Reply
	// Disclaimer goes on the topics reply.
	Disclaimer string
	// Delay holds every answer back this long (or until ctx ends).
	Delay time.Duration

	mu        sync.Mutex
	questions []bot.Question
	entries   []string
	feedback  []bot.Feedback
}

// ErrNoReindex answers IntentReindex when no Gate is in front.
var ErrNoReindex = errors.New("bottest: reindex is the Gate's")

// Answer serves q by its intent and records it.
func (a *Answerer) Answer(ctx context.Context, q bot.Question) (bot.Reply, error) {
	switch q.Intent {
	case bot.IntentFeedback:
		a.mu.Lock()
		a.feedback = append(a.feedback, bot.Feedback{Platform: q.Platform, UserID: q.UserID, EntryID: q.EntryID, Helpful: q.Helpful})
		a.mu.Unlock()
		return bot.Reply{Kind: bot.KindNotice, Text: bot.DefaultTexts().FeedbackThanks}, nil
	case bot.IntentTopics:
		text := bot.DefaultTexts().Topics
		if len(a.Topics) == 0 {
			text = bot.DefaultTexts().NoTopics
		}
		return bot.Reply{Kind: bot.KindTopics, Text: text, Topics: a.Topics, Disclaimer: a.Disclaimer}, nil
	case bot.IntentHelp:
		return a.Help, nil
	case bot.IntentReindex:
		return bot.Reply{}, ErrNoReindex
	}
	a.mu.Lock()
	a.questions = append(a.questions, q)
	if q.Intent == bot.IntentEntry {
		a.entries = append(a.entries, q.EntryID)
	}
	a.mu.Unlock()
	if a.Delay > 0 {
		t := time.NewTimer(a.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return bot.Reply{}, ctx.Err()
		}
	}
	if q.Intent == bot.IntentEntry && a.Entry != nil {
		return a.Entry(q)
	}
	if q.Intent == bot.IntentEntry {
		q.Text = q.EntryID
	}
	if a.Ask != nil {
		return a.Ask(q)
	}
	return bot.Reply{Question: q.Text, Kind: bot.KindAnswer, Text: "Answer to: " + q.Text}, nil
}

// Questions are the typed questions and chosen entries asked, in order.
func (a *Answerer) Questions() []bot.Question {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]bot.Question(nil), a.questions...)
}

// Texts are the texts of Questions.
func (a *Answerer) Texts() []string {
	qs := a.Questions()
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Text
	}
	return out
}

// Entries are the entry IDs asked for, in order.
func (a *Answerer) Entries() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.entries...)
}

// Feedback is the feedback given, in order.
func (a *Answerer) Feedback() []bot.Feedback {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]bot.Feedback(nil), a.feedback...)
}

// SyncBuffer collects log output from several goroutines.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Eventually polls get until ok accepts its value, and returns it; past ten
// seconds it fails the test, saying what was wanted.
func Eventually[T any](t testing.TB, what string, get func() T, ok func(T) bool) T {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		v := get()
		if ok(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %+v, want %s", v, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
