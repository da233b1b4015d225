package bot

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable clock for FloodGuard.now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newGuard(limit int, window time.Duration) (*FloodGuard, *fakeClock) {
	g := NewFloodGuard(limit, window)
	c := &fakeClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	g.now = c.now
	return g, c
}

func TestFloodGuard(t *testing.T) {
	g, clock := newGuard(3, time.Minute)
	step := func(key string, want FloodDecision) {
		t.Helper()
		if got := g.Allow(key); got != want {
			t.Errorf("Allow(%s) at %s: got %+v, want %+v", key, clock.now().Format("15:04:05"), got, want)
		}
	}
	allowed, notice, silent := FloodDecision{Allowed: true}, FloodDecision{Notice: true}, FloodDecision{}

	for i := 0; i < 3; i++ {
		step("alice", allowed)
		clock.advance(time.Second)
	}
	step("alice", notice) // the first refusal: one notice
	step("alice", silent) // then silence
	step("alice", silent)
	step("bob", allowed) // other users are not affected

	// The window slides: 60 s after alice's first question one slot frees.
	clock.advance(57 * time.Second) // now 60 s after the first
	step("alice", allowed)
	// Over the limit again. An answered question ends the flood, so the
	// next refusal gets a notice again (at most one notice per answer).
	step("alice", notice)
	step("alice", silent)
	clock.advance(time.Second)
	step("alice", allowed) // the second question aged out
	clock.advance(time.Second)
	step("alice", allowed) // and the third

	// Once the person slows down, a new flood gets a new notice.
	step("alice", notice)
	clock.advance(2 * time.Minute)
	for i := 0; i < 3; i++ {
		step("alice", allowed)
	}
	step("alice", notice)
	step("alice", silent)
}

func TestFloodGuardDisabled(t *testing.T) {
	for _, limit := range []int{0, -1} {
		g, _ := newGuard(limit, time.Minute)
		for i := 0; i < 1000; i++ {
			if d := g.Allow("u"); !d.Allowed || d.Notice {
				t.Fatalf("limit %d, call %d: got %+v, want allowed", limit, i, d)
			}
		}
	}
	var nilGuard *FloodGuard
	if d := nilGuard.Allow("u"); !d.Allowed {
		t.Errorf("nil guard: got %+v, want allowed", d)
	}
	// A zero window defaults to a minute rather than refusing forever or never.
	g, clock := newGuard(1, 0)
	if !g.Allow("u").Allowed || g.Allow("u").Allowed {
		t.Error("limit 1: want the first allowed and the second refused")
	}
	clock.advance(61 * time.Second)
	if !g.Allow("u").Allowed {
		t.Error("limit 1, zero window, after 61 s: got refused, want allowed (default window 1 minute)")
	}
}

func TestFloodGuardForgetsIdleUsers(t *testing.T) {
	g, clock := newGuard(2, time.Minute)
	for i := 0; i < 500; i++ {
		g.Allow(fmt.Sprint("user-", i))
	}
	clock.advance(2 * time.Minute)
	g.Allow("late")
	g.mu.Lock()
	n := len(g.users)
	g.mu.Unlock()
	if n != 1 {
		t.Errorf("users kept after the window: got %d, want 1", n)
	}
}

// TestFloodGuardConcurrent: under -race, many goroutines sharing one key
// get exactly limit answers and one notice in total.
func TestFloodGuardConcurrent(t *testing.T) {
	g, _ := newGuard(10, time.Hour)
	var allowed, notices atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				d := g.Allow("shared")
				if d.Allowed {
					allowed.Add(1)
				}
				if d.Notice {
					notices.Add(1)
				}
				g.Allow(fmt.Sprint("own-", w)) // per-goroutine keys in parallel
			}
		}(w)
	}
	wg.Wait()
	if allowed.Load() != 10 || notices.Load() != 1 {
		t.Errorf("shared key, 400 calls: got %d allowed, %d notices; want 10 and 1", allowed.Load(), notices.Load())
	}
}
