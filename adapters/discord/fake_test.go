package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"faqbot/bot"
	"faqbot/bot/bottest"
	"faqbot/internal/testrun"
)

// The fake Discord: REST under /api/v9 (httptest) and a websocket gateway at
// /gw on the same 127.0.0.1 server, speaking HELLO / IDENTIFY / READY /
// RESUME / heartbeat ACK / dispatch.

const (
	botID   = "999"
	guildID = "1"
	chanID  = "42"
	dmID    = "77"
)

type restCall struct {
	Method, Path string
	Body         []byte
}

func (c restCall) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(c.Body, &m); err != nil {
		t.Fatalf("%s %s: body %q: %v", c.Method, c.Path, c.Body, err)
	}
	return m
}

type fakeDiscord struct {
	srv *httptest.Server

	mu        sync.Mutex
	calls     []restCall
	limit429  map[string]int   // path -> 429s still to return
	failures  map[string][]int // path -> error statuses still to return, in order
	conns     []*fakeConn
	sessions  map[string]*int64
	idents    [][2]int // shard of each IDENTIFY
	resumes   int
	msgN      int
	shards    int // /gateway/bot recommendation
	onMessage func(body []byte)
	record    bool
	noReady   bool // accept IDENTIFY but never send READY (a hung handshake)

	connCh chan *fakeConn
}

type fakeConn struct {
	ws        *websocket.Conn
	wmu       sync.Mutex
	seq       *int64
	sessionID string
	shard     [2]int
	resumed   bool
	done      chan struct{}
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	t.Helper()
	f := &fakeDiscord{limit429: map[string]int{}, failures: map[string][]int{}, sessions: map[string]*int64{}, shards: 1, record: true, connCh: make(chan *fakeConn, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("/gw/", f.gateway)
	mux.HandleFunc("/api/v9/", f.rest)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.close)
	return f
}

func (f *fakeDiscord) close() {
	f.mu.Lock()
	conns := f.conns
	f.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
		<-c.done
	}
	f.srv.Close()
}

func (f *fakeDiscord) rateLimit(path string, n int) {
	f.mu.Lock()
	f.limit429[path] = n
	f.mu.Unlock()
}

// failWith makes the next calls to path answer with these error statuses,
// one per call.
func (f *fakeDiscord) failWith(path string, statuses ...int) {
	f.mu.Lock()
	f.failures[path] = append(f.failures[path], statuses...)
	f.mu.Unlock()
}

func (f *fakeDiscord) rest(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p := r.URL.Path
	if r.Header.Get("Authorization") != "Bot test-token" {
		http.Error(w, `{"message":"401: Unauthorized","code":0}`, http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	if n := f.limit429[p]; n > 0 {
		f.limit429[p] = n - 1
		f.calls = append(f.calls, restCall{r.Method, p + " (429)", body})
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"message":"You are being rate limited.","retry_after":0.05,"global":false}`)
		return
	}
	if st := f.failures[p]; len(st) > 0 {
		f.failures[p] = st[1:]
		f.calls = append(f.calls, restCall{r.Method, fmt.Sprintf("%s (%d)", p, st[0]), body})
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st[0])
		fmt.Fprintf(w, `{"message":"%s","code":0}`, http.StatusText(st[0]))
		return
	}
	if f.record {
		f.calls = append(f.calls, restCall{r.Method, p, body})
	}
	f.msgN++
	n := f.msgN
	hook := f.onMessage
	shards := f.shards
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "GET" && p == "/api/v9/gateway":
		fmt.Fprintf(w, `{"url":"ws://%s/gw"}`, r.Host)
	case r.Method == "GET" && p == "/api/v9/gateway/bot":
		fmt.Fprintf(w, `{"url":"ws://%s/gw","shards":%d,"session_start_limit":{"total":1000,"remaining":999,"reset_after":0,"max_concurrency":1}}`, r.Host, shards)
	case r.Method == "GET" && p == "/api/v9/oauth2/applications/@me":
		fmt.Fprintf(w, `{"id":%q,"name":"faqbot"}`, botID)
	case r.Method == "PUT" && strings.HasSuffix(p, "/commands"):
		w.Write(body)
	case r.Method == "POST" && strings.HasPrefix(p, "/api/v9/channels/"):
		if hook != nil {
			hook(body)
		}
		fmt.Fprintf(w, `{"id":"m%d","channel_id":%q}`, n, strings.Split(p, "/")[4])
	case r.Method == "POST" && strings.HasSuffix(p, "/callback"):
		w.WriteHeader(http.StatusNoContent)
	case strings.HasPrefix(p, "/api/v9/webhooks/"):
		fmt.Fprintf(w, `{"id":"w%d","channel_id":%q}`, n, chanID)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Unknown","code":0}`)
	}
}

