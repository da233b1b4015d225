package store

import (
	"context"
	"testing"
	"time"
)

// TestContentState: the shared content version is the latest published;
// an older one does not replace it.
func TestContentState(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(t *testing.T) string) {
		ctx := context.Background()
		s := openStore(t, Config{DSN: newDSN(t)})
		if c, err := s.Content(ctx); err != nil || c.Version != "" {
			t.Fatalf("empty store: %+v, %v", c, err)
		}
		now := time.Now().Truncate(time.Millisecond)
		for _, c := range []ContentState{
			{Version: "v1", At: now, By: "a"},
			{Version: "v2", At: now.Add(time.Second), By: "b"},
			{Version: "v0", At: now.Add(-time.Second), By: "c"}, // older: ignored
		} {
			if err := s.PublishContent(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		c, err := s.Content(ctx)
		if err != nil || c.Version != "v2" || c.By != "b" || !c.At.Equal(now.Add(time.Second)) {
			t.Errorf("content state %+v, %v; want b's v2", c, err)
		}
	})
}

// TestClaimUpdate: the first claim of an update wins, a second (another
// replica, a redelivery) loses; another platform's same ID is its own.
func TestClaimUpdate(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(t *testing.T) string) {
		ctx := context.Background()
		s := openStore(t, Config{DSN: newDSN(t)})
		for _, c := range []struct {
			platform string
			id       int64
			want     bool
		}{{"telegram", 7, true}, {"telegram", 7, false}, {"telegram", 8, true}, {"other", 7, true}} {
			got, err := s.ClaimUpdate(ctx, c.platform, c.id)
			if err != nil || got != c.want {
				t.Errorf("ClaimUpdate(%s, %d) = %v, %v; want %v", c.platform, c.id, got, err, c.want)
			}
		}
		if _, err := s.Purge(ctx, time.Now().Add(72*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ClaimUpdate(ctx, "telegram", 7); !got {
			t.Error("a claim older than two days was not purged")
		}
	})
}
