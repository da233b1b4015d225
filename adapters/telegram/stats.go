package telegram

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Stats are counters of the adapter's work since New, for metrics and
// health pages. Every field only grows. Messages are counted one per
// sendMessage: a reply split into several messages counts several times.
// When nothing is in flight, every message the adapter produced has been
// counted exactly once, as Sent or as Dropped.
type Stats struct {
	// Received counts updates handed to a handler: distinct, well-formed
	// updates of any type (messages, button presses, inline queries), from
	// getUpdates or the webhook. Duplicates, malformed updates and updates
	// left to Telegram at shutdown are not counted.
	Received uint64 `json:"received"`
	// Sent counts messages Telegram accepted (sendMessage succeeded).
	// Answers to inline queries and button presses are not messages and are
	// not counted.
	Sent uint64 `json:"sent"`
	// Dropped counts messages given up: refused by Telegram (a 4xx other
	// than 429, e.g. the user blocked the bot), still failing after
	// Config.MaxRetries retries of network errors and 5xx, still queued at
	// the shutdown deadline, or produced after shutdown began.
	Dropped uint64 `json:"dropped"`
	// Deferred counts messages that our own send limits (Config.ChatInterval,
	// GroupPerMinute, GlobalPerSecond) held back when they could otherwise
	// have been sent; each message at most once. Waits for a 429's
	// retry_after or a retry backoff are not counted here.
	Deferred uint64 `json:"deferred"`
	// RateLimited counts Bot API error responses with code 429 or a
	// retry_after, on any method. Each is also counted in APIErrors.
	RateLimited uint64 `json:"rate_limited"`
	// APIErrors counts failed Bot API requests on any method (sendMessage,
	// getUpdates, answerCallbackQuery, answerInlineQuery, setMyCommands,
	// setWebhook, deleteWebhook), once per failed attempt: error responses
	// including 429s, network errors and timeouts. A request cut short
	// because the adapter itself cancelled it (shutdown) is not counted.
	APIErrors uint64 `json:"api_errors"`
}

// Stats returns the adapter's counters since New. It is safe to call at any
// time, from any goroutine, also before Run and after it returned.
func (a *Adapter) Stats() Stats { return a.stats.snapshot() }

// counters are the live counters behind Stats.
type counters struct {
	received, sent, dropped, deferred, rateLimited, apiErrors atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Received:    c.received.Load(),
		Sent:        c.sent.Load(),
		Dropped:     c.dropped.Load(),
		Deferred:    c.deferred.Load(),
		RateLimited: c.rateLimited.Load(),
		APIErrors:   c.apiErrors.Load(),
	}
}

// apiResult counts the outcome of one Bot API request made under ctx and
// returns err unchanged. Errors caused by cancelling ctx (our shutdown) are
// not Telegram's failures and are not counted.
func (c *counters) apiResult(ctx context.Context, err error) error {
	if err == nil || errors.Is(ctx.Err(), context.Canceled) {
		return err
	}
	c.apiErrors.Add(1)
	var te *tgbotapi.Error
	if errors.As(err, &te) && (te.Code == http.StatusTooManyRequests || te.RetryAfter > 0) {
		c.rateLimited.Add(1)
	}
	return err
}
