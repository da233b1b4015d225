package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"faqbot/bot"
	"faqbot/bot/bottest"
)

func keyboard(t *testing.T, c call) [][]tgbotapi.InlineKeyboardButton {
	t.Helper()
	raw := c.form.Get("reply_markup")
	if raw == "" {
		return nil
	}
	var kb tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		t.Fatalf("reply_markup %q: %v", raw, err)
	}
	return kb.InlineKeyboard
}

func TestPrivateQuestionAnswered(t *testing.T) {
	f := newFakeTG(t)
	ans := &fakeAnswerer{}
	r := start(t, f, ans, nil)
	f.push(privateMsg(42, "how long should I rest?"))

	sent := f.waitCalls(t, "sendMessage", 1)[0]
	text := sent.form.Get("text")
	for _, want := range []string{
		"<b>Is &lt;b&gt;massage&lt;/b&gt; &amp; stretching safe?</b>",
		"Answer to: how long should I rest?",
		"Rest &amp; drink &lt;water&gt;.",
		"<i>" + testDisclaim + "</i>",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q lacks %q", text, want)
		}
	}
	if got := sent.form.Get("chat_id"); got != "42" {
		t.Errorf("chat_id = %q, want 42", got)
	}
	if got := sent.form.Get("parse_mode"); got != "HTML" {
		t.Errorf("parse_mode = %q, want HTML", got)
	}
	kb := keyboard(t, sent)
	var datas []string
	for _, row := range kb {
		for _, b := range row {
			if len(*b.CallbackData) > maxCallbackData {
				t.Errorf("callback_data %q is %d bytes", *b.CallbackData, len(*b.CallbackData))
			}
			datas = append(datas, *b.CallbackData)
		}
	}
	want := []string{"q:d1", "q:r1", "q:r2", "f:1:e1", "f:0:e1"}
	if !slices.Equal(datas, want) {
		t.Errorf("buttons %v, want %v", datas, want)
	}
	q := ans.Questions()[0]
	if q != (bot.Question{Text: "how long should I rest?", Platform: "telegram", UserID: "42", ChatID: "42"}) {
		t.Errorf("question %+v", q)
	}
	cmds := f.waitCalls(t, "setMyCommands", 1)[0].form.Get("commands")
	for _, c := range []string{`"start"`, `"help"`, `"ask"`, `"topics"`} {
		if !strings.Contains(cmds, c) {
			t.Errorf("setMyCommands %s lacks %s", cmds, c)
		}
	}
	f.wantCalls(t, "deleteWebhook", 1)
	st := waitStats(t, r.a, "Sent 1", func(s Stats) bool { return s.Sent == 1 })
	if st != (Stats{Received: 1, Sent: 1}) {
		t.Errorf("stats %+v, want only Received 1 and Sent 1", st)
	}
}

func TestGroupChatterIgnoredMentionAndAskAnswered(t *testing.T) {
	f := newFakeTG(t)
	ans := &fakeAnswerer{}
	start(t, f, ans, nil)
	const g = -100123
	mentionText := "👋 héllo @faq_bot how do I stretch?"
	off := utf16Len("👋 héllo ")
	f.push(
		groupMsg(g, 1, 10, "hello everyone, lunch?", nil, false),
		groupMsg(g, 1, 11, "/ask@other_bot not for us", command("/ask@other_bot not for us"), false),
		groupMsg(g, 1, 12, "/weather", command("/weather"), false),
		groupMsg(g, 2, 13, "/ask@faq_bot what about cramps?", command("/ask@faq_bot what about cramps?"), false),
		groupMsg(g, 3, 14, mentionText, []map[string]any{{"type": "mention", "offset": off, "length": utf16Len("@faq_bot")}}, false),
		groupMsg(g, 4, 15, "and for the neck?", nil, true),
		groupMsg(g, 5, 16, "/ask", command("/ask"), false),
		groupMsg(g, 6, 17, "/topics", command("/topics"), false),
	)
	sent := f.waitCalls(t, "sendMessage", 5)
	want := []string{"what about cramps?", "👋 héllo how do I stretch?", "and for the neck?"}
	if got := ans.texts(); !slices.Equal(got, want) {
		t.Errorf("questions %q, want %q", got, want)
	}
	if got := sent[0].form.Get("reply_to_message_id"); got != "13" {
		t.Errorf("reply_to_message_id = %q, want 13", got)
	}
	prompt := sent[3]
	if !strings.Contains(prompt.form.Get("text"), "What would you like to know?") || !strings.Contains(prompt.form.Get("reply_markup"), `"force_reply":true`) {
		t.Errorf("/ask without text: got %q %q", prompt.form.Get("text"), prompt.form.Get("reply_markup"))
	}
	topics := sent[4]
	kb := keyboard(t, topics)
	if len(kb) != 2 || *kb[0][0].CallbackData != "q:t1" || kb[0][0].Text != "Topic one" {
		t.Errorf("/topics keyboard %+v", kb)
	}
	if !strings.Contains(topics.form.Get("text"), testDisclaim) {
		t.Errorf("/topics text %q lacks the disclaimer", topics.form.Get("text"))
	}
	time.Sleep(20 * time.Millisecond) // nothing else may arrive
	f.wantCalls(t, "sendMessage", 5)
}

