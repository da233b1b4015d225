package discord

import (
	"context"
	"slices"
	"strings"
	"testing"

	"faqbot/bot"
	"faqbot/bot/bottest/realcore"
)

// The tests in this file run the real answering core (search index over the
// bundled content, bot.Bot with its default config and safety triage)
// behind the adapter and the real discordgo client, against the fake
// gateway and REST API.

const (
	realChronicQ = realcore.ChronicQ
	realUrgentQ  = realcore.UrgentQ
)

// realCore is the real *bot.Bot over the bundled content.
func realCore(t *testing.T) *bot.Bot { return realcore.New(t, "../../content") }

// startReal runs an adapter with ans against a fresh fake Discord, like
// startFull but with any Answerer. Cleanup (registered before the fake's
// own, so it runs first) stops Run and checks it returned nil in time.
func startReal(t *testing.T, ans Answerer) (*fakeDiscord, *fakeConn) {
	t.Helper()
	f := newFakeDiscord(t)
	cfg := testConfig(f)
	_, _, conn := runAdapter(t, f, cfg, ans)
	return f, conn
}

// interactionReply returns the message an interaction got: the data of an
// immediate response (type 4), or, when the answer was deferred (type 5),
// the body of the edit of the original response.
func interactionReply(t *testing.T, f *fakeDiscord, id string) map[string]any {
	t.Helper()
	cb := f.waitCalls(t, "POST /api/v9/interactions/"+id+"/tok-"+id+"/callback", 1)
	typ, d := callbackData(t, cb[0])
	switch typ {
	case 4:
		return d
	case 5:
		return f.waitCalls(t, "PATCH /api/v9/webhooks/"+botID+"/tok-"+id+"/messages/@original", 1)[0].json(t)
	}
	t.Fatalf("interaction %s: callback type %d, want 4 or 5", id, typ)
	return nil
}

func TestRealCoreSlashAskAnswerAndUrgent(t *testing.T) {
	t.Parallel()
	core := realCore(t)
	f, conn := startReal(t, core)
	foot := footer(bot.DefaultConfig().Disclaimer)

	conn.dispatch("INTERACTION_CREATE", slash("9001", "123", "ask", map[string]any{"name": "question", "type": 3, "value": realChronicQ}))
	d := interactionReply(t, f, "9001")
	content, _ := d["content"].(string)
	for _, want := range []string{"**" + escapeMarkdown(realChronicQ) + "**", "more than three months", foot} {
		if !strings.Contains(content, want) {
			t.Errorf("answer %q lacks %q", content, want)
		}
	}
	want, err := core.Answer(context.Background(), bot.Question{Text: realChronicQ, Platform: "discord", UserID: "123", ChatID: chanID})
	if err != nil {
		t.Fatalf("core.Answer: %v", err)
	}
	if want.Kind != bot.KindAnswer || len(want.Related) == 0 {
		t.Fatalf("core reply: kind %s with %d related, want an answer with related questions", want.Kind, len(want.Related))
	}
	ids := customIDs(d)
	if !slices.Contains(ids, idPrefixEntry+want.Related[0].ID) || !slices.Contains(ids, idPrefixYes+want.Source.ID) {
		t.Errorf("answer buttons %q, want related %q and 👍 for %q", ids, want.Related[0].ID, want.Source.ID)
	}

	conn.dispatch("INTERACTION_CREATE", slash("9002", "123", "ask", map[string]any{"name": "question", "type": 3, "value": realUrgentQ}))
	d = interactionReply(t, f, "9002")
	content, _ = d["content"].(string)
	for _, s := range []string{"emergency", foot} {
		if !strings.Contains(content, s) {
			t.Errorf("urgent reply %q lacks %q", content, s)
		}
	}
	if comps, ok := d["components"].([]any); ok && len(comps) > 0 {
		t.Errorf("urgent reply carries components %v", comps)
	}
}

func TestRealCoreRelatedButtonAnswersThatEntry(t *testing.T) {
	t.Parallel()
	core := realCore(t)
	f, conn := startReal(t, core)

	conn.dispatch("INTERACTION_CREATE", slash("9101", "123", "ask", map[string]any{"name": "question", "type": 3, "value": realChronicQ}))
	first := interactionReply(t, f, "9101")
	var customID, label string
	rows, _ := first["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		btns, _ := row["components"].([]any)
		for _, b := range btns {
			bm, _ := b.(map[string]any)
			if id, _ := bm["custom_id"].(string); customID == "" && strings.HasPrefix(id, idPrefixEntry) {
				customID, _ = bm["custom_id"].(string)
				label, _ = bm["label"].(string)
			}
		}
	}
	if customID == "" {
		t.Fatalf("answer has no related-question button: %q", customIDs(first))
	}
	entryID := strings.TrimPrefix(customID, idPrefixEntry)

	in := click("9102", "123", customID)
	in["message"] = map[string]any{"id": "m1", "channel_id": chanID, "components": first["components"]}
	conn.dispatch("INTERACTION_CREATE", in)
	d := interactionReply(t, f, "9102")

	want, err := core.Answer(context.Background(), bot.Question{Intent: bot.IntentEntry, EntryID: entryID, Text: label, Platform: "discord", UserID: "123", ChatID: chanID})
	if err != nil {
		t.Fatalf("core.AnswerEntry(%q): %v", entryID, err)
	}
	if want.Kind != bot.KindAnswer || want.Source.ID != entryID {
		t.Fatalf("core.AnswerEntry(%q): kind %s source %q", entryID, want.Kind, want.Source.ID)
	}
	content, _ := d["content"].(string)
	firstPara, _, _ := strings.Cut(strings.TrimSpace(want.Text), "\n")
	for _, s := range []string{"**" + escapeMarkdown(want.Source.Title) + "**", firstPara, footer(want.Disclaimer)} {
		if !strings.Contains(content, s) {
			t.Errorf("entry reply %q lacks %q", content, s)
		}
	}
	if ids := customIDs(d); !slices.Contains(ids, idPrefixYes+entryID) || slices.Contains(ids, customID) {
		t.Errorf("entry reply buttons %q, want 👍 for %s and not itself", ids, entryID)
	}
}
