package telegram

import (
	"container/heap"
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// outMsg is one message waiting to be sent.
type outMsg struct {
	cfg      tgbotapi.MessageConfig
	urgent   bool
	tk       *ticket
	updateID int
	attempts int
	deferred bool // counted in Stats.Deferred
}

// chatState is where a chat's queue stands. The transitions, all under
// sender.mu:
//
//	idle    --enqueue-------------------> waiting (readyAt: now, or the limits)
//	waiting --readyAt passed (dispatch)-> ready
//	ready   --picked, global limit ok---> busy (one message handed to a worker)
//	busy    --finish: queue empty-------> idle
//	busy    --finish: more queued, or---> waiting (readyAt: the chat/group
//	          the message is retried        limits, a 429's retry_after, or
//	                                        the retry backoff)
//
// Only one message per chat is busy at a time, which keeps a chat's
// messages in order; classify (retry.go) decides what finish does with a
// failed one.
//
// Why not golang.org/x/time/rate: its token buckets would cover the
// global 30/s, but the queue also needs per-chat order, a per-chat gap, a
// per-group sliding window of 20 a minute and a 429's retry_after for one
// chat without stalling the others; one time heap of chat states does all
// of that, and a rate.Limiter per chat would still need it.
type chatState int

const (
	chatIdle    chatState = iota // nothing queued
	chatWaiting                  // queued, in the time heap until readyAt
	chatReady                    // queued and allowed to send now
	chatBusy                     // a message is being sent
)

// chatQueue is the per-chat FIFO. One message per chat is in flight at a
// time, which keeps a chat's messages in order.
type chatQueue struct {
	id       int64
	group    bool
	msgs     []*outMsg
	state    chatState
	readyAt  time.Time
	lastSent time.Time
	sent     []time.Time // recent dispatch times, for the per-group window
	index    int         // position in the time heap
	// limited is true when readyAt was set by the send limits (not by a
	// retry), so waiting for it defers the next message.
	limited bool
	// readySince is when the chat last became ready, to tell whether the
	// global limit held its next message back.
	readySince time.Time
}

// limits are Telegram's sending limits.
type limits struct {
	chatInterval time.Duration // <= 0: none
	groupLimit   int           // per groupWindow; <= 0: none
	groupWindow  time.Duration
	globalLimit  int // per globalWindow; <= 0: none
	globalWindow time.Duration
}

// sender is the outgoing queue: it never drops a message, keeps each chat's
// messages in order, respects the limits, waits out 429s and retries
// failures with backoff. Urgent messages go to the front of their chat's
// queue and are dispatched before other ready chats.
type sender struct {
	log        *slog.Logger
	send       func(ctx context.Context, m tgbotapi.MessageConfig) error
	lim        limits
	workers    int
	maxRetries int
	backoff    time.Duration
	maxBackoff time.Duration

	mu          sync.Mutex
	chats       map[int64]*chatQueue
	waiting     chatHeap
	readyUrgent []*chatQueue
	readyNormal []*chatQueue
	global      []time.Time // dispatch times within the global window (ring)
	globalHead  int
	pending     int // messages queued or in flight
	hot         int // messages in chats that are ready or busy: sendable now
	closing     bool
	stopped     bool
	lastSweep   time.Time
	// globalHeld is the last time the global limit held back a ready chat.
	globalHeld time.Time

	stats *counters

	wake chan struct{}
	work chan *outDelivery
	room chan struct{} // poked when hot drops
}

type outDelivery struct {
	c *chatQueue
	m *outMsg
}

func newSender(log *slog.Logger, lim limits, workers, maxRetries int, backoff time.Duration, send func(context.Context, tgbotapi.MessageConfig) error, stats *counters) *sender {
	return &sender{
		log: log, send: send, lim: lim, workers: workers, maxRetries: maxRetries,
		backoff: backoff, maxBackoff: 30 * time.Second,
		chats: map[int64]*chatQueue{},
		wake:  make(chan struct{}, 1),
		work:  make(chan *outDelivery),
		room:  make(chan struct{}, 1),
		stats: stats,
	}
}

func (s *sender) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// enqueue queues the messages for one chat, in order. Each message holds
// the ticket until it is sent or given up. It reports false after shutdown.
func (s *sender) enqueue(chatID int64, group, urgent bool, tk *ticket, updateID int, cfgs []tgbotapi.MessageConfig) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.stopped {
		s.stats.dropped.Add(uint64(len(cfgs)))
		return false
	}
	c := s.chats[chatID]
	if c == nil {
		c = &chatQueue{id: chatID, index: -1}
		s.chats[chatID] = c
	}
	c.group = group
	ms := make([]*outMsg, 0, len(cfgs))
	for _, cfg := range cfgs {
		tk.add()
		ms = append(ms, &outMsg{cfg: cfg, urgent: urgent, tk: tk, updateID: updateID})
	}
	s.pending += len(ms)
	var head *outMsg
	if len(c.msgs) > 0 {
		head = c.msgs[0]
	}
	if urgent {
		i := 0
		for i < len(c.msgs) && c.msgs[i].urgent {
			i++
		}
		c.msgs = append(c.msgs[:i], append(ms, c.msgs[i:]...)...)
	} else {
		c.msgs = append(c.msgs, ms...)
	}
	switch c.state {
	case chatIdle:
		c.state = chatWaiting
		heap.Push(&s.waiting, c)
		s.noteLimitWait(c, time.Now())
	case chatWaiting:
		if c.msgs[0] != head { // an urgent message jumped the queue
			s.noteLimitWait(c, time.Now())
		}
	case chatReady:
		s.hot += len(ms)
		if urgent {
			s.readyUrgent = append(s.readyUrgent, c)
		}
	case chatBusy:
		s.hot += len(ms)
	}
	s.poke()
	return true
}