func TestRelatedQuestionButtonAnswered(t *testing.T) {
	f := newFakeTG(t)
	ans := &fakeAnswerer{}
	start(t, f, ans, nil)
	data := "q:r2"
	f.push(map[string]any{"callback_query": map[string]any{
		"id": "cb1", "from": user(42), "chat_instance": "ci", "data": data,
		"message": map[string]any{
			"message_id": 5, "date": 1, "text": "earlier", "chat": map[string]any{"id": 42, "type": "private"},
			"from":         map[string]any{"id": botID, "is_bot": true, "first_name": "FAQ"},
			"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "Related two", "callback_data": data}}}},
		},
	}})
	sent := f.waitCalls(t, "sendMessage", 1)[0]
	if !strings.Contains(sent.form.Get("text"), "Entry answer r2") || !strings.Contains(sent.form.Get("text"), "<b>Entry r2</b>") {
		t.Errorf("text %q", sent.form.Get("text"))
	}
	acks := f.waitCalls(t, "answerCallbackQuery", 1)
	if acks[0].form.Get("callback_query_id") != "cb1" {
		t.Errorf("ack %v", acks[0].form)
	}
	if ents, qs := ans.Entries(), ans.Questions(); len(ents) != 1 || ents[0] != "r2" || qs[0].Text != "Related two" {
		t.Errorf("AnswerEntry calls %v with %+v", ents, qs)
	}
}

func TestFeedbackAcknowledged(t *testing.T) {
	f := newFakeTG(t)
	ans := &fakeAnswerer{}
	start(t, f, ans, nil)
	f.push(map[string]any{"callback_query": map[string]any{
		"id": "cb9", "from": user(42), "chat_instance": "ci", "data": "f:0:e1",
		"message": map[string]any{"message_id": 5, "date": 1, "chat": map[string]any{"id": 42, "type": "private"}},
	}})
	ack := f.waitCalls(t, "answerCallbackQuery", 1)[0]
	if ack.form.Get("callback_query_id") != "cb9" || ack.form.Get("text") != "Thanks for the feedback!" {
		t.Errorf("ack %v", ack.form)
	}
	want := []bot.Feedback{{Platform: "telegram", UserID: "42", EntryID: "e1", Helpful: false}}
	if got := ans.Feedback(); !slices.Equal(got, want) {
		t.Errorf("feedback %+v, want %+v", got, want)
	}
	f.wantCalls(t, "sendMessage", 0)
}

