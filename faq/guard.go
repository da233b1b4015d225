package faq

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// DefaultMaxDrop is the share of entries a reload may lose before a Guard
// refuses it: 30%.
//
// Why 30%: a file caught mid-write keeps roughly the share of its entries
// written so far (measured: 4,500 of 11,493 bytes kept 32 of 73 entries,
// 56% lost). Routine edits remove a question or two, far below 30% of any
// file worth guarding, while a cut anywhere in the first 70% of a file is
// refused. A deliberate large removal is one forced reindex away.
const DefaultMaxDrop = 0.3

// ErrDropped is wrapped by the errors of a load that a Guard refused
// because it lost too many entries.
var ErrDropped = errors.New("too many entries lost compared with the last good load")

// Guard refuses a reload that loses a large share of the content compared
// with the last load it accepted: a file that still exists but lost more
// than MaxDrop of its entries, or a knowledge base that lost more than
// MaxDrop of all its entries (files removed count here). A loss of a single
// entry is never refused, so editing a small file works. Its zero value is
// not usable; create it with NewGuard. It is safe for concurrent use.
//
// A load with any other error is not accepted either, so it never becomes
// the baseline. The first load is always accepted (there is nothing to
// compare with), with the files that loaded cleanly as the baseline.
type Guard struct {
	maxDrop float64

	mu        sync.Mutex
	prev      map[string]int // entries per file of the last accepted load; nil before the first
	prevTotal int
	force     bool
}

// NewGuard returns a Guard refusing loads that lose more than maxDrop (a
// share, 0 < maxDrop <= 1) of the entries; maxDrop <= 0 means
// DefaultMaxDrop, and 1 turns the check off.
func NewGuard(maxDrop float64) *Guard {
	if maxDrop <= 0 {
		maxDrop = DefaultMaxDrop
	}
	return &Guard{maxDrop: maxDrop}
}

// MaxDrop returns the share of entries a load may lose.
func (g *Guard) MaxDrop() float64 { return g.maxDrop }

// Force makes the next load that has no other error accepted whatever it
// lost (a deliberate large removal).
func (g *Guard) Force() {
	g.mu.Lock()
	g.force = true
	g.mu.Unlock()
}

// Accept makes files the baseline, as if a clean load had given them:
// for a start that did not load the content because an index persisted
// from the same content was opened instead.
func (g *Guard) Accept(files []FileResult) {
	now := map[string]int{}
	total := 0
	for _, f := range files {
		if f.Err == nil {
			now[f.Path] = f.Entries
			total += f.Entries
		}
	}
	g.mu.Lock()
	g.prev, g.prevTotal = now, total
	g.mu.Unlock()
}

// check compares res with the baseline. clean says the load had no other
// error; only then may it become the baseline.
func (g *Guard) check(paths []string, res *Result, clean bool) []error {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := map[string]int{}
	total := 0
	for _, f := range res.Files {
		if f.Err == nil {
			now[f.Path] = f.Entries
			total += f.Entries
		}
	}
	first := g.prev == nil
	if first {
		g.prev, g.prevTotal = now, total
		return nil
	}
	force := g.force
	if clean {
		g.force = false
	}
	var errs []error
	if !force {
		for i := range res.Files {
			f := &res.Files[i]
			prev, ok := g.prev[f.Path]
			if !ok || f.Err != nil {
				continue
			}
			if g.tooMany(prev, f.Entries) {
				err := &Error{File: f.Path, Msg: g.describe(f.Entries, prev), Err: ErrDropped}
				f.Err = err
				errs = append(errs, err)
			}
		}
		if len(errs) == 0 && g.tooMany(g.prevTotal, total) {
			errs = append(errs, &Error{File: strings.Join(paths, ", "), Msg: g.describe(total, g.prevTotal), Err: ErrDropped})
		}
	}
	if clean && len(errs) == 0 {
		g.prev, g.prevTotal = now, total
	}
	return errs
}

func (g *Guard) tooMany(prev, now int) bool {
	lost := prev - now
	return lost > 1 && float64(lost) > g.maxDrop*float64(prev)
}

func (g *Guard) describe(now, prev int) string {
	return fmt.Sprintf("%d entries, down from %d (%.0f%% lost, over the %.0f%% content.max_drop; "+
		"a file caught mid-write? If intended, reindex with -force)",
		now, prev, 100*float64(prev-now)/float64(prev), 100*g.maxDrop)
}
