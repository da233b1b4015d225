package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"faqbot/bot"
	"faqbot/search"
)

// seed records testdata/conversations.tsv with times from start and waits
// until all of it is written.
func seed(t *testing.T, s *Store, start time.Time) {
	t.Helper()
	f, err := os.Open("testdata/conversations.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stop := run(t, s)
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		min, err := strconv.Atoi(c[1])
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		at := start.Add(time.Duration(min) * time.Minute)
		switch c[0] {
		case "q":
			score, _ := strconv.ParseFloat(c[6], 64)
			entry := strings.TrimPrefix(c[5], "-")
			s.RecordQuestion(bot.Record{Time: at, Platform: c[2], UserID: c[3], Kind: bot.Kind(c[4]),
				EntryID: entry, Title: "Title of " + entry, Score: score, Question: c[7]})
		case "f":
			s.RecordFeedback(bot.Feedback{Platform: c[2], UserID: c[3], Helpful: c[4] == "up", EntryID: c[5]}, at)
		default:
			t.Fatalf("bad line %q", line)
		}
		n++
	}
	waitFor(t, "the conversation log written", func() bool { return s.Stats().Written == uint64(n) })
	stop()
}

func TestReport(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(*testing.T) string) {
		s := openStore(t, Config{DSN: newDSN(t), FlushInterval: 10 * time.Millisecond})
		start := time.Now().Add(-24 * time.Hour).Truncate(time.Minute)
		seed(t, s, start)

		r, err := s.Report(context.Background(), start, start.Add(2*time.Hour), ReportOptions{Terms: search.DefaultSynonyms().Terms})
		if err != nil {
			t.Fatalf("Report: %v", err)
		}

		if want := (KindCounts{Answer: 8, Fallback: 17, Urgent: 2, Other: 2}); r.Kinds != want {
			t.Errorf("kinds: got %+v, want %+v", r.Kinds, want)
		}
		if r.Questions != 29 {
			t.Errorf("questions: got %d, want 29", r.Questions)
		}
		if want := 8.0 / 25; r.AnswerRate != want {
			t.Errorf("answer rate: got %v, want %v", r.AnswerRate, want)
		}
		if r.Platforms["telegram"] != 20 || r.Platforms["discord"] != 6 || r.Platforms["http"] != 3 {
			t.Errorf("platforms: got %v, want telegram 20, discord 6, http 3", r.Platforms)
		}

		// The clusters: paraphrases grouped, unrelated questions apart. Each
		// cluster lists up to 3 of its distinct wordings, the most asked first.
		type cluster struct {
			count   int
			members []string
		}
		want := []cluster{
			{5, []string{"Is massage safe during pregnancy?", "Can I get a massage while pregnant?", "is it safe to have a massage when I'm pregnant", "Massage safe in pregnancy??"}},
			{4, []string{"How much does a massage cost?", "How much would a massage session cost me?", "what does a massage cost"}},
			{3, []string{"Do you accept insurance?", "do you accept my insurance", "Is insurance accepted?"}},
			{2, []string{"are hot stone massages safe", "Is a hot stone massage safe?"}},
			// Ties are ordered by their stemmed terms: "clinic locat",
			// "disc fix herniat massag", "hour open".
			{1, []string{"Where is the clinic located?"}},
			{1, []string{"Can massage fix a herniated disc?"}},
			{1, []string{"What are your opening hours?"}},
		}
		if len(r.Unanswered) != len(want) {
			t.Fatalf("clusters: got %d, want %d: %+v", len(r.Unanswered), len(want), r.Unanswered)
		}
		for i, w := range want {
			g := r.Unanswered[i]
			ok := g.Count == w.count && len(g.Examples) == min(3, len(w.members))
			for _, ex := range g.Examples {
				ok = ok && slices.Contains(w.members, ex)
			}
			if !ok {
				t.Errorf("cluster %d: got %d %q, want %d of %q", i, g.Count, g.Examples, w.count, w.members)
			}
		}
		// The most frequent wording comes first.
		if got := r.Unanswered[0].Examples[0]; got != "Is massage safe during pregnancy?" {
			t.Errorf("first example of the top cluster: got %q, want the most asked wording", got)
		}

		wantWorst := []EntryFeedback{
			{EntryID: "back-pain", Title: "Title of back-pain", NotHelpful: 3, Total: 4, Ratio: 0.75},
			{EntryID: "how-often", Title: "Title of how-often", NotHelpful: 1, Total: 3, Ratio: 1.0 / 3},
		}
		if !slices.Equal(r.WorstFeedback, wantWorst) {
			t.Errorf("worst feedback: got %+v, want %+v", r.WorstFeedback, wantWorst)
		}
		if want := (FeedbackCounts{Helpful: 5, NotHelpful: 4}); r.Feedback != want {
			t.Errorf("feedback: got %+v, want %+v", r.Feedback, want)
		}

		// Weak matches: "how often is too often" twice (grouped, lowest
		// score), then the weakest single one.
		wantWeak := []WeakMatch{
			// The most recent wording of the group is shown.
			{Question: "How often is too often?", EntryID: "how-often", Title: "Title of how-often", Score: 0.41, Count: 2},
			{Question: "my back hurts after lifting, what now", EntryID: "back-pain", Title: "Title of back-pain", Score: 0.35, Count: 1},
		}
		if !slices.Equal(r.WeakMatches, wantWeak) {
			t.Errorf("weak matches: got %+v, want %+v", r.WeakMatches, wantWeak)
		}

		// Zero bounds: everything kept, up to now.
		all, err := s.Report(context.Background(), time.Time{}, time.Time{}, ReportOptions{})
		if err != nil || all.Questions != 30 || all.To.IsZero() {
			t.Errorf("zero bounds: got %d questions, to %v, err %v, want 30 questions up to now", all.Questions, all.To, err)
		}

		// An empty period is an empty report, not an error.
		empty, err := s.Report(context.Background(), start.Add(-48*time.Hour), start.Add(-47*time.Hour), ReportOptions{})
		if err != nil || empty.Questions != 0 || len(empty.Unanswered) != 0 || empty.AnswerRate != 0 {
			t.Errorf("empty period: got %+v, %v, want an empty report", empty, err)
		}

		// Exports.
		var buf bytes.Buffer
		if err := WriteJSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		var back Report
		if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
			t.Fatalf("JSON round trip: %v", err)
		}
		if back.Kinds != r.Kinds || len(back.Unanswered) != len(r.Unanswered) || back.AnswerRate != r.AnswerRate {
			t.Errorf("JSON round trip: got %+v, want %+v", back, r)
		}
		for _, key := range []string{`"answer_rate"`, `"unanswered"`, `"worst_feedback"`, `"weak_matches"`, `"examples"`, `"not_helpful_ratio"`} {
			if !strings.Contains(buf.String(), key) {
				t.Errorf("JSON lacks %s", key)
			}
		}
		buf.Reset()
		if err := WriteCSV(&buf, r); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("CSV: %v", err)
		}
		sections := map[string]int{}
		for _, rec := range recs[1:] {
			sections[rec[0]]++
		}
		if sections["unanswered"] != 7 || sections["worst_feedback"] != 2 || sections["weak_match"] != 2 || sections["summary"] != 10 {
			t.Errorf("CSV rows by section: got %v", sections)
		}
	})
}

