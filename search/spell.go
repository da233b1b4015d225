package search

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// spellWord is a correction candidate: a content or thesaurus word with its
// frequency in the content (0 for thesaurus-only words).
type spellWord struct {
	word  string
	runes []rune
	freq  int
}

// spellIndex groups correction candidates by length in runes, so a word is
// only compared with candidates of about its own length.
type spellIndex [][]spellWord

// newSpellIndex indexes the content's surface words with their frequency
// and the thesaurus's own words.
func newSpellIndex(vocab map[string]int, syn *Synonyms) spellIndex {
	var ix spellIndex
	add := func(w string, f int) {
		r := []rune(w)
		if len(r) < 3 {
			return // never a correction
		}
		for len(ix) <= len(r) {
			ix = append(ix, nil)
		}
		ix[len(r)] = append(ix[len(r)], spellWord{w, r, f})
	}
	for w, f := range vocab {
		add(w, f)
	}
	for w := range syn.surfaceWords() {
		if _, ok := vocab[w]; !ok {
			add(w, 0)
		}
	}
	for _, b := range ix {
		sort.Slice(b, func(i, j int) bool { return b[i].word < b[j].word })
	}
	return ix
}

// corrections memoizes correct for one snapshot; it stops growing at
// correctionsMax words so hostile input cannot grow it without bound.
type corrections struct {
	m sync.Map
	n atomic.Int64
}

const correctionsMax = 10_000

// correctCached is correct, remembered per word: a typo tends to recur
// ("masage"), and correcting it means comparing with every candidate of
// about its length.
func (s *snapshot) correctCached(w string) string {
	if v, ok := s.corrections.m.Load(w); ok {
		return v.(string)
	}
	c := s.correct(w)
	if s.corrections.n.Load() < correctionsMax {
		if _, loaded := s.corrections.m.LoadOrStore(w, c); !loaded {
			s.corrections.n.Add(1)
		}
	}
	return c
}

// correct returns the content word (or thesaurus word) closest to w within
// a small edit distance, preferring the nearest, then the most frequent,
// then the first in alphabetical order, or "" when none is close enough.
// Only words that are neither in the content nor in the English word list
// get here, so real words are never "corrected" into something else.
func (s *snapshot) correct(w string) string {
	r := []rune(w)
	max, lo, hi := 1, len(r)-1, len(r)+1
	switch {
	case len(r) < 3:
		return ""
	case len(r) == 3:
		// A three-letter non-word is most often a dropped letter ("bak",
		// "nek"); only a content word one letter longer may replace it.
		lo = hi
	case len(r) >= 8:
		max, lo, hi = 2, len(r)-2, len(r)+2
	}
	best, bestD, bestF := "", max+1, 0
	for n := lo; n <= hi; n++ {
		if n < 0 || n >= len(s.spell) {
			continue
		}
		for _, c := range s.spell[n] {
			if len(r) == 3 && c.freq == 0 {
				continue // not a thesaurus-only word from so little evidence
			}
			d := editDistance(r, c.runes, max)
			if d < bestD || (d == bestD && (c.freq > bestF || c.freq == bestF && c.word < best)) {
				best, bestD, bestF = c.word, d, c.freq
			}
		}
	}
	if bestD > max {
		return s.unclip(w)
	}
	return best
}

// unclip returns the content word that w is a clipped form of — the front
// of a longer word, as people shorten words in speech and chat ("fibro"
// for "fibromyalgia", "chiro" for "chiropractor", "physio") — or "".
// English forms words by clipping generally (Bauer, English Word-formation,
// 1983, ch. 9), so this is no list: only words that are neither content
// words nor English words nor near one get here (see correct), w has at
// least 4 letters, and the content word is at least 3 letters longer and
// starts with w (the most frequent one, then the shortest, then the first
// alphabetically; thesaurus-only words do not count). Real words never
// get here, so "stand" is never taken for "standard".
func (s *snapshot) unclip(w string) string {
	n := len([]rune(w))
	if n < 4 {
		return ""
	}
	best, bestF := "", 0
	for l := n + 3; l < len(s.spell); l++ {
		b := s.spell[l]
		for i := sort.Search(len(b), func(i int) bool { return b[i].word >= w }); i < len(b) && strings.HasPrefix(b[i].word, w); i++ {
			if c := b[i]; c.freq > bestF {
				best, bestF = c.word, c.freq
			}
		}
	}
	return best
}

// stopRunes are the stop words as runes, for nearStopWord.
var stopRunes = func() [][]rune {
	out := make([][]rune, 0, len(stopWords))
	for sw := range stopWords {
		out = append(out, []rune(sw))
	}
	return out
}()

// nearStopWord reports whether w is one edit away from a stop word.
func nearStopWord(w string) bool {
	r := []rune(w)
	for _, sw := range stopRunes {
		if editDistance(r, sw, 1) <= 1 {
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
	var buf [3 * 24]int
	var prev2, prev, cur []int
	if n := len(b) + 1; 3*n <= len(buf) {
		prev2, prev, cur = buf[:n], buf[n:2*n], buf[2*n:3*n]
	} else {
		prev2, prev, cur = make([]int, n), make([]int, n), make([]int, n)
	}
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
