package search

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"faqbot/faq"
)

// Query limits keep a hostile question cheap.
const (
	maxQueryWords = 48
	candidates    = 20
	// genericWeight caps how much a generic word ("better", "tell") counts.
	genericWeight = 0.6
	// synonymCredit is how much covering a concept only through a synonym counts.
	synonymCredit = 0.9
)

// concept is one thing a question is about: a word or phrase and the
// alternatives the thesaurus gives for it, each a stem sequence.
type concept struct {
	surface string
	alts    [][]string
	// present marks alternatives whose stems all occur in the content.
	present []bool
	weight  float64
}

// analyzeQuery turns a question into concepts: stop words dropped, typos
// corrected against the content's vocabulary, synonyms attached.
func (s *snapshot) analyzeQuery(q string) []concept {
	words := splitWords(q)
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	synStems := s.syn.stemSet()
	var st, surf []string
	for _, w := range words {
		if isStop(w) {
			continue
		}
		stem := stemWord(w)
		if stem == "" {
			continue
		}
		if s.df[stem] == 0 && !synStems[stem] && !isEnglishWord(w) {
			if len([]rune(w)) <= 4 && nearStopWord(w) {
				continue // "wat", "hw", "teh": a mistyped function word
			}
			if c := s.correct(w); c != "" {
				w, stem = c, stemWord(c)
				if stem == "" {
					continue
				}
			}
		}
		st = append(st, stem)
		surf = append(surf, w)
	}
	var cs []concept
	for i := 0; i < len(st); {
		span, alts := s.syn.expansions(st, i)
		c := concept{}
		if span == 0 {
			span = 1
		}
		c.alts = append([][]string{st[i : i+span]}, alts...)
		c.surface = joinWords(surf[i : i+span])
		i += span
		cs = append(cs, c)
	}
	return s.weigh(dedupe(cs))
}

// weigh sets each concept's weight: the content IDF of its word (or of its
// best synonym found in the content). Words the content never uses weigh
// the most — a question about something the content lacks ("knee") must
// not be answered from the words it shares ("pain"). Generic words weigh little.
func (s *snapshot) weigh(cs []concept) []concept {
	for i := range cs {
		c := &cs[i]
		c.present = make([]bool, len(c.alts))
		w := -1.0
		for k, a := range c.alts {
			if !s.hasAll(a) {
				continue
			}
			c.present[k] = true
			idf := s.phraseIDF(a)
			if k == 0 {
				w = idf
				break
			}
			if idf > w {
				w = idf
			}
		}
		if w < 0 {
			w = s.idfMax
		}
		if len(c.alts[0]) == 1 && genericWords[c.surface] {
			w = math.Min(w, genericWeight)
		}
		c.weight = w
	}
	return cs
}

func (s *snapshot) hasAll(stems []string) bool {
	for _, t := range stems {
		if s.df[t] == 0 {
			return false
		}
	}
	return true
}

// phraseIDF is the IDF of a phrase's rarest word.
func (s *snapshot) phraseIDF(stems []string) float64 {
	best := 0.0
	for _, t := range stems {
		best = math.Max(best, s.idf(t))
	}
	return best
}

func dedupe(cs []concept) []concept {
	seen := map[string]bool{}
	out := cs[:0]
	for _, c := range cs {
		k := fmt.Sprint(c.alts[0])
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	return out
}

func joinWords(ws []string) string {
	out := ""
	for i, w := range ws {
		if i > 0 {
			out += " "
		}
		out += w
	}
	return out
}

// buildQuery is a disjunction of term queries over the title (boosted) and
// body fields, one group per concept alternative found in the content.
// Terms are already analyzed, so no query parser ever sees user text.
func buildQuery(cs []concept) query.Query {
	var clauses []query.Query
	for _, c := range cs {
		for k, a := range c.alts {
			if !c.present[k] {
				continue
			}
			alt := 1.0
			if k > 0 {
				alt = 0.7
			}
			for _, f := range []struct {
				name  string
				boost float64
			}{{"title", titleBoost}, {"body", bodyBoost}} {
				clauses = append(clauses, phraseQuery(a, f.name, f.boost*alt))
			}
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

// search runs the query and ranks candidates by how much of the question
// they cover, weighted by how informative each concept is, then by BM25.
func (s *snapshot) search(ctx context.Context, q string, limit int) ([]faq.Match, error) {
	cs := s.analyzeQuery(q)
	bq := buildQuery(cs)
	if bq == nil {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(bq, candidates, 0, false)
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	total := 0.0
	for _, c := range cs {
		total += c.weight
	}
	if total == 0 || len(res.Hits) == 0 {
		return nil, nil
	}
	top := res.Hits[0].Score
	type ranked struct {
		m    faq.Match
		rank float64
		pos  int
	}
	var rs []ranked
	for _, h := range res.Hits {
		i, ok := s.byID[h.ID]
		if !ok {
			continue
		}
		cov, missing := s.coverage(cs, i, total)
		rel := h.Score / top
		rs = append(rs, ranked{
			m:    faq.Match{Entry: s.entries[i], Confidence: cov, Score: h.Score, Missing: missing},
			rank: cov*0.75 + rel*0.25,
			pos:  i,
		})
	}
	sort.SliceStable(rs, func(a, b int) bool {
		if rs[a].rank != rs[b].rank {
			return rs[a].rank > rs[b].rank
		}
		return rs[a].pos < rs[b].pos
	})
	if limit <= 0 || limit > len(rs) {
		limit = len(rs)
	}
	out := make([]faq.Match, limit)
	for i := range out {
		out[i] = rs[i].m
	}
	return out, nil
}

// coverage is the weighted share of the question's concepts that entry i
// contains, and the concepts it misses.
func (s *snapshot) coverage(cs []concept, i int, total float64) (float64, []string) {
	terms := s.terms[i]
	got := 0.0
	var missing []string
	for _, c := range cs {
		credit := 0.0
		for k, a := range c.alts {
			if !c.present[k] || !containsAll(terms, a) {
				continue
			}
			if k == 0 {
				credit = 1
				break
			}
			credit = synonymCredit
		}
		if credit == 0 {
			missing = append(missing, c.surface)
		}
		got += credit * c.weight
	}
	return got / total, missing
}

func containsAll(set map[string]bool, stems []string) bool {
	for _, t := range stems {
		if !set[t] {
			return false
		}
	}
	return true
}
