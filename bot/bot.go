package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"faqbot/faq"
	"faqbot/internal/defaults"
)

// Searcher finds entries for a question. *search.Index satisfies it.
type Searcher interface {
	// Search returns matches best first, each with a confidence in [0,1].
	Search(ctx context.Context, query string, limit int) ([]faq.Match, error)
	// Entry returns one entry by ID.
	Entry(id string) (faq.Entry, bool)
	// Entries returns every entry, in content order.
	Entries() []faq.Entry
}

// Config holds the core's thresholds and texts. Zero values take defaults.
type Config struct {
	// Disclaimer is added to every reply.
	Disclaimer string
	// MinConfidence is the calibrated confidence (the probability that the
	// best match answers the question) below which the bot does not
	// answer. 0 answers every match; a negative value takes the default.
	MinConfidence float64
	// ClarifyConfidence: a best match below MinConfidence but at or above
	// this gets a "did you mean" clarify reply instead of a fallback.
	// 0 means MinConfidence/2; a value ≥ MinConfidence turns clarify off.
	ClarifyConfidence float64
	// TieMargin: a different entry within this confidence of the best is
	// offered as "did you mean".
	TieMargin float64
	// MaxAnswerChars caps the answer text (never cut mid-sentence).
	MaxAnswerChars int
	// ShortAnswerChars: a passage shorter than this is followed by the
	// next passages of its section, up to this length.
	ShortAnswerChars int
	// MaxQuestionChars caps a question; longer ones get a clear message.
	MaxQuestionChars int
	// Texts are the fixed replies; empty fields take defaults.
	Texts Texts
	// FloodPerMinute is the per-user question limit of each platform
	// ("telegram": 20); a platform not listed, or 0, has no flood control.
	FloodPerMinute map[string]int
}

// Texts are the bot's fixed reply texts: every text a person can get from
// any platform, so that Telegram, Discord and the web say the same thing.
type Texts struct {
	Clarify        string `yaml:"clarify"`
	Fallback       string `yaml:"fallback"`
	FallbackAbout  string `yaml:"fallback_about"`
	Greeting       string `yaml:"greeting"`
	Thanks         string `yaml:"thanks"`
	Help           string `yaml:"help"`
	Empty          string `yaml:"empty"`
	TooLong        string `yaml:"too_long"`
	NotText        string `yaml:"not_text"`
	UnknownEntry   string `yaml:"unknown_entry"`
	FeedbackThanks string `yaml:"feedback_thanks"`
	// Topics heads the list of questions (IntentTopics); NoTopics replaces
	// it when there are none.
	Topics   string `yaml:"topics"`
	NoTopics string `yaml:"no_topics"`
	// Flood is the one notice to a person asking too fast.
	Flood string `yaml:"flood"`
	// NotAdmin refuses /reindex to a person who is not an administrator;
	// ReindexOff answers it when reindexing from chat is not configured.
	NotAdmin      string `yaml:"not_admin"`
	ReindexOff    string `yaml:"reindex_off"`
	ReindexDone   string `yaml:"reindex_done"` // followed by the summary
	ReindexFailed string `yaml:"reindex_failed"`
	// Error, Unavailable and Invalid are shown for a failure of that
	// ErrorKind (see ErrorMessage).
	Error       string `yaml:"error"`
	Unavailable string `yaml:"unavailable"`
	Invalid     string `yaml:"invalid"`
}

