package telegram

import (
	"sync"
	"sync/atomic"
)

// tracker follows every update from arrival until its replies are sent (or
// given up), for de-duplication and for the offset confirmed at shutdown.
type tracker struct {
	mu       sync.Mutex
	inflight map[int]struct{}
	maxID    int // highest update_id seen
	seen     map[int]struct{}
	ring     []int // the last len(ring) update IDs, for bounded de-duplication
	next     int
}

func newTracker(remember int) *tracker {
	return &tracker{inflight: map[int]struct{}{}, seen: map[int]struct{}{}, ring: make([]int, 0, remember)}
}

// ticket counts the work still owed for one update: its handling plus each
// message queued for it. The update is done when the count drops to zero.
type ticket struct {
	id int
	n  atomic.Int32
	t  *tracker
}

func (k *ticket) add() { k.n.Add(1) }

func (k *ticket) done() {
	if k.n.Add(-1) == 0 {
		k.t.finish(k.id)
	}
}

// begin registers an update; ok is false when it was seen before.
func (t *tracker) begin(id int) (k *ticket, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, dup := t.seen[id]; dup {
		return nil, false
	}
	if len(t.ring) < cap(t.ring) {
		t.ring = append(t.ring, id)
	} else {
		delete(t.seen, t.ring[t.next])
		t.ring[t.next] = id
		t.next = (t.next + 1) % len(t.ring)
	}
	t.seen[id] = struct{}{}
	if id > t.maxID {
		t.maxID = id
	}
	t.inflight[id] = struct{}{}
	k = &ticket{id: id, t: t}
	k.n.Store(1)
	return k, true
}

// note records an update that is skipped without a ticket (malformed).
func (t *tracker) note(id int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id > t.maxID {
		t.maxID = id
	}
}

func (t *tracker) finish(id int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.inflight, id)
}

// watermark is the highest update_id up to which every update seen is done,
// and the number of updates not done.
func (t *tracker) watermark() (id, pending int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.maxID
	for id := range t.inflight {
		if id-1 < w {
			w = id - 1
		}
	}
	return w, len(t.inflight)
}
