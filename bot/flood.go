package bot

import (
	"sync"
	"time"
)

// FloodGuard is per-user flood control, one per platform in a Gate: at
// most Limit questions per Window for each user key. Past the limit the first
// refused question gets Notice=true (send one polite notice), the rest are
// refused silently until the window passes. A zero Limit disables the guard.
// It is safe for concurrent use.
type FloodGuard struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	users map[string]*floodState
	sweep time.Time
}

type floodState struct {
	hits     []time.Time
	notified bool
}

// FloodDecision is the outcome of FloodGuard.Allow.
type FloodDecision struct {
	// Allowed is true when the question may be answered.
	Allowed bool
	// Notice is true once per flood: tell the person to slow down.
	Notice bool
}

// NewFloodGuard returns a guard allowing limit questions per window per user.
// limit <= 0 allows everything.
func NewFloodGuard(limit int, window time.Duration) *FloodGuard {
	if window <= 0 {
		window = time.Minute
	}
	return &FloodGuard{limit: limit, window: window, now: time.Now, users: map[string]*floodState{}}
}

// Allow records one question from key and says whether to answer it.
func (g *FloodGuard) Allow(key string) FloodDecision {
	if g == nil || g.limit <= 0 {
		return FloodDecision{Allowed: true}
	}
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sweepLocked(now)
	st := g.users[key]
	if st == nil {
		st = &floodState{}
		g.users[key] = st
	}
	cut := now.Add(-g.window)
	i := 0
	for i < len(st.hits) && !st.hits[i].After(cut) {
		i++
	}
	st.hits = st.hits[i:]
	if len(st.hits) < g.limit {
		st.hits = append(st.hits, now)
		st.notified = false
		return FloodDecision{Allowed: true}
	}
	if st.notified {
		return FloodDecision{}
	}
	st.notified = true
	return FloodDecision{Notice: true}
}

// sweepLocked drops idle users once per window so the map stays bounded by
// the number of recently active users.
func (g *FloodGuard) sweepLocked(now time.Time) {
	if now.Sub(g.sweep) < g.window {
		return
	}
	g.sweep = now
	cut := now.Add(-g.window)
	for k, st := range g.users {
		if len(st.hits) == 0 || !st.hits[len(st.hits)-1].After(cut) {
			delete(g.users, k)
		}
	}
}