// DefaultTexts returns the built-in English texts.
func DefaultTexts() Texts {
	return Texts{
		Clarify:        "I'm not sure I understood. Did you mean one of these?",
		Fallback:       "Sorry, I don't have a reliable answer to that in my knowledge base. Here are some questions I can answer:",
		FallbackAbout:  "Sorry, I don't have information about %s in my knowledge base. Here are some questions I can answer:",
		Greeting:       "Hello! Ask me a question in your own words and I'll answer from my knowledge base. For example:",
		Thanks:         "You're welcome! Ask me anything else whenever you like.",
		Help:           "Ask me a health question in your own words, for example \"%s\". I answer with the best passage from my knowledge base and show which question I matched. I am not a doctor: for anything urgent, contact a healthcare professional or emergency services. Some questions I can answer:",
		Empty:          "Please type a question, for example \"%s\".",
		TooLong:        "That message is too long for me (over %d characters). Please ask one question in a sentence or two.",
		NotText:        "I can only read plain text questions. Please type your question in words.",
		UnknownEntry:   "Sorry, that question is no longer in my knowledge base. Please ask it in your own words.",
		FeedbackThanks: "Thanks for the feedback!",
		Topics:         "Here is what I can answer. Tap a question, or ask in your own words:",
		NoTopics:       "I don't have any topics yet.",
		Flood:          "You're asking very quickly. Please wait a minute, then ask again.",
		NotAdmin:       "Sorry, only the bot's administrators can do that.",
		ReindexOff:     "That command isn't available here.",
		ReindexDone:    "Reindexed:",
		ReindexFailed:  "Reindex failed; the details are in the server log.",
		Error:          "Sorry, something went wrong on my side. Please try again in a moment.",
		Unavailable:    "Sorry, I can't do that right now. Please try again in a little while.",
		Invalid:        "Sorry, I couldn't make sense of that request. Please ask again in your own words.",
	}
}

// withDefaults fills every empty text with its default.
func (t Texts) withDefaults() Texts {
	d := DefaultTexts()
	for _, f := range []struct {
		v   *string
		def string
	}{
		{&t.Clarify, d.Clarify}, {&t.Fallback, d.Fallback}, {&t.FallbackAbout, d.FallbackAbout}, {&t.Greeting, d.Greeting},
		{&t.Thanks, d.Thanks}, {&t.Help, d.Help}, {&t.Empty, d.Empty}, {&t.TooLong, d.TooLong},
		{&t.NotText, d.NotText}, {&t.UnknownEntry, d.UnknownEntry}, {&t.FeedbackThanks, d.FeedbackThanks},
		{&t.Topics, d.Topics}, {&t.NoTopics, d.NoTopics}, {&t.Flood, d.Flood}, {&t.NotAdmin, d.NotAdmin},
		{&t.ReindexOff, d.ReindexOff}, {&t.ReindexDone, d.ReindexDone}, {&t.ReindexFailed, d.ReindexFailed},
		{&t.Error, d.Error}, {&t.Unavailable, d.Unavailable}, {&t.Invalid, d.Invalid},
	} {
		if strings.TrimSpace(*f.v) == "" {
			*f.v = f.def
		}
	}
	return t
}