func TestCSVDefusesFormulas(t *testing.T) {
	r := Report{Unanswered: []Cluster{{Count: 1, Examples: []string{"=HYPERLINK(\"http://x\")"}, Terms: []string{"hyperlink"}}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `'=HYPERLINK`) || strings.Contains(buf.String(), "\n\"unanswered\",\"=") {
		t.Errorf("CSV cell starting with '=': got %s, want it prefixed with a quote", buf.String())
	}
}

// fakeTerms stands in for the search index's analysis (the seam faqbot
// wires): drops a few function words, maps "price" to "cost" and strips a
// plural s.
func fakeTerms(text string) []string {
	var out []string
	for _, w := range plainTerms(text) {
		switch w {
		case "a", "of", "what", "does", "is", "it":
			continue
		case "price":
			w = "cost"
		}
		out = append(out, strings.TrimSuffix(w, "s"))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestPlainTerms(t *testing.T) {
	if got := strings.Join(plainTerms("What's the PRICE—of a massage? massage"), " "); got != "a massage of price s the what" {
		t.Errorf("plainTerms: got %q", got)
	}
}

func TestClusterWithInjectedTerms(t *testing.T) {
	qs := []string{"massage price", "price of a massage?", "Massage cost", "what does a massage cost", "massage"}
	if got := clusterQuestions(qs, 0.5, 3, fakeTerms); len(got) != 1 || got[0].Count != 5 || len(got[0].Examples) != 3 {
		t.Errorf("with the analysis: got %+v, want one cluster of 5 with 3 examples", got)
	}
	if got := clusterQuestions(qs, 0.5, 3, nil); len(got) < 2 {
		t.Errorf("plain words: got %+v, want price and cost apart", got)
	}
	if got := clusterQuestions(qs, 1.01, 3, fakeTerms); len(got) != 2 {
		t.Errorf("threshold above 1: got %+v, want one cluster per distinct analysed wording (2)", got)
	}
}

// TestReportCountsClarify: a "did you mean" reply is not an answer: it
// counts apart, lowers the answer rate, and its question is listed with
// the unanswered ones for the operator to fix.
func TestReportCountsClarify(t *testing.T) {
	s := openStore(t, Config{DSN: filepath.Join(t.TempDir(), "c.db"), FlushInterval: 5 * time.Millisecond})
	stop := run(t, s)
	now := time.Now()
	s.RecordQuestion(bot.Record{Time: now, Platform: "http", Question: "is a rubdown worth it", Kind: bot.KindClarify})
	s.RecordQuestion(bot.Record{Time: now, Platform: "http", Question: "can massage help", Kind: bot.KindAnswer, EntryID: "e"})
	waitWritten(t, s, 2)
	stop()
	r, err := s.Report(context.Background(), now.Add(-time.Minute), now.Add(time.Minute), ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kinds.Clarify != 1 || r.Kinds.Answer != 1 || r.AnswerRate != 0.5 {
		t.Errorf("kinds %+v, answer rate %v: want 1 clarify, 1 answer, rate 0.5", r.Kinds, r.AnswerRate)
	}
	if len(r.Unanswered) != 1 || r.Unanswered[0].Examples[0] != "is a rubdown worth it" {
		t.Errorf("unanswered: %+v, want the clarified question", r.Unanswered)
	}
}