// close lets run return once everything queued has been sent.
func (s *sender) close() {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	s.poke()
}

// run dispatches until close has been called and the queue is empty, or
// until ctx is cancelled (the shutdown deadline): messages still queued then
// are logged as undelivered (with their update IDs).
func (s *sender) run(ctx context.Context) {
	var wg sync.WaitGroup
	for range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range s.work {
				err := s.send(ctx, d.m.cfg)
				s.finish(d.c, d.m, err)
			}
		}()
	}
	s.dispatch(ctx)
	close(s.work)
	wg.Wait()
	s.mu.Lock()
	s.stopped = true
	lost := 0
	for _, c := range s.chats {
		for _, m := range c.msgs {
			lost++
			s.log.Error("reply not delivered before the shutdown deadline", "update_id", m.updateID)
		}
		c.msgs = nil
	}
	s.stats.dropped.Add(uint64(lost))
	s.mu.Unlock()
	if lost > 0 {
		s.log.Error("replies not delivered at shutdown", "count", lost)
	}
}

func (s *sender) dispatch(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		now := time.Now()
		s.sweep(now)
		for s.waiting.Len() > 0 && !s.waiting[0].readyAt.After(now) {
			c := heap.Pop(&s.waiting).(*chatQueue)
			c.state = chatReady
			c.readySince = now
			s.hot += len(c.msgs)
			if c.msgs[0].urgent {
				s.readyUrgent = append(s.readyUrgent, c)
			} else {
				s.readyNormal = append(s.readyNormal, c)
			}
		}
		var d *outDelivery
		var wait time.Duration = -1
		if gAt := s.globalAllowedAt(now); !gAt.After(now) {
			if c := s.popReady(); c != nil {
				m := c.msgs[0]
				if !s.globalHeld.IsZero() && !s.globalHeld.Before(c.readySince) {
					s.markDeferred(m) // ready, but held back by the global limit
				}
				c.msgs = c.msgs[1:]
				c.state = chatBusy
				c.lastSent = now
				s.recordGlobal(now)
				d = &outDelivery{c: c, m: m}
			}
		} else if len(s.readyUrgent)+len(s.readyNormal) > 0 {
			wait = gAt.Sub(now)
			s.globalHeld = now
		}
		if d == nil && s.waiting.Len() > 0 {
			if w := s.waiting[0].readyAt.Sub(now); wait < 0 || w < wait {
				wait = w
			}
		}
		done := d == nil && s.closing && s.pending == 0
		s.mu.Unlock()
		if done {
			return
		}
		if d != nil {
			select {
			case s.work <- d:
			case <-ctx.Done():
				s.mu.Lock()
				d.c.msgs = append([]*outMsg{d.m}, d.c.msgs...)
				s.mu.Unlock()
				return
			}
			continue
		}
		if wait < 0 {
			wait = time.Hour
		}
		timer.Reset(wait)
		select {
		case <-s.wake:
		case <-timer.C:
		case <-ctx.Done():
			return
		}
	}
}