// DefaultConfig returns the defaults used for zero Config fields.
func DefaultConfig() Config {
	return Config{
		Disclaimer:       "This is general information, not medical advice. Please consult a healthcare professional about your situation.",
		MinConfidence:    0.5,
		TieMargin:        0.03,
		MaxAnswerChars:   1200,
		ShortAnswerChars: 300,
		MaxQuestionChars: 500,
		Texts:            DefaultTexts(),
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Disclaimer == "" {
		c.Disclaimer = d.Disclaimer
	}
	if c.MinConfidence < 0 {
		c.MinConfidence = d.MinConfidence
	}
	defaults.Positive(&c.ClarifyConfidence, c.MinConfidence/2)
	defaults.Positive(&c.TieMargin, d.TieMargin)
	defaults.Positive(&c.MaxAnswerChars, d.MaxAnswerChars)
	defaults.Positive(&c.ShortAnswerChars, d.ShortAnswerChars)
	defaults.Positive(&c.MaxQuestionChars, d.MaxQuestionChars)
	c.Texts = c.Texts.withDefaults()
	return c
}

// Bot is the answering core. It is safe for concurrent use.
type Bot struct {
	cfg    Config
	search Searcher
	triage *Triage
	recs   []Recorder
	log    *slog.Logger
	now    func() time.Time
	// gate applies the policy (flood control, /reindex, error texts) in
	// front of serve.
	gate    *Gate
	reindex func(ctx context.Context, platform string) (string, error)

	// topicsKey is the entries slice topicsList was built from.
	topicsMu   sync.Mutex
	topicsKey  []faq.Entry
	topicsList []Ref
}

// Option configures a Bot.
type Option func(*Bot)

// WithRecorder hands every question and feedback to r. It may be given
// more than once (the conversation store and the metrics, say); each
// Recorder gets every record, in the order they were given. A nil r is
// ignored.
func WithRecorder(r Recorder) Option {
	return func(b *Bot) {
		if r != nil {
			b.recs = append(b.recs, r)
		}
	}
}

// WithReindex lets administrators reload the knowledge base from a chat
// (IntentReindex); fn returns a short summary for them. Without it, the
// intent fails as Unavailable.
func WithReindex(fn func(ctx context.Context, platform string) (summary string, err error)) Option {
	return func(b *Bot) { b.reindex = fn }
}

// WithLogger sets the logger (default: slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(b *Bot) { b.log = l } }

// New returns a Bot answering from s, with triage rules t (nil: the bundled
// rules). It fails when s is nil.
func New(s Searcher, t *Triage, cfg Config, opts ...Option) (*Bot, error) {
	if s == nil {
		return nil, errors.New("bot: nil searcher")
	}
	if t == nil {
		var err error
		if t, err = DefaultTriage(); err != nil {
			return nil, err
		}
	}
	b := &Bot{cfg: cfg.withDefaults(), search: s, triage: t, log: slog.Default(), now: time.Now}
	for _, o := range opts {
		o(b)
	}
	b.gate = NewGate(Policy{Texts: b.cfg.Texts, FloodPerMinute: b.cfg.FloodPerMinute, Reindex: b.reindex}, answerFunc(b.serve))
	return b, nil
}

// Config returns the effective configuration (defaults applied).
func (b *Bot) Config() Config { return b.cfg }

// Answer serves one Question, whatever its Intent: the one call between
// the platforms and the core. "No match" is a fallback reply, not an
// error; an error is an *Error whose kind and Message say what to tell the
// person (see ErrorMessage), wrapping the cause (the search failed, ctx
// ended, a reindex failed).
func (b *Bot) Answer(ctx context.Context, q Question) (Reply, error) {
	return b.gate.Answer(ctx, q)
}

// serve answers the intents behind the gate. Questions and chosen
// entries are recorded; topics, help and feedback are not questions.
func (b *Bot) serve(ctx context.Context, q Question) (Reply, error) {
	if err := ctx.Err(); err != nil {
		return Reply{}, err
	}
	start := b.now()
	var r Reply
	switch q.Intent {
	case IntentAsk:
		var err error
		if r, err = b.answer(ctx, q); err != nil {
			return Reply{}, err
		}
	case IntentEntry:
		r, q = b.answerEntry(q)
	case IntentTopics:
		return b.topicsReply(), nil
	case IntentHelp:
		return b.help(), nil
	case IntentFeedback:
		return b.feedback(q)
	default:
		return Reply{}, &Error{Kind: Invalid, Message: b.cfg.Texts.Invalid, Err: fmt.Errorf("bot: unknown intent %v", q.Intent)}
	}
	b.record(ctx, q, r, start)
	return r, nil
}

func (b *Bot) answer(ctx context.Context, q Question) (Reply, error) {
	if !utf8.ValidString(q.Text) {
		return b.reply(KindInvalid, "", b.cfg.Texts.NotText, nil), nil
	}
	text := clean(q.Text)
	// Safety first, on the whole message, before any length or content check.
	a, ok := b.triage.Assess(capRunes(text, 20*b.cfg.MaxQuestionChars))
	if ok && a.Urgent() {
		return b.safetyReply(text, a), nil
	}
	// A question about warning signs ("does high blood pressure make you more
	// likely to have a stroke") is answered from the content when the content
	// answers it with confidence, with the alert's note; otherwise with the
	// generic list of warning signs.
	info := ok
	if text == "" {
		return b.reply(KindInvalid, "", fmt.Sprintf(b.cfg.Texts.Empty, b.example()), nil), nil
	}
	if utf8.RuneCountInString(text) > b.cfg.MaxQuestionChars {
		if info {
			return b.safetyReply(text, a), nil
		}
		return b.reply(KindInvalid, capRunes(text, b.cfg.MaxQuestionChars), fmt.Sprintf(b.cfg.Texts.TooLong, b.cfg.MaxQuestionChars), nil), nil
	}
	if !hasLetters(text) {
		return b.reply(KindInvalid, text, b.cfg.Texts.NotText, nil), nil
	}
	if !info {
		switch smallTalk(text) {
		case talkGreeting:
			return b.reply(KindGreeting, text, b.cfg.Texts.Greeting, b.topics(3)), nil
		case talkThanks:
			return b.reply(KindGreeting, text, b.cfg.Texts.Thanks, nil), nil
		case talkHelp:
			return b.help(), nil
		}
	}
	ms, err := b.search.Search(ctx, text, 8)
	if err != nil {
		return Reply{}, fmt.Errorf("answer: %w", err)
	}
	if info && (len(ms) == 0 || ms[0].Confidence < b.cfg.MinConfidence) {
		return b.safetyReply(text, a), nil
	}
	if len(ms) == 0 || ms[0].Confidence < b.cfg.ClarifyConfidence && ms[0].Confidence < b.cfg.MinConfidence {
		return b.fallback(text, ms), nil
	}
	if ms[0].Confidence < b.cfg.MinConfidence {
		return b.clarify(text, ms), nil
	}
	best := ms[0]
	r := b.entryReply(best.Entry, text)
	r.Score = round(best.Confidence)
	if info {
		r.Tier = string(a.Tier)
		if note := "\n\n" + a.Note; a.Note != "" && utf8.RuneCountInString(r.Text+note) <= b.cfg.MaxAnswerChars {
			r.Text += note
		}
	}
	// Near-ties with other titles become "did you mean" (at most two); the
	// related questions are then chosen among the rest.
	seen := map[string]bool{best.Entry.Title: true}
	var rest []faq.Match
	for _, m := range ms[1:] {
		if !seen[m.Entry.Title] && len(r.DidYouMean) < 2 && best.Confidence-m.Confidence <= b.cfg.TieMargin {
			seen[m.Entry.Title] = true
			r.DidYouMean = append(r.DidYouMean, Ref{ID: m.Entry.ID, Title: refTitle(m.Entry)})
			continue
		}
		rest = append(rest, m)
	}
	r.Related = b.related(best.Entry, rest, seen)
	return r, nil
}

// safetyReply is the reply to a triage alert: the urgent reply, or for
// TierInfo the generic list of warning signs as an answer.
func (b *Bot) safetyReply(text string, a Alert) Reply {
	r := b.reply(KindUrgent, text, a.Reply, nil)
	r.Question = capRunes(text, b.cfg.MaxQuestionChars)
	r.Source = Source{ID: a.RuleID, Title: a.Title, Type: "safety"}
	r.Tier = string(a.Tier)
	r.Score = 1
	if !a.Urgent() {
		r.Kind, r.Source.Type = KindAnswer, "safety-info"
	}
	return r
}

// answerEntry answers with one entry directly (IntentEntry). An unknown ID
// gives a fallback-kind reply. The question recorded is the entry's title.
func (b *Bot) answerEntry(q Question) (Reply, Question) {
	e, ok := b.search.Entry(q.EntryID)
	if !ok {
		return b.reply(KindFallback, "", b.cfg.Texts.UnknownEntry, b.topics(5)), q
	}
	r := b.entryReply(e, e.Title)
	r.Score = 1
	r.Related = b.related(e, nil, nil)
	q.Text = e.Title
	return r, q
}

// feedback records a person's rating of a reply (IntentFeedback) and
// thanks them.
func (b *Bot) feedback(q Question) (Reply, error) {
	if q.EntryID == "" {
		return Reply{}, &Error{Kind: Invalid, Message: b.cfg.Texts.Invalid, Err: errors.New("bot: feedback without an entry ID")}
	}
	f := Feedback{Platform: q.Platform, UserID: q.UserID, EntryID: q.EntryID, Helpful: q.Helpful}
	b.log.Info("feedback", "platform", f.Platform, "entry", f.EntryID, "helpful", f.Helpful)
	at := b.now()
	for _, rec := range b.recs {
		rec.RecordFeedback(f, at)
	}
	return notice(b.cfg.Texts.FeedbackThanks), nil
}

// topicsReply lists every question the bot can answer: the FAQ questions,
// or the section headings when the content has no FAQ entries.
func (b *Bot) topicsReply() Reply {
	all := b.topics(0)
	text := b.cfg.Texts.Topics
	if len(all) == 0 {
		text = b.cfg.Texts.NoTopics
	}
	return b.reply(KindTopics, "", text, all)
}

// help is the reply to /help and /start: how to ask, some topics, the disclaimer.
func (b *Bot) help() Reply {
	return b.reply(KindHelp, "", fmt.Sprintf(b.cfg.Texts.Help, b.example()), b.topics(5))
}

// topics lists up to n (0: all) of the questions the bot can answer. The
// list is built once per content version: the searcher hands out a new
// entries slice when it reindexes, so the slice's identity is the key.
// Without the cache every answer rebuilt it (its related questions come
// from it), which at 10,000 entries was most of an answer's time.
func (b *Bot) topics(n int) []Ref {
	out := b.topicList()
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return slices.Clone(out) // replies own their lists; the cache stays as built
}

// topicList is the cached list itself: read it, never change it.
func (b *Bot) topicList() []Ref {
	es := b.search.Entries()
	b.topicsMu.Lock()
	defer b.topicsMu.Unlock()
	if len(es) == 0 || len(b.topicsKey) != len(es) || &b.topicsKey[0] != &es[0] {
		b.topicsKey, b.topicsList = es, buildTopics(es)
	}
	return b.topicsList
}

// buildTopics is the FAQ questions, or the section headings when the
// content has no FAQ entries, each title once.
func buildTopics(es []faq.Entry) []Ref {
	var faqs, heads []Ref
	seen := map[string]bool{}
	for _, e := range es {
		if seen[e.Title] {
			continue
		}
		seen[e.Title] = true
		if e.Type == faq.TypeFAQ {
			faqs = append(faqs, Ref{ID: e.ID, Title: e.Title})
		} else {
			heads = append(heads, Ref{ID: e.ID, Title: e.Title})
		}
	}
	out := faqs
	if len(out) == 0 {
		out = heads
		if len(out) > 1 {
			out = out[1:] // the first "section" is the document title
		}
	}
	return out
}

func (b *Bot) example() string {
	if t := b.topics(1); len(t) > 0 {
		return t[0].Title
	}
	return "What can you help with?"
}

func (b *Bot) fallback(text string, ms []faq.Match) Reply {
	msg := b.cfg.Texts.Fallback
	if len(ms) > 0 && len(ms[0].Unknown) > 0 && len(ms[0].Unknown) <= 2 && ms[0].Confidence > 0 {
		msg = fmt.Sprintf(b.cfg.Texts.FallbackAbout, quoteList(ms[0].Unknown))
	}
	topics := b.topics(5)
	r := b.reply(KindFallback, text, msg, topics)
	if len(ms) > 0 {
		r.Score = round(ms[0].Confidence)
	}
	return r
}

// maxClarify is how many questions a clarify reply offers.
const maxClarify = 3

// clarify asks which of the best matches the person meant: the bot is not
// sure enough to answer, but the matches are not irrelevant either.
func (b *Bot) clarify(text string, ms []faq.Match) Reply {
	r := b.reply(KindClarify, text, b.cfg.Texts.Clarify, nil)
	r.Score = round(ms[0].Confidence)
	seen := map[string]bool{}
	for k, m := range ms {
		if len(r.DidYouMean) == maxClarify || k > 0 && m.Confidence < b.cfg.ClarifyConfidence/2 {
			break
		}
		t := refTitle(m.Entry)
		if !seen[t] {
			seen[t] = true
			r.DidYouMean = append(r.DidYouMean, Ref{ID: m.Entry.ID, Title: t})
		}
	}
	return r
}

// entryReply renders an entry as an answer.
func (b *Bot) entryReply(e faq.Entry, question string) Reply {
	r := b.reply(KindAnswer, question, composeAnswer(e, b.cfg.ShortAnswerChars, b.cfg.MaxAnswerChars), nil)
	r.Source = Source{ID: e.ID, Title: refTitle(e), Type: string(e.Type)}
	return r
}

// refTitle is how an entry is named to a person: the question or heading,
// with a bullet's label when it has one.
func refTitle(e faq.Entry) string {
	if e.Label != "" && !strings.EqualFold(e.Label, e.Title) {
		return e.Title + " — " + e.Label
	}
	return e.Title
}

// related picks up to three other entries, preferring search neighbours
// with their own titles, then FAQ questions, skipping titles in exclude.
func (b *Bot) related(e faq.Entry, ms []faq.Match, exclude map[string]bool) []Ref {
	out := []Ref{}
	seen := map[string]bool{e.Title: true}
	for t := range exclude {
		seen[t] = true
	}
	add := func(x faq.Entry) {
		if len(out) < 3 && !seen[x.Title] {
			seen[x.Title] = true
			out = append(out, Ref{ID: x.ID, Title: x.Title})
		}
	}
	for _, m := range ms {
		if m.Confidence >= b.cfg.MinConfidence/2 {
			add(m.Entry)
		}
	}
	for _, t := range b.topicList() {
		if len(out) >= 3 {
			break
		}
		if x, ok := b.search.Entry(t.ID); ok {
			add(x)
		}
	}
	return out
}

func (b *Bot) reply(k Kind, question, text string, topics []Ref) Reply {
	return Reply{Question: question, Kind: k, Text: text, Related: []Ref{}, Topics: topics, Disclaimer: b.cfg.Disclaimer}
}

// notice is a KindNotice reply: a short message about the bot, without
// disclaimer or buttons.
func notice(text string) Reply {
	return Reply{Kind: KindNotice, Text: text, Related: []Ref{}}
}

// record logs one answered question and hands it to the recorders. The log
// line carries the platform, reply kind, matched entry, score and latency,
// never the user ID, and not the question text (health questions are
// personal; the conversation store keeps them under its retention policy).
func (b *Bot) record(ctx context.Context, q Question, r Reply, start time.Time) {
	latency := b.now().Sub(start)
	b.log.LogAttrs(ctx, slog.LevelInfo, "question",
		slog.String("platform", q.Platform),
		slog.String("kind", string(r.Kind)),
		slog.String("entry", r.Source.ID),
		slog.Float64("score", r.Score),
		slog.Float64("latency_ms", float64(latency.Microseconds())/1000),
		slog.Int("question_chars", utf8.RuneCountInString(q.Text)),
	)
	if len(b.recs) == 0 {
		return
	}
	text := q.Text
	if r.Question != "" {
		text = r.Question
	}
	rec := Record{
		Time: start, Platform: q.Platform, UserID: q.UserID, Question: capRunes(text, b.cfg.MaxQuestionChars),
		Kind: r.Kind, EntryID: r.Source.ID, Title: r.Source.Title, Score: r.Score, Latency: latency,
	}
	for _, rc := range b.recs {
		rc.RecordQuestion(rec)
	}
}

// clean replaces control characters with spaces and collapses whitespace.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\uFEFF' || r == '\u200B' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func hasLetters(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func capRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func quoteList(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = "\"" + w + "\""
	}
	return strings.Join(q, " or ")
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
