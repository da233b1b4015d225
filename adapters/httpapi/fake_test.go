package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"faqbot/adapters/httpapi"
	"faqbot/bot"
	"faqbot/bot/bottest"
)

// fakeBot is a hand-written Answerer and Admin: it answers from a tiny
// table, records what it was asked, and counts reindexes.
type fakeBot struct {
	mu        sync.Mutex
	questions []bot.Question

	entries     []string // AnswerEntry IDs, in order
	feedback    []bot.Feedback
	feedbackErr error

	// noRecord skips recording questions (load tests).
	noRecord bool

	answerErr  error
	reindexErr error
	ready      atomic.Bool
	reindexes  atomic.Int32
	statusHits atomic.Int32

	// noReports makes Report fail with ErrNoReports; reportErr with itself.
	noReports bool
	reportErr error
	// reportDelay makes Report take this long, ignoring its context (as
	// clustering a large store does).
	reportDelay time.Duration
	// reportCalls records the arguments of each Report call.
	reportCalls []reportCall
}

// reportCall is one Admin.Report call.
type reportCall struct {
	format   string
	from, to time.Time
}

func newFakeBot() *fakeBot {
	f := &fakeBot{}
	f.ready.Store(true)
	return f
}

var errBroken = errors.New("fake: index is broken")

// Answer serves q by its intent, as *bot.Bot does.
func (f *fakeBot) Answer(ctx context.Context, q bot.Question) (bot.Reply, error) {
	switch q.Intent {
	case bot.IntentEntry:
		return f.answerEntry(q.EntryID)
	case bot.IntentFeedback:
		err := f.giveFeedback(bot.Feedback{Platform: q.Platform, UserID: q.UserID, EntryID: q.EntryID, Helpful: q.Helpful})
		return bot.Reply{Kind: bot.KindNotice, Text: bot.DefaultTexts().FeedbackThanks}, err
	case bot.IntentTopics:
		return bot.Reply{Kind: bot.KindTopics, Topics: f.topics()}, nil
	}
	if f.noRecord {
		return fakeReply(q.Text), nil
	}
	if err := f.note(func() { f.questions = append(f.questions, q) }); err != nil {
		return bot.Reply{}, err
	}
	return fakeReply(q.Text), nil
}

// note records a call with add, under the lock, and returns the error the
// fake answers with.
func (f *fakeBot) note(add func()) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	add()
	return f.answerErr
}

// fakeReply is the fake's answer to text; cheap enough for the load test.
func fakeReply(text string) bot.Reply {
	r := bot.Reply{
		Question:   text,
		Related:    []bot.Ref{{ID: "stretch", Title: "Which stretches help?"}},
		Disclaimer: "General information, not medical advice.",
	}
	switch t := strings.ToLower(text); {
	case strings.Contains(t, "xss"):
		return xssReply()
	case strings.Contains(t, "massage"):
		r.Kind, r.Text, r.Score = bot.KindAnswer, "Massage can ease lower back pain by relaxing muscles.", 0.82
		r.Source = bot.Source{ID: "massage-help", Title: "Can massage help lower back pain?", Type: "faq"}
	case strings.Contains(t, "numb"):
		r.Kind, r.Text, r.Score = bot.KindUrgent, "Numbness with back pain needs a doctor today.", 1
		r.Source = bot.Source{ID: "red-flag-numbness", Title: "Numbness", Type: "safety"}
	case strings.Contains(t, "hello"):
		r.Kind, r.Text = bot.KindGreeting, "Hello! Ask me about lower back pain."
	default:
		r.Kind, r.Text = bot.KindFallback, "I don't know that one yet."
		r.Topics = []bot.Ref{{ID: "massage-help", Title: "Can massage help lower back pain?"}}
	}
	return r
}

// answerEntry answers the fake's entries by ID; "xss" answers with markup
// in every text field, for the escaping tests.
func (f *fakeBot) answerEntry(entryID string) (bot.Reply, error) {
	if err := f.note(func() { f.entries = append(f.entries, entryID) }); err != nil {
		return bot.Reply{}, err
	}
	switch entryID {
	case "massage-help":
		return fakeReply("massage"), nil
	case "xss":
		return xssReply(), nil
	}
	r := fakeReply("unknown")
	r.Text = "I don't know that entry."
	return r, nil
}

