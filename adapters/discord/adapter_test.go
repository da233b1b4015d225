package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"faqbot/bot"
	"faqbot/internal/testrun"
)

// checkReply asserts a rendered message body carries the matched question,
// the answer, the disclaimer and empty allowed_mentions.
func checkReply(t *testing.T, m map[string]any, wantTitle, wantText string) {
	t.Helper()
	content, _ := m["content"].(string)
	for _, want := range []string{wantTitle, wantText, "-# " + disclaimer} {
		if !strings.Contains(content, want) {
			t.Errorf("content %q does not contain %q", content, want)
		}
	}
	if ulen(content) > maxContent {
		t.Errorf("content is %d long, want <= %d", ulen(content), maxContent)
	}
	am, _ := m["allowed_mentions"].(map[string]any)
	if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 {
		t.Errorf("allowed_mentions = %v, want parse: []", m["allowed_mentions"])
	}
}

// customIDs lists the custom_ids of the buttons in a message body.
func customIDs(m map[string]any) []string {
	var out []string
	rows, _ := m["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		btns, _ := row["components"].([]any)
		for _, b := range btns {
			if bm, ok := b.(map[string]any); ok {
				out = append(out, bm["custom_id"].(string))
			}
		}
	}
	return out
}

func callbackData(t *testing.T, c restCall) (int, map[string]any) {
	t.Helper()
	m := c.json(t)
	typ, _ := m["type"].(float64)
	d, _ := m["data"].(map[string]any)
	return int(typ), d
}

func TestSlashCommandsRegisteredAndAskAnswered(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)

	reg := h.f.callsTo("PUT /api/v9/applications/" + botID + "/guilds/" + guildID + "/commands")
	if len(reg) != 1 {
		t.Fatalf("got %d guild command registrations, want 1: %v", len(reg), summarize(h.f.snapshot()))
	}
	var cmds []struct {
		Name    string `json:"name"`
		Options []struct {
			Name     string `json:"name"`
			Required bool   `json:"required"`
		} `json:"options"`
	}
	if err := json.Unmarshal(reg[0].Body, &cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "ask,topics,help" {
		t.Errorf("commands = %s, want ask,topics,help (no reindex without Reindex)", got)
	}
	if len(cmds[0].Options) != 2 || cmds[0].Options[0].Name != "question" || !cmds[0].Options[0].Required || cmds[0].Options[1].Name != "private" {
		t.Errorf("ask options = %+v, want question (required), private", cmds[0].Options)
	}

	h.conn.dispatch("INTERACTION_CREATE", slash("8001", "123", "ask", map[string]any{"name": "question", "type": 3, "value": "how to treat a sprain"}))
	cb := h.f.waitCalls(t, "POST /api/v9/interactions/8001/tok-8001/callback", 1)
	typ, d := callbackData(t, cb[0])
	if typ != 4 {
		t.Fatalf("callback type = %d, want 4 (answered directly)", typ)
	}
	checkReply(t, d, "**How do I treat a sprain?**", "Answer about sprain")
	if flags, _ := d["flags"].(float64); flags != 0 {
		t.Errorf("flags = %v, want 0 (public)", flags)
	}
	ids := strings.Join(customIDs(d), " ")
	if want := "faq:e:bruise faq:e:burn faq:e:fever faq:y:sprain faq:n:sprain"; ids != want {
		t.Errorf("buttons = %q, want %q", ids, want)
	}
	qs, _, _ := h.ans.snapshot()
	if len(qs) != 1 || qs[0] != (bot.Question{Text: "how to treat a sprain", Platform: "discord", UserID: "123", ChatID: chanID}) {
		t.Errorf("questions = %+v", qs)
	}

	// private: true makes the reply ephemeral.
	h.conn.dispatch("INTERACTION_CREATE", slash("8002", "123", "ask",
		map[string]any{"name": "question", "type": 3, "value": "sprain"}, map[string]any{"name": "private", "type": 5, "value": true}))
	cb = h.f.waitCalls(t, "/interactions/8002/", 1)
	if _, d := callbackData(t, cb[0]); d["flags"] != float64(64) {
		t.Errorf("private ask flags = %v, want 64 (ephemeral)", d["flags"])
	}

	// /topics and /help.
	h.conn.dispatch("INTERACTION_CREATE", slash("8003", "123", "topics"))
	cb = h.f.waitCalls(t, "/interactions/8003/", 1)
	_, d = callbackData(t, cb[0])
	checkReply(t, d, "How do I treat a bruise?", "When is a fever dangerous?")
	if got := len(customIDs(d)); got != 4 {
		t.Errorf("topics buttons = %d, want 4", got)
	}
	h.conn.dispatch("INTERACTION_CREATE", slash("8004", "123", "help"))
	cb = h.f.waitCalls(t, "/interactions/8004/", 1)
	_, d = callbackData(t, cb[0])
	checkReply(t, d, "", "Ask me a health question")

	st := waitStats(t, h.ad, "Sent 4", func(s Stats) bool { return s.Sent == 4 })
	if want := (Stats{Received: 4, Sent: 4}); st != want {
		t.Errorf("stats %+v, want %+v (four direct answers, nothing deferred or failed)", st, want)
	}
}