// popReady takes the next ready chat, urgent ones first, skipping stale
// entries.
func (s *sender) popReady() *chatQueue {
	for len(s.readyUrgent) > 0 {
		c := s.readyUrgent[0]
		s.readyUrgent = s.readyUrgent[1:]
		if c.state == chatReady && len(c.msgs) > 0 && c.msgs[0].urgent {
			return c
		}
	}
	for len(s.readyNormal) > 0 {
		c := s.readyNormal[0]
		s.readyNormal = s.readyNormal[1:]
		if c.state == chatReady && len(c.msgs) > 0 {
			return c
		}
	}
	return nil
}

func (s *sender) globalAllowedAt(now time.Time) time.Time {
	if s.lim.globalLimit <= 0 || len(s.global) < s.lim.globalLimit {
		return now
	}
	return s.global[s.globalHead].Add(s.lim.globalWindow)
}

func (s *sender) recordGlobal(now time.Time) {
	if s.lim.globalLimit <= 0 {
		return
	}
	if len(s.global) < s.lim.globalLimit {
		s.global = append(s.global, now)
		return
	}
	s.global[s.globalHead] = now
	s.globalHead = (s.globalHead + 1) % len(s.global)
}

// noteLimitWait counts the head of a waiting chat as deferred when the send
// limits keep it waiting past now. s.mu is held.
func (s *sender) noteLimitWait(c *chatQueue, now time.Time) {
	if c.limited && len(c.msgs) > 0 && c.readyAt.After(now) {
		s.markDeferred(c.msgs[0])
	}
}

// markDeferred counts m in Stats.Deferred, once. s.mu is held.
func (s *sender) markDeferred(m *outMsg) {
	if !m.deferred {
		m.deferred = true
		s.stats.deferred.Add(1)
	}
}

// nextAllowed is when chat c may get its next message after one at t.
func (s *sender) nextAllowed(c *chatQueue, t time.Time) time.Time {
	next := t
	if s.lim.chatInterval > 0 {
		next = t.Add(s.lim.chatInterval)
	}
	if c.group && s.lim.groupLimit > 0 {
		cut := t.Add(-s.lim.groupWindow)
		i := 0
		for i < len(c.sent) && !c.sent[i].After(cut) {
			i++
		}
		c.sent = c.sent[i:]
		if len(c.sent) >= s.lim.groupLimit {
			if g := c.sent[len(c.sent)-s.lim.groupLimit].Add(s.lim.groupWindow); g.After(next) {
				next = g
			}
		}
	}
	return next
}

// sweep forgets idle chats with no limit left to enforce, once a minute.
func (s *sender) sweep(now time.Time) {
	if now.Sub(s.lastSweep) < time.Minute {
		return
	}
	s.lastSweep = now
	keep := max(s.lim.groupWindow, s.lim.chatInterval)
	for id, c := range s.chats {
		if c.state == chatIdle && now.Sub(c.lastSent) > keep {
			delete(s.chats, id)
		}
	}
}

