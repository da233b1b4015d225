package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// signedPost posts body to url signed with priv (or with a bad signature
// when priv is nil).
func signedPost(t *testing.T, url string, priv ed25519.PrivateKey, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(signedRequest(t, url, priv, body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("response %q: %v", b, err)
		}
	}
	return resp.StatusCode, m
}

// signedRequest is the POST of body to url, signed with priv (or with a bad
// signature when priv is nil) as Discord signs it.
func signedRequest(t *testing.T, url string, priv ed25519.PrivateKey, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ts := "1700000000"
	sig := make([]byte, ed25519.SignatureSize)
	if priv != nil {
		sig = ed25519.Sign(priv, []byte(ts+body))
	}
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// startInteractions runs an adapter with the gateway off whose answers
// take delay and are deferred after deferAfter, behind a test server of
// its interactions endpoint; priv signs the requests it accepts.
func startInteractions(t *testing.T, delay, deferAfter time.Duration) (*harness, *httptest.Server, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, &fakeAnswerer{delay: delay}, func(c *Config) {
		c.DisableGateway = true
		c.Interactions.PublicKey = hex.EncodeToString(pub)
		c.DeferAfter = deferAfter
	})
	srv := httptest.NewServer(h.ad.InteractionsHandler())
	t.Cleanup(srv.Close)
	return h, srv, priv
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHTTPInteractionsEndpoint(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, &fakeAnswerer{}, func(c *Config) {
		c.DisableGateway = true
		c.ApplicationID = ""
		c.Interactions.PublicKey = hex.EncodeToString(pub)
		c.DeferAfter = 500 * time.Millisecond
	})
	if got := h.f.callsTo("GET /api/v9/oauth2/applications/@me"); len(got) != 1 {
		t.Errorf("application lookups = %d, want 1 (no gateway READY to learn the ID)", len(got))
	}
	if got := h.f.callsTo("/gateway"); len(got) != 0 {
		t.Errorf("gateway calls %v with the gateway disabled", summarize(got))
	}
	srv := httptest.NewServer(h.ad.InteractionsHandler())
	defer srv.Close()

	ping := `{"id":"1","application_id":"999","type":1,"token":"t","version":1}`
	if code, _ := signedPost(t, srv.URL, nil, ping); code != http.StatusUnauthorized {
		t.Errorf("bad signature: status %d, want 401", code)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(ping))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned: %v %v, want 401", resp.StatusCode, err)
	} else {
		resp.Body.Close()
	}
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	if code, _ := signedPost(t, srv.URL, otherPriv, ping); code != http.StatusUnauthorized {
		t.Errorf("signed with another key: status %d, want 401", code)
	}
	code, m := signedPost(t, srv.URL, priv, ping)
	if code != http.StatusOK || m["type"] != float64(1) {
		t.Errorf("PING: status %d body %v, want 200 {type:1}", code, m)
	}

	ask := mustJSON(t, slash("9001", "123", "ask", map[string]any{"name": "question", "type": 3, "value": "sprain"}))
	code, m = signedPost(t, srv.URL, priv, ask)
	if code != http.StatusOK || m["type"] != float64(4) {
		t.Fatalf("ask: status %d body %v, want 200 type 4", code, m)
	}
	checkReply(t, m["data"].(map[string]any), "How do I treat a sprain?", "Answer about sprain")

	fb := mustJSON(t, click("9002", "123", "faq:y:sprain"))
	code, m = signedPost(t, srv.URL, priv, fb)
	if code != http.StatusOK || m["type"] != float64(4) || m["data"].(map[string]any)["flags"] != float64(64) {
		t.Errorf("feedback: status %d body %v, want an ephemeral type 4", code, m)
	}
	if _, _, got := h.ans.snapshot(); len(got) != 1 || !got[0].Helpful {
		t.Errorf("feedback = %+v, want one 👍", got)
	}

	// A long answer: the first part in the HTTP response, the rest as
	// follow-ups through the REST API.
	long := mustJSON(t, slash("9003", "123", "ask", map[string]any{"name": "question", "type": 3, "value": "long"}))
	code, m = signedPost(t, srv.URL, priv, long)
	if code != http.StatusOK || m["type"] != float64(4) {
		t.Fatalf("long ask: status %d, want 200 type 4", code)
	}
	parts := len(splitText(longAnswer(), maxContent-ulen(footer(disclaimer))-2-ulen("**How do I treat a sprain?**")-1))
	h.f.waitCalls(t, "POST /api/v9/webhooks/"+botID+"/tok-9003", parts-1)

	if code, _ := signedPost(t, srv.URL, priv, "{not json"); code != http.StatusBadRequest {
		t.Errorf("malformed body: status %d, want 400", code)
	}
	// PINGs, bad signatures and malformed bodies are not received events.
	st := waitStats(t, h.ad, "every part sent", func(s Stats) bool { return s.Sent == uint64(2+parts) })
	if want := (Stats{Received: 3, Sent: uint64(2 + parts)}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

func TestHTTPInteractionDeferred(t *testing.T) {
	t.Parallel()
	h, srv, priv := startInteractions(t, 200*time.Millisecond, 20*time.Millisecond)
	ask := mustJSON(t, slash("9101", "123", "ask", map[string]any{"name": "question", "type": 3, "value": "sprain"}))
	code, m := signedPost(t, srv.URL, priv, ask)
	if code != http.StatusOK || m["type"] != float64(5) {
		t.Fatalf("slow ask: status %d body %v, want 200 type 5 (deferred)", code, m)
	}
	edit := h.f.waitCalls(t, "PATCH /api/v9/webhooks/"+botID+"/tok-9101/messages/@original", 1)
	checkReply(t, edit[0].json(t), "How do I treat a sprain?", "Answer about sprain")
}

// TestHTTPInteractionClientGone: when Discord stops waiting for the HTTP
// response, the deferred response cannot be delivered; that is an API error
// and the answer is dropped.
func TestHTTPInteractionClientGone(t *testing.T) {
	t.Parallel()
	h, srv, priv := startInteractions(t, 300*time.Millisecond, 200*time.Millisecond)
	body := mustJSON(t, slash("9201", "123", "ask", map[string]any{"name": "question", "type": 3, "value": "sprain"}))
	req := signedRequest(t, srv.URL, priv, body)
	client := &http.Client{Timeout: 50 * time.Millisecond}
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got a response (status %d) before the answer was ready", resp.StatusCode)
	}
	st := waitStats(t, h.ad, "Dropped 1", func(s Stats) bool { return s.Dropped == 1 })
	if want := (Stats{Received: 1, Dropped: 1, InteractionsDeferred: 1, APIErrors: 1}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

func TestHTTPInteractionsListen(t *testing.T) {
	t.Parallel()
	pub, priv, _ := ed25519.GenerateKey(nil)
	h := start(t, nil, func(c *Config) {
		c.Interactions.Listen = "127.0.0.1:0"
		c.Interactions.PublicKey = hex.EncodeToString(pub)
	})
	addr := h.ad.interactionsAddr()
	if addr == "" {
		t.Fatal("no interactions listener")
	}
	code, m := signedPost(t, "http://"+addr+DefaultInteractionsPath, priv, `{"id":"1","type":1,"token":"t"}`)
	if code != http.StatusOK || m["type"] != float64(1) {
		t.Errorf("PING over Listen: %d %v, want 200 {type:1}", code, m)
	}
}
