package discord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"faqbot/bot"
)

// TestLoadMentions is the load benchmark of issue 4: 10,000 MESSAGE_CREATE
// mentions from 1,000 users through the fake Discord, measuring events/s and
// the latency from dispatch (frame written to the gateway socket) to the
// reply reaching the fake REST server. It runs twice on one adapter: paced at
// 2,000 events/s (the target rate: latency without self-inflicted queueing),
// then as one burst (the maximum throughput; latency is then mostly queueing).
// It is skipped unless FAQBOT_DISCORD_LOAD=1:
//
//	FAQBOT_DISCORD_LOAD=1 go test -run TestLoadMentions -count=1 -v ./adapters/discord/
func TestLoadMentions(t *testing.T) {
	if os.Getenv("FAQBOT_DISCORD_LOAD") != "1" {
		t.Skip("set FAQBOT_DISCORD_LOAD=1 to run the load benchmark")
	}
	const (
		events   = 10000
		users    = 1000
		channels = 100
		phases   = 2
	)
	sent := make([]atomic.Int64, events*phases) // unix nanos of each dispatch
	var (
		mu   sync.Mutex
		lats []time.Duration
		got  atomic.Int64
		last atomic.Int64
	)
	key := []byte(`"message_id":"`)
	hook := func(body []byte) {
		now := time.Now().UnixNano()
		i := bytes.Index(body, key)
		if i < 0 {
			return
		}
		rest := body[i+len(key):]
		j := bytes.IndexByte(rest, '"')
		n, err := strconv.Atoi(string(rest[:max(j, 0)]))
		if err != nil || n < 0 || n >= len(sent) {
			return
		}
		mu.Lock()
		lats = append(lats, time.Duration(now-sent[n].Load()))
		mu.Unlock()
		got.Add(1)
		last.Store(now)
	}
	flood := &bot.Policy{FloodPerMinute: map[string]int{Platform: 30}} // realistic: each user sends 10 per phase
	h := startFull(t, &fakeAnswerer{policy: flood}, func(f *fakeDiscord) { f.record = false; f.onMessage = hook }, func(c *Config) {
		c.Workers = DefaultWorkers
	})

	seq := int64(100)
	frames := func(phase int) [][]byte {
		out := make([][]byte, events)
		for i := range out {
			u := strconv.Itoa(100000 + i%users)
			d := map[string]any{
				"id": strconv.Itoa(phase*events + i), "channel_id": strconv.Itoa(5000 + i%channels), "guild_id": guildID, "type": 0,
				"content": "<@" + botID + "> how do I treat a sprain?", "author": map[string]any{"id": u, "username": "u" + u},
				"mentions": []any{map[string]any{"id": botID, "username": "faqbot", "bot": true}},
			}
			seq++
			b, err := json.Marshal(map[string]any{"op": 0, "s": seq, "t": "MESSAGE_CREATE", "d": d})
			if err != nil {
				t.Fatal(err)
			}
			out[i] = b
		}
		return out
	}

	run := func(phase int, rate float64) string {
		fr := frames(phase)
		mu.Lock()
		lats = make([]time.Duration, 0, events)
		mu.Unlock()
		got.Store(0)
		var gap time.Duration
		if rate > 0 {
			gap = time.Duration(float64(time.Second) / rate)
		}
		start := time.Now()
		for i, b := range fr {
			if gap > 0 {
				if d := time.Until(start.Add(time.Duration(i) * gap)); d > 0 {
					time.Sleep(d)
				}
			}
			sent[phase*events+i].Store(time.Now().UnixNano())
			if err := h.conn.writeRaw(b); err != nil {
				t.Fatalf("dispatch %d: %v", i, err)
			}
		}
		dispatched := time.Since(start)
		deadline := time.Now().Add(60 * time.Second)
		for got.Load() < events {
			if time.Now().After(deadline) {
				t.Fatalf("got %d replies, want %d", got.Load(), events)
			}
			time.Sleep(5 * time.Millisecond)
		}
		total := time.Duration(last.Load() - start.UnixNano())
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(lats)
		p := func(q float64) time.Duration { return lats[int(q*float64(len(lats)-1))].Round(10 * time.Microsecond) }
		mode := "burst (all dispatched at once)"
		if rate > 0 {
			mode = fmt.Sprintf("paced at %.0f events/s", rate)
		}
		return fmt.Sprintf("%s: dispatched in %v, last reply after %v: %.0f events/s; dispatch->reply p50=%v p90=%v p99=%v max=%v",
			mode, dispatched.Round(time.Millisecond), total.Round(time.Millisecond), float64(events)/total.Seconds(),
			p(0.50), p(0.90), p(0.99), p(1))
	}
	var out []string
	out = append(out, fmt.Sprintf("events=%d users=%d channels=%d workers=%d GOMAXPROCS=%d", events, users, channels, DefaultWorkers, runtime.GOMAXPROCS(0)))
	out = append(out, run(0, 2000))
	out = append(out, run(1, 0))
	t.Log("\n" + strings.Join(out, "\n"))
}
