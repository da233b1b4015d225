package search

import "math/bits"

// entrySet is a set of entries, by index, as a bitset.
type entrySet []uint64

func (b entrySet) has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }

func (b entrySet) add(i int) { b[i>>6] |= 1 << (uint(i) & 63) }

func (b entrySet) len() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// termSets are the entries containing one term: among all their terms, in
// their title, in their body, and in their section.
type termSets struct{ all, title, body, section entrySet }

// questionSets resolves the stems of one question to the entries that
// contain them, each stem once. The sets are built from the snapshot's
// postings, so a question costs about as much as the postings of its
// stems, which the bleve search reads as well.
type questionSets struct {
	s      *snapshot
	byStem map[string]*termSets
}

func (s *snapshot) newQuestionSets() *questionSets {
	return &questionSets{s: s, byStem: map[string]*termSets{}}
}

// of returns the sets of a stem.
func (q *questionSets) of(stem string) *termSets {
	if ts, ok := q.byStem[stem]; ok {
		return ts
	}
	s := q.s
	n := (len(s.entries) + 63) / 64
	slab := make(entrySet, 4*n)
	ts := &termSets{all: slab[:n:n], title: slab[n : 2*n : 2*n], body: slab[2*n : 3*n : 3*n], section: slab[3*n:]}
	for _, f := range []struct {
		set      entrySet
		postings map[string][]int
	}{{ts.all, s.postings}, {ts.title, s.titlePostings}, {ts.body, s.bodyPostings}, {ts.section, s.sectionPostings}} {
		for _, i := range f.postings[stem] {
			f.set.add(i)
		}
	}
	q.byStem[stem] = ts
	return ts
}
