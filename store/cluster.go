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
func clusterQuestions(texts []string, threshold float64, examples int, terms func(string) []string) []Cluster {
	if terms == nil {
		terms = plainTerms
	}
	var groups []*group
	// index maps a term to the groups whose seed contains it, so a wording
	// is compared only with groups it shares a word with.
	index := make(map[string][]int)
	for _, w := range wordings(texts, terms) {
		if best := closest(w, groups, index, threshold); best >= 0 {
			g := groups[best]
			g.count += w.count
			g.members = append(g.members, w)
			continue
		}
		groups = append(groups, &group{seed: w.terms, count: w.count, members: []*wording{w}})
		for _, t := range w.terms {
			index[t] = append(index[t], len(groups)-1)
		}
	}
	out := make([]Cluster, 0, len(groups))
	for _, g := range groups {
		out = append(out, g.cluster(examples))
	}
	slices.SortStableFunc(out, func(a, b Cluster) int { return cmp.Compare(b.Count, a.Count) })
	return out
}

// wordings groups texts by their terms (identical texts without terms by
// their lowercase form), most frequent first.
func wordings(texts []string, terms func(string) []string) []*wording {
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
	return order
}

// group is a cluster while it is built: the seed's terms, the questions'
// count and the wordings that joined it.
type group struct {
	seed    []string
	count   int
	members []*wording
}

// closest is the index of the group whose seed is most similar to w, at
// least threshold (the first on a tie), or -1.
func closest(w *wording, groups []*group, index map[string][]int, threshold float64) int {
	best, bestSim := -1, 0.0
	seen := make(map[int]bool)
	for _, t := range w.terms {
		for _, gi := range index[t] {
			if seen[gi] {
				continue
			}
			seen[gi] = true
			if sim := jaccard(w.terms, groups[gi].seed); sim >= threshold && (sim > bestSim || sim == bestSim && gi < best) {
				best, bestSim = gi, sim
			}
		}
	}
	return best
}

// cluster is g as reported, with up to examples of its most frequent raw
// texts (one per lowercase form).
func (g *group) cluster(examples int) Cluster {
	type variant struct {
		text  string
		count int
	}
	var vs []variant
	seen := make(map[string]bool)
	for _, m := range g.members {
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
	cl := Cluster{Count: g.count, Terms: g.seed}
	if cl.Terms == nil {
		cl.Terms = []string{}
	}
	for i := 0; i < len(vs) && i < examples; i++ {
		cl.Examples = append(cl.Examples, vs[i].text)
	}
	return cl
}
