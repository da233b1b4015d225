package search

import (
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"faqbot/faq"
	"faqbot/internal/linefile"
)

// evalQuestions returns the questions of a JSON-lines evaluation set.
func evalQuestions(t *testing.T, path string) []string {
	t.Helper()
	var qs []string
	for _, l := range linefile.JSON[struct{ Q string }](t, path) {
		qs = append(qs, l.Q)
	}
	return qs
}

// loadSnapshot is the snapshot of the content in dir, closed at the end of
// the test.
func loadSnapshot(t *testing.T, dir string) *snapshot {
	t.Helper()
	s := openSnapshot(t, dir, faq.Options{})
	t.Cleanup(func() { s.idx.Close() })
	return s
}

// openSnapshot is the snapshot of the content in dir loaded with opt, with
// the default synonyms; the caller closes its index.
func openSnapshot(t *testing.T, dir string, opt faq.Options) *snapshot {
	t.Helper()
	res, err := faq.Load([]string{dir}, opt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := buildSnapshot(res.Entries, DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
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
			alt := c.altBoost(k)
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
		terms, titleTerms, bodyTerms, sectionTerms := naiveTermSets(s.entries)
		marks := s.getMarks() // one for every count, as weigh's are reused
		for _, q := range evalQuestions(t, kb.set) {
			cs := s.analyzeQuery(q)
			total := 0.0
			for ci := range cs {
				c := &cs[ci]
				total += c.weight
				df := 0
				for i := range s.entries {
					for k, a := range c.alts {
						if c.present[k] && fraction(terms[i], a) == 1 {
							df++
							break
						}
					}
				}
				if got := conceptDF(c, marks); got != df {
					t.Errorf("%q: concept %q in %d entries, want %d", q, c.surface, got, df)
				}
				// analyzeQuery's weigh remembered it (cachedConceptDF): the
				// same count, for this question and any other with the concept.
				if got := s.cachedConceptDF(c, marks); got != df {
					t.Errorf("%q: concept %q cached in %d entries, want %d", q, c.surface, got, df)
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
						cr.all = math.Max(cr.all, fraction(terms[i], a)*c.credit[k])
						cr.title = math.Max(cr.title, fraction(titleTerms[i], a)*c.credit[k])
						cr.body = math.Max(cr.body, fraction(bodyTerms[i], a)*c.credit[k])
						cr.section = math.Max(cr.section, fraction(sectionTerms[i], a)*c.credit[k])
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

// naiveTermSets are each entry's analyzed terms as sets, computed the
// plain way (analyzing its whole text at once, sections by file and
// heading), to check the snapshot's compact postings against: all its
// terms, its title's, its body's and its section's (a FAQ entry's own).
func naiveTermSets(entries []faq.Entry) (all, title, body, section []map[string]bool) {
	set := func(text string) map[string]bool {
		m := map[string]bool{}
		for _, t := range stems(text) {
			m[t] = true
		}
		return m
	}
	type key struct{ source, title string }
	union := map[key]map[string]bool{}
	for _, e := range entries {
		tt, bt := titleText(e), e.Text
		if e.Context != "" {
			bt = e.Context + "\n" + bt
		}
		a := set(tt + "\n" + bt)
		all, title, body = append(all, a), append(title, set(tt)), append(body, set(bt))
		if e.Type == faq.TypePassage {
			k := key{e.Source, e.Title}
			if union[k] == nil {
				union[k] = map[string]bool{}
			}
			for t := range a {
				union[k][t] = true
			}
		}
	}
	for i, e := range entries {
		section = append(section, all[i])
		if e.Type == faq.TypePassage {
			section[i] = union[key{e.Source, e.Title}]
		}
	}
	return all, title, body, section
}

// TestPostingsMatchTermSets checks the snapshot's postings, term numbers,
// document frequencies and title weights against naiveTermSets on every
// test knowledge base, and on the folders in FAQBOT_CHECK_KB (separated by
// ":"), for large ones such as the scale benchmarks'.
func TestPostingsMatchTermSets(t *testing.T) {
	dirs := []string{"../content", "../testdata/kb2", "../testdata/kb3", "../testdata/kb4"}
	small := len(dirs)
	if v := os.Getenv("FAQBOT_CHECK_KB"); v != "" {
		dirs = append(dirs, strings.Split(v, ":")...)
	}
	for k, dir := range dirs {
		s := openSnapshot(t, dir, faq.Options{MaxAnswerChars: 1200})
		checkCompact(t, dir, s, k < small)
		s.idx.Close()
	}
}

func checkCompact(t *testing.T, dir string, s *snapshot, perTerm bool) {
	all, title, body, section := naiveTermSets(s.entries)
	df := map[string]int{}
	for _, m := range all {
		for t := range m {
			df[t]++
		}
	}
	if len(s.sortedTerms) != len(df) || !sort.StringsAreSorted(s.sortedTerms) {
		t.Errorf("%s: %d sorted terms, want the %d distinct terms in order", dir, len(s.sortedTerms), len(df))
	}
	for k, term := range s.sortedTerms {
		if s.termID[term] != int32(k) {
			t.Errorf("%s: termID[%q] = %d, want %d", dir, term, s.termID[term], k)
		}
	}
	for term, n := range df {
		if s.df(term) != n {
			t.Errorf("%s: df(%q) = %d, want %d", dir, term, s.df(term), n)
		}
	}
	if s.df("\x00never") != 0 {
		t.Errorf("%s: df of an unknown term is %d, want 0", dir, s.df("\x00never"))
	}
	// The postings, turned back into per-entry sets, are the naive sets.
	n := len(s.entries)
	got := make([][4]map[string]bool, n)
	for i := range got {
		for f := range got[i] {
			got[i][f] = map[string]bool{}
		}
	}
	for id, term := range s.sortedTerms {
		for f, p := range []*postingList{&s.post.title, &s.post.body} {
			prev := int32(-1)
			for _, e := range p.of(int32(id)) {
				if e <= prev {
					t.Fatalf("%s: postings of %q not sorted", dir, term)
				}
				prev = e
				got[e][f+1][term] = true
				got[e][0][term] = true
				got[e][3][term] = true
			}
		}
		for _, sec := range s.post.sections.of(int32(id)) {
			for _, e := range s.sections.of(sec) {
				got[e][3][term] = true
			}
		}
	}
	for i := range s.entries {
		for f, want := range []map[string]bool{all[i], title[i], body[i], section[i]} {
			if !maps.Equal(got[i][f], want) {
				t.Errorf("%s: entry %d field %d: postings give %d terms, want %d", dir, i, f, len(got[i][f]), len(want))
			}
		}
		// Title weights: the title's terms in order, IDF capped for
		// generic words, as titleWeightsOf computed them from the sets.
		var terms []string
		for term := range title[i] {
			terms = append(terms, term)
		}
		sort.Strings(terms)
		ids := s.titleTerms.of(int32(i))
		sum := 0.0
		for k, term := range terms {
			w := s.idfOf(df[term])
			if genericStems[term] {
				w = math.Min(w, genericWeight)
			}
			sum += w
			if k >= len(ids) || s.sortedTerms[ids[k]] != term || s.titleWeight[ids[k]] != w {
				t.Errorf("%s: entry %d title terms %v, want %v", dir, i, ids, terms)
				break
			}
		}
		if len(ids) != len(terms) || s.titleAll[i] != sum {
			t.Errorf("%s: entry %d title weights: %d terms summing to %v, want %d summing to %v", dir, i, len(ids), s.titleAll[i], len(terms), sum)
		}
	}
	if !perTerm {
		return
	}
	// And the question sets built from them (every term, every entry).
	for term := range df {
		ts := s.newQuestionSets(1).of(term)
		for i := range s.entries {
			for _, f := range []struct {
				name string
				has  func(int) bool
				want map[string]bool
			}{{"all", ts.has, all[i]}, {"title", ts.title.has, title[i]}, {"body", ts.body.has, body[i]}, {"section", func(i int) bool { return ts.has(i) || ts.sectionHas(i) }, section[i]}} {
				if f.has(i) != f.want[term] {
					t.Errorf("%s: %q in entry %d's %s: got %v, want %v", dir, term, i, f.name, f.has(i), f.want[term])
				}
			}
		}
	}
}

// TestCandidatesTiesByID: entries that tie at the candidates' cut are
// chosen by ID, the same on every build of the same content (the index
// batch puts documents in the segment in a different order each time).
func TestCandidatesTiesByID(t *testing.T) {
	var es []faq.Entry
	for i := 0; i < candidates+tieMargin-2; i++ {
		es = append(es, faq.Entry{ID: fmt.Sprintf("e%02d", i), Type: faq.TypeFAQ, Title: fmt.Sprintf("Note %02d", i), Text: "Massage eases back pain."})
	}
	var first []string
	for build := 0; build < 4; build++ {
		s, err := buildSnapshot(es, nil)
		if err != nil {
			t.Fatal(err)
		}
		cands, _, err := s.candidates(context.Background(), "does massage ease back pain")
		s.idx.Close()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range cands {
			ids = append(ids, es[c.i].ID)
		}
		if build == 0 {
			first = ids
			if len(ids) != candidates || ids[0] != "e00" || ids[candidates-1] != fmt.Sprintf("e%02d", candidates-1) {
				t.Fatalf("candidates %v, want e00..e%02d", ids, candidates-1)
			}
			continue
		}
		if !slices.Equal(ids, first) {
			t.Fatalf("build %d: candidates %v, first build %v", build, ids, first)
		}
	}
}
