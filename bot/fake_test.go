package bot

import (
	"context"
	"sync"
	"time"

	"faqbot/faq"
)

// fakeSearcher is a hand-written Searcher: it returns canned matches per
// query and remembers every query it was asked.
type fakeSearcher struct {
	entries []faq.Entry
	// results maps a query (as the bot passes it) to its matches.
	results map[string][]faq.Match
	err     error

	mu      sync.Mutex
	queries []string
}

func (f *fakeSearcher) Search(ctx context.Context, query string, limit int) ([]faq.Match, error) {
	f.mu.Lock()
	f.queries = append(f.queries, query)
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	ms := f.results[query]
	if limit > 0 && len(ms) > limit {
		ms = ms[:limit]
	}
	return ms, nil
}

func (f *fakeSearcher) Entry(id string) (faq.Entry, bool) {
	for _, e := range f.entries {
		if e.ID == id {
			return e, true
		}
	}
	return faq.Entry{}, false
}

func (f *fakeSearcher) Entries() []faq.Entry { return f.entries }

func (f *fakeSearcher) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.queries...)
}

// fakeRecorder collects what the bot records.
type fakeRecorder struct {
	mu        sync.Mutex
	questions []Record
	feedback  []Feedback
	feedAt    []time.Time
}

func (r *fakeRecorder) RecordQuestion(rec Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.questions = append(r.questions, rec)
}

func (r *fakeRecorder) RecordFeedback(f Feedback, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.feedback = append(r.feedback, f)
	r.feedAt = append(r.feedAt, at)
}

// Test content: a few made-up sleep and migraine entries.
var (
	eMigraineLast = faq.Entry{ID: "q-last", Type: faq.TypeFAQ, Title: "How long does a migraine last?", Text: "An attack usually lasts between four and seventy-two hours."}
	eMigraineKids = faq.Entry{ID: "q-kids", Type: faq.TypeFAQ, Title: "Can children get migraines?", Text: "Yes, children can get migraines, often shorter ones."}
	eInsomnia     = faq.Entry{ID: "q-insomnia", Type: faq.TypeFAQ, Title: "What is insomnia?", Text: "Insomnia is trouble falling or staying asleep on most nights for weeks."}
	eNaps         = faq.Entry{ID: "q-naps", Type: faq.TypeFAQ, Title: "Do naps help after a bad night?", Text: "A short nap of twenty minutes can restore alertness."}
	eCaffeine     = faq.Entry{ID: "q-caffeine", Type: faq.TypeFAQ, Title: "Can caffeine keep me awake?", Text: "Yes. Caffeine can keep you awake for up to eight hours."}
	eTriggers1    = faq.Entry{ID: "p-trig1", Type: faq.TypePassage, Title: "Common Triggers", Text: "Many people notice a pattern.", More: []string{"Skipped meals and dehydration are common triggers.", "Too little sleep is another."}}
	eTriggers2    = faq.Entry{ID: "p-trig2", Type: faq.TypePassage, Title: "Common Triggers", Text: "Skipped meals and dehydration are common triggers.", More: []string{"Too little sleep is another."}}
	eTreat        = faq.Entry{ID: "p-treat", Type: faq.TypePassage, Title: "Treating an Attack", Label: "Rest", Text: "Rest: lie down in a dark, quiet room."}
)

func testEntries() []faq.Entry {
	return []faq.Entry{eTriggers1, eTriggers2, eTreat, eMigraineLast, eMigraineKids, eInsomnia, eNaps, eCaffeine}
}

func match(e faq.Entry, conf float64) faq.Match {
	return faq.Match{Entry: e, Confidence: conf, Score: conf * 3}
}

// answerEntry asks b for one entry, as a button does.
func answerEntry(b *Bot, ctx context.Context, q Question, id string) (Reply, error) {
	q.Intent, q.EntryID = IntentEntry, id
	return b.Answer(ctx, q)
}

// giveFeedback rates the reply from f.EntryID through b.
func giveFeedback(b *Bot, ctx context.Context, f Feedback) error {
	_, err := b.Answer(ctx, Question{Intent: IntentFeedback, Platform: f.Platform, UserID: f.UserID, EntryID: f.EntryID, Helpful: f.Helpful})
	return err
}

// topicsOf is the topic list b offers.
func topicsOf(b *Bot) []Ref {
	r, _ := b.Answer(context.Background(), Question{Intent: IntentTopics})
	return r.Topics
}

// helpOf is b's help reply.
func helpOf(b *Bot) Reply {
	r, _ := b.Answer(context.Background(), Question{Intent: IntentHelp})
	return r
}