func TestGlobalCommandsWithoutGuild(t *testing.T) {
	t.Parallel()
	h := start(t, nil, func(c *Config) { c.GuildID = "" })
	if got := h.f.callsTo("PUT /api/v9/applications/" + botID + "/commands"); len(got) != 1 {
		t.Errorf("got %d global registrations, want 1: %v", len(got), summarize(h.f.snapshot()))
	}
}

func TestSlowAnswerDeferredThenFollowedUp(t *testing.T) {
	t.Parallel()
	h := start(t, &fakeAnswerer{delay: 300 * time.Millisecond}, func(c *Config) { c.DeferAfter = 50 * time.Millisecond })
	h.conn.dispatch("INTERACTION_CREATE", slash("8101", "123", "ask", map[string]any{"name": "question", "type": 3, "value": "sprain"}))
	cb := h.f.waitCalls(t, "/interactions/8101/tok-8101/callback", 1)
	if typ, _ := callbackData(t, cb[0]); typ != 5 {
		t.Fatalf("callback type = %d, want 5 (deferred)", typ)
	}
	edit := h.f.waitCalls(t, "PATCH /api/v9/webhooks/"+botID+"/tok-8101/messages/@original", 1)
	checkReply(t, edit[0].json(t), "How do I treat a sprain?", "Answer about sprain")
	st := waitStats(t, h.ad, "Sent 1", func(s Stats) bool { return s.Sent == 1 })
	if want := (Stats{Received: 1, Sent: 1, InteractionsDeferred: 1}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

func TestMentionsAndDMsAnsweredChatterIgnored(t *testing.T) {
	t.Parallel()
	h := start(t, nil, func(c *Config) { c.Workers = 1 }) // one worker: events handled in order

	chatter := mention("200", "hi")
	chatter["content"] = "just chatting about sprains"
	chatter["mentions"] = []any{}
	own := mention(botID, "sprain")
	own["author"] = map[string]any{"id": botID, "username": "faqbot", "bot": true}
	otherBot := mention("300", "sprain")
	otherBot["author"] = map[string]any{"id": "300", "username": "otherbot", "bot": true}
	for _, m := range []map[string]any{chatter, own, otherBot} {
		h.conn.dispatch("MESSAGE_CREATE", m)
	}
	ask := mention("201", "how do I treat a sprain?")
	h.conn.dispatch("MESSAGE_CREATE", ask)
	h.conn.dispatch("MESSAGE_CREATE", dm("202", "sprain in a DM"))

	h.f.waitCalls(t, "POST /api/v9/channels/"+dmID+"/messages", 1)
	guild := h.f.callsTo("POST /api/v9/channels/" + chanID + "/messages")
	if len(guild) != 1 {
		t.Fatalf("got %d guild replies, want 1 (chatter, own and bot messages ignored)", len(guild))
	}
	m := guild[0].json(t)
	checkReply(t, m, "How do I treat a sprain?", "Answer about sprain")
	ref, _ := m["message_reference"].(map[string]any)
	if ref["message_id"] != ask["id"] {
		t.Errorf("message_reference = %v, want a reply to %v", ref, ask["id"])
	}
	qs, _, _ := h.ans.snapshot()
	if len(qs) != 2 || qs[0].Text != "how do I treat a sprain?" || qs[0].ChatID != chanID || qs[1].Text != "sprain in a DM" || qs[1].UserID != "202" {
		t.Errorf("questions = %+v, want the mention without <@id> and the DM", qs)
	}
}

func TestButtonsRelatedAndFeedback(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	in := click("8201", "123", "faq:e:bruise")
	in["message"] = map[string]any{"id": "m1", "channel_id": chanID, "components": []any{
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "style": 1, "label": "How do I treat a bruise?", "custom_id": "faq:e:bruise"}}},
	}}
	h.conn.dispatch("INTERACTION_CREATE", in)
	cb := h.f.waitCalls(t, "/interactions/8201/", 1)
	typ, d := callbackData(t, cb[0])
	if typ != 4 {
		t.Errorf("callback type = %d, want 4", typ)
	}
	checkReply(t, d, "**How do I treat a bruise?**", "Answer about bruise")

	h.conn.dispatch("INTERACTION_CREATE", click("8202", "123", "faq:n:sprain"))
	cb = h.f.waitCalls(t, "/interactions/8202/", 1)
	typ, d = callbackData(t, cb[0])
	if typ != 4 || d["flags"] != float64(64) || !strings.Contains(d["content"].(string), "Thanks") {
		t.Errorf("feedback ack = type %d %v, want an ephemeral thanks", typ, d)
	}
	qs, ents, fb := h.ans.snapshot()
	if len(ents) != 1 || ents[0] != "bruise" || qs[0].Text != "How do I treat a bruise?" {
		t.Errorf("AnswerEntry calls = %v %+v, want bruise with its label", ents, qs)
	}
	if len(fb) != 1 || fb[0] != (bot.Feedback{Platform: "discord", UserID: "123", EntryID: "sprain", Helpful: false}) {
		t.Errorf("feedback = %+v, want 👎 for sprain from 123", fb)
	}
}

