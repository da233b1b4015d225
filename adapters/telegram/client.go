package telegram

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ctxClient gives tgbotapi, which has no context support, a context and a
// timeout per request, and keeps the token out of error messages.
//
// It is the one struct that holds a context, on purpose: tgbotapi's
// HTTPClient is Do(*http.Request) with no context, so the context of a
// call travels in the client. Each value lives for one call (Adapter.bot
// makes a copy per request); none is kept.
type ctxClient struct {
	ctx     context.Context
	timeout time.Duration
	http    *http.Client
	token   string
}

// Do implements tgbotapi.HTTPClient.
func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(c.ctx, c.timeout)
	resp, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, redact(err, c.token)
	}
	resp.Body = cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody releases the request context once tgbotapi has read the body.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// bot returns a copy of the client whose requests run under ctx with the
// given timeout. tgbotapi.BotAPI has no locks, so a shallow copy is safe.
func (a *Adapter) bot(ctx context.Context, timeout time.Duration) *tgbotapi.BotAPI {
	b := *a.api
	b.Client = ctxClient{ctx: ctx, timeout: timeout, http: a.httpc, token: a.cfg.Token}
	return &b
}

// redact removes the token from an error's text (net/http puts the request
// URL, which carries the token, into *url.Error) while keeping the chain.
func redact(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = strings.ReplaceAll(ue.URL, token, "<token>")
	}
	if strings.Contains(err.Error(), token) {
		return redactedError{msg: strings.ReplaceAll(err.Error(), token, "<token>"), err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

// newHTTPClient returns a client whose connection pool fits the number of
// concurrent senders (http.DefaultTransport keeps only 2 idle connections
// per host, which makes a busy bot re-dial all the time).
func newHTTPClient(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = conns
	t.MaxIdleConns = conns * 2
	return &http.Client{Transport: t}
}
