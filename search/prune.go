package search

import (
	"math"
	"slices"

	"faqbot/faq"
)

// Pruning: the best n entries of directHits without reading every posting
// of a question's common clauses, in the manner of MaxScore (Turtle and
// Flood, "Query evaluation: strategies and optimizations", 1995), adapted
// to term-at-a-time accumulation and to bleve's coordination factor.
//
// An entry's score is (the sum of the clauses it matches) × matched/K for
// K clauses. Every clause's score has an upper bound (bm25.bound: the
// largest per-entry part over the term's postings, times idf and the query
// weight; a phrase's is the sum of its terms'). The clauses are read
// rarest first, as bleve orders them. Before clause j, θ is the n-th best
// exact score of the 2n seen entries with the best partial scores (each
// looked up in the clauses not read yet): a lower bound of the n-th best
// score. It is compared with the most an unseen entry could still get,
// rest[j] × (K−j)/K: when that is below θ, no unseen entry can be among the
// best n, and the lists are not read on. Each seen entry whose upper bound,
// (its sum + rest[j]) × (its matches + K−j)/K, is below θ is dropped; the
// rest get the remaining clauses clause by clause, in the same order, each
// looked up by galloping search while the entries are few beside the
// clause's postings and read whole otherwise, dropping entries as their
// bounds fall below θ. Every kept entry's score is the same sum in the
// same order as the exhaustive reading's, bit for bit
// (TestPruningMatchesExhaustive).
//
// Only a bound strictly below θ prunes, so an entry that could tie the
// n-th best is always scored and the ties by ID come out as before.

// setBounds fills sc.rest from the clauses' score bounds.
func (sc *scoring) setBounds() {
	k := len(sc.clauses)
	sc.rest = slices.Grow(sc.rest[:0], k+1)[:k+1]
	sc.rest[k] = 0
	for j := k - 1; j >= 0; j-- {
		u := 0.0
		for _, t := range sc.clauses[j].terms {
			u += t.idf * t.bound * t.qw
		}
		sc.rest[j] = sc.rest[j+1] + u
	}
}

// canStop reports whether, before clause j, no entry not yet seen can be
// among the best n; θ is in sc.theta. θ comes from exact scores, which do
// not change as clauses are read, so it is computed again only when the
// seen entries have doubled since; and not at all while the postings left
// are few beside the entries seen and θ's own look-ups (stopping would
// cost about as much as reading them; the factor 4 is a margin for the
// estimate, and changes no result, only the time).
func (sc *scoring) canStop(j, n int) bool {
	if j == 0 || len(sc.touched) < 4*n {
		return false
	}
	if sc.thetaSeen == 0 || len(sc.touched) >= 2*sc.thetaSeen {
		left, cost := 0, 0.0
		for _, cl := range sc.clauses[j:] {
			left += int(cl.cnt)
			cost += lookUpCost(2*n, int(cl.cnt))
		}
		if sc.eager || float64(left) >= 4*(float64(len(sc.touched))+cost) {
			sc.theta = max(sc.theta, sc.exactTheta(j, n))
			sc.thetaSeen = len(sc.touched)
		}
	}
	if sc.thetaSeen == 0 {
		return false
	}
	k := float64(len(sc.clauses))
	return sc.rest[j]*(float64(len(sc.clauses)-j)/k) < sc.theta
}

// exactTheta is a lower bound of the n-th best score before clause j: the
// n-th best exact score of the entries scored exactly so far, to which it
// adds those of the 2n seen entries with the best lower bounds (their sums
// so far × their matches so far/K) not scored yet, each looked up in
// clauses j… . Exact scores of a few likely entries bound far tighter than
// lower bounds, which the coordination factor keeps low, and they are
// final, so an entry is scored once however often θ is raised.
func (sc *scoring) exactTheta(j, n int) float64 {
	k := float64(len(sc.clauses))
	if sc.scored == nil {
		sc.scored = make([]bool, len(sc.acc))
	}
	for _, p := range sc.bestSeen(2 * n) {
		e := p.i
		if sc.scored[e] {
			continue
		}
		sc.scored[e] = true
		sc.scoredList = append(sc.scoredList, e)
		sum, matched := sc.acc[e], int(sc.matched[e])
		for c := j; c < len(sc.clauses); c++ {
			if x, ok := sc.clauses[c].scoreOf(e, nil); ok {
				sum += x
				matched++
			}
		}
		sc.scores = append(sc.scores, sum*(float64(matched)/k))
	}
	slices.Sort(sc.scores)
	if len(sc.scores) < n {
		return 0
	}
	return sc.scores[len(sc.scores)-n]
}

