package discord

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// Stats are counters of the adapter's work since New, for metrics and
// health pages. Every field only grows. Messages are counted one per
// Discord message: a reply split into several messages counts several
// times.
type Stats struct {
	// Received counts events taken for handling: messages addressed to the
	// bot (DMs and mentions, not from bots or webhooks) and slash commands
	// and button presses, over the gateway or the HTTP endpoint. Guild
	// chatter, PINGs and malformed or unsupported events are not counted.
	Received uint64 `json:"received"`
	// Sent counts messages delivered: channel messages, interaction
	// responses carrying a message, edits of a deferred response with the
	// answer, and follow-ups.
	Sent uint64 `json:"sent"`
	// Dropped counts messages given up because a send failed (after waiting
	// out up to five 429s): the message that failed and the later parts of
	// the same reply, which are not attempted.
	Dropped uint64 `json:"dropped"`
	// Deferred counts REST calls (sends, interaction responses, command
	// registration) that got a 429 and waited out its retry_after before
	// trying again; each call at most once. The adapter has no send limiter
	// of its own. discordgo's own waits for a bucket it knows is exhausted
	// (from X-RateLimit headers, before a request is made) cannot be
	// observed and are not counted.
	Deferred uint64 `json:"deferred"`
	// InteractionsDeferred counts interactions whose answer took longer than
	// Config.DeferAfter, so the adapter answered with a deferred response
	// ("thinking…") to be edited into the answer; counted when the adapter
	// defers, whether or not Discord then accepts the deferred response.
	InteractionsDeferred uint64 `json:"interactions_deferred"`
	// RateLimited counts HTTP 429 responses from the REST API, on any call,
	// including any discordgo would otherwise wait out by itself (the
	// adapter turns that off and waits in the caller). Each is also counted
	// in APIErrors. Gateway rate limits are not REST responses and are not
	// counted.
	RateLimited uint64 `json:"rate_limited"`
	// APIErrors counts failed REST attempts on any call (messages,
	// interaction callbacks, edits, follow-ups, command registration,
	// /gateway), one per HTTP attempt: responses with status 400 or more,
	// including 429s and the 502s discordgo retries internally, and network
	// errors and timeouts; plus interaction responses the HTTP endpoint
	// could not write back to Discord. Requests the adapter cancelled itself
	// (shutdown) are not counted.
	APIErrors uint64 `json:"api_errors"`
}

// Stats returns the adapter's counters since New. It is safe to call at any
// time, from any goroutine, also before Run and after it returned.
func (a *Adapter) Stats() Stats {
	c := &a.stats
	return Stats{
		Received:             c.received.Load(),
		Sent:                 c.sent.Load(),
		Dropped:              c.dropped.Load(),
		Deferred:             c.deferred.Load(),
		InteractionsDeferred: c.interactionsDeferred.Load(),
		RateLimited:          c.rateLimited.Load(),
		APIErrors:            c.apiErrors.Load(),
	}
}

// counters are the live counters behind Stats.
type counters struct {
	received, sent, dropped, deferred, interactionsDeferred, rateLimited, apiErrors atomic.Uint64
}

// restTransport sends every REST request to base's scheme and host when
// base is set, keeping the path (/api/v9/...), and counts every attempt
// that fails, below discordgo, so that retries inside discordgo are seen too.
type restTransport struct {
	base  *url.URL
	next  http.RoundTripper
	stats *counters
}

func (t restTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.base != nil {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, t.base.Host
	}
	resp, err := t.next.RoundTrip(r)
	switch {
	case err != nil:
		if !errors.Is(r.Context().Err(), context.Canceled) {
			t.stats.apiErrors.Add(1)
		}
	case resp.StatusCode >= 400:
		t.stats.apiErrors.Add(1)
		if resp.StatusCode == http.StatusTooManyRequests {
			t.stats.rateLimited.Add(1)
		}
	}
	return resp, err
}

// redactPath hides the token in interaction and webhook paths
// (/interactions/{id}/{token}/..., /webhooks/{id}/{token}/...): an
// interaction token lets anyone post as the bot for 15 minutes.
func redactPath(p string) string {
	parts := strings.Split(p, "/")
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "interactions" || parts[i] == "webhooks" {
			parts[i+2] = "<token>"
			i += 2
		}
	}
	return strings.Join(parts, "/")
}

// redactErr removes secret from err's text (discordgo and net/http put the
// request URL, which carries interaction tokens, into errors) while keeping
// the chain for errors.Is and errors.As.
func redactErr(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return redactedError{msg: strings.ReplaceAll(err.Error(), secret, "<token>"), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }
