package telegram

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
// behind the adapter and the real telegram-bot-api client, against the fake
// Bot API.

const (
	chronicQ = realcore.ChronicQ
	urgentQ  = realcore.UrgentQ
	unknownQ = realcore.UnknownQ
)

// realCore is the real *bot.Bot over the bundled content.
func realCore(t *testing.T) *bot.Bot { return realcore.New(t, "../../content") }

// sentTo returns the sendMessage calls to one chat.
func sentTo(cs []call, chat string) []call {
	var out []call
	for _, c := range cs {
		if c.form.Get("chat_id") == chat {
			out = append(out, c)
		}
	}
	return out
}

// buttons flattens a keyboard into callback data and labels.
func buttons(t *testing.T, c call) (datas, labels []string) {
	t.Helper()
	for _, row := range keyboard(t, c) {
		for _, b := range row {
			if b.CallbackData == nil {
				t.Fatalf("button %q without callback data", b.Text)
			}
			datas = append(datas, *b.CallbackData)
			labels = append(labels, b.Text)
		}
	}
	return datas, labels
}

func refData(refs []bot.Ref) []string {
	var out []string
	for _, r := range refs {
		out = append(out, cbQuestion+r.ID)
	}
	return out
}

func TestRealCoreAnswerUrgentAndFallback(t *testing.T) {
	core := realCore(t)
	disclaimer := "<i>" + escapeHTML(bot.DefaultConfig().Disclaimer) + "</i>"
	f := newFakeTG(t)
	start(t, f, core, nil)
	f.push(privateMsg(101, chronicQ), privateMsg(102, urgentQ), privateMsg(103, unknownQ))
	sent := f.waitCalls(t, "sendMessage", 3)

	// What the core itself says, to check the buttons against.
	ctx := context.Background()
	want := map[string]bot.Reply{}
	for _, q := range []string{chronicQ, urgentQ, unknownQ} {
		r, err := core.Answer(ctx, bot.Question{Text: q, Platform: Platform, UserID: "1", ChatID: "1"})
		if err != nil {
			t.Fatalf("core.Answer(%q): %v", q, err)
		}
		want[q] = r
	}

	// An answer: the matched question, the answer, the disclaimer, related
	// questions and feedback buttons.
	one := sentTo(sent, "101")
	if len(one) != 1 {
		t.Fatalf("chat 101 got %d messages, want 1", len(one))
	}
	text := one[0].form.Get("text")
	for _, s := range []string{"<b>" + chronicQ + "</b>", "more than three months", disclaimer} {
		if !strings.Contains(text, s) {
			t.Errorf("answer %q lacks %q", text, s)
		}
	}
	if r := want[chronicQ]; r.Kind != bot.KindAnswer || len(r.Related) == 0 {
		t.Fatalf("core reply to %q: kind %s with %d related, want an answer with related questions", chronicQ, r.Kind, len(r.Related))
	}
	datas, labels := buttons(t, one[0])
	r := want[chronicQ]
	wantData := refData(append(append([]bot.Ref{}, r.DidYouMean...), r.Related...))
	wantData = wantData[:min(len(wantData), maxRelated)]
	wantData = append(wantData, cbHelpful+r.Source.ID, cbUnhelp+r.Source.ID)
	if !slices.Equal(datas, wantData) {
		t.Errorf("answer buttons %q, want %q", datas, wantData)
	}
	refs := append(append([]bot.Ref{}, r.DidYouMean...), r.Related...)
	for i, ref := range refs[:min(len(labels), len(refs), maxRelated)] {
		if labels[i] != buttonLabel(ref.Title) {
			t.Errorf("button %d is labelled %q, want %q", i, labels[i], ref.Title)
		}
	}

	// Urgent: the red-flag advice, the disclaimer, and no buttons at all.
	two := sentTo(sent, "102")
	if len(two) != 1 {
		t.Fatalf("chat 102 got %d messages, want 1", len(two))
	}
	text = two[0].form.Get("text")
	if want[urgentQ].Kind != bot.KindUrgent {
		t.Errorf("core reply to %q: kind %s, want urgent", urgentQ, want[urgentQ].Kind)
	}
	for _, s := range []string{"<b>⚠️ ", "emergency", disclaimer} {
		if !strings.Contains(text, s) {
			t.Errorf("urgent reply %q lacks %q", text, s)
		}
	}
	if rm := two[0].form.Get("reply_markup"); rm != "" {
		t.Errorf("urgent reply carries reply_markup %s", rm)
	}

	// Fallback: says it does not know, offers topics as buttons, no feedback.
	three := sentTo(sent, "103")
	if len(three) != 1 {
		t.Fatalf("chat 103 got %d messages, want 1", len(three))
	}
	text = three[0].form.Get("text")
	fb := want[unknownQ]
	if fb.Kind != bot.KindFallback || len(fb.Topics) == 0 {
		t.Fatalf("core reply to %q: kind %s with %d topics, want a fallback with topics", unknownQ, fb.Kind, len(fb.Topics))
	}
	for _, s := range []string{"Sorry", "knee", disclaimer} {
		if !strings.Contains(text, s) {
			t.Errorf("fallback reply %q lacks %q", text, s)
		}
	}
	datas, _ = buttons(t, three[0])
	wantData = refData(fb.Topics)
	wantData = wantData[:min(len(wantData), maxTopicButtons)]
	if !slices.Equal(datas, wantData) {
		t.Errorf("fallback buttons %q, want the topics %q", datas, wantData)
	}
}

