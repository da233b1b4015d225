package search

// correct returns the content word (or thesaurus word) closest to w within
// a small edit distance, preferring the nearest and then the most frequent,
// or "" when none is close enough. Only words that are neither in the
// content nor in the English word list get here, so real words are never
// "corrected" into something else.
func (s *snapshot) correct(w string) string {
	r := []rune(w)
	max := 1
	switch {
	case len(r) < 4:
		return ""
	case len(r) >= 8:
		max = 2
	}
	best, bestD, bestF := "", max+1, 0
	try := func(c string, f int) {
		cr := []rune(c)
		if abs(len(cr)-len(r)) > max || len(cr) < 3 {
			return
		}
		d := editDistance(r, cr, max)
		if d < bestD || (d == bestD && f > bestF) {
			best, bestD, bestF = c, d, f
		}
	}
	for c, f := range s.vocab {
		try(c, f)
	}
	for c := range s.syn.surfaceWords() {
		try(c, 0)
	}
	if bestD > max {
		return ""
	}
	return best
}

// nearStopWord reports whether w is one edit away from a stop word.
func nearStopWord(w string) bool {
	r := []rune(w)
	for sw := range stopWords {
		if editDistance(r, []rune(sw), 1) <= 1 {
			return true
		}
	}
	return false
}

// editDistance is the optimal-string-alignment distance (insertions,
// deletions, substitutions, adjacent transpositions), or max+1 once it is
// certain to exceed max.
func editDistance(a, b []rune, max int) int {
	if abs(len(a)-len(b)) > max {
		return max + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
