package bot

import (
	"context"
	"errors"
	"testing"
)

// cannedAnswerer answers every question with one reply or error.
type cannedAnswerer struct {
	err   error
	calls int
}

func (c *cannedAnswerer) Answer(_ context.Context, q Question) (Reply, error) {
	c.calls++
	if c.err != nil {
		return Reply{}, c.err
	}
	return Reply{Kind: KindAnswer, Text: "answer to " + q.Text}, nil
}

func TestGateFloodPerPlatformAndIntent(t *testing.T) {
	next := &cannedAnswerer{}
	g := NewGate(Policy{FloodPerMinute: map[string]int{"telegram": 1}}, next)
	ctx := context.Background()
	ask := Question{Text: "q", Platform: "telegram", UserID: "u1"}
	steps := []struct {
		q         Question
		kind      Kind
		quiet     bool
		wantCalls int
	}{
		{ask, KindAnswer, false, 1},
		{ask, KindLimited, false, 1}, // the one notice
		{Question{Intent: IntentHelp, Platform: "telegram", UserID: "u1"}, KindLimited, true, 1},
		{Question{Intent: IntentFeedback, Platform: "telegram", UserID: "u1", EntryID: "e"}, KindAnswer, false, 2}, // never limited
		{Question{Text: "q", Platform: "telegram", UserID: "u1", Preview: true}, KindAnswer, false, 3},
		{Question{Text: "q", Platform: "telegram", UserID: "u2"}, KindAnswer, false, 4}, // someone else
		{Question{Text: "q", Platform: "discord", UserID: "u1"}, KindAnswer, false, 5},  // no limit there
	}
	for i, s := range steps {
		r, err := g.Answer(ctx, s.q)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if r.Kind != s.kind || r.Quiet != s.quiet || next.calls != s.wantCalls {
			t.Errorf("step %d: got kind %s quiet %v after %d calls, want %s %v after %d", i, r.Kind, r.Quiet, next.calls, s.kind, s.quiet, s.wantCalls)
		}
		if r.Kind == KindLimited && r.Text != DefaultTexts().Flood {
			t.Errorf("step %d: flood text %q, want %q", i, r.Text, DefaultTexts().Flood)
		}
	}
}

func TestGateReindex(t *testing.T) {
	ctx := context.Background()
	admin := Question{Intent: IntentReindex, Platform: "discord", UserID: "1", Admin: true}
	// Not configured: Unavailable, with its text.
	_, err := NewGate(Policy{}, &cannedAnswerer{}).Answer(ctx, admin)
	if ErrorKindOf(err) != Unavailable || ErrorMessage(err) != DefaultTexts().ReindexOff {
		t.Errorf("no reindex: got %v (%q), want unavailable", err, ErrorMessage(err))
	}
	var platforms []string
	fail := errors.New("disk full")
	g := NewGate(Policy{Reindex: func(_ context.Context, p string) (string, error) {
		platforms = append(platforms, p)
		if len(platforms) == 2 {
			return "", fail
		}
		return "3 entries", nil
	}}, &cannedAnswerer{})
	r, err := g.Answer(ctx, Question{Intent: IntentReindex, Platform: "discord", UserID: "2"})
	if err != nil || r.Kind != KindNotice || r.Text != DefaultTexts().NotAdmin {
		t.Errorf("not an admin: got %+v %v, want the refusal", r, err)
	}
	r, err = g.Answer(ctx, admin)
	if err != nil || r.Kind != KindNotice || r.Text != "Reindexed: 3 entries" || r.Disclaimer != "" {
		t.Errorf("admin: got %+v %v, want the summary", r, err)
	}
	_, err = g.Answer(ctx, admin)
	if ErrorKindOf(err) != Internal || ErrorMessage(err) != DefaultTexts().ReindexFailed || !errors.Is(err, fail) {
		t.Errorf("failed reindex: got %v (%q), want internal wrapping the cause", err, ErrorMessage(err))
	}
	if len(platforms) != 2 || platforms[0] != "discord" {
		t.Errorf("reindex ran for %v, want twice for discord", platforms)
	}
}

func TestGateErrorsGetKindAndConfiguredText(t *testing.T) {
	ctx := context.Background()
	texts := Texts{Error: "oops", Unavailable: "later"}
	cause := errors.New("index closed")
	_, err := NewGate(Policy{Texts: texts}, &cannedAnswerer{err: cause}).Answer(ctx, Question{Text: "q"})
	if ErrorKindOf(err) != Internal || ErrorMessage(err) != "oops" || !errors.Is(err, cause) {
		t.Errorf("internal: got %v (%q)", err, ErrorMessage(err))
	}
	_, err = NewGate(Policy{Texts: texts}, &cannedAnswerer{err: context.DeadlineExceeded}).Answer(ctx, Question{Text: "q"})
	if ErrorKindOf(err) != Unavailable || ErrorMessage(err) != "later" || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: got %v (%q)", err, ErrorMessage(err))
	}
	// An error from outside the core still gets the default text of its kind.
	if got := ErrorMessage(errors.New("x")); got != DefaultTexts().Error {
		t.Errorf("ErrorMessage(plain error) = %q, want %q", got, DefaultTexts().Error)
	}
	if ErrorKindOf(nil) != "" {
		t.Errorf("ErrorKindOf(nil) = %q, want empty", ErrorKindOf(nil))
	}
}

func TestBotUnknownIntentIsInvalid(t *testing.T) {
	b, _, _ := newTestBot(t, nil)
	_, err := b.Answer(context.Background(), Question{Intent: Intent(99)})
	if ErrorKindOf(err) != Invalid || ErrorMessage(err) != DefaultTexts().Invalid {
		t.Errorf("got %v (%q), want invalid", err, ErrorMessage(err))
	}
}

// TestConfiguredTextsReachReplies: the texts an operator sets are the ones
// people get (feedback_thanks was once read by nothing).
func TestConfiguredTextsReachReplies(t *testing.T) {
	cfg := testConfig()
	cfg.Texts.FeedbackThanks, cfg.Texts.Topics, cfg.Texts.Flood = "Cheers!", "Ask me about:", "Easy!"
	cfg.FloodPerMinute = map[string]int{"telegram": 1}
	b, err := New(&fakeSearcher{entries: testEntries()}, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := b.Answer(ctx, Question{Intent: IntentFeedback, EntryID: "q-naps", Helpful: true})
	if err != nil || r.Kind != KindNotice || r.Text != "Cheers!" || r.Disclaimer != "" {
		t.Errorf("feedback: got %+v %v, want the configured thanks without disclaimer", r, err)
	}
	r, _ = b.Answer(ctx, Question{Intent: IntentTopics, Platform: "telegram", UserID: "1"})
	if r.Kind != KindTopics || r.Text != "Ask me about:" || len(r.Topics) == 0 || r.Disclaimer == "" {
		t.Errorf("topics: got %+v, want the configured heading, the topics and the disclaimer", r)
	}
	r, _ = b.Answer(ctx, Question{Intent: IntentHelp, Platform: "telegram", UserID: "1"})
	if r.Kind != KindLimited || r.Text != "Easy!" {
		t.Errorf("second request in a minute: got %+v, want the configured flood notice", r)
	}
}
