package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"faqbot/internal/defaults"
)

// ReportOptions tunes a Report. Zero fields take the defaults in brackets.
type ReportOptions struct {
	// MaxClusters is how many unanswered-question clusters to list [20].
	MaxClusters int
	// ClusterThreshold is the Jaccard similarity of stemmed content words at
	// or above which two questions are the same question [0.5].
	ClusterThreshold float64
	// Examples is how many wordings to show per cluster [3].
	Examples int
	// Terms analyses a question into the words clustering compares: faqbot
	// passes the search index's analysis (stop words, thesaurus, stemming),
	// so "price of a massage" and "massage cost" are one question [the
	// lower-cased words].
	Terms func(string) []string
	// WorstEntries is how many entries with bad feedback to list [10].
	WorstEntries int
	// MinFeedback is the fewest ratings an entry needs to be listed [1].
	MinFeedback int
	// WeakScore: answers with a score below it are weak matches [0.5].
	WeakScore float64
	// MaxWeak is how many weak matches to list [20].
	MaxWeak int
	// MaxRows caps the questions read for clustering and weak matches, the
	// most recent first [50000].
	MaxRows int
}

func (o ReportOptions) withDefaults() ReportOptions {
	defaults.Positive(&o.MaxClusters, 20)
	defaults.Positive(&o.ClusterThreshold, 0.5)
	defaults.Positive(&o.Examples, 3)
	defaults.Positive(&o.WorstEntries, 10)
	defaults.Positive(&o.MinFeedback, 1)
	defaults.Positive(&o.WeakScore, 0.5)
	defaults.Positive(&o.MaxWeak, 20)
	defaults.Positive(&o.MaxRows, 50000)
	return o
}

// Report is what the operator reads to decide which FAQ to write next. It is
// the JSON of GET /admin/report and `faqbot report --json`.
type Report struct {
	// From and To bound the period: From <= time < To.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Questions is the number of questions recorded in the period.
	Questions int `json:"questions"`
	// Kinds counts the questions by reply kind.
	Kinds KindCounts `json:"kinds"`
	// AnswerRate is answers / (answers + clarifies + fallbacks): of the
	// questions the knowledge base was asked, the share it answered. 0 when
	// there were none.
	AnswerRate float64 `json:"answer_rate"`
	// Platforms counts the questions by platform.
	Platforms map[string]int `json:"platforms"`
	// Feedback counts the ratings given in the period.
	Feedback FeedbackCounts `json:"feedback"`
	// Unanswered are the most frequent questions the bot did not answer
	// (fallback, or a "did you mean" clarify), paraphrases grouped, the
	// most asked first.
	Unanswered []Cluster `json:"unanswered"`
	// WorstFeedback are the entries with the most 👎, the worst first.
	WorstFeedback []EntryFeedback `json:"worst_feedback"`
	// WeakMatches are questions answered with a score below
	// ReportOptions.WeakScore, the most frequent, then the weakest, first.
	WeakMatches []WeakMatch `json:"weak_matches"`
	// WeakScore is the threshold used for WeakMatches.
	WeakScore float64 `json:"weak_score"`
	// Truncated is true when more questions than ReportOptions.MaxRows were
	// in the period and only the most recent were clustered.
	Truncated bool `json:"truncated,omitempty"`
}

// KindCounts counts questions by reply kind; Other is greeting, help,
// invalid and any other kind.
type KindCounts struct {
	Answer int `json:"answer"`
	// Clarify counts "did you mean" replies: not answers.
	Clarify  int `json:"clarify"`
	Fallback int `json:"fallback"`
	Urgent   int `json:"urgent"`
	Other    int `json:"other"`
}

// FeedbackCounts counts 👍 and 👎.
type FeedbackCounts struct {
	Helpful    int `json:"helpful"`
	NotHelpful int `json:"not_helpful"`
}

// EntryFeedback is the feedback on one knowledge-base entry.
type EntryFeedback struct {
	EntryID string `json:"entry_id"`
	// Title is the entry's title as recorded with the rated reply ("" when
	// no rated reply was found).
	Title      string `json:"title"`
	NotHelpful int    `json:"not_helpful"`
	Total      int    `json:"total"`
	// Ratio is NotHelpful / Total.
	Ratio float64 `json:"not_helpful_ratio"`
}

// WeakMatch is a question (grouped with its identical normalized forms)
// that was answered from an entry with a low score.
type WeakMatch struct {
	Question string `json:"question"`
	EntryID  string `json:"entry_id"`
	Title    string `json:"title"`
	// Score is the lowest score the question got.
	Score float64 `json:"score"`
	Count int     `json:"count"`
}

// Report summarizes the questions and feedback recorded in [from, to); a
// zero to means now, a zero from means since the oldest record kept. It
// reads only what has been written: records still buffered are not in it.
// It fails only when the database cannot be read.
func (s *Store) Report(ctx context.Context, from, to time.Time, opts ReportOptions) (Report, error) {
	opts = opts.withDefaults()
	if to.IsZero() {
		to = time.Now()
	}
	r := Report{
		From:          from,
		To:            to,
		Platforms:     map[string]int{},
		Unanswered:    []Cluster{},
		WorstFeedback: []EntryFeedback{},
		WeakMatches:   []WeakMatch{},
		WeakScore:     opts.WeakScore,
	}
	// One query per part of the report, in the order the report shows them.
	span := period{from.UnixMilli(), to.UnixMilli()}
	for _, part := range []struct {
		what string
		read func(context.Context, *Report, period, ReportOptions) error
	}{
		{"count kinds", s.reportKinds},
		{"count platforms", s.reportPlatforms},
		{"unanswered questions", s.reportUnanswered},
		{"feedback", s.reportFeedback},
		{"weak matches", s.reportWeak},
	} {
		if err := part.read(ctx, &r, span, opts); err != nil {
			return Report{}, fmt.Errorf("store: report: %s: %w", part.what, err)
		}
	}
	return r, nil
}

