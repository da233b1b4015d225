package search

import (
	"slices"
	"testing"

	"faqbot/faq"
)

// TestPruningMatchesExhaustive: the best n entries read with pruning are
// the exhaustive reading's, with the same scores to the bit and the same
// order, for every evaluation question of every knowledge base (and the
// knowledge bases named in FAQBOT_CHECK_KB), at the candidates' n and at
// n = 3, where pruning stops earlier, trying to stop wherever it can (the
// small knowledge bases are below what makes it worth trying otherwise);
// and pruning does stop for some.
func TestPruningMatchesExhaustive(t *testing.T) {
	for dir, questions := range checkedQuestions(t) {
		s := openSnapshot(t, dir, faq.Options{MaxAnswerChars: 1200})
		if s.bm == nil {
			t.Fatalf("%s: no BM25 data", dir)
		}
		for _, n := range []int{candidates, 3} {
			stopped := 0
			for _, q := range questions {
				cs := s.analyzeQuery(q)
				sc := s.getScoring()
				sc.exhaustive = true
				want := slices.Clone(s.directHits(cs, n, sc))
				sc.exhaustive = false
				s.putScoring(sc)
				sc = s.getScoring()
				sc.eager = true
				got := s.directHits(cs, n, sc)
				sc.eager = false
				if sc.stoppedAt >= 0 {
					stopped++
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: n=%d: %q: pruned %v, exhaustive %v", dir, n, q, got, want)
				}
				s.putScoring(sc)
			}
			t.Logf("%s: n=%d: pruning stopped early for %d of %d questions", dir, n, stopped, len(questions))
			if n == 3 && stopped == 0 {
				t.Errorf("%s: pruning never stopped early at n=3", dir)
			}
		}
		s.idx.Close()
	}
}

// TestGallop: gallop finds the first element not below e from any start.
func TestGallop(t *testing.T) {
	l := []int32{1, 3, 5, 7, 9, 11, 13, 15, 17}
	for from := 0; from <= len(l); from++ {
		for e := int32(0); e <= 18; e++ {
			want := from
			for want < len(l) && l[want] < e {
				want++
			}
			if got := gallop(l, from, e); got != want {
				t.Errorf("gallop(from %d, %d) = %d, want %d", from, e, got, want)
			}
		}
	}
}
