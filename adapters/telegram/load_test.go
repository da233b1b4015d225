package telegram

import (
	"fmt"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoad is the load benchmark of issue 3: 10,000 private messages from
// 1,000 chats through the fake Bot API server with Telegram's rate limits
// raised out of the way. It reports updates/s and the latency from the
// update being handed out by getUpdates to its sendMessage arriving.
//
// It only runs with FAQBOT_BENCH=1 (see docs/bench-telegram.md):
//
//	FAQBOT_BENCH=1 go test -run TestLoad -v -count=1 ./adapters/telegram/
func TestLoad(t *testing.T) {
	if os.Getenv("FAQBOT_BENCH") == "" {
		t.Skip("set FAQBOT_BENCH=1 to run the load benchmark")
	}
	const total, chats = 10000, 1000
	t.Run("burst", func(t *testing.T) { loadRun(t, total, chats, 0) })
	t.Run("paced-2000/s", func(t *testing.T) { loadRun(t, total, chats, 2000) })
	t.Run("paced-4000/s", func(t *testing.T) { loadRun(t, total, chats, 4000) })
}

// loadRun sends total messages from chats chats, all at once (rate 0) or
// at rate updates per second, and reports the figures.
func loadRun(t *testing.T, total, chats, rate int) {
	f := newFakeTG(t)
	var mu sync.Mutex
	arrived := make([]time.Time, total)
	got := 0
	done := make(chan struct{})
	f.setIntercept(func(method string, form url.Values) (int, string, bool) {
		if method != "sendMessage" {
			return 0, "", false
		}
		now := time.Now()
		text := form.Get("text")
		i := strings.Index(text, "msg #")
		if i < 0 {
			return 0, "", false
		}
		rest := text[i+len("msg #"):]
		n, err := strconv.Atoi(rest[:strings.IndexByte(rest, '\n')])
		if err != nil {
			return 0, "", false
		}
		mu.Lock()
		if arrived[n].IsZero() {
			arrived[n] = now
			got++
			if got == total {
				close(done)
			}
		}
		mu.Unlock()
		return 0, "", false
	})
	ids := make([]int, total)
	msg := func(i int) map[string]any {
		return privateMsg(int64(100000+i%chats), fmt.Sprintf("msg #%d", i))
	}
	if rate == 0 {
		ups := make([]map[string]any, total)
		for i := range total {
			ups[i] = msg(i)
		}
		copy(ids, f.push(ups...))
	}
	start(t, f, &fakeAnswerer{}, nil)
	if rate > 0 {
		// Open loop: push every millisecond what is due by then.
		begin := time.Now()
		for i := 0; i < total; {
			due := min(total, int(time.Since(begin).Seconds()*float64(rate))+1)
			var ups []map[string]any
			first := i
			for ; i < due; i++ {
				ups = append(ups, msg(i))
			}
			if len(ups) > 0 {
				copy(ids[first:], f.push(ups...))
			}
			time.Sleep(time.Millisecond)
		}
	}
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("only %d of %d answered", got, total)
	}
	f.mu.Lock()
	lat := make([]time.Duration, total)
	var first, last time.Time
	for i, id := range ids {
		h := f.handedAt[id]
		lat[i] = arrived[i].Sub(h)
		if first.IsZero() || h.Before(first) {
			first = h
		}
		if arrived[i].After(last) {
			last = arrived[i]
		}
	}
	f.mu.Unlock()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
	el := last.Sub(first)
	t.Logf("%d updates from %d chats (offered rate %s), GOMAXPROCS=%d: %.0f updates/s over %v; latency p50 %v, p90 %v, p99 %v, max %v",
		total, chats, rateName(rate), runtime.GOMAXPROCS(0), float64(total)/el.Seconds(), el.Round(time.Millisecond),
		pct(0.50).Round(10*time.Microsecond), pct(0.90).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
}

func rateName(r int) string {
	if r == 0 {
		return "all at once"
	}
	return strconv.Itoa(r) + "/s"
}
