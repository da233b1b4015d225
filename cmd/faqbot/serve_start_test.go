package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"faqbot/internal/testrun"
)

// TestServeFailsWithNothingLeftRunning: when Telegram refuses the token at
// start, serve returns the error and the HTTP API is not left listening
// (it used to keep answering /healthz against a closed index).
func TestServeFailsWithNothingLeftRunning(t *testing.T) {
	tg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
	}))
	defer tg.Close()
	addr := testrun.FreeAddr(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "http:\n  listen: "+addr+"\nlog:\n  level: error\ntelegram:\n  enabled: true\n")
	env := map[string]string{"FAQBOT_TELEGRAM_TOKEN": "123:bad", "FAQBOT_TELEGRAM_API_ENDPOINT": tg.URL + "/bot%s/%s"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m := &Main{Args: []string{"serve", "-config", cfg, "-content", bundled}, Stdin: strings.NewReader(""), Stdout: io.Discard,
		Stderr: io.Discard, Getenv: func(k string) string { return env[k] }}
	if err := m.Run(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("serve with a refused Telegram token: got %v, want an error before the deadline", err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("after serve failed, %s still accepts connections", addr)
	}
}
