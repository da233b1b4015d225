package bot

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
)

// Question is one question from a person on some platform.
type Question struct {
	// Text is the question as typed.
	Text string
	// Platform names the adapter: "telegram", "discord", "http", "cli".
	Platform string
	// UserID is the platform's user ID; the core never logs it raw.
	UserID string
	// ChatID identifies the conversation on the platform, if any.
	ChatID string
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
	// Disclaimer is the medical-advice disclaimer; every reply carries it.
	Disclaimer string `json:"disclaimer"`
	// Tier is the safety reply tier for urgent replies ("emergency",
	// "doctor_today", "crisis", "overdose", "someone_else", "abuse") and
	// "info" for the warning-signs answer; empty otherwise.
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
