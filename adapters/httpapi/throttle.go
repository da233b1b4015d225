package httpapi

import (
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// maxThrottled bounds the addresses the admin throttle remembers; beyond
// it, new addresses share one bucket, so a spray from many addresses is
// throttled as one instead of growing memory.
const maxThrottled = 10000

// overflowKey is the bucket shared by addresses beyond maxThrottled.
const overflowKey = "*"

// throttle limits failed admin-token attempts per client address with a
// token bucket: an address may fail burst times, then regains one attempt
// per every. While its bucket is empty every admin request from it gets 429,
// before the token is even compared, so guessing stops paying off (a right
// token from that address waits too). Addresses are the TCP peer: behind a
// reverse proxy all clients share the proxy's bucket.
//
// Refusals are logged at most once per logEvery, with how many there were.
type throttle struct {
	burst    float64
	every    time.Duration
	logEvery time.Duration
	log      *slog.Logger
	now      func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastLog   time.Time
	refused   int // 401s since the last log line
	throttled int // 429s since the last log line
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newThrottle(burst int, every, logEvery time.Duration, log *slog.Logger) *throttle {
	return &throttle{burst: float64(burst), every: every, logEvery: logEvery, log: log, now: time.Now, buckets: map[string]*bucket{}}
}

// clientKey is the address a request is throttled under: its IP, or its
// /64 for IPv6 (one host usually holds a whole /64).
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// refill brings b up to date; t.mu is held.
func (t *throttle) refill(b *bucket, now time.Time) {
	if el := now.Sub(b.at); el > 0 {
		b.tokens = math.Min(t.burst, b.tokens+float64(el)/float64(t.every))
		b.at = now
	}
}

// wait returns how long key must wait before it may try again, 0 when it
// may now. It records and, rarely, logs a throttled request.
func (t *throttle) wait(key, path string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.buckets[key]
	if !ok {
		if len(t.buckets) < maxThrottled {
			return 0
		}
		if b, ok = t.buckets[overflowKey]; !ok {
			return 0
		}
	}
	now := t.now()
	t.refill(b, now)
	if b.tokens >= 1 {
		return 0
	}
	t.throttled++
	t.maybeLog(now, key, path)
	return time.Duration((1 - b.tokens) * float64(t.every))
}

// fail takes one attempt from key's bucket and, rarely, logs.
func (t *throttle) fail(key, path string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	b, ok := t.buckets[key]
	if !ok {
		if len(t.buckets) >= maxThrottled {
			t.prune(now)
		}
		if len(t.buckets) >= maxThrottled {
			key = overflowKey
		}
		if b, ok = t.buckets[key]; !ok {
			b = &bucket{tokens: t.burst, at: now}
			t.buckets[key] = b
		}
	}
	t.refill(b, now)
	b.tokens = math.Max(0, b.tokens-1)
	t.refused++
	t.maybeLog(now, key, path)
}

// prune forgets the addresses whose buckets are full again; t.mu is held.
func (t *throttle) prune(now time.Time) {
	for k, b := range t.buckets {
		t.refill(b, now)
		if b.tokens >= t.burst {
			delete(t.buckets, k)
		}
	}
}

// maybeLog writes one line per logEvery at most; t.mu is held.
func (t *throttle) maybeLog(now time.Time, key, path string) {
	if !t.lastLog.IsZero() && now.Sub(t.lastLog) < t.logEvery {
		return
	}
	t.log.Warn("admin requests refused: missing or wrong token",
		"refused", t.refused, "throttled", t.throttled, "last_remote", key, "last_path", path,
		"window", t.logEvery.String())
	t.lastLog, t.refused, t.throttled = now, 0, 0
}

// retryAfter formats d as whole seconds, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