func TestRealCoreRelatedButtonAnswersThatEntry(t *testing.T) {
	core := realCore(t)
	disclaimer := "<i>" + escapeHTML(bot.DefaultConfig().Disclaimer) + "</i>"
	f := newFakeTG(t)
	start(t, f, core, nil)
	f.push(privateMsg(42, chronicQ))
	first := f.waitCalls(t, "sendMessage", 1)[0]
	datas, labels := buttons(t, first)
	if len(datas) == 0 || !strings.HasPrefix(datas[0], cbQuestion) {
		t.Fatalf("answer has no related-question button: %q", datas)
	}
	data, label := datas[0], labels[0]
	entryID := strings.TrimPrefix(data, cbQuestion)

	// Tap it: the callback carries the message with its keyboard, as Telegram
	// sends it.
	f.push(map[string]any{"callback_query": map[string]any{
		"id": "cb-real", "from": user(42), "chat_instance": "ci", "data": data,
		"message": map[string]any{
			"message_id": 1, "date": 1, "text": "earlier", "chat": map[string]any{"id": 42, "type": "private"},
			"from":         map[string]any{"id": botID, "is_bot": true, "first_name": "FAQ"},
			"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": label, "callback_data": data}}}},
		},
	}})
	second := f.waitCalls(t, "sendMessage", 2)[1]
	if ack := f.waitCalls(t, "answerCallbackQuery", 1)[0]; ack.form.Get("callback_query_id") != "cb-real" {
		t.Errorf("ack %v", ack.form)
	}

	want, err := core.Answer(context.Background(), bot.Question{Intent: bot.IntentEntry, EntryID: entryID, Text: label, Platform: Platform, UserID: "42", ChatID: "42"})
	if err != nil {
		t.Fatalf("core.AnswerEntry(%q): %v", entryID, err)
	}
	if want.Kind != bot.KindAnswer || want.Source.ID != entryID {
		t.Fatalf("core.AnswerEntry(%q): kind %s source %q", entryID, want.Kind, want.Source.ID)
	}
	text := second.form.Get("text")
	firstPara := paragraphs(want.Text)[0]
	for _, s := range []string{"<b>" + escapeHTML(oneLine(want.Source.Title)) + "</b>", escapeHTML(firstPara), disclaimer} {
		if !strings.Contains(text, s) {
			t.Errorf("entry reply %q lacks %q", text, s)
		}
	}
	if text == first.form.Get("text") {
		t.Errorf("the button answered the original question again")
	}
	datas, _ = buttons(t, second)
	if !slices.Contains(datas, cbHelpful+entryID) {
		t.Errorf("entry reply buttons %q lack 👍 for %s", datas, entryID)
	}
	if slices.Contains(datas, data) {
		t.Errorf("entry reply offers itself as related: %q", datas)
	}
}
