package bot

import "strconv"

// Kind says what sort of reply the core produced. Adapters render each kind
// differently (an urgent reply gets no buttons, a fallback offers topics).
type Kind string

// The reply kinds.
const (
	// KindAnswer is a confident answer from the knowledge base.
	KindAnswer Kind = "answer"
	// KindFallback means the bot does not know; Topics lists what it can answer.
	KindFallback Kind = "fallback"
	// KindClarify means the bot is unsure which question was meant;
	// DidYouMean lists the likeliest. It is not an answer.
	KindClarify Kind = "clarify"
	// KindUrgent is a red-flag or crisis reply: seek care now, no massage tip.
	KindUrgent Kind = "urgent"
	// KindGreeting answers small talk such as "hello".
	KindGreeting Kind = "greeting"
	// KindHelp explains how to use the bot.
	KindHelp Kind = "help"
	// KindInvalid answers input that is not a usable question (empty, binary, ...).
	KindInvalid Kind = "invalid"
	// KindTopics lists what the bot can answer (IntentTopics): Text is a
	// heading, Topics every question.
	KindTopics Kind = "topics"
	// KindNotice is a short message about the bot itself, not health
	// information: feedback thanks, a reindex summary, a refused admin
	// command. It carries no disclaimer and no buttons.
	KindNotice Kind = "notice"
	// KindLimited refuses a question from a person asking too fast (flood
	// control). Text is the polite notice; Quiet is set on every refusal
	// after the first of a flood.
	KindLimited Kind = "limited"
)

// Intent says what a person asked the bot to do. The zero Intent is a
// typed question.
type Intent int

// The intents.
const (
	// IntentAsk is a question typed in Text.
	IntentAsk Intent = iota
	// IntentEntry asks for one entry, EntryID, as when a person taps a
	// related-question, "did you mean" or topic button. Text is the
	// button's label when known (it is what gets recorded).
	IntentEntry
	// IntentTopics asks for the list of questions the bot can answer.
	IntentTopics
	// IntentHelp asks how to use the bot (/start, /help).
	IntentHelp
	// IntentFeedback rates the reply that came from EntryID (Helpful).
	IntentFeedback
	// IntentReindex asks to reload the knowledge base; only a Question
	// with Admin set may.
	IntentReindex
)

var intentNames = [...]string{"ask", "entry", "topics", "help", "feedback", "reindex"}

// String names the intent ("ask", "entry", ...).
func (i Intent) String() string {
	if i >= 0 && int(i) < len(intentNames) {
		return intentNames[i]
	}
	return "intent(" + strconv.Itoa(int(i)) + ")"
}

// Question is one request from a person on some platform: a typed
// question, or another Intent.
type Question struct {
	// Intent is what the person asked for; the zero value is a typed
	// question.
	Intent Intent
	// Text is the question as typed (IntentAsk), or the label of the
	// button tapped (IntentEntry).
	Text string
	// Platform names the adapter: "telegram", "discord", "http", "cli".
	Platform string
	// UserID is the platform's user ID; the core never logs it raw.
	UserID string
	// ChatID identifies the conversation on the platform, if any.
	ChatID string
	// EntryID is the entry chosen (IntentEntry) or rated (IntentFeedback).
	EntryID string
	// Helpful is the rating of IntentFeedback: true for 👍.
	Helpful bool
	// Admin is set by the adapter when the person is one of its
	// configured administrators; IntentReindex needs it.
	Admin bool
	// Preview marks a question asked as the person types (a Telegram
	// inline query): it is answered but not counted by flood control.
	Preview bool
}

// Source names the knowledge-base entry (or safety rule) a reply came from.
type Source struct {
	// ID is the stable entry ID (or the rule ID for urgent replies).
	ID string `json:"id"`
	// Title is the matched question or section heading.
	Title string `json:"title"`
	// Type is "faq", "passage", "safety" (urgent replies) or "safety-info"
	// (the warning-signs answer); empty when there is no source.
	Type string `json:"type"`
}

// Ref points at an entry a person can ask about next: a related question,
// a "did you mean" alternative or a topic.
type Ref struct {
	// ID is the entry ID; Bot.AnswerEntry answers it directly.
	ID string `json:"id"`
	// Title is the question or heading shown to the person.
	Title string `json:"title"`
}

// Reply is everything an adapter needs to render an answer. It is also the
// JSON contract of `faqbot ask --json` and POST /v1/ask: keep it stable.
type Reply struct {
	// Question is the question as the core understood it (cleaned input).
	Question string `json:"question"`
	// Kind is the reply kind.
	Kind Kind `json:"kind"`
	// Text is the answer text, without the disclaimer (at most MaxAnswerChars).
	Text string `json:"answer"`
	// Source is the entry the answer came from (zero for fallbacks).
	Source Source `json:"source"`
	// Score is the calibrated confidence in [0,1] of the best match.
	Score float64 `json:"score"`
	// Related lists up to three other entries worth asking next.
	Related []Ref `json:"related"`
	// DidYouMean lists near-tie alternatives to the matched entry.
	DidYouMean []Ref `json:"did_you_mean,omitempty"`
	// Topics suggests questions the bot can answer (fallback, help, greeting).
	Topics []Ref `json:"topics,omitempty"`
	// Disclaimer is the medical-advice disclaimer. Every reply about
	// health carries it; a KindNotice or KindLimited reply, which is about
	// the bot itself, does not.
	Disclaimer string `json:"disclaimer"`
	// Quiet means nothing needs to be sent (a flood refusal after its one
	// notice). An adapter that must answer anyway (a Discord interaction)
	// sends Text.
	Quiet bool `json:"quiet,omitempty"`
	// Tier is the safety reply tier for urgent replies ("emergency",
	// "doctor_today", "crisis", "overdose", "someone_else", "abuse") and
	// "info" for a question about warning signs (the generic warning-signs
	// answer, or the content's answer to it with the emergency pointer);
	// empty otherwise.
	Tier string `json:"tier,omitempty"`
}

// Feedback is a person's rating of a reply (👍 / 👎 on a platform).
type Feedback struct {
	Platform string
	UserID   string
	// EntryID is the entry the rated reply came from.
	EntryID string
	// Helpful is true for 👍, false for 👎.
	Helpful bool
}