// xssMarkup is content text that must stay text on the page.
const xssMarkup = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`

func xssReply() bot.Reply {
	return bot.Reply{
		Question: xssMarkup, Kind: bot.KindAnswer, Text: "Answer " + xssMarkup, Score: 0.9,
		Source:     bot.Source{ID: "xss", Title: "Title " + xssMarkup, Type: "faq"},
		Related:    []bot.Ref{{ID: "massage-help", Title: "Related " + xssMarkup}},
		Disclaimer: "Disclaimer " + xssMarkup,
	}
}

func (f *fakeBot) giveFeedback(fb bot.Feedback) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.feedbackErr != nil {
		return f.feedbackErr
	}
	f.feedback = append(f.feedback, fb)
	return nil
}

// Explain returns two canned candidates.
func (f *fakeBot) Explain(ctx context.Context, q string, limit int) (httpapi.Explanation, error) {
	cs := []httpapi.Candidate{
		{EntryID: "massage-help", Title: "Can massage help lower back pain?", Type: "faq", Source: "faq.yaml:3", Confidence: 0.8, Score: 2.1,
			Features: []httpapi.Feature{{Name: "bm25", Value: 1.5}, {Name: "title_cover", Value: 0.75}}},
		{EntryID: "stretch", Title: "Which stretches help?", Type: "faq", Source: "faq.yaml:9", Confidence: 0.1, Score: -1},
	}
	if limit < len(cs) {
		cs = cs[:limit]
	}
	return httpapi.Explanation{Question: q, MinConfidence: 0.5, ClarifyConfidence: 0.25, Candidates: cs}, nil
}

func (f *fakeBot) topics() []bot.Ref {
	return []bot.Ref{
		{ID: "massage-help", Title: "Can massage help lower back pain?"},
		{ID: "stretch", Title: "Which stretches help?"},
	}
}

func (f *fakeBot) asked() []bot.Question {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Question(nil), f.questions...)
}

// fakeReport decodes the fields of a reindex report the tests look at.
type fakeReport struct {
	OK      bool     `json:"ok"`
	Entries int      `json:"entries"`
	Errors  []string `json:"errors,omitempty"`
}

func (f *fakeBot) Reindex(ctx context.Context) (httpapi.ReindexReport, error) {
	f.reindexes.Add(1)
	if f.reindexErr != nil {
		return httpapi.ReindexReport{Errors: []string{"content/broken.yaml:3: mapping values are not allowed here"}}, f.reindexErr
	}
	return httpapi.ReindexReport{OK: true, Entries: 42}, nil
}

func (f *fakeBot) Status(ctx context.Context) httpapi.Status {
	f.statusHits.Add(1)
	return httpapi.Status{Serving: httpapi.ReindexReport{OK: true, Version: "sha256:abc", Entries: 42,
		Files: []httpapi.FileReport{{Path: "faq.yaml", Entries: 42}}}}
}

func (f *fakeBot) Ready() bool { return f.ready.Load() }

func (f *fakeBot) Report(ctx context.Context, w io.Writer, format string, from, to time.Time) error {
	f.mu.Lock()
	f.reportCalls = append(f.reportCalls, reportCall{format, from, to})
	noReports, err, delay := f.noReports, f.reportErr, f.reportDelay
	f.mu.Unlock()
	time.Sleep(delay)
	switch {
	case noReports:
		return fmt.Errorf("fake: %w", httpapi.ErrNoReports)
	case err != nil:
		return err
	case format == "csv":
		_, err = fmt.Fprintf(w, "section,key,count\nsummary,questions,3\n")
	default:
		_, err = fmt.Fprintf(w, `{"questions":3,"from":%q,"to":%q}`+"\n", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return err
}

func (f *fakeBot) calls() []reportCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]reportCall(nil), f.reportCalls...)
}

// logBuffer collects log output from server goroutines.
type logBuffer = bottest.SyncBuffer
