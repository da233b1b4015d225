package bot

import (
	"context"
	"fmt"
	"time"
)

// Answerer is the one call between a platform and the core; *Bot and *Gate
// satisfy it. Each adapter declares the same interface for itself.
type Answerer interface {
	Answer(ctx context.Context, q Question) (Reply, error)
}

// answerFunc makes a function an Answerer.
type answerFunc func(ctx context.Context, q Question) (Reply, error)

func (f answerFunc) Answer(ctx context.Context, q Question) (Reply, error) { return f(ctx, q) }

// Policy is what the core decides before anything is answered, the same
// for every platform.
type Policy struct {
	// Texts are the notices and error texts; empty fields take defaults.
	Texts Texts
	// FloodPerMinute is the per-user question limit of each platform; a
	// platform not listed, or 0, has no flood control.
	FloodPerMinute map[string]int
	// Reindex serves IntentReindex for administrators; nil makes it
	// Unavailable.
	Reindex func(ctx context.Context, platform string) (summary string, err error)
}

// Gate applies a Policy in front of an Answerer: flood control per
// platform and user, the /reindex command, and errors turned into *Error
// with the configured text of their kind. *Bot puts one in front of its
// own answering; a test can put one in front of a fake.
type Gate struct {
	p     Policy
	next  Answerer
	flood map[string]*FloodGuard
}

// NewGate returns a Gate applying p before next.
func NewGate(p Policy, next Answerer) *Gate {
	p.Texts = p.Texts.withDefaults()
	g := &Gate{p: p, next: next, flood: map[string]*FloodGuard{}}
	for platform, n := range p.FloodPerMinute {
		if n > 0 {
			g.flood[platform] = NewFloodGuard(n, time.Minute)
		}
	}
	return g
}

// Answer applies the policy to q and hands it to the next Answerer. A
// flooding person gets a KindLimited reply (Quiet after the first); a
// reindex is served here. Errors are *Error (see ErrorMessage).
func (g *Gate) Answer(ctx context.Context, q Question) (Reply, error) {
	if q.Intent == IntentReindex {
		r, err := g.reindex(ctx, q)
		return r, wrapError(g.p.Texts, err)
	}
	if r, limited := g.limit(q); limited {
		return r, nil
	}
	r, err := g.next.Answer(ctx, q)
	if err != nil {
		return Reply{}, wrapError(g.p.Texts, err)
	}
	return r, nil
}

// limit applies flood control to the intents that cost an answer: typed
// questions (not previews), chosen entries, topics and help. Feedback and
// admin commands are never limited.
func (g *Gate) limit(q Question) (Reply, bool) {
	switch q.Intent {
	case IntentAsk, IntentEntry:
		if q.Preview {
			return Reply{}, false
		}
	case IntentTopics, IntentHelp:
	default:
		return Reply{}, false
	}
	guard := g.flood[q.Platform]
	if guard == nil || q.UserID == "" {
		return Reply{}, false
	}
	d := guard.Allow(q.UserID)
	if d.Allowed {
		return Reply{}, false
	}
	return Reply{Kind: KindLimited, Text: g.p.Texts.Flood, Related: []Ref{}, Quiet: !d.Notice}, true
}

// reindex serves IntentReindex: only for administrators, and only when a
// Reindex function is configured.
func (g *Gate) reindex(ctx context.Context, q Question) (Reply, error) {
	t := g.p.Texts
	switch {
	case g.p.Reindex == nil:
		return Reply{}, &Error{Kind: Unavailable, Message: t.ReindexOff, Err: fmt.Errorf("reindex from %s: not configured", q.Platform)}
	case !q.Admin:
		return notice(t.NotAdmin), nil
	}
	summary, err := g.p.Reindex(ctx, q.Platform)
	if err != nil {
		return Reply{}, &Error{Kind: Internal, Message: t.ReindexFailed, Err: fmt.Errorf("reindex from %s: %w", q.Platform, err)}
	}
	return notice(t.ReindexDone + " " + summary), nil
}