func (s *sender) retryDelay(attempt int) time.Duration {
	d := s.backoff
	for i := 1; i < attempt && d < s.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.maxBackoff)
	// ±20% jitter so that many chats do not retry in lockstep.
	return d - d/5 + time.Duration(rand.Int64N(int64(d/5)*2+1))
}

// finish records the result of one attempt and requeues or completes m.
func (s *sender) finish(c *chatQueue, m *outMsg, err error) {
	out, wait, newChat := classify(err)
	now := time.Now()
	complete := false
	s.mu.Lock()
	s.hot -= 1 + len(c.msgs)
	switch out {
	case sentOK:
		complete = true
		s.stats.sent.Add(1)
		if c.group && s.lim.groupLimit > 0 {
			c.sent = append(c.sent, c.lastSent)
		}
		c.readyAt, c.limited = s.nextAllowed(c, c.lastSent), true
	case retryAfter:
		s.log.Warn("rate limited by telegram; waiting", "retry_after", wait, "update_id", m.updateID)
		c.msgs = append([]*outMsg{m}, c.msgs...)
		c.readyAt, c.limited = now.Add(wait), false
	case retryLater:
		m.attempts++
		if s.stopped || m.attempts > s.maxRetries {
			s.log.Error("reply not delivered; giving up", "update_id", m.updateID, "attempts", m.attempts, "err", err)
			s.stats.dropped.Add(1)
			complete = true
		} else {
			d := s.retryDelay(m.attempts)
			s.log.Warn("send failed; retrying", "update_id", m.updateID, "attempt", m.attempts, "in", d, "err", err)
			c.msgs = append([]*outMsg{m}, c.msgs...)
			c.readyAt, c.limited = now.Add(d), false
		}
	case migrate:
		s.log.Info("group became a supergroup; resending there", "update_id", m.updateID)
		m.cfg.ChatID = newChat
		nc := s.chats[newChat]
		if nc == nil {
			nc = &chatQueue{id: newChat, index: -1, group: true}
			s.chats[newChat] = nc
		}
		nc.msgs = append(nc.msgs, m)
		switch nc.state {
		case chatIdle:
			nc.state = chatWaiting
			heap.Push(&s.waiting, nc)
			s.noteLimitWait(nc, now)
		case chatReady, chatBusy:
			s.hot++
		}
	case giveUp:
		s.log.Error("telegram refused the reply", "update_id", m.updateID, "err", err)
		s.stats.dropped.Add(1)
		complete = true
	}
	if complete {
		s.pending--
	}
	if len(c.msgs) > 0 {
		c.state = chatWaiting
		heap.Push(&s.waiting, c)
		s.noteLimitWait(c, now)
	} else {
		c.state = chatIdle
	}
	s.mu.Unlock()
	if complete {
		m.tk.done()
	}
	s.poke()
	select {
	case s.room <- struct{}{}:
	default:
	}
}

// waitRoom blocks while at least max messages are ready to send, so that
// the poller leaves updates with Telegram instead of queueing them here
// when sending is the bottleneck. Messages waiting on a rate limit do not
// count: a slow group must not hold up everyone else. It reports false
// when ctx is done.
func (s *sender) waitRoom(ctx context.Context, max int) bool {
	for {
		s.mu.Lock()
		hot := s.hot
		s.mu.Unlock()
		if hot < max {
			return true
		}
		select {
		case <-s.room:
		case <-ctx.Done():
			return false
		}
	}
}

// chatHeap orders waiting chats by readyAt.
type chatHeap []*chatQueue

func (h chatHeap) Len() int           { return len(h) }
func (h chatHeap) Less(i, j int) bool { return h[i].readyAt.Before(h[j].readyAt) }
func (h chatHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *chatHeap) Push(x any) {
	c := x.(*chatQueue)
	c.index = len(*h)
	*h = append(*h, c)
}
func (h *chatHeap) Pop() any {
	old := *h
	n := len(old)
	c := old[n-1]
	old[n-1] = nil
	c.index = -1
	*h = old[:n-1]
	return c
}
