package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"faqbot/bot"
	"faqbot/bot/bottest"
)

const (
	testToken    = "123456:TEST-token_do-not-log"
	botID        = 999
	botUsername  = "faq_bot"
	testDisclaim = "Not medical advice; see a professional."
)

// call is one request the fake Bot API received.
type call struct {
	method string
	form   url.Values
	at     time.Time
}

// fakeTG is a fake Bot API server on 127.0.0.1 that speaks enough of the
// protocol for tgbotapi: form-encoded requests, the {"ok":...} envelope,
// getUpdates long polling with offset confirmation.
type fakeTG struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	updates   []fakeUpdate // not yet confirmed
	nextID    int
	confirmed int // every update_id below this is confirmed
	arrived   chan struct{}
	calls     []call
	handedAt  map[int]time.Time
	intercept func(method string, form url.Values) (status int, body string, ok bool)
	msgID     int
}

type fakeUpdate struct {
	id  int
	raw []byte
}

func newFakeTG(t testing.TB) *fakeTG {
	f := &fakeTG{t: t, nextID: 1, arrived: make(chan struct{}), handedAt: map[int]time.Time{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeTG) endpoint() string { return f.srv.URL + "/bot%s/%s" }

// push queues updates (each a JSON object without update_id) and returns
// their IDs.
func (f *fakeTG) push(objs ...map[string]any) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]int, 0, len(objs))
	for _, o := range objs {
		id := f.nextID
		f.nextID++
		o["update_id"] = id
		raw, err := json.Marshal(o)
		if err != nil {
			f.t.Errorf("marshal update: %v", err)
			continue
		}
		f.updates = append(f.updates, fakeUpdate{id: id, raw: raw})
		ids = append(ids, id)
	}
	close(f.arrived)
	f.arrived = make(chan struct{})
	return ids
}

// pushRaw queues a literal update (for malformed ones).
func (f *fakeTG) pushRaw(raw string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextID
	f.nextID++
	f.updates = append(f.updates, fakeUpdate{id: id, raw: []byte(fmt.Sprintf(raw, id))})
	close(f.arrived)
	f.arrived = make(chan struct{})
}

func (f *fakeTG) setIntercept(fn func(method string, form url.Values) (int, string, bool)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.intercept = fn
}

// fail answers every call of method with status and body.
func (f *fakeTG) fail(method string, status int, body string) {
	f.setIntercept(func(m string, _ url.Values) (int, string, bool) {
		if m == method {
			return status, body, true
		}
		return 0, "", false
	})
}

