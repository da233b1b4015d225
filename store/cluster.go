package store

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// stopWords are dropped before clustering: function words and the filler of
// questions ("can you tell me ..."), which say nothing about the topic.
var stopWords = toSet(`a about above after again against all also am an and any anyone anything
are as at be because been before being below between both but by can cannot could
did do does doing done dont down during each else even ever every few for from further
get gets getting got had has have having he hello her here hers herself hey hi him
himself his how hows i id if im in into is isnt it its itself ive just know let lets
like may me might mine more most much must my myself need needs no nor not now of off
ok okay on once one only or other ought our ours ourselves out over own please really
same shall she should so some someone something such tell than thank thanks that thats
the their theirs them themselves then there these they thing things this those through
to too under until up us very want was we were what whats when where which while who
whom whose why will with would yes you your yours yourself`)

func toSet(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// normalize turns a question into its sorted set of stemmed content words:
// lowercase, apostrophes removed ("don't" is "dont"), other punctuation split,
// stop words dropped, synonyms (word -> canonical word, applied before
// stemming) replaced, and each word stemmed.
func normalize(text string, synonyms map[string]string) []string {
	text = strings.ToLower(text)
	text = strings.NewReplacer("'", "", "’", "", "`", "").Replace(text)
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	seen := make(map[string]bool, len(words))
	var out []string
	for _, w := range words {
		if s, ok := synonyms[w]; ok {
			w = s
		}
		if stopWords[w] {
			continue
		}
		w = stem(w)
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}

// suffixes are the derivational endings stem strips, longest first.
var suffixes = []string{
	"ization", "ational", "ation", "ingly", "edly", "ness", "ment",
	"ancy", "ency", "ance", "ence", "able", "ible",
	"ing", "ant", "ent", "ful", "ous", "ive", "ly", "ed",
}

// stem is a small English suffix stripper, far simpler than Porter's: it is
// only meant to make "massage", "massages" and "massaging", or "pregnant"
// and "pregnancy", the same word. It keeps at least three letters.
func stem(w string) string {
	if len(w) <= 3 || !isASCII(w) {
		return w
	}
	// Plurals.
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	// Up to two derivational suffixes ("frequently" -> "frequent" -> "frequ").
	for range 2 {
		stripped := false
		for _, suf := range suffixes {
			if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
				w = w[:len(w)-len(suf)]
				stripped = true
				break
			}
		}
		if !stripped {
			break
		}
	}
	if len(w) > 3 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	// "gett" -> "get", "stopp" -> "stop".
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouslz", rune(w[n-1])) {
		w = w[:n-1]
	}
	return w
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
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
	// Terms are the stemmed content words of the cluster's most frequent
	// wording, the key the others were compared with.
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
func clusterQuestions(texts []string, threshold float64, examples int, synonyms map[string]string) []Cluster {
	byKey := make(map[string]*wording)
	var order []*wording
	for _, t := range texts {
		raw := strings.Join(strings.Fields(t), " ")
		if raw == "" {
			continue
		}
		terms := normalize(raw, synonyms)
		key := strings.Join(terms, " ")
		if key == "" {
			key = "\x00" + strings.ToLower(raw)
		}
		w := byKey[key]
		if w == nil {
			w = &wording{key: key, terms: terms, byText: make(map[string]int)}
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
