package telegram

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// recordingSend records when each message was sent.
type recordingSend struct {
	mu   sync.Mutex
	sent []sentAt
}

type sentAt struct {
	chat int64
	text string
	at   time.Time
}

func (r *recordingSend) send(_ context.Context, m tgbotapi.MessageConfig) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, sentAt{chat: m.ChatID, text: m.Text, at: time.Now()})
	return nil
}

func (r *recordingSend) snapshot() []sentAt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sentAt(nil), r.sent...)
}

// runSender queues messages with fill, drains the sender and returns what
// was sent and the counters, which must account for every message as sent.
func runSender(t *testing.T, lim limits, rec *recordingSend, fill func(s *sender, tk *ticket)) ([]sentAt, Stats) {
	t.Helper()
	var stats counters
	s := newSender(slog.New(slog.DiscardHandler), lim, 4, 3, 10*time.Millisecond, rec.send, &stats)
	tr := newTracker(16)
	tk, _ := tr.begin(1)
	fill(s, tk)
	tk.done()
	s.close()
	done := make(chan struct{})
	go func() { defer close(done); s.run(context.Background()) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("sender did not drain")
	}
	if w, pending := tr.watermark(); w != 1 || pending != 0 {
		t.Errorf("watermark %d, pending %d; want 1, 0", w, pending)
	}
	if s.hot != 0 || s.pending != 0 {
		t.Errorf("after draining: hot %d, pending %d; want 0, 0", s.hot, s.pending)
	}
	sent := rec.snapshot()
	st := stats.snapshot()
	if st.Sent != uint64(len(sent)) || st.Dropped != 0 {
		t.Errorf("stats Sent %d, Dropped %d; want %d, 0", st.Sent, st.Dropped, len(sent))
	}
	return sent, st
}

func msgs(chat int64, texts ...string) []tgbotapi.MessageConfig {
	var out []tgbotapi.MessageConfig
	for _, t := range texts {
		out = append(out, tgbotapi.NewMessage(chat, t))
	}
	return out
}

func TestSenderPerChatIntervalAndOrder(t *testing.T) {
	rec := &recordingSend{}
	sent, st := runSender(t, limits{chatInterval: 40 * time.Millisecond}, rec, func(s *sender, tk *ticket) {
		s.enqueue(1, false, false, tk, 1, msgs(1, "a", "b", "c"))
		s.enqueue(2, false, false, tk, 1, msgs(2, "x"))
		s.enqueue(1, false, true, tk, 1, msgs(1, "URGENT"))
	})
	var chat1 []sentAt
	for _, m := range sent {
		if m.chat == 1 {
			chat1 = append(chat1, m)
		}
	}
	order := ""
	for _, m := range chat1 {
		order += m.text + " "
	}
	if order != "URGENT a b c " {
		t.Errorf("chat 1 order %q, want the urgent message first, then FIFO", order)
	}
	for i := 1; i < len(chat1); i++ {
		if gap := chat1[i].at.Sub(chat1[i-1].at); gap < 39*time.Millisecond {
			t.Errorf("messages %d and %d to one chat %v apart, want >= 40ms", i-1, i, gap)
		}
	}
	if len(sent) != 5 {
		t.Errorf("sent %d, want 5", len(sent))
	}
	// a, b and c each waited for the interval after the message before them;
	// URGENT and chat 2's message went at once.
	if st.Deferred != 3 {
		t.Errorf("Deferred = %d, want 3", st.Deferred)
	}
}

func TestSenderNoLimitsNothingDeferred(t *testing.T) {
	rec := &recordingSend{}
	sent, st := runSender(t, limits{}, rec, func(s *sender, tk *ticket) {
		s.enqueue(1, false, false, tk, 1, msgs(1, "a", "b", "c"))
		s.enqueue(-5, true, false, tk, 1, msgs(-5, "1", "2"))
		s.enqueue(1, false, true, tk, 1, msgs(1, "URGENT"))
	})
	if len(sent) != 6 || st.Deferred != 0 {
		t.Errorf("sent %d, Deferred %d; want 6, 0", len(sent), st.Deferred)
	}
}

func TestSenderGroupWindowAndGlobalLimit(t *testing.T) {
	rec := &recordingSend{}
	sent, st := runSender(t, limits{groupLimit: 3, groupWindow: 100 * time.Millisecond}, rec, func(s *sender, tk *ticket) {
		s.enqueue(-5, true, false, tk, 1, msgs(-5, "1", "2", "3", "4", "5"))
	})
	if len(sent) != 5 {
		t.Fatalf("sent %d, want 5", len(sent))
	}
	if gap := sent[3].at.Sub(sent[0].at); gap < 99*time.Millisecond {
		t.Errorf("4th group message %v after the 1st, want >= the 100ms window", gap)
	}
	// The 4th waits for the window; the 5th too unless the 2nd left the
	// window by the time the 4th was sent.
	if st.Deferred < 1 || st.Deferred > 2 {
		t.Errorf("group Deferred = %d, want 1 or 2", st.Deferred)
	}

	rec = &recordingSend{}
	sent, st = runSender(t, limits{globalLimit: 4, globalWindow: 100 * time.Millisecond}, rec, func(s *sender, tk *ticket) {
		for c := range int64(10) {
			s.enqueue(c, false, false, tk, 1, msgs(c, "m"))
		}
	})
	if len(sent) != 10 {
		t.Fatalf("sent %d, want 10", len(sent))
	}
	for i := 4; i < len(sent); i++ {
		if gap := sent[i].at.Sub(sent[i-4].at); gap < 99*time.Millisecond {
			t.Errorf("5 messages within %v, want at most 4 per 100ms", gap)
		}
	}
	if st.Deferred != 6 {
		t.Errorf("global Deferred = %d, want 6 (all but the first 4 chats waited)", st.Deferred)
	}
}

func TestSenderDeadlineLeavesUpdateUnconfirmed(t *testing.T) {
	block := make(chan struct{})
	var stats counters
	s := newSender(slog.New(slog.DiscardHandler), limits{}, 1, 3, 10*time.Millisecond, func(ctx context.Context, _ tgbotapi.MessageConfig) error {
		select {
		case <-block:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}, &stats)
	tr := newTracker(16)
	tk, _ := tr.begin(7)
	s.enqueue(1, false, false, tk, 7, msgs(1, "a", "b"))
	tk.done()
	s.close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	s.run(ctx)
	if w, pending := tr.watermark(); w != 6 || pending != 1 {
		t.Errorf("watermark %d, pending %d; want 6, 1 (update 7 unfinished)", w, pending)
	}
	if st := stats.snapshot(); st.Sent != 0 || st.Dropped != 2 {
		t.Errorf("after the deadline: Sent %d, Dropped %d; want 0, 2", st.Sent, st.Dropped)
	}
	if s.enqueue(1, false, false, tk, 7, msgs(1, "late")) {
		t.Error("enqueue after shutdown accepted")
	}
	if st := stats.snapshot(); st.Dropped != 3 {
		t.Errorf("after a refused enqueue: Dropped %d, want 3", st.Dropped)
	}
	close(block)
}
