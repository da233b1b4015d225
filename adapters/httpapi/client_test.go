package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"faqbot/adapters/httpapi"
	"faqbot/internal/testrun"
)

func TestClient(t *testing.T) {
	ctx := context.Background()
	f := newFakeBot()
	ts, _ := newTestServer(t, httpapi.Config{AdminToken: testToken}, f)

	c := &httpapi.Client{BaseURL: ts.URL + "/", Token: testToken, HTTP: ts.Client()}
	report, err := c.Reindex(ctx)
	if err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	var rep fakeReport
	if err := json.Unmarshal(report, &rep); err != nil || !rep.OK || rep.Entries != 42 {
		t.Errorf("got report %s, want ok with 42 entries", report)
	}

	status, err := c.Status(ctx)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if !json.Valid(status) || len(status) < 10 {
		t.Errorf("got status %s, want the admin's status", status)
	}

	f.reindexErr = errors.New("content/broken.yaml:3: invalid YAML")
	report, err = c.Reindex(ctx)
	if !errors.Is(err, httpapi.ErrReindexFailed) || !errors.Is(err, httpapi.ErrRefused) {
		t.Errorf("failed reindex: got %v, want ErrReindexFailed and ErrRefused", err)
	}
	if err := json.Unmarshal(report, &rep); err != nil || len(rep.Errors) != 1 {
		t.Errorf("failed reindex: got report %s, want the errors with file and line", report)
	}
	var se *httpapi.StatusError
	if !errors.As(err, &se) || se.StatusCode != 422 {
		t.Errorf("failed reindex: got %v, want a *StatusError with 422", err)
	}
	if n := f.reindexes.Load(); n != 2 {
		t.Errorf("got %d reindexes, want 2", n)
	}

	bad := &httpapi.Client{BaseURL: ts.URL, Token: "wrong", HTTP: ts.Client()}
	if _, err := bad.Reindex(ctx); !errors.Is(err, httpapi.ErrUnauthorized) || errors.Is(err, httpapi.ErrReindexFailed) {
		t.Errorf("wrong token: got %v, want ErrUnauthorized only", err)
	}
	if _, err := bad.Status(ctx); !errors.Is(err, httpapi.ErrUnauthorized) {
		t.Errorf("wrong token status: got %v, want ErrUnauthorized", err)
	}
	if n := f.reindexes.Load(); n != 2 {
		t.Errorf("got %d reindexes after a refused one, want still 2", n)
	}

	none := &httpapi.Client{BaseURL: ts.URL, HTTP: ts.Client()}
	if _, err := none.Reindex(ctx); !errors.Is(err, httpapi.ErrNoToken) {
		t.Errorf("no token: got %v, want ErrNoToken", err)
	}
}

func TestClientAdminOff(t *testing.T) {
	ts, _ := newTestServer(t, httpapi.Config{}, newFakeBot())
	c := &httpapi.Client{BaseURL: ts.URL, Token: testToken, HTTP: ts.Client()}
	if _, err := c.Reindex(context.Background()); !errors.Is(err, httpapi.ErrAdminOff) || errors.Is(err, httpapi.ErrNoServer) {
		t.Errorf("admin off: got %v, want ErrAdminOff", err)
	}
}

func TestClientNoServer(t *testing.T) {
	addr := testrun.FreeAddr(t)
	c := &httpapi.Client{BaseURL: "http://" + addr, Token: testToken}
	_, err := c.Reindex(context.Background())
	if !errors.Is(err, httpapi.ErrNoServer) || errors.Is(err, httpapi.ErrRefused) {
		t.Errorf("no server: got %v, want ErrNoServer and not ErrRefused", err)
	}
	if _, err := c.Status(context.Background()); !errors.Is(err, httpapi.ErrNoServer) {
		t.Errorf("no server status: got %v, want ErrNoServer", err)
	}
}
