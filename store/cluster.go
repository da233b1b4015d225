package store

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// plainTerms is the analysis reports use when none is given: the text's
// lower-cased words, sorted, each once. faqbot gives reports the search
// index's own analysis (ReportOptions.Terms), so that questions are "the
// same" in a report when search saw the same words in them.
func plainTerms(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	slices.Sort(words)
	return slices.Compact(words)
}

// jaccard is |a ∩ b| / |a ∪ b| for sorted, duplicate-free slices.
func jaccard(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	i, j, inter := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch c := strings.Compare(a[i], b[j]); {
		case c == 0:
			inter++
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// Cluster is a group of unanswered questions that are the same question in
// other words.
type Cluster struct {
	// Count is how many times the question was asked in the period.
	Count int `json:"count"`
	// Examples are up to ReportOptions.Examples distinct wordings, the most
	// frequent first.
	Examples []string `json:"examples"`
	// Terms are the analysed words (ReportOptions.Terms) of the cluster's
	// most frequent wording, the key the others were compared with.
	Terms []string `json:"terms"`
}

// wording is one distinct normalized question with its raw variants.
type wording struct {
	key    string
	terms  []string
	count  int
	byText map[string]int // raw text (trimmed) -> count
}

// clusterQuestions groups texts whose stemmed content words have a Jaccard
// similarity of at least threshold with a cluster's seed (its most frequent
// wording). It is greedy and deterministic: wordings are taken by frequency,
// each joins the most similar existing cluster or starts a new one. Questions
// with no content words are grouped only when they are identical.
//
// It is one piece on purpose: the greedy pass keeps the clusters, their
// seeds and the similarity cache in step, and splitting it would pass all
// of them around.
func clusterQuestions(texts []string, threshold float64, examples int, terms func(string) []string) []Cluster {
	if terms == nil {
		terms = plainTerms
	}
	byKey := make(map[string]*wording)
	var order []*wording
	for _, t := range texts {
		raw := strings.Join(strings.Fields(t), " ")
		if raw == "" {
			continue
		}
		ts := terms(raw)
		key := strings.Join(ts, " ")
		if key == "" {
			key = "\x00" + strings.ToLower(raw)
		}
		w := byKey[key]
		if w == nil {
			w = &wording{key: key, terms: ts, byText: make(map[string]int)}
			byKey[key] = w
			order = append(order, w)
		}
		w.count++
		w.byText[raw]++
	}
	slices.SortStableFunc(order, func(a, b *wording) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.key, b.key))
	})

	type cluster struct {
		seed    []string
		count   int
		members []*wording
	}
	var clusters []*cluster
	// index maps a term to the clusters whose seed contains it, so a wording
	// is compared only with clusters it shares a word with.
	index := make(map[string][]int)
	for _, w := range order {
		best, bestSim := -1, 0.0
		if len(w.terms) > 0 {
			seen := make(map[int]bool)
			for _, t := range w.terms {
				for _, ci := range index[t] {
					if seen[ci] {
						continue
					}
					seen[ci] = true
					if sim := jaccard(w.terms, clusters[ci].seed); sim >= threshold && (sim > bestSim || sim == bestSim && ci < best) {
						best, bestSim = ci, sim
					}
				}
			}
		}
		if best >= 0 {
			c := clusters[best]
			c.count += w.count
			c.members = append(c.members, w)
			continue
		}
		clusters = append(clusters, &cluster{seed: w.terms, count: w.count, members: []*wording{w}})
		for _, t := range w.terms {
			index[t] = append(index[t], len(clusters)-1)
		}
	}

	out := make([]Cluster, 0, len(clusters))
	for _, c := range clusters {
		type variant struct {
			text  string
			count int
		}
		var vs []variant
		seen := make(map[string]bool)
		for _, m := range c.members {
			for text, n := range m.byText {
				lower := strings.ToLower(text)
				if seen[lower] {
					continue
				}
				seen[lower] = true
				vs = append(vs, variant{text, n})
			}
		}
		slices.SortFunc(vs, func(a, b variant) int {
			return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.text, b.text))
		})
		cl := Cluster{Count: c.count, Terms: c.seed}
		if cl.Terms == nil {
			cl.Terms = []string{}
		}
		for i := 0; i < len(vs) && i < examples; i++ {
			cl.Examples = append(cl.Examples, vs[i].text)
		}
		out = append(out, cl)
	}
	slices.SortStableFunc(out, func(a, b Cluster) int { return cmp.Compare(b.Count, a.Count) })
	return out
}