func TestInlineQueryAnswered(t *testing.T) {
	f := newFakeTG(t)
	ans := &fakeAnswerer{}
	start(t, f, ans, nil)
	f.push(map[string]any{"inline_query": map[string]any{"id": "iq1", "from": user(42), "query": "sore back", "offset": ""}})
	c := f.waitCalls(t, "answerInlineQuery", 1)[0]
	if c.form.Get("inline_query_id") != "iq1" {
		t.Errorf("inline_query_id %q", c.form.Get("inline_query_id"))
	}
	var results []struct {
		Type    string `json:"type"`
		ID      string `json:"id"`
		Title   string `json:"title"`
		Content struct {
			Text      string `json:"message_text"`
			ParseMode string `json:"parse_mode"`
		} `json:"input_message_content"`
	}
	if err := json.Unmarshal([]byte(c.form.Get("results")), &results); err != nil {
		t.Fatalf("results %q: %v", c.form.Get("results"), err)
	}
	if len(results) != 2 {
		t.Fatalf("got %d results, want 2 (best match + did-you-mean)", len(results))
	}
	r := results[0]
	if r.Type != "article" || r.Title != "Is <b>massage</b> & stretching safe?" || r.Content.ParseMode != "HTML" {
		t.Errorf("result %+v", r)
	}
	if !strings.Contains(r.Content.Text, "Answer to: sore back") || !strings.Contains(r.Content.Text, testDisclaim) {
		t.Errorf("message text %q", r.Content.Text)
	}
	if results[1].Title != "Entry d1" || results[0].ID == results[1].ID {
		t.Errorf("second result %+v", results[1])
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	f := newFakeTG(t)
	var n atomic.Int32
	f.setIntercept(func(method string, _ url.Values) (int, string, bool) {
		if method == "sendMessage" && n.Add(1) == 1 {
			return http.StatusTooManyRequests, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`, true
		}
		return 0, "", false
	})
	r := start(t, f, &fakeAnswerer{}, nil)
	f.push(privateMsg(42, "hello"))
	cs := f.waitCalls(t, "sendMessage", 2)
	if gap := cs[1].at.Sub(cs[0].at); gap < 990*time.Millisecond {
		t.Errorf("retried after %v, want >= 1s (retry_after)", gap)
	}
	if cs[0].form.Get("text") != cs[1].form.Get("text") {
		t.Errorf("retry sent a different message")
	}
	time.Sleep(20 * time.Millisecond)
	if got := len(f.callsOf("sendMessage")); got != 2 {
		t.Errorf("sendMessage calls = %d, want 2", got)
	}
	// The 429 is an API error and a rate limit; waiting out its retry_after
	// is not a wait on our own limits (all off here).
	st := waitStats(t, r.a, "Sent 1", func(s Stats) bool { return s.Sent == 1 })
	if want := (Stats{Received: 1, Sent: 1, RateLimited: 1, APIErrors: 1}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

func TestServerErrorsRetriedWithBackoff(t *testing.T) {
	f := newFakeTG(t)
	var n atomic.Int32
	f.setIntercept(func(method string, _ url.Values) (int, string, bool) {
		if method != "sendMessage" {
			return 0, "", false
		}
		switch n.Add(1) {
		case 1:
			return http.StatusBadGateway, `<html>502 Bad Gateway</html>`, true
		case 2:
			return http.StatusInternalServerError, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`, true
		}
		return 0, "", false
	})
	r := start(t, f, &fakeAnswerer{}, nil)
	f.push(privateMsg(42, "hello"))
	cs := f.waitCalls(t, "sendMessage", 3)
	if cs[1].at.Sub(cs[0].at) < 8*time.Millisecond || cs[2].at.Sub(cs[1].at) < 16*time.Millisecond {
		t.Errorf("retries at %v and %v, want backoff of about 10ms then 20ms", cs[1].at.Sub(cs[0].at), cs[2].at.Sub(cs[1].at))
	}
	st := waitStats(t, r.a, "Sent 1", func(s Stats) bool { return s.Sent == 1 })
	if want := (Stats{Received: 1, Sent: 1, APIErrors: 2}); st != want {
		t.Errorf("stats %+v, want %+v (the 502 page and the 500 are API errors, not rate limits)", st, want)
	}
}

// TestStatsGivenUpReplies: a reply refused by Telegram and one still
// failing after MaxRetries are both dropped; every attempt is an API error.
func TestStatsGivenUpReplies(t *testing.T) {
	f := newFakeTG(t)
	f.setIntercept(func(method string, form url.Values) (int, string, bool) {
		if method != "sendMessage" {
			return 0, "", false
		}
		if form.Get("chat_id") == "43" {
			return http.StatusForbidden, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`, true
		}
		return http.StatusInternalServerError, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`, true
	})
	r := start(t, f, &fakeAnswerer{}, func(c *Config) { c.MaxRetries = 2 })
	f.push(privateMsg(42, "hello"), privateMsg(43, "hello"))
	st := waitStats(t, r.a, "Dropped 2", func(s Stats) bool { return s.Dropped == 2 })
	if want := (Stats{Received: 2, Dropped: 2, APIErrors: 1 + 3}); st != want {
		t.Errorf("stats %+v, want %+v (one 403, three 500s)", st, want)
	}
	f.wantCalls(t, "sendMessage", 4)
}

// TestStatsChatIntervalDefersBurst: three questions in one chat get three
// replies ChatInterval apart; the second and third were deferred.
func TestStatsChatIntervalDefersBurst(t *testing.T) {
	f := newFakeTG(t)
	const interval = 150 * time.Millisecond
	r := start(t, f, &fakeAnswerer{}, func(c *Config) { c.ChatInterval = interval })
	f.push(privateMsg(42, "one"), privateMsg(42, "two"), privateMsg(42, "three"), privateMsg(7, "elsewhere"))
	cs := f.waitCalls(t, "sendMessage", 4)
	var last time.Time
	for _, c := range cs {
		if c.form.Get("chat_id") != "42" {
			continue
		}
		// Measured at the server, so allow for jitter in the requests.
		if !last.IsZero() && c.at.Sub(last) < interval*2/3 {
			t.Errorf("replies to one chat %v apart, want about %v", c.at.Sub(last), interval)
		}
		last = c.at
	}
	st := waitStats(t, r.a, "Sent 4", func(s Stats) bool { return s.Sent == 4 })
	if want := (Stats{Received: 4, Sent: 4, Deferred: 2}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

// TestStatsCountFailuresOfEveryMethod: API errors and 429s are counted on
// setMyCommands, getUpdates and answerCallbackQuery, not only sendMessage.
func TestStatsCountFailuresOfEveryMethod(t *testing.T) {
	f := newFakeTG(t)
	var polls, acks atomic.Int32
	f.setIntercept(func(method string, _ url.Values) (int, string, bool) {
		switch {
		case method == "setMyCommands":
			return http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: command description is empty"}`, true
		case method == "getUpdates" && polls.Add(1) == 1:
			return http.StatusTooManyRequests, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`, true
		case method == "answerCallbackQuery" && acks.Add(1) == 1:
			return http.StatusBadGateway, `<html>502 Bad Gateway</html>`, true
		}
		return 0, "", false
	})
	r := start(t, f, &fakeAnswerer{}, nil)
	f.push(map[string]any{"callback_query": map[string]any{
		"id": "cb9", "from": user(42), "chat_instance": "ci", "data": "f:1:e1",
		"message": map[string]any{"message_id": 5, "date": 1, "chat": map[string]any{"id": 42, "type": "private"}},
	}})
	f.waitCalls(t, "answerCallbackQuery", 2)
	st := waitStats(t, r.a, "APIErrors 3", func(s Stats) bool { return s.APIErrors >= 3 })
	if want := (Stats{Received: 1, RateLimited: 1, APIErrors: 3}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

// webhookAddr waits for r's webhook server and returns its address.
func webhookAddr(t *testing.T, r *running) string {
	t.Helper()
	p := bottest.Eventually(t, "the webhook server started", r.a.webhookAddr.Load, func(p *string) bool { return p != nil })
	return *p
}

// postUpdate posts a private message from user 42 as update id to the
// webhook at addr, with secret in its header unless it is empty, and
// returns the status.
func postUpdate(t *testing.T, addr, secret string, id int, text string) int {
	t.Helper()
	u := privateMsg(42, text)
	u["update_id"] = id
	body, _ := json.Marshal(u)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/tg/hook", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(secretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhookWrongSecretRejected(t *testing.T) {
	f := newFakeTG(t)
	ans := &fakeAnswerer{}
	r := start(t, f, ans, func(c *Config) {
		c.Webhook = Webhook{URL: "https://bot.example.test/tg/hook", Listen: "127.0.0.1:0", Secret: "s3cret-Token"}
	})
	reg := f.waitCalls(t, "setWebhook", 1)[0]
	if reg.form.Get("url") != "https://bot.example.test/tg/hook" || reg.form.Get("secret_token") != "s3cret-Token" {
		t.Errorf("setWebhook %v", reg.form)
	}
	addr := webhookAddr(t, r)
	post := func(secret string, id int, text string) int {
		t.Helper()
		return postUpdate(t, addr, secret, id, text)
	}
	if got := post("wrong", 1, "forged question"); got != http.StatusUnauthorized {
		t.Errorf("wrong secret: status %d, want 401", got)
	}
	if got := post("", 2, "forged question"); got != http.StatusUnauthorized {
		t.Errorf("no secret: status %d, want 401", got)
	}
	if got := post("s3cret-Token", 3, "real question"); got != http.StatusOK {
		t.Errorf("right secret: status %d, want 200", got)
	}
	if got := post("s3cret-Token", 3, "real question"); got != http.StatusOK {
		t.Errorf("duplicate: status %d, want 200", got)
	}
	f.waitCalls(t, "sendMessage", 1)
	time.Sleep(20 * time.Millisecond)
	if got := ans.texts(); !slices.Equal(got, []string{"real question"}) {
		t.Errorf("questions %q, want only the authenticated one, once", got)
	}
	f.wantCalls(t, "sendMessage", 1)
	if n := len(f.callsOf("getUpdates")); n != 0 {
		t.Errorf("getUpdates calls in webhook mode = %d, want 0", n)
	}
	if st := waitStats(t, r.a, "Sent 1", func(s Stats) bool { return s.Sent == 1 }); st.Received != 1 {
		t.Errorf("Received = %d, want 1 (forged and duplicate updates are not counted)", st.Received)
	}
}

// TestWebhookClaim: with Config.Claim (the store's claimed updates, shared
// by replicas behind a load balancer), an update another replica claimed
// is not answered here; a failing Claim lets the update through.
func TestWebhookClaim(t *testing.T) {
	var mu sync.Mutex
	var asked []int
	claim := func(_ context.Context, id int) (bool, error) {
		mu.Lock()
		asked = append(asked, id)
		mu.Unlock()
		switch id {
		case 10:
			return false, nil // another replica has it
		case 99:
			return false, errors.New("store down")
		}
		return true, nil
	}
	f := newFakeTG(t)
	ans := &fakeAnswerer{}
	r := start(t, f, ans, func(c *Config) {
		c.Webhook = Webhook{URL: "https://bot.example.test/tg/hook", Listen: "127.0.0.1:0", Secret: "s3cret-Token"}
		c.Claim = claim
	})
	addr := webhookAddr(t, r)
	post := func(id int, text string) {
		t.Helper()
		if status := postUpdate(t, addr, "s3cret-Token", id, text); status != http.StatusOK {
			t.Fatalf("post %d: status %d", id, status)
		}
	}
	post(10, "claimed elsewhere")
	post(11, "ours")
	post(11, "ours") // a redelivery: the local de-duplication, no second claim
	post(99, "claim fails")
	f.waitCalls(t, "sendMessage", 2)
	time.Sleep(30 * time.Millisecond)
	got := ans.texts()
	slices.Sort(got)
	if want := []string{"claim fails", "ours"}; !slices.Equal(got, want) {
		t.Errorf("questions answered %q, want %q", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []int{10, 11, 99}; !slices.Equal(asked, want) {
		t.Errorf("claims asked for %v, want %v", asked, want)
	}
}

// TestShutdownMidBurstLosesNothing stops the adapter in the middle of a
// burst, restarts it against the same server and checks that every update
// was answered exactly once.
func TestShutdownMidBurstLosesNothing(t *testing.T) {
	f := newFakeTG(t)
	f.setIntercept(func(method string, _ url.Values) (int, string, bool) {
		if method == "sendMessage" {
			time.Sleep(time.Millisecond) // a slow-ish Telegram
		}
		return 0, "", false
	})
	const total = 400
	var ups []map[string]any
	for i := range total {
		ups = append(ups, privateMsg(int64(1000+i%40), fmt.Sprintf("question #%d", i)))
	}
	f.push(ups...)

	first := start(t, f, &fakeAnswerer{}, func(c *Config) { c.PollLimit = 50 })
	f.waitCalls(t, "sendMessage", 60)
	if err := first.stop(); err != nil {
		t.Fatalf("first Run: %v", err)
	}
	afterFirst := len(f.callsOf("sendMessage"))
	if st := first.a.Stats(); st.Sent != uint64(afterFirst) || st.Dropped != 0 || st.APIErrors != 0 {
		t.Errorf("first run's stats %+v, want Sent %d and nothing dropped or failed", st, afterFirst)
	}
	pending := f.pendingIDs()
	if afterFirst+len(pending) != total {
		t.Errorf("after the first run: %d answered + %d unconfirmed = %d, want %d", afterFirst, len(pending), afterFirst+len(pending), total)
	}
	if afterFirst == total {
		t.Log("the first run finished everything before stopping; the restart has nothing to do")
	}

	start(t, f, &fakeAnswerer{}, nil)
	f.waitCalls(t, "sendMessage", total)
	time.Sleep(50 * time.Millisecond)
	cs := f.callsOf("sendMessage")
	seen := map[string]int{}
	for _, c := range cs {
		text := c.form.Get("text")
		i := strings.Index(text, "question #")
		j := strings.Index(text[i:], "\n")
		seen[text[i:i+j]]++
	}
	for i := range total {
		if n := seen[fmt.Sprintf("question #%d", i)]; n != 1 {
			t.Errorf("question #%d answered %d times, want 1", i, n)
		}
	}
	if len(cs) != total {
		t.Errorf("sendMessage calls = %d, want %d", len(cs), total)
	}
	if t.Failed() {
		t.Logf("first run's log:\n%s", first.logs.String())
	}
}

func TestNonTextEditedAndChannelPosts(t *testing.T) {
	f := newFakeTG(t)
	ans := &fakeAnswerer{}
	start(t, f, ans, nil)
	sticker := privateMsg(42, "")
	sticker["message"].(map[string]any)["sticker"] = map[string]any{"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1}
	delete(sticker["message"].(map[string]any), "text")
	edited := privateMsg(42, "edited question")
	edited["edited_message"] = edited["message"]
	delete(edited, "message")
	post := map[string]any{"channel_post": map[string]any{"message_id": 3, "date": 1, "text": "news", "chat": map[string]any{"id": -1001, "type": "channel"}}}
	joined := privateMsg(-100555, "")
	jm := joined["message"].(map[string]any)
	delete(jm, "text")
	jm["chat"] = map[string]any{"id": -100555, "type": "supergroup"}
	jm["new_chat_members"] = []map[string]any{user(77)}
	f.push(sticker, edited, post, joined)
	f.pushRaw(`{"update_id":%d,"message":"not an object"}`)
	f.push(privateMsg(42, "last question"))

	sent := f.waitCalls(t, "sendMessage", 2)
	if !strings.Contains(sent[0].form.Get("text"), "I can only read text questions") {
		t.Errorf("sticker reply %q", sent[0].form.Get("text"))
	}
	if !strings.Contains(sent[1].form.Get("text"), "last question") {
		t.Errorf("second reply %q", sent[1].form.Get("text"))
	}
	if got := ans.texts(); !slices.Equal(got, []string{"last question"}) {
		t.Errorf("questions %q", got)
	}
}

func TestUrgentErrorFallbackAndFlood(t *testing.T) {
	f := newFakeTG(t)
	ans := &fakeAnswerer{}
	start(t, f, gated(ans, bot.Policy{FloodPerMinute: map[string]int{Platform: 3}}), nil)
	f.push(
		privateMsg(42, "I have chest pain"),
		privateMsg(42, "boom"),
		privateMsg(42, "zzz"),
		privateMsg(42, "one too many"),
		privateMsg(42, "still too many"),
	)
	sent := f.waitCalls(t, "sendMessage", 4)
	urgent := sent[0]
	if urgent.form.Get("reply_markup") != "" || !strings.Contains(urgent.form.Get("text"), "Call emergency services now.") || !strings.Contains(urgent.form.Get("text"), testDisclaim) {
		t.Errorf("urgent reply %v", urgent.form)
	}
	if got := sent[1].form.Get("text"); got != bot.DefaultTexts().Error {
		t.Errorf("error reply %q", got)
	}
	fb := keyboard(t, sent[2])
	if len(fb) != 2 || *fb[1][0].CallbackData != "q:t2" {
		t.Errorf("fallback keyboard %+v", fb)
	}
	if got := sent[3].form.Get("text"); got != renderNotice(bot.DefaultTexts().Flood) {
		t.Errorf("flood notice %q", got)
	}
	time.Sleep(20 * time.Millisecond)
	if n := len(f.callsOf("sendMessage")); n != 4 {
		t.Errorf("sendMessage calls = %d, want 4 (silence after the notice)", n)
	}
}

func TestReindexCommand(t *testing.T) {
	f := newFakeTG(t)
	var calls atomic.Int32
	reindex := func(context.Context, string) (string, error) {
		if calls.Add(1) == 2 {
			return "", errors.New("disk full")
		}
		return "52 entries <ok>", nil
	}
	start(t, f, gated(&fakeAnswerer{}, bot.Policy{Reindex: reindex}), func(c *Config) { c.AdminIDs = []int64{7} })
	f.push(cmdMsg(8, "/reindex"))
	f.push(cmdMsg(7, "/reindex"))
	f.push(cmdMsg(7, "/reindex"))
	sent := f.waitCalls(t, "sendMessage", 3)
	texts := map[string][]string{}
	for _, c := range sent {
		texts[c.form.Get("chat_id")] = append(texts[c.form.Get("chat_id")], c.form.Get("text"))
	}
	if got := texts["8"]; len(got) != 1 || got[0] != bot.DefaultTexts().NotAdmin {
		t.Errorf("non-admin got %q", got)
	}
	if got := texts["7"]; len(got) != 2 || got[0] != "Reindexed: 52 entries &lt;ok&gt;" || got[1] != bot.DefaultTexts().ReindexFailed {
		t.Errorf("admin got %q", got)
	}
	for _, c := range f.callsOf("setMyCommands") {
		if strings.Contains(c.form.Get("commands"), "reindex") {
			t.Errorf("reindex published in the command menu")
		}
	}
}

func TestReindexUnavailable(t *testing.T) {
	f := newFakeTG(t)
	start(t, f, gated(&fakeAnswerer{}, bot.Policy{}), func(c *Config) { c.AdminIDs = []int64{7} })
	f.push(cmdMsg(7, "/reindex"))
	if got := f.waitCalls(t, "sendMessage", 1)[0].form.Get("text"); got != bot.DefaultTexts().ReindexOff {
		t.Errorf("got %q", got)
	}
}

func TestNewErrors(t *testing.T) {
	f := newFakeTG(t)
	if _, err := New(Config{APIEndpoint: f.endpoint()}, &fakeAnswerer{}, nil); err == nil || !strings.Contains(err.Error(), "FAQBOT_TELEGRAM_TOKEN") {
		t.Errorf("missing token: got %v", err)
	}
	if _, err := New(Config{Token: "bad:token", APIEndpoint: f.endpoint()}, &fakeAnswerer{}, nil); err == nil {
		t.Error("rejected token: got nil error")
	} else if !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("rejected token: got %v", err)
	}
	// A dead endpoint: the error names the URL, but not the token.
	dead := newFakeTG(t)
	ep := dead.endpoint()
	dead.srv.Close()
	_, err := New(Config{Token: testToken, APIEndpoint: ep, RequestTimeout: time.Second}, &fakeAnswerer{}, nil)
	if err == nil || strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "<token>") {
		t.Errorf("dead endpoint: got %v", err)
	}
	if _, err := New(Config{Token: testToken, APIEndpoint: "http://x/bot%s"}, &fakeAnswerer{}, nil); err == nil {
		t.Error("endpoint without two placeholders: got nil error")
	}
	if _, err := New(Config{Token: testToken, APIEndpoint: f.endpoint(), Webhook: Webhook{URL: "https://x/hook", Secret: "bad secret!"}}, &fakeAnswerer{}, nil); err == nil {
		t.Error("bad webhook secret: got nil error")
	}
}

func TestRunReturnsErrorWhenTokenRevoked(t *testing.T) {
	f := newFakeTG(t)
	f.fail("getUpdates", http.StatusUnauthorized, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
	r := start(t, f, &fakeAnswerer{}, nil)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run kept going with a revoked token")
	}
	err := r.stop()
	if err == nil || !strings.Contains(err.Error(), "token rejected") {
		t.Errorf("Run: got %v, want a token error", err)
	}
}

// TestLogsCarryNoUserIDs: failures around one user's questions, button and
// admin command are logged without the user's ID.
func TestLogsCarryNoUserIDs(t *testing.T) {
	f := newFakeTG(t)
	f.fail("answerCallbackQuery", http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: query is too old"}`)
	r := start(t, f, gated(&fakeAnswerer{}, bot.Policy{Reindex: func(context.Context, string) (string, error) { return "", errors.New("disk full") }}),
		func(c *Config) { c.AdminIDs = []int64{7} })
	const g, uid = -100555, 880000123
	f.push(
		groupMsg(g, uid, 10, "/ask boom", command("/ask boom"), false),
		groupMsg(g, uid, 11, "/reindex", command("/reindex"), false),
		map[string]any{"callback_query": map[string]any{
			"id": "cb1", "from": user(uid), "chat_instance": "ci", "data": "f:1:e1",
			"message": map[string]any{"message_id": 5, "date": 1, "chat": map[string]any{"id": g, "type": "supergroup"}},
		}},
	)
	f.waitCalls(t, "sendMessage", 2)
	f.waitCalls(t, "answerCallbackQuery", 1)
	waitStats(t, r.a, "Sent 2 and one API error", func(s Stats) bool { return s.Sent == 2 && s.APIErrors == 1 })
	// The API error is counted when the request fails and logged when the
	// handler sees it, a moment later: wait for the log line too.
	logs := bottest.Eventually(t, "both failures logged", r.logs.String, func(l string) bool {
		return strings.Contains(l, "answering failed") && strings.Contains(l, "answerCallbackQuery failed")
	})
	if strings.Contains(logs, strconv.Itoa(uid)) {
		t.Errorf("a user ID is in the logs:\n%s", logs)
	}
}

func cmdMsg(chat int64, text string) map[string]any {
	u := privateMsg(chat, text)
	u["message"].(map[string]any)["entities"] = command(text)
	return u
}

// TestShutdownDeadline: a reply stuck at Telegram does not hold shutdown
// past the deadline, and the reply given up is logged with its update ID.
func TestShutdownDeadline(t *testing.T) {
	f := newFakeTG(t)
	release := make(chan struct{})
	f.setIntercept(func(method string, _ url.Values) (int, string, bool) {
		if method == "sendMessage" {
			<-release
			return http.StatusGatewayTimeout, `{"ok":false,"error_code":504,"description":"too late"}`, true
		}
		return 0, "", false
	})
	defer close(release)
	first := start(t, f, &fakeAnswerer{}, func(c *Config) { c.ShutdownTimeout = 200 * time.Millisecond })
	ids := f.push(privateMsg(42, "stuck question"))
	f.waitCalls(t, "sendMessage", 1)
	began := time.Now()
	if err := first.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("shutdown took %v with a 200ms deadline", took)
	}
	want := fmt.Sprintf("reply not delivered before the shutdown deadline\" adapter=telegram update_id=%d", ids[0])
	if !strings.Contains(first.logs.String(), want) {
		t.Errorf("the undelivered reply was not logged as %q:\n%s", want, first.logs.String())
	}
	// The request we cut at the deadline is not Telegram's failure.
	if st := first.a.Stats(); st != (Stats{Received: 1, Dropped: 1}) {
		t.Errorf("stats %+v, want Received 1, Dropped 1 and no API errors", st)
	}
}
