package telegram

import (
	"context"
	"errors"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Retrying Bot API calls. Every failed attempt, in the message queue
// (sender.finish) or outside it (request), is classified once:
//
//	sentOK      done
//	retryAfter  429 or retry_after: wait that long (at least 1s), then try
//	            again; never counted against MaxRetries
//	retryLater  5xx, network error, timeout: wait the backoff (RetryBackoff
//	            doubling to 30s, ±20% jitter), at most MaxRetries times
//	migrate     the group became a supergroup: resend to the new chat ID
//	giveUp      any other 4xx (blocked by the user, bad request): drop it
//
// The waits honour the context, so shutdown cuts them short.

// outcome of one send attempt.
type outcome int

const (
	sentOK outcome = iota
	retryLater
	retryAfter
	migrate
	giveUp
)

func classify(err error) (outcome, time.Duration, int64) {
	if err == nil {
		return sentOK, 0, 0
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		switch {
		case te.Code == 429 || te.RetryAfter > 0:
			return retryAfter, max(time.Duration(te.RetryAfter)*time.Second, time.Second), 0
		case te.MigrateToChatID != 0:
			return migrate, 0, te.MigrateToChatID
		case te.Code >= 500:
			return retryLater, 0, 0
		default:
			return giveUp, 0, 0
		}
	}
	return retryLater, 0, 0 // network errors, timeouts, non-JSON 5xx pages
}

// request makes a Bot API call outside the message queue (callback and
// inline answers, commands, webhook setup), retrying 429s, 5xx and network
// errors a few times.
func (a *Adapter) request(ctx context.Context, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	for attempt := 1; ; attempt++ {
		resp, err := a.bot(ctx, a.cfg.RequestTimeout).Request(c)
		err = redact(a.stats.apiResult(ctx, err), a.cfg.Token)
		if err == nil || ctx.Err() != nil || attempt > a.cfg.MaxRetries || !retryable(err) {
			return resp, err
		}
		if !sleep(ctx, a.waitFor(err, attempt)) {
			return resp, err
		}
	}
}

func retryable(err error) bool {
	out, _, _ := classify(err)
	return out == retryAfter || out == retryLater
}

func (a *Adapter) waitFor(err error, attempt int) time.Duration {
	if out, d, _ := classify(err); out == retryAfter {
		return d
	}
	return a.backoff(attempt)
}

func (a *Adapter) backoff(attempt int) time.Duration { return a.out.retryDelay(attempt) }

// sleep waits d or until ctx is done; it reports whether the full wait
// passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
