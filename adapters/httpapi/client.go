package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// Errors returned by Client. Branch on them with errors.Is.
var (
	// ErrNoServer means nothing listens at BaseURL (connection refused):
	// no server is running, and `faqbot reindex` can stop after validating.
	ErrNoServer = errors.New("no faqbot server running")
	// ErrNoToken means the Client has no admin token to send.
	ErrNoToken = errors.New("no admin token (set FAQBOT_ADMIN_TOKEN)")
	// ErrRefused means the server answered but refused the request; every
	// *StatusError matches it. The more specific errors below match too.
	ErrRefused = errors.New("server refused the request")
	// ErrUnauthorized means the server rejected the admin token (401).
	ErrUnauthorized = errors.New("admin token rejected")
	// ErrAdminOff means the server has no admin token configured, so its
	// admin endpoints are off (404).
	ErrAdminOff = errors.New("admin endpoints are off on the server")
	// ErrReindexFailed means the server tried to reindex and failed (422);
	// it keeps serving the previous index.
	ErrReindexFailed = errors.New("reindex failed")
)

// StatusError is a non-2xx answer from the server. It matches ErrRefused
// and, by status, ErrUnauthorized, ErrAdminOff or ErrReindexFailed.
type StatusError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is the server's JSON "error" text, or the status text.
	Message string
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("server answered %d: %s", e.StatusCode, e.Message)
}

// Is reports whether target is ErrRefused or the sentinel for e's status.
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrRefused:
		return true
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrAdminOff:
		return e.StatusCode == http.StatusNotFound
	case ErrReindexFailed:
		return e.StatusCode == http.StatusUnprocessableEntity
	}
	return false
}

// maxResponseBytes caps what the Client reads from the server.
const maxResponseBytes = 4 << 20

// Client calls a running server's admin endpoints; `faqbot reindex` uses it.
// The zero value is not usable: set BaseURL and Token.
type Client struct {
	// BaseURL is the server's root, e.g. "http://127.0.0.1:8080".
	BaseURL string
	// Token is the admin token (FAQBOT_ADMIN_TOKEN).
	Token string
	// HTTP is the client to use; nil means one with a 3-minute timeout.
	HTTP *http.Client
	// Force makes Reindex ask for ?force=1: accept new content that lost a
	// large share of its entries.
	Force bool
}

// Reindex asks the server to reindex and returns its report. When the
// reindex fails, it returns the server's report (the errors with file and
// line) together with an error matching ErrReindexFailed. Other errors match
// ErrNoToken, ErrNoServer, ErrUnauthorized, ErrAdminOff or ErrRefused.
func (c *Client) Reindex(ctx context.Context) (report json.RawMessage, err error) {
	path := "/admin/reindex"
	if c.Force {
		path += "?force=1"
	}
	body, err := c.do(ctx, http.MethodPost, path)
	var se *StatusError
	if errors.As(err, &se) && se.StatusCode == http.StatusUnprocessableEntity {
		var f struct {
			Report json.RawMessage `json:"report"`
		}
		if json.Unmarshal(body, &f) == nil && len(f.Report) > 0 {
			report = f.Report
		}
		return report, fmt.Errorf("httpapi: reindex: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("httpapi: reindex: %w", err)
	}
	return body, nil
}

// Status returns the server's status report (content version, entries per
// file, last reindex). Errors match those of Reindex, except ErrReindexFailed.
func (c *Client) Status(ctx context.Context) (json.RawMessage, error) {
	body, err := c.do(ctx, http.MethodGet, "/admin/status")
	if err != nil {
		return nil, fmt.Errorf("httpapi: status: %w", err)
	}
	return body, nil
}

// do sends an admin request and returns the body. A non-2xx answer returns
// the body too, with a *StatusError.
func (c *Client) do(ctx context.Context, method, path string) (json.RawMessage, error) {
	if c.Token == "" {
		return nil, ErrNoToken
	}
	url := strings.TrimSuffix(c.BaseURL, "/") + path
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")

	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 3 * time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("%w at %s: %w", ErrNoServer, c.BaseURL, err)
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var eb errorBody
		msg := http.StatusText(resp.StatusCode)
		if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
			msg = eb.Error
		}
		return body, &StatusError{StatusCode: resp.StatusCode, Message: msg}
	}
	return body, nil
}