func TestLongAnswerSplit(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	h.conn.dispatch("MESSAGE_CREATE", mention("123", "long answer please"))
	want := len(splitText(longAnswer(), maxContent-ulen(footer(disclaimer))-2-ulen("**How do I treat a sprain?**")-1))
	calls := h.f.waitCalls(t, "POST /api/v9/channels/"+chanID+"/messages", want)
	var body strings.Builder
	for i, c := range calls {
		m := c.json(t)
		content := m["content"].(string)
		if ulen(content) > maxContent {
			t.Errorf("part %d is %d long, want <= %d", i, ulen(content), maxContent)
		}
		if !strings.HasSuffix(content, "-# "+disclaimer) {
			t.Errorf("part %d does not end with the disclaimer", i)
		}
		if (i == 0) != strings.HasPrefix(content, "**How do I treat a sprain?**") {
			t.Errorf("part %d: title on first part only", i)
		}
		if (i == 0) != (m["message_reference"] != nil) {
			t.Errorf("part %d: reply reference on first part only", i)
		}
		if (i == len(calls)-1) != (len(customIDs(m)) > 0) {
			t.Errorf("part %d: buttons on last part only", i)
		}
		content = strings.TrimPrefix(content, "**How do I treat a sprain?**\n")
		content = strings.TrimSuffix(content, "\n\n-# "+disclaimer)
		if !strings.HasSuffix(content, ".") {
			t.Errorf("part %d ends mid-sentence: %q", i, content[max(0, len(content)-40):])
		}
		body.WriteString(content + "\n\n")
	}
	if strings.TrimSpace(body.String()) != longAnswer() {
		t.Errorf("joined parts differ from the answer")
	}
}

