package search

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
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

func phraseQuery(stems []string, field string, boost float64) query.Query {
	if len(stems) == 1 {
		t := bleve.NewTermQuery(stems[0])
		t.SetField(field)
		t.SetBoost(boost)
		return t
	}
	parts := make([]query.Query, len(stems))
	for i, st := range stems {
		t := bleve.NewTermQuery(st)
		t.SetField(field)
		parts[i] = t
	}
	cq := bleve.NewConjunctionQuery(parts...)
	cq.SetBoost(boost)
	return cq
}

// TestBuildQueryKeepsOrder: leaving out the clauses no entry matches keeps
// the bleve hits and their scores relative to the best hit, and so their
// order, on the evaluation questions of both knowledge bases.
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
			// Every matching entry, with its score relative to the best.
			hits := func(bq query.Query) map[string]float64 {
				res, err := s.idx.SearchInContext(context.Background(), bleve.NewSearchRequestOptions(bq, len(s.entries), 0, false))
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]float64{}
				for _, h := range res.Hits {
					out[h.ID] = h.Score / res.Hits[0].Score
				}
				return out
			}
			// Equal relative scores give the same order; entries whose
			// scores differ only in the last bits (sums in another order)
			// may swap places, as they may between two builds.
			want, got := hits(full), hits(pruned)
			if len(got) != len(want) {
				t.Errorf("%q: %d hits, want %d", q, len(got), len(want))
			}
			for id, w := range want {
				g, ok := got[id]
				if !ok || math.Abs(g-w) > 1e-12 {
					t.Errorf("%q: %s scores %.17g of the best (found %v), want %.17g", q, id, g, ok, w)
				}
			}
		}
	}
}

func TestSplitWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Can massage help my LOWER back?", []string{"can", "massage", "help", "my", "lower", "back"}},
		{"the therapist’s hands, don't 'quote' it's", []string{"the", "therapist", "hands", "don't", "quote", "it"}},
		{"  ", nil},
		{"24/7 café-owner", []string{"24", "7", "café", "owner"}},
		{"bad\xffbyte ''' x", []string{"bad", "byte", "x"}},
	} {
		if got := splitWords(c.in); !slices.Equal(got, c.want) {
			t.Errorf("splitWords(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSetsMatchTermMaps: the bitset shortcuts (concept DF, coverage of an
// entry in each field) agree with reading the entries' term maps directly,
// on the evaluation questions of both knowledge bases and every entry.
func TestSetsMatchTermMaps(t *testing.T) {
	fraction := func(set map[string]bool, stems []string) float64 {
		n := 0
		for _, st := range stems {
			if set[st] {
				n++
			}
		}
		f := float64(n) / float64(len(stems))
		if f < 1 {
			f *= partialCredit
		}
		return f
	}
	for _, kb := range []struct{ content, set string }{
		{"../content", "../testdata/dev.jsonl"},
		{"../testdata/kb2", "../testdata/kb2-eval.jsonl"},
	} {
		s := loadSnapshot(t, kb.content)
		for _, q := range evalQuestions(t, kb.set) {
			cs := s.analyzeQuery(q)
			total := 0.0
			for ci := range cs {
				c := &cs[ci]
				total += c.weight
				df := 0
				for i := range s.entries {
					for k, a := range c.alts {
						if c.present[k] && fraction(s.terms[i], a) == 1 {
							df++
							break
						}
					}
				}
				n := (len(s.entries) + 63) / 64
				if got := conceptDF(c, make(entrySet, n), make(entrySet, n)); got != df {
					t.Errorf("%q: concept %q in %d entries, want %d", q, c.surface, got, df)
				}
			}
			if total == 0 {
				continue
			}
			for i := range s.entries {
				var want fit
				for _, c := range cs {
					var cr fit
					for k, a := range c.alts {
						if !c.present[k] {
							continue
						}
						cr.all = math.Max(cr.all, fraction(s.terms[i], a)*c.credit[k])
						cr.title = math.Max(cr.title, fraction(s.titleTerms[i], a)*c.credit[k])
						cr.body = math.Max(cr.body, fraction(s.bodyTerms[i], a)*c.credit[k])
						cr.section = math.Max(cr.section, fraction(s.sectionTerms[i], a)*c.credit[k])
					}
					want.all += cr.all * c.weight
					want.title += cr.title * c.weight
					want.body += cr.body * c.weight
					want.section += cr.section * c.weight
				}
				if s.entries[i].Type != faq.TypePassage {
					want.section = want.all
				}
				got, _ := s.coverage(cs, i)
				if got.all != want.all || got.title != want.title || got.body != want.body || got.section != want.section {
					t.Errorf("%q: entry %s covers %+v, want %+v", q, s.entries[i].ID, got, want)
				}
			}
		}
	}
}
