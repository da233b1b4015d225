package search

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"faqbot/faq"
)

// evalQuestions returns the questions of a JSON-lines evaluation set.
func evalQuestions(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct{ Q string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		qs = append(qs, l.Q)
	}
	return qs
}

func loadSnapshot(t *testing.T, dir string) *snapshot {
	t.Helper()
	res, err := faq.Load([]string{dir}, faq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := buildSnapshot(res.Entries, DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.idx.Close() })
	return s
}

// everyClause is buildQuery without leaving anything out: a title and a
// body clause for every alternative found in the content.
func everyClause(cs []concept) query.Query {
	var clauses []query.Query
	for _, c := range cs {
		for k, a := range c.alts {
			if !c.present[k] {
				continue
			}
			alt := 1.0
			if c.credit[k] < 1 {
				alt = 0.5
			}
			clauses = append(clauses, phraseQuery(a, "title", titleBoost*alt), phraseQuery(a, "body", bodyBoost*alt))
		}
	}
	if len(clauses) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// TestBuildQueryKeepsOrder: leaving out the clauses no entry matches keeps
// the bleve hits, their order and their scores relative to the best hit,
// on the evaluation questions of both knowledge bases.
func TestBuildQueryKeepsOrder(t *testing.T) {
	for _, kb := range []struct{ content, set string }{
		{"../content", "../testdata/dev.jsonl"},
		{"../testdata/kb2", "../testdata/kb2-eval.jsonl"},
	} {
		s := loadSnapshot(t, kb.content)
		for _, q := range evalQuestions(t, kb.set) {
			cs := s.analyzeQuery(q)
			full, pruned := everyClause(cs), s.buildQuery(cs)
			if full == nil || pruned == nil {
				if (full == nil) != (pruned == nil) {
					t.Errorf("%q: full query %v, pruned %v", q, full, pruned)
				}
				continue
			}
			hits := func(bq query.Query) []searchHit {
				res, err := s.idx.SearchInContext(context.Background(), bleve.NewSearchRequestOptions(bq, 20, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				var out []searchHit
				for _, h := range res.Hits {
					out = append(out, searchHit{h.ID, h.Score / res.Hits[0].Score})
				}
				return out
			}
			want, got := hits(full), hits(pruned)
			if len(got) != len(want) {
				t.Errorf("%q: %d hits, want %d", q, len(got), len(want))
				continue
			}
			for i := range want {
				if got[i].id != want[i].id || math.Abs(got[i].rel-want[i].rel) > 1e-9 {
					t.Errorf("%q: hit %d is %s (%.6f), want %s (%.6f)", q, i, got[i].id, got[i].rel, want[i].id, want[i].rel)
				}
			}
		}
	}
}

type searchHit struct {
	id  string
	rel float64
}