var upgrader = websocket.Upgrader{}

func (f *fakeDiscord) gateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &fakeConn{ws: ws, done: make(chan struct{})}
	defer close(c.done)
	defer ws.Close()
	if c.write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}}) != nil {
		return
	}
	var first struct {
		Op int             `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := ws.ReadJSON(&first); err != nil {
		return
	}
	f.mu.Lock()
	switch first.Op {
	case 2:
		var id struct {
			Token string  `json:"token"`
			Shard *[2]int `json:"shard"`
		}
		json.Unmarshal(first.D, &id)
		if id.Token != "Bot test-token" {
			f.mu.Unlock()
			ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed"))
			return
		}
		if id.Shard != nil {
			c.shard = *id.Shard
		} else {
			c.shard = [2]int{0, 1}
		}
		f.idents = append(f.idents, c.shard)
		c.sessionID = fmt.Sprintf("sess-%d", len(f.idents))
		c.seq = new(int64)
		f.sessions[c.sessionID] = c.seq
	case 6:
		var rs struct {
			SessionID string `json:"session_id"`
			Seq       int64  `json:"seq"`
		}
		json.Unmarshal(first.D, &rs)
		c.seq = f.sessions[rs.SessionID]
		if c.seq == nil {
			f.mu.Unlock()
			c.write(map[string]any{"op": 9, "d": false})
			return
		}
		c.sessionID, c.resumed = rs.SessionID, true
		f.resumes++
	default:
		f.mu.Unlock()
		return
	}
	f.conns = append(f.conns, c)
	hang := f.noReady
	f.mu.Unlock()
	if hang {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}

	if c.resumed {
		c.dispatch("RESUMED", map[string]any{})
	} else {
		c.dispatch("READY", map[string]any{
			"v": 9, "session_id": c.sessionID, "shard": c.shard,
			"user":        map[string]any{"id": botID, "username": "faqbot", "bot": true},
			"application": map[string]any{"id": botID},
			"guilds":      []any{}, "private_channels": []any{},
		})
	}
	f.connCh <- c
	for {
		var in struct {
			Op int `json:"op"`
		}
		if err := ws.ReadJSON(&in); err != nil {
			return
		}
		if in.Op == 1 {
			c.write(map[string]any{"op": 11})
		}
	}
}

func (c *fakeConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteJSON(v)
}

func (c *fakeConn) writeRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// dispatch sends an op 0 event with the next sequence number.
func (c *fakeConn) dispatch(typ string, d any) error {
	s := atomic.AddInt64(c.seq, 1)
	return c.write(map[string]any{"op": 0, "s": s, "t": typ, "d": d})
}

// drop cuts the connection without a close frame.
func (c *fakeConn) drop() { c.ws.UnderlyingConn().Close() }

func (f *fakeDiscord) nextConn(t *testing.T) *fakeConn {
	t.Helper()
	select {
	case c := <-f.connCh:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no gateway connection within 10s")
		return nil
	}
}

func (f *fakeDiscord) snapshot() []restCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]restCall(nil), f.calls...)
}

// callsTo returns the recorded calls whose "METHOD path" contains pat.
func (f *fakeDiscord) callsTo(pat string) []restCall {
	var out []restCall
	for _, c := range f.snapshot() {
		if strings.Contains(c.Method+" "+c.Path, pat) {
			out = append(out, c)
		}
	}
	return out
}

// waitCalls polls until at least n calls match pat and returns them.
func (f *fakeDiscord) waitCalls(t *testing.T, pat string, n int) []restCall {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		cs := f.callsTo(pat)
		if len(cs) >= n {
			return cs
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d calls matching %q, want %d; all calls: %v", len(cs), pat, n, summarize(f.snapshot()))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func summarize(cs []restCall) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Method+" "+c.Path)
	}
	return out
}

// waitStats polls a's counters until ok accepts them or fails after the
// deadline, and returns them.
func waitStats(t *testing.T, a *Adapter, what string, ok func(Stats) bool) Stats {
	t.Helper()
	return bottest.Eventually(t, "stats "+what, a.Stats, ok)
}

// fakeAnswerer is the shared stand-in for *bot.Bot with this package's
// canned replies. With policy set, the core's Gate (flood control,
// /reindex) stands in front of it, as in *bot.Bot.
type fakeAnswerer struct {
	delay  time.Duration
	policy *bot.Policy

	once  sync.Once
	inner bottest.Answerer
	front bot.Answerer
}

func (a *fakeAnswerer) Answer(ctx context.Context, q bot.Question) (bot.Reply, error) {
	a.once.Do(func() {
		a.inner = bottest.Answerer{Ask: cannedAnswer, Entry: cannedEntry, Delay: a.delay, Disclaimer: disclaimer,
			Topics: []bot.Ref{entries["sprain"], entries["bruise"], entries["burn"], entries["fever"]}}
		a.inner.Help = bot.Reply{Kind: bot.KindHelp, Text: "Ask me a health question, or use /topics.", Topics: a.inner.Topics[:2], Disclaimer: disclaimer}
		a.front = &a.inner
		if a.policy != nil {
			a.front = bot.NewGate(*a.policy, &a.inner)
		}
	})
	return a.front.Answer(ctx, q)
}

func (a *fakeAnswerer) snapshot() ([]bot.Question, []string, []bot.Feedback) {
	return a.inner.Questions(), a.inner.Entries(), a.inner.Feedback()
}

const disclaimer = "This is general information, not medical advice. In an emergency call your local emergency number."

var entries = map[string]bot.Ref{
	"sprain": {ID: "sprain", Title: "How do I treat a sprain?"},
	"bruise": {ID: "bruise", Title: "How do I treat a bruise?"},
	"burn":   {ID: "burn", Title: "What should I do for a minor burn?"},
	"fever":  {ID: "fever", Title: "When is a fever dangerous?"},
}

func longAnswer() string {
	var b strings.Builder
	for i := 0; b.Len() < 5200; i++ {
		fmt.Fprintf(&b, "Paragraph %d: rest the joint and keep it raised, with ice for twenty minutes at a time.\n\n", i)
	}
	return strings.TrimSpace(b.String())
}

func entryReply(id string) bot.Reply {
	ref := entries[id]
	var related []bot.Ref
	for _, k := range []string{"sprain", "bruise", "burn", "fever"} {
		if k != id {
			related = append(related, entries[k])
		}
	}
	return bot.Reply{Kind: bot.KindAnswer, Question: ref.Title, Text: "Answer about " + id + ": rest, ice, compression, elevation.",
		Source: bot.Source{ID: id, Title: ref.Title, Type: "faq"}, Score: 0.9, Related: related[:3], Disclaimer: disclaimer}
}

func cannedAnswer(q bot.Question) (bot.Reply, error) {
	switch {
	case strings.Contains(q.Text, "fail"):
		return bot.Reply{}, fmt.Errorf("search: index closed")
	case strings.Contains(q.Text, "chest pain"):
		return bot.Reply{Kind: bot.KindUrgent, Text: "Call emergency services now.", Source: bot.Source{ID: "rf-chest", Title: "Chest pain", Type: "safety"}, Related: []bot.Ref{entries["burn"]}, Disclaimer: disclaimer}, nil
	case strings.Contains(q.Text, "long"):
		r := entryReply("sprain")
		r.Text = longAnswer()
		return r, nil
	case strings.Contains(q.Text, "xyzzy"):
		return bot.Reply{Kind: bot.KindFallback, Text: "Sorry, I don't know that one.", Topics: []bot.Ref{entries["sprain"], entries["fever"]}, Disclaimer: disclaimer}, nil
	}
	return entryReply("sprain"), nil
}

func cannedEntry(q bot.Question) (bot.Reply, error) {
	if _, ok := entries[q.EntryID]; !ok {
		return bot.Reply{}, fmt.Errorf("unknown entry %q", q.EntryID)
	}
	return entryReply(q.EntryID), nil
}

type syncBuffer = bottest.SyncBuffer

// harness runs an Adapter against a fake Discord for one test.
type harness struct {
	f    *fakeDiscord
	ans  *fakeAnswerer
	ad   *Adapter
	logs *syncBuffer
	conn *fakeConn // the first gateway connection, if any
}

func testConfig(f *fakeDiscord) Config {
	return Config{
		Token: "test-token", APIBase: f.srv.URL, GuildID: guildID,
		ShutdownTimeout: 5 * time.Second, IdentifyInterval: 10 * time.Millisecond,
		Workers: 4, OpenTimeout: 5 * time.Second,
	}
}

// start runs an adapter; mod adjusts the config. It waits for the gateway
// (unless disabled) and the command registration. Cleanup stops Run and
// checks it returned nil within the shutdown deadline.
func start(t *testing.T, ans *fakeAnswerer, mod func(*Config)) *harness {
	t.Helper()
	return startFull(t, ans, nil, mod)
}

// startWith is start with a hook to set up the fake before the adapter runs.
func startWith(t *testing.T, fmod func(*fakeDiscord), mod func(*Config)) *harness {
	t.Helper()
	return startFull(t, nil, fmod, mod)
}

func startFull(t *testing.T, ans *fakeAnswerer, fmod func(*fakeDiscord), mod func(*Config)) *harness {
	t.Helper()
	f := newFakeDiscord(t)
	if fmod != nil {
		fmod(f)
	}
	if ans == nil {
		ans = &fakeAnswerer{}
	}
	cfg := testConfig(f)
	if mod != nil {
		mod(&cfg)
	}
	h := &harness{f: f, ans: ans}
	h.ad, h.logs, h.conn = runAdapter(t, f, cfg, ans)
	return h
}

// runAdapter runs an adapter with cfg and ans against f until the test
// ends, and waits for it to be ready; conn is the first gateway connection
// (nil with DisableGateway). At cleanup it stops Run, checks that it
// returned nil in time and that the logs never show the token, and prints
// the logs of a failed test.
func runAdapter(t *testing.T, f *fakeDiscord, cfg Config, ans Answerer) (*Adapter, *syncBuffer, *fakeConn) {
	t.Helper()
	logs := &syncBuffer{}
	ad, err := New(cfg, ans, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	// Registered first, so it runs after Run has stopped.
	t.Cleanup(func() {
		if strings.Contains(logs.String(), "test-token") {
			t.Errorf("logs contain the token")
		}
		if t.Failed() {
			t.Logf("adapter logs:\n%s", logs.String())
		}
	})
	run := testrun.Start(t, "Run", cfg.ShutdownTimeout+2*time.Second, ad.Run)
	var conn *fakeConn
	if !cfg.DisableGateway {
		conn = f.nextConn(t)
	}
	select {
	case <-ad.ready:
	case <-run.Done():
		t.Fatalf("Run returned during start-up: %v", run.Err())
	case <-time.After(10 * time.Second):
		t.Fatal("adapter not running within 10s")
	}
	return ad, logs, conn
}

func user(id string) map[string]any {
	return map[string]any{"id": id, "username": "user" + id}
}

var msgSeq atomic.Int64

// mention returns a MESSAGE_CREATE mentioning the bot in the guild channel.
func mention(userID, text string) map[string]any {
	id := fmt.Sprintf("%d", 7000+msgSeq.Add(1))
	return map[string]any{
		"id": id, "channel_id": chanID, "guild_id": guildID, "type": 0,
		"content": "<@" + botID + "> " + text, "author": user(userID),
		"mentions": []any{map[string]any{"id": botID, "username": "faqbot", "bot": true}},
	}
}

func dm(userID, text string) map[string]any {
	id := fmt.Sprintf("%d", 7000+msgSeq.Add(1))
	return map[string]any{"id": id, "channel_id": dmID, "type": 0, "content": text, "author": user(userID)}
}

func slash(id, userID, name string, opts ...map[string]any) map[string]any {
	return map[string]any{
		"id": id, "application_id": botID, "type": 2, "token": "tok-" + id, "channel_id": chanID, "guild_id": guildID,
		"member": map[string]any{"user": user(userID)},
		"data":   map[string]any{"id": "cmd-" + name, "name": name, "type": 1, "options": opts},
	}
}

func click(id, userID, customID string) map[string]any {
	return map[string]any{
		"id": id, "application_id": botID, "type": 3, "token": "tok-" + id, "channel_id": chanID, "guild_id": guildID,
		"member":  map[string]any{"user": user(userID)},
		"message": map[string]any{"id": "m1", "channel_id": chanID, "components": []any{}},
		"data":    map[string]any{"custom_id": customID, "component_type": 2},
	}
}

// TestMain fails the package when discordgo or adapter goroutines outlive
// the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		deadline := time.Now().Add(5 * time.Second)
		for {
			leaked := leakedGoroutines()
			if leaked == "" {
				break
			}
			if time.Now().After(deadline) {
				fmt.Fprintf(os.Stderr, "leaked goroutines:\n%s\n", leaked)
				code = 1
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	os.Exit(code)
}

func leakedGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "TestMain") || strings.Contains(g, "leakedGoroutines") {
			continue
		}
		if strings.Contains(g, "bwmarrin/discordgo") || strings.Contains(g, "faqbot/adapters/discord.") || strings.Contains(g, "gorilla/websocket") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}

// quiet is a logger for tests that do not inspect logs.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