func (f *fakeTG) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot"+testToken+"/")
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	if err := r.ParseForm(); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"ok":false,"error_code":400,"description":"bad form"}`)
		return
	}
	method := rest
	f.mu.Lock()
	f.calls = append(f.calls, call{method: method, form: r.PostForm, at: time.Now()})
	icpt := f.intercept
	f.mu.Unlock()
	if icpt != nil {
		if status, body, ok := icpt(method, r.PostForm); ok {
			w.WriteHeader(status)
			fmt.Fprint(w, body)
			return
		}
	}
	switch method {
	case "getMe":
		fmt.Fprintf(w, `{"ok":true,"result":{"id":%d,"is_bot":true,"first_name":"FAQ","username":%q,"supports_inline_queries":true}}`, botID, botUsername)
	case "getUpdates":
		f.getUpdates(w, r)
	case "sendMessage":
		f.mu.Lock()
		f.msgID++
		id := f.msgID
		f.mu.Unlock()
		chat, _ := strconv.ParseInt(r.PostForm.Get("chat_id"), 10, 64)
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},"text":"x"}}`, id, chat)
	case "setMyCommands", "deleteWebhook", "setWebhook", "answerCallbackQuery", "answerInlineQuery":
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"ok":false,"error_code":404,"description":"Not Found: method not found"}`)
	}
}

// getUpdates confirms updates below offset, then returns pending ones or
// blocks for the long-poll timeout like the real server.
func (f *fakeTG) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.PostForm.Get("offset"))
	limit, _ := strconv.Atoi(r.PostForm.Get("limit"))
	timeout, _ := strconv.Atoi(r.PostForm.Get("timeout"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		if offset > f.confirmed {
			f.confirmed = offset
			keep := f.updates[:0]
			for _, u := range f.updates {
				if u.id >= offset {
					keep = append(keep, u)
				}
			}
			f.updates = keep
		}
		var out [][]byte
		now := time.Now()
		for _, u := range f.updates {
			if u.id < offset || len(out) >= limit {
				continue
			}
			out = append(out, u.raw)
			if _, ok := f.handedAt[u.id]; !ok {
				f.handedAt[u.id] = now
			}
		}
		arrived := f.arrived
		f.mu.Unlock()
		if len(out) > 0 || timeout == 0 {
			fmt.Fprintf(w, `{"ok":true,"result":[%s]}`, bytes.Join(out, []byte(",")))
			return
		}
		select {
		case <-arrived:
		case <-deadline.C:
			fmt.Fprint(w, `{"ok":true,"result":[]}`)
			return
		case <-r.Context().Done():
			return
		}
	}
}

// callsOf returns the calls of one method so far.
func (f *fakeTG) callsOf(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.method == method {
			out = append(out, c)
		}
	}
	return out
}

// waitCalls polls until at least n calls of method arrived or fails after
// the deadline.
func (f *fakeTG) waitCalls(t testing.TB, method string, n int) []call {
	t.Helper()
	return bottest.Eventually(t, fmt.Sprintf("%d %s calls", n, method),
		func() []call { return f.callsOf(method) }, func(cs []call) bool { return len(cs) >= n })
}

// wantCalls fails the test unless exactly n calls of method arrived so far.
func (f *fakeTG) wantCalls(t testing.TB, method string, n int) {
	t.Helper()
	if got := len(f.callsOf(method)); got != n {
		t.Errorf("%s calls = %d, want %d", method, got, n)
	}
}

// waitStats polls a's counters until ok accepts them or fails after the
// deadline, and returns them.
func waitStats(t testing.TB, a *Adapter, what string, ok func(Stats) bool) Stats {
	t.Helper()
	return bottest.Eventually(t, "stats "+what, a.Stats, ok)
}

func (f *fakeTG) pendingIDs() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []int
	for _, u := range f.updates {
		if u.id >= f.confirmed {
			ids = append(ids, u.id)
		}
	}
	return ids
}

// Update builders.

func user(id int64) map[string]any {
	return map[string]any{"id": id, "is_bot": false, "first_name": "U" + strconv.FormatInt(id, 10)}
}

func privateMsg(chat int64, text string) map[string]any {
	return map[string]any{"message": map[string]any{
		"message_id": 1, "date": 1, "text": text,
		"from": user(chat), "chat": map[string]any{"id": chat, "type": "private"},
	}}
}

func groupMsg(chat, from int64, msgID int, text string, entities []map[string]any, replyToBot bool) map[string]any {
	m := map[string]any{
		"message_id": msgID, "date": 1, "text": text,
		"from": user(from), "chat": map[string]any{"id": chat, "type": "supergroup", "title": "G"},
	}
	if entities != nil {
		m["entities"] = entities
	}
	if replyToBot {
		m["reply_to_message"] = map[string]any{
			"message_id": 7, "date": 1, "text": "earlier answer",
			"from": map[string]any{"id": botID, "is_bot": true, "first_name": "FAQ", "username": botUsername},
			"chat": map[string]any{"id": chat, "type": "supergroup"},
		}
	}
	return map[string]any{"message": m}
}

func command(text string) []map[string]any {
	n := strings.IndexByte(text, ' ')
	if n < 0 {
		n = len(text)
	}
	return []map[string]any{{"type": "bot_command", "offset": 0, "length": utf16Len(text[:n])}}
}

// fakeAnswerer is the shared stand-in for *bot.Bot with this package's
// canned replies.
type fakeAnswerer struct {
	once sync.Once
	bottest.Answerer
}

func (f *fakeAnswerer) Answer(ctx context.Context, q bot.Question) (bot.Reply, error) {
	f.once.Do(func() {
		f.Ask, f.Entry, f.Disclaimer = cannedAnswer, cannedEntry, testDisclaim
		f.Topics = []bot.Ref{{ID: "t1", Title: "Topic one"}, {ID: "t2", Title: "Topic two"}}
		f.Help = bot.Reply{Kind: bot.KindHelp, Text: "I answer questions about massage.", Topics: f.Topics, Disclaimer: testDisclaim}
	})
	return f.Answerer.Answer(ctx, q)
}

func cannedAnswer(q bot.Question) (bot.Reply, error) {
	switch {
	case strings.Contains(q.Text, "boom"):
		return bot.Reply{}, errors.New("index exploded")
	case strings.Contains(q.Text, "chest pain"):
		return bot.Reply{Question: q.Text, Kind: bot.KindUrgent, Text: "Call emergency services now.",
			Source: bot.Source{ID: "red-chest", Title: "Chest pain", Type: "safety"}, Disclaimer: testDisclaim}, nil
	case strings.Contains(q.Text, "zzz"):
		return bot.Reply{Question: q.Text, Kind: bot.KindFallback, Text: "Sorry, I don't know that one.",
			Topics: []bot.Ref{{ID: "t1", Title: "Topic one"}, {ID: "t2", Title: "Topic two"}}, Disclaimer: testDisclaim}, nil
	}
	return bot.Reply{
		Question: q.Text, Kind: bot.KindAnswer, Score: 0.9,
		Text:   "Answer to: " + q.Text + "\n\nRest & drink <water>.",
		Source: bot.Source{ID: "e1", Title: "Is <b>massage</b> & stretching safe?", Type: "faq"},
		Related: []bot.Ref{
			{ID: "r1", Title: "Related one"}, {ID: "r2", Title: "Related two"},
			{ID: "r3", Title: "Related three"}, {ID: "r4", Title: "Related four"},
		},
		DidYouMean: []bot.Ref{{ID: "d1", Title: "Did you mean this?"}},
		Disclaimer: testDisclaim,
	}, nil
}

func cannedEntry(q bot.Question) (bot.Reply, error) {
	id := q.EntryID
	return bot.Reply{Question: q.Text, Kind: bot.KindAnswer, Text: "Entry answer " + id,
		Source: bot.Source{ID: id, Title: "Entry " + id, Type: "faq"}, Disclaimer: testDisclaim}, nil
}

func (f *fakeAnswerer) texts() []string { return f.Texts() }

// gated puts the core's policy in front of a fake, as *bot.Bot has it.
func gated(a Answerer, p bot.Policy) Answerer { return bot.NewGate(p, a) }

type syncBuffer = bottest.SyncBuffer

// running is an adapter under test.
type running struct {
	a    *Adapter
	logs *syncBuffer
	done <-chan struct{} // closed when Run returned
	stop func() error    // cancels Run and returns its error
}

func testConfig(f *fakeTG) Config {
	return Config{
		Token: testToken, APIEndpoint: f.endpoint(),
		PollTimeout: time.Second, ChatInterval: -1, GroupPerMinute: -1, GlobalPerSecond: -1,
		ShutdownTimeout: 5 * time.Second, RetryBackoff: 10 * time.Millisecond, RequestTimeout: 5 * time.Second,
	}
}

// start runs an adapter against f until the test ends (or stop is called).
func start(t testing.TB, f *fakeTG, ans Answerer, mod func(*Config)) *running {
	t.Helper()
	cfg := testConfig(f)
	if mod != nil {
		mod(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := New(cfg, ans, log)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var runErr error
	go func() {
		defer close(done)
		runErr = a.Run(ctx)
	}()
	var once sync.Once
	var byTest atomic.Bool
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				t.Errorf("Run did not return within 15s")
				return
			}
			a.httpc.CloseIdleConnections()
			if strings.Contains(logs.String(), testToken) {
				t.Errorf("the token appears in the logs:\n%s", logs.String())
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil && !byTest.Load() {
			t.Errorf("Run: %v", err)
		}
		checkNoLeaks(t)
	})
	return &running{a: a, logs: logs, done: done, stop: func() error { byTest.Store(true); return stop() }}
}

// checkNoLeaks fails when goroutines of the adapter are still running.
func checkNoLeaks(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "telegram.(*Adapter)") || strings.Contains(g, "telegram.(*sender)") || strings.Contains(g, "telegram.(*handling)") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d adapter goroutines still running:\n%s", len(leaked), strings.Join(leaked, "\n\n"))
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
