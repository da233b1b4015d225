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
	free   []termSets // allocated but not yet used
}

// newQuestionSets returns empty question sets with room for about n stems.
func (s *snapshot) newQuestionSets(n int) *questionSets {
	q := &questionSets{s: s, byStem: make(map[string]*termSets, n)}
	q.free = q.alloc(n)
	return q
}

// of returns the sets of a stem.
func (q *questionSets) of(stem string) *termSets {
	if ts, ok := q.byStem[stem]; ok {
		return ts
	}
	if len(q.free) == 0 {
		q.free = q.alloc(8) // not expected: newQuestionSets was told how many
	}
	ts := &q.free[0]
	q.free = q.free[1:]
	if id, ok := q.s.termID[stem]; ok {
		p := &q.s.post
		for _, f := range []struct {
			set      entrySet
			postings []int32
		}{{ts.title, p.title.of(id)}, {ts.body, p.body.of(id)}} {
			for _, i := range f.postings {
				f.set.add(int(i))
			}
		}
		for w := range ts.all {
			ts.all[w] = ts.title[w] | ts.body[w]
		}
		copy(ts.section, ts.all)
		// A passage's section terms are its section's; a FAQ entry's its
		// own (above).
		for _, sec := range p.sections.of(id) {
			for _, i := range q.s.sections.of(sec) {
				ts.section.add(int(i))
			}
		}
	}
	q.byStem[stem] = ts
	return ts
}

// alloc returns k empty sets backed by one allocation.
func (q *questionSets) alloc(k int) []termSets {
	n := (len(q.s.entries) + 63) / 64
	slab := make(entrySet, 4*n*k)
	out := make([]termSets, k)
	for j := range out {
		b := slab[4*n*j : 4*n*(j+1)]
		out[j] = termSets{all: b[:n:n], title: b[n : 2*n : 2*n], body: b[2*n : 3*n : 3*n], section: b[3*n : 4*n : 4*n]}
	}
	return out
}
