package search

import "slices"

// entryList is a set of entries, by index, as a sorted list.
type entryList []int32

func (l entryList) has(i int) bool {
	_, ok := slices.BinarySearch(l, int32(i))
	return ok
}

// termSets are the entries containing one term: in their title, in their
// body, and in their section. title and body are the snapshot's own
// postings; sections are
// the passage sections that contain the term, so that a passage has the
// term in its section when its section does, and a FAQ entry (its own
// section) when it has it at all.
type termSets struct {
	title, body entryList
	df          int
	// id is the term's number (see snapshot.termID), for the postings'
	// term frequencies; meaningless when the term is not in the content.
	id        int32
	sections  entryList
	sectionOf []int32
}

// has reports whether entry i has the term at all.
func (ts *termSets) has(i int) bool { return ts.title.has(i) || ts.body.has(i) }

// sectionHas reports whether entry i's section has the term (for a
// passage; a FAQ entry, its own section, has none here).
func (ts *termSets) sectionHas(i int) bool {
	sec := ts.sectionOf[i]
	return sec >= 0 && ts.sections.has(int(sec))
}

// questionSets resolves the stems of one question to the entries that
// contain them, each stem once. They point into the snapshot's postings,
// so a question costs about as much as the postings of its stems (which
// the bleve search reads as well) and nothing in proportion to the size of
// the content.
type questionSets struct {
	s      *snapshot
	byStem map[string]*termSets
	free   []termSets // allocated but not yet used
}

// newQuestionSets returns empty question sets with room for about n stems.
func (s *snapshot) newQuestionSets(n int) *questionSets {
	return &questionSets{s: s, byStem: make(map[string]*termSets, n), free: make([]termSets, n)}
}

// of returns the sets of a stem.
func (q *questionSets) of(stem string) *termSets {
	if ts, ok := q.byStem[stem]; ok {
		return ts
	}
	if len(q.free) == 0 {
		q.free = make([]termSets, 8) // not expected: newQuestionSets was told how many
	}
	ts := &q.free[0]
	q.free = q.free[1:]
	ts.sectionOf = q.s.sectionOf
	if id, ok := q.s.termID[stem]; ok {
		p := &q.s.post
		ts.title, ts.body, ts.sections = p.title.of(id), p.body.of(id), p.sections.of(id)
		ts.df = int(q.s.dfs[id])
		ts.id = id
	}
	q.byStem[stem] = ts
	return ts
}

// intersect appends to dst the entries in both sorted lists a and b.
func intersect(dst, a, b []int32) []int32 {
	for i, j, ok := nextCommon(a, b, 0, 0); ok; i, j, ok = nextCommon(a, b, i+1, j+1) {
		dst = append(dst, a[i])
	}
	return dst
}

// intersects reports whether sorted lists a and b share an entry.
func intersects(a, b []int32) bool {
	_, _, ok := nextCommon(a, b, 0, 0)
	return ok
}

// nextCommon is the first i' >= i and j' >= j with a[i'] == b[j'] (sorted
// lists a and b), and whether there is one.
func nextCommon(a, b []int32, i, j int) (int, int, bool) {
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			return i, j, true
		}
	}
	return i, j, false
}
