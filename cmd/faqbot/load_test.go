package main

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"faqbot/adapters/httpapi"
	"faqbot/adapters/httpapi/loadtest"
	"faqbot/internal/testrun"
)

// TestLoadHTTPRealCore drives POST /v1/ask on the real core with a mix of
// questions, first steady, then while reindexing every second. It is a
// measurement, not a timed assertion: it runs only with FAQBOT_LOAD set
// (a duration per phase, e.g. 10s) and fails only on errors.
//
//	FAQBOT_LOAD=10s [FAQBOT_LOAD_RATE=5000] go test -run TestLoadHTTPRealCore -v ./cmd/faqbot/
func TestLoadHTTPRealCore(t *testing.T) {
	env, err := loadtest.ReadEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if env.Duration == 0 {
		t.Skip("set FAQBOT_LOAD=10s to run the HTTP load measurement")
	}
	co := testCore(t, bundled)
	srv, err := httpapi.New(httpapi.Config{}, co.bot, admin{lib: co.lib}, newLogger(io.Discard, LogConfig{}, 0))
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := testrun.Serve(t, "Serve", 10*time.Second, srv.Serve)
	ctx := t.Context()

	phase := func(name string, reindex bool) {
		pctx, stop := context.WithCancel(ctx)
		reindexed := make(chan int, 1)
		go func() {
			n := 0
			if reindex {
				tick := time.NewTicker(time.Second)
				defer tick.Stop()
				for {
					select {
					case <-pctx.Done():
						reindexed <- n
						return
					case <-tick.C:
						if _, err := co.lib.Reindex(pctx, "load"); err == nil {
							n++
						}
					}
				}
			}
			<-pctx.Done()
			reindexed <- n
		}()
		res, err := loadtest.Run(ctx, loadtest.Config{URL: "http://" + addr + "/v1/ask",
			Questions: benchQuestions, Workers: env.Workers, Duration: env.Duration, Rate: env.Rate})
		stop()
		n := <-reindexed
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-22s %8.0f req/s  p50 %v  p90 %v  p99 %v  max %v  errors %d  reindexes %d",
			name, res.RPS, res.P50, res.P90, res.P99, res.Max, res.Errors, n)
		if res.Errors > 0 {
			t.Errorf("%s: %d errors (first: %s)", name, res.Errors, res.FirstError)
		}
	}
	phase("steady", false)
	phase("reindex every second", true)
}
