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
