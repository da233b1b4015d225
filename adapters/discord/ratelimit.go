package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Waiting out Discord's REST rate limits. The adapter has no send limiter
// of its own: discordgo keeps per-route buckets from the X-RateLimit
// headers and sleeps before a request it knows would be refused. What it
// cannot know (a shared or global limit) comes back as a 429, and with
// ShouldRetryOnRateLimit off, discordgo returns it as *RateLimitError
// instead of sleeping without regard to our context. retry429 then runs:
//
//	call ok or another error -> return it
//	429, attempt < 5         -> count Stats.Deferred (once per call), wait
//	                            retry_after (1s when absent, at least 10ms)
//	                            or until ctx ends, then call again
//	429, 5th attempt         -> return the *RateLimitError
//	ctx ends while waiting   -> return ctx's error, wrapped
//
// 502s are retried inside discordgo (MaxRestRetries); every other failure
// is returned to the caller, who logs it and counts the message dropped.

// retry429 runs call, waiting out REST rate limits (429) while ctx allows.
func (a *Adapter) retry429(ctx context.Context, call func() error) error {
	for attempt := 0; ; attempt++ {
		err := call()
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) || attempt >= 5 {
			return err
		}
		wait := time.Second
		if rl.RateLimit != nil && rl.TooManyRequests != nil {
			wait = rl.RetryAfter
		}
		wait = max(wait, 10*time.Millisecond)
		if attempt == 0 {
			a.stats.deferred.Add(1)
		}
		a.log.Info("rate limited, waiting", "url_path", pathOf(rl), "retry_after", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting out rate limit: %w", ctx.Err())
		case <-t.C:
		}
	}
}

func pathOf(rl *discordgo.RateLimitError) string {
	if rl.RateLimit != nil {
		if i := strings.Index(rl.URL, "/api/"); i >= 0 {
			return redactPath(rl.URL[i:])
		}
	}
	return ""
}