func TestRateLimitOnSendWaitedOut(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	path := "/api/v9/channels/" + chanID + "/messages"
	h.f.rateLimit(path, 1)
	h.conn.dispatch("MESSAGE_CREATE", mention("123", "sprain"))
	sent := h.f.waitCalls(t, "POST "+path, 2)
	if !strings.HasSuffix(sent[0].Path, "(429)") || strings.HasSuffix(sent[1].Path, "(429)") {
		t.Fatalf("calls = %v, want a 429 then a success", summarize(sent))
	}
	checkReply(t, sent[1].json(t), "How do I treat a sprain?", "Answer about sprain")
	st := waitStats(t, h.ad, "Sent 1", func(s Stats) bool { return s.Sent == 1 })
	if want := (Stats{Received: 1, Sent: 1, Deferred: 1, RateLimited: 1, APIErrors: 1}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

// TestStatsFailedSendsAndTokensNotLogged: a 502 that discordgo retries by
// itself is still an API error; a 403 drops the reply; an interaction
// callback rate limited past the retries drops the answer. Neither the
// interaction token nor the users' IDs reach the logs.
func TestStatsFailedSendsAndTokensNotLogged(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	h.f.failWith("/api/v9/channels/"+chanID+"/messages", http.StatusBadGateway)
	h.f.failWith("/api/v9/channels/"+dmID+"/messages", http.StatusForbidden)
	h.f.rateLimit("/api/v9/interactions/8401/tok-8401/callback", 6)

	// Distinctive user IDs, to check that none reaches the logs.
	h.conn.dispatch("MESSAGE_CREATE", mention("880000000000000123", "sprain"))
	h.conn.dispatch("MESSAGE_CREATE", dm("880000000000000124", "sprain"))
	h.conn.dispatch("INTERACTION_CREATE", slash("8401", "880000000000000125", "ask", map[string]any{"name": "question", "type": 3, "value": "sprain"}))

	st := waitStats(t, h.ad, "Sent 1, Dropped 2", func(s Stats) bool { return s.Sent == 1 && s.Dropped == 2 })
	want := Stats{Received: 3, Sent: 1, Dropped: 2, Deferred: 1, RateLimited: 6, APIErrors: 1 + 1 + 6}
	if st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	if got := h.f.callsTo("POST /api/v9/channels/" + chanID + "/messages"); len(got) != 2 {
		t.Errorf("guild sends %v, want the 502 and discordgo's retry", summarize(got))
	}
	logs := h.logs.String()
	if strings.Contains(logs, "tok-8401") {
		t.Errorf("the interaction token is in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, "/interactions/8401/<token>/callback") {
		t.Errorf("the rate-limited path is not logged with the token hidden:\n%s", logs)
	}
	if strings.Contains(logs, "88000000000000012") {
		t.Errorf("a user ID is in the logs:\n%s", logs)
	}
}

func TestDroppedGatewayResumesAndStillAnswers(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	h.conn.dispatch("MESSAGE_CREATE", mention("123", "sprain"))
	h.f.waitCalls(t, "POST /api/v9/channels/", 1)

	h.conn.drop()
	c2 := h.f.nextConn(t)
	if !c2.resumed || c2.sessionID != h.conn.sessionID {
		t.Fatalf("reconnect resumed=%v session=%q, want a RESUME of %q", c2.resumed, c2.sessionID, h.conn.sessionID)
	}
	h.f.mu.Lock()
	idents := len(h.f.idents)
	h.f.mu.Unlock()
	if idents != 1 {
		t.Errorf("got %d IDENTIFYs, want 1 (resume, not re-identify)", idents)
	}
	c2.dispatch("MESSAGE_CREATE", mention("124", "sprain again"))
	h.f.waitCalls(t, "POST /api/v9/channels/", 2)
}

func TestMalformedEventsSkipped(t *testing.T) {
	t.Parallel()
	h := start(t, nil, func(c *Config) { c.Workers = 1 })
	h.conn.writeRaw([]byte(`{"op":0,"s":`))                                                   // not JSON
	h.conn.dispatch("MESSAGE_CREATE", map[string]any{"id": "1", "content": 5, "author": "x"}) // wrong types
	h.conn.dispatch("MESSAGE_CREATE", map[string]any{"id": "2"})                              // no author, no channel
	h.conn.dispatch("INTERACTION_CREATE", map[string]any{"id": "3", "type": 2, "data": "nope"})
	h.conn.dispatch("INTERACTION_CREATE", map[string]any{"id": "4", "type": 3, "token": "t", "member": map[string]any{"user": user("1")}, "data": map[string]any{}})
	h.conn.dispatch("INTERACTION_CREATE", map[string]any{"id": "5", "type": 99, "token": "t", "user": user("1")})
	h.conn.dispatch("MESSAGE_CREATE", mention("123", "sprain"))
	h.f.waitCalls(t, "POST /api/v9/channels/", 1)
	if got := h.f.callsTo("/interactions/4/"); len(got) != 1 {
		t.Errorf("unknown button: got %d callbacks, want 1 polite reply", len(got))
	}
	if !strings.Contains(h.logs.String(), "malformed") {
		t.Errorf("malformed events were not logged")
	}
}

func TestAnswerErrorGetsKindMessage(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	h.conn.dispatch("MESSAGE_CREATE", mention("123", "please fail"))
	c := h.f.waitCalls(t, "POST /api/v9/channels/", 1)
	if got := c[0].json(t)["content"]; got != bot.DefaultTexts().Error {
		t.Errorf("content = %q, want %q", got, bot.DefaultTexts().Error)
	}
	if n := strings.Count(h.logs.String(), "answer failed"); n != 1 {
		t.Errorf("error logged %d times, want once", n)
	}
}

func TestUrgentAndFallbackRendering(t *testing.T) {
	t.Parallel()
	h := start(t, nil, func(c *Config) { c.Workers = 1 })
	h.conn.dispatch("MESSAGE_CREATE", mention("123", "chest pain"))
	h.conn.dispatch("MESSAGE_CREATE", mention("123", "xyzzy"))
	c := h.f.waitCalls(t, "POST /api/v9/channels/", 2)
	urgent, fallback := c[0].json(t), c[1].json(t)
	if ids := customIDs(urgent); len(ids) != 0 {
		t.Errorf("urgent reply has buttons %v, want none", ids)
	}
	checkReply(t, urgent, "", "Call emergency services now.")
	if got, want := strings.Join(customIDs(fallback), " "), "faq:e:sprain faq:e:fever"; got != want {
		t.Errorf("fallback buttons = %q, want topics %q", got, want)
	}
}

func TestFloodControl(t *testing.T) {
	t.Parallel()
	h := start(t, &fakeAnswerer{policy: &bot.Policy{FloodPerMinute: map[string]int{Platform: 2}}}, func(c *Config) { c.Workers = 1 })
	for range 4 {
		h.conn.dispatch("MESSAGE_CREATE", mention("123", "sprain"))
	}
	h.conn.dispatch("MESSAGE_CREATE", mention("555", "sprain")) // someone else is unaffected
	c := h.f.waitCalls(t, "POST /api/v9/channels/", 4)
	var got []string
	for _, x := range c {
		s := x.json(t)["content"].(string)
		if s == bot.DefaultTexts().Flood {
			got = append(got, "notice")
		} else {
			got = append(got, "answer")
		}
	}
	if strings.Join(got, ",") != "answer,answer,notice,answer" {
		t.Errorf("replies = %v, want answer,answer,notice,answer", got)
	}
}

func TestReindexAdminOnly(t *testing.T) {
	t.Parallel()
	calls := make(chan struct{}, 4)
	reindex := func(context.Context, string) (string, error) { calls <- struct{}{}; return "42 entries", nil }
	h := start(t, &fakeAnswerer{policy: &bot.Policy{Reindex: reindex}}, func(c *Config) {
		c.AdminIDs = []string{"1000"}
		c.ReindexCommand = true
	})
	reg := h.f.callsTo("PUT /api/v9/applications/")
	if !strings.Contains(string(reg[0].Body), `"name":"reindex"`) {
		t.Errorf("reindex not registered: %s", reg[0].Body)
	}
	h.conn.dispatch("INTERACTION_CREATE", slash("8301", "123", "reindex"))
	cb := h.f.waitCalls(t, "/interactions/8301/", 1)
	if _, d := callbackData(t, cb[0]); d["content"] != bot.DefaultTexts().NotAdmin || d["flags"] != float64(64) {
		t.Errorf("non-admin got %v, want an ephemeral refusal", d)
	}
	if len(calls) != 0 {
		t.Errorf("Reindex ran for a non-admin")
	}
	h.conn.dispatch("INTERACTION_CREATE", slash("8302", "1000", "reindex"))
	cb = h.f.waitCalls(t, "/interactions/8302/", 1)
	if _, d := callbackData(t, cb[0]); !strings.Contains(d["content"].(string), "42 entries") || d["flags"] != float64(64) {
		t.Errorf("admin got %v, want the ephemeral summary", d)
	}
}

func TestFixedShard(t *testing.T) {
	t.Parallel()
	h := start(t, nil, func(c *Config) { c.ShardID, c.ShardCount = 1, 3 })
	if h.conn.shard != [2]int{1, 3} {
		t.Errorf("IDENTIFY shard = %v, want [1 3]", h.conn.shard)
	}
}

func TestAutoSharding(t *testing.T) {
	t.Parallel()
	h := startWith(t, func(f *fakeDiscord) { f.shards = 2 }, func(c *Config) { c.ShardCount = ShardAuto })
	c2 := h.f.nextConn(t)
	shards := map[[2]int]bool{h.conn.shard: true, c2.shard: true}
	if !shards[[2]int{0, 2}] || !shards[[2]int{1, 2}] {
		t.Fatalf("shards = %v, want [0 2] and [1 2]", shards)
	}
	if got := h.f.callsTo("GET /api/v9/gateway/bot"); len(got) != 1 {
		t.Errorf("GET /gateway/bot called %d times, want 1", len(got))
	}
	c2.dispatch("MESSAGE_CREATE", dm("5", "sprain"))
	h.f.waitCalls(t, "POST /api/v9/channels/"+dmID+"/messages", 1)
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{}, "FAQBOT_DISCORD_TOKEN"},
		{"shard id out of range", Config{Token: "x", ShardID: 3, ShardCount: 2}, "shard_id"},
		{"bad public key", Config{Token: "x", Interactions: Interactions{PublicKey: "abcd"}}, "public_key"},
		{"listen without key", Config{Token: "x", Interactions: Interactions{Listen: ":0"}}, "public_key"},
		{"bad api base", Config{Token: "x", APIBase: "127.0.0.1:80"}, "api_base"},
		{"slow defer", Config{Token: "x", DeferAfter: 3 * time.Second}, "defer_after"},
	}
	for _, c := range cases {
		_, err := New(c.cfg, &fakeAnswerer{}, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.want)
		}
	}
	if _, err := New(Config{Token: "x"}, nil, nil); err == nil {
		t.Errorf("nil Answerer: err = nil, want an error")
	}
}

func TestHungHandshakeIsBounded(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	f.noReady = true
	cfg := testConfig(f)
	cfg.OpenTimeout = 200 * time.Millisecond
	ad, err := New(cfg, &fakeAnswerer{}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = ad.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "handshake") {
		t.Errorf("Run = %v, want a handshake timeout error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Run took %v, want it bounded by OpenTimeout", d)
	}

	// Cancelling during a hung handshake is a clean, prompt exit.
	cfg.OpenTimeout = time.Minute
	ad, err = New(cfg, &fakeAnswerer{}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	run := testrun.Start(t, "Run during a hung handshake", cfg.ShutdownTimeout+time.Second, ad.Run)
	f.waitCalls(t, "GET /api/v9/gateway", 2)
	time.Sleep(50 * time.Millisecond) // let the dial reach the hung READY read (not an assertion)
	run.Stop()
}