// bestSeen is the m seen entries (or all, when fewer) with the best lower
// bounds, as a min-heap in sc.heap.
func (sc *scoring) bestSeen(m int) []hit {
	k := float64(len(sc.clauses))
	h := sc.heap[:0]
	for _, e := range sc.touched {
		lb := sc.acc[e] * (float64(sc.matched[e]) / k)
		switch {
		case len(h) < m:
			h = append(h, hit{e, lb})
			siftUp(h, len(h)-1)
		case lb > h[0].score:
			h[0] = hit{e, lb}
			siftDown(h, 0)
		}
	}
	sc.heap = h
	return h
}

// siftUp and siftDown keep h a min-heap by score (written out rather than
// container/heap, whose interface would allocate for every push).
func siftUp(h []hit, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h[p].score <= h[i].score {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func siftDown(h []hit, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c+1].score < h[c].score {
			c++
		}
		if h[i].score <= h[c].score {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// finish scores the seen entries that can still be among the best n on
// clauses m… and offers them. A clause is looked up entry by entry while
// they are few beside its postings, and otherwise read whole as before
// (the entries not kept get its score too, unused).
func (sc *scoring) finish(m, n int, entries []faq.Entry) {
	kc := len(sc.clauses)
	k := float64(kc)
	alive := sc.alive[:0]
	for _, e := range sc.touched {
		if sc.upper(e, m) >= sc.theta {
			alive = append(alive, e)
		}
	}
	var buf [8]int
	pos := buf[:0]
	sorted := false
	for j := m; j < kc && len(alive) > 0; j++ {
		cl := &sc.clauses[j]
		if lookUpCost(len(alive), int(cl.cnt)) > float64(cl.cnt) {
			sc.accumulate(j)
		} else {
			if !sorted {
				slices.Sort(alive)
				sorted = true
			}
			pos = slices.Grow(pos[:0], len(cl.terms))[:len(cl.terms)]
			clear(pos)
			for _, e := range alive {
				if x, ok := cl.scoreOf(e, pos); ok {
					sc.acc[e] += x
					sc.matched[e]++
				}
			}
		}
		kept := alive[:0]
		for _, e := range alive {
			if sc.upper(e, j+1) >= sc.theta {
				kept = append(kept, e)
			}
		}
		alive = kept
	}
	for _, e := range alive {
		sc.offer(hit{e, sc.acc[e] * (float64(sc.matched[e]) / k)}, n, entries)
	}
	sc.alive = alive
}

// lookUpCost estimates, in postings read, looking up a entries (ascending)
// in a list of p postings: a gallop over each gap of p/a, a few times the
// cost of reading a posting per step.
func lookUpCost(a, p int) float64 {
	return float64(a) * (4 + 2*math.Log2(float64(p)/float64(a)+1))
}

// upper is the most entry e can score once clauses j… are read.
func (sc *scoring) upper(e int32, j int) float64 {
	left := len(sc.clauses) - j
	return (sc.acc[e] + sc.rest[j]) * (float64(int(sc.matched[e])+left) / float64(len(sc.clauses)))
}

// scoreOf is the clause's score for entry e and whether e matches it: the
// sum of its terms' scores in their order, as accumulate adds them. pos,
// when not nil, holds where each term's list was last searched, for
// entries asked in ascending order; nil searches each list from the start.
func (cl *scoreClause) scoreOf(e int32, pos []int) (float64, bool) {
	var buf [8]int
	if pos == nil {
		pos = buf[:0]
		if len(cl.terms) > len(buf) {
			pos = make([]int, len(cl.terms))
		}
		pos = pos[:len(cl.terms)]
	}
	for t := range cl.terms {
		l := cl.terms[t].list
		k := gallop(l, pos[t], e)
		pos[t] = k
		if k == len(l) || l[k] != e {
			return 0, false
		}
	}
	var sum float64
	for t := range cl.terms {
		sum += cl.terms[t].score(pos[t], e)
	}
	return sum, true
}

// gallop is the first index k ≥ from with l[k] ≥ e (len(l) when there is
// none), l ascending: an exponential search from from, so that a run of
// ascending look-ups costs about the logarithm of each gap.
func gallop(l []int32, from int, e int32) int {
	if from >= len(l) || l[from] >= e {
		return from
	}
	lo, step := from, 1 // l[lo] < e
	for {
		hi := lo + step
		if hi >= len(l) || l[hi] >= e {
			hi = min(hi, len(l))
			k, _ := slices.BinarySearch(l[lo+1:hi], e)
			return lo + 1 + k
		}
		lo = hi
		step *= 2
	}
}
