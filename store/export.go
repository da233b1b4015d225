package store

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteJSON writes r as indented JSON, the same as GET /admin/report.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("store: write report json: %w", err)
	}
	return nil
}

// CSVHeader is the header row WriteCSV writes.
var CSVHeader = []string{"section", "key", "title", "count", "value", "examples"}

// WriteCSV writes r as one CSV table a spreadsheet can open: a row per
// summary figure, unanswered cluster, badly rated entry and weak match, the
// section in the first column. For clusters, key is the first example and
// examples joins all of them with " | "; for entries, count is the 👎 count
// and value the 👎 ratio; for weak matches, value is the lowest score.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	n := strconv.Itoa
	rows := [][]string{
		CSVHeader,
		{"summary", "from", "", "", r.From.UTC().Format("2006-01-02T15:04:05Z"), ""},
		{"summary", "to", "", "", r.To.UTC().Format("2006-01-02T15:04:05Z"), ""},
		{"summary", "questions", "", n(r.Questions), "", ""},
		{"summary", "answer", "", n(r.Kinds.Answer), "", ""},
		{"summary", "fallback", "", n(r.Kinds.Fallback), "", ""},
		{"summary", "urgent", "", n(r.Kinds.Urgent), "", ""},
		{"summary", "other", "", n(r.Kinds.Other), "", ""},
		{"summary", "answer_rate", "", "", f(r.AnswerRate), ""},
		{"summary", "helpful", "", n(r.Feedback.Helpful), "", ""},
		{"summary", "not_helpful", "", n(r.Feedback.NotHelpful), "", ""},
	}
	for _, c := range r.Unanswered {
		key := ""
		if len(c.Examples) > 0 {
			key = c.Examples[0]
		}
		rows = append(rows, []string{"unanswered", key, strings.Join(c.Terms, " "), n(c.Count), "", strings.Join(c.Examples, " | ")})
	}
	for _, e := range r.WorstFeedback {
		rows = append(rows, []string{"worst_feedback", e.EntryID, e.Title, n(e.NotHelpful), f(e.Ratio), ""})
	}
	for _, m := range r.WeakMatches {
		rows = append(rows, []string{"weak_match", m.Question, m.EntryID + ": " + m.Title, n(m.Count), f(m.Score), ""})
	}
	for i, row := range rows {
		if i > 0 {
			for j := 1; j < len(row); j++ {
				if j != 3 && j != 4 {
					row[j] = cell(row[j])
				}
			}
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("store: write report csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("store: write report csv: %w", err)
	}
	return nil
}

// cell defuses spreadsheet formulas: question text is typed by anyone, and a
// cell starting with = + - @ would be evaluated when the file is opened.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