// period is a report's [lo, hi) in Unix milliseconds.
type period struct{ lo, hi int64 }

// reportKinds counts the questions by reply kind, and the answer rate.
func (s *Store) reportKinds(ctx context.Context, r *Report, p period, _ ReportOptions) error {
	err := s.eachRow(ctx, s.q.kindCounts, []any{p.lo, p.hi}, func(scan func(...any) error) error {
		var kind string
		var n int
		if err := scan(&kind, &n); err != nil {
			return err
		}
		r.Questions += n
		switch kind {
		case "answer":
			r.Kinds.Answer += n
		case "fallback":
			r.Kinds.Fallback += n
		case "clarify":
			r.Kinds.Clarify += n
		case "urgent":
			r.Kinds.Urgent += n
		default:
			r.Kinds.Other += n
		}
		return nil
	})
	if n := r.Kinds.Answer + r.Kinds.Clarify + r.Kinds.Fallback; n > 0 {
		r.AnswerRate = float64(r.Kinds.Answer) / float64(n)
	}
	return err
}

// reportPlatforms counts the questions by platform.
func (s *Store) reportPlatforms(ctx context.Context, r *Report, p period, _ ReportOptions) error {
	return s.eachRow(ctx, s.q.platformCounts, []any{p.lo, p.hi}, func(scan func(...any) error) error {
		var platform string
		var n int
		if err := scan(&platform, &n); err != nil {
			return err
		}
		r.Platforms[platform] = n
		return nil
	})
}

// reportUnanswered clusters the most recent unanswered questions.
func (s *Store) reportUnanswered(ctx context.Context, r *Report, p period, opts ReportOptions) error {
	var texts []string
	if err := s.eachRow(ctx, s.q.unanswered, []any{p.lo, p.hi, opts.MaxRows + 1}, func(scan func(...any) error) error {
		var t string
		if err := scan(&t); err != nil {
			return err
		}
		texts = append(texts, t)
		return nil
	}); err != nil {
		return err
	}
	if len(texts) > opts.MaxRows {
		texts = texts[:opts.MaxRows]
		r.Truncated = true
	}
	clusters := clusterQuestions(texts, opts.ClusterThreshold, opts.Examples, opts.Terms)
	if len(clusters) > opts.MaxClusters {
		clusters = clusters[:opts.MaxClusters]
	}
	r.Unanswered = append(r.Unanswered, clusters...)
	return nil
}

// reportFeedback counts the ratings and lists the entries rated worst.
func (s *Store) reportFeedback(ctx context.Context, r *Report, p period, opts ReportOptions) error {
	if err := s.eachRow(ctx, s.q.feedbackByEntry, []any{p.lo, p.hi}, func(scan func(...any) error) error {
		var e EntryFeedback
		if err := scan(&e.EntryID, &e.NotHelpful, &e.Total, &e.Title); err != nil {
			return err
		}
		r.Feedback.NotHelpful += e.NotHelpful
		r.Feedback.Helpful += e.Total - e.NotHelpful
		if e.NotHelpful > 0 && e.Total >= opts.MinFeedback {
			e.Ratio = float64(e.NotHelpful) / float64(e.Total)
			r.WorstFeedback = append(r.WorstFeedback, e)
		}
		return nil
	}); err != nil {
		return err
	}
	slices.SortFunc(r.WorstFeedback, func(a, b EntryFeedback) int {
		return cmp.Or(cmp.Compare(b.NotHelpful, a.NotHelpful), cmp.Compare(b.Ratio, a.Ratio), cmp.Compare(a.EntryID, b.EntryID))
	})
	if len(r.WorstFeedback) > opts.WorstEntries {
		r.WorstFeedback = r.WorstFeedback[:opts.WorstEntries]
	}
	return nil
}

// reportWeak lists the weak matches, grouped by entry and normalized
// question.
func (s *Store) reportWeak(ctx context.Context, r *Report, p period, opts ReportOptions) error {
	groups := make(map[string]*WeakMatch)
	var weak []*WeakMatch
	rows := 0
	if err := s.eachRow(ctx, s.q.weak, []any{opts.WeakScore, p.lo, p.hi, opts.MaxRows + 1}, func(scan func(...any) error) error {
		var w WeakMatch
		if err := scan(&w.Question, &w.EntryID, &w.Title, &w.Score); err != nil {
			return err
		}
		if rows++; rows > opts.MaxRows {
			r.Truncated = true
			return nil
		}
		key := w.EntryID + "\x00" + strings.Join(opts.terms(w.Question), " ")
		if g := groups[key]; g != nil {
			g.Count++
			g.Score = min(g.Score, w.Score)
			return nil
		}
		w.Count = 1
		groups[key] = &w
		weak = append(weak, &w)
		return nil
	}); err != nil {
		return err
	}
	slices.SortStableFunc(weak, func(a, b *WeakMatch) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Score, b.Score))
	})
	for i := 0; i < len(weak) && i < opts.MaxWeak; i++ {
		r.WeakMatches = append(r.WeakMatches, *weak[i])
	}
	return nil
}

// eachRow runs query and calls fn for each row with the row's Scan.
func (s *Store) eachRow(ctx context.Context, query string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// terms is opts.Terms, or the plain lower-cased words.
func (o ReportOptions) terms(text string) []string {
	if o.Terms != nil {
		return o.Terms(text)
	}
	return plainTerms(text)
}
