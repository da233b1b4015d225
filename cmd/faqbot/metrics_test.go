package main

import (
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"faqbot/adapters/discord"
	"faqbot/adapters/telegram"
	"faqbot/metrics"
)

func TestPlatformMetrics(t *testing.T) {
	met := metrics.New()
	var tg atomic.Pointer[telegram.Stats]
	tg.Store(&telegram.Stats{})
	dc := discord.Stats{Received: 4, Sent: 3, Dropped: 1, Deferred: 2, RateLimited: 2, APIErrors: 5}
	if err := platformMetrics(met, "telegram", func() platformStats { return telegramStats(*tg.Load()) }); err != nil {
		t.Fatal(err)
	}
	if err := platformMetrics(met, "discord", func() platformStats { return discordStats(dc) }); err != nil {
		t.Fatal(err)
	}
	if err := platformMetrics(nil, "telegram", nil); err != nil {
		t.Errorf("platformMetrics without metrics: %v", err)
	}
	tg.Store(&telegram.Stats{Received: 10, Sent: 9, Dropped: 0, Deferred: 6, RateLimited: 1, APIErrors: 3})

	rec := httptest.NewRecorder()
	met.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	out := string(body)
	for _, line := range []string{
		`faqbot_platform_updates_received_total{platform="telegram"} 10`,
		`faqbot_messages_sent_total{platform="telegram"} 9`,
		`faqbot_rate_limit_deferrals_total{platform="telegram"} 6`,
		`faqbot_platform_rate_limited_total{platform="telegram"} 1`,
		`faqbot_platform_api_errors_total{platform="telegram"} 3`,
		`faqbot_messages_dropped_total{platform="discord"} 1`,
		`faqbot_platform_rate_limited_total{platform="discord"} 2`,
		`faqbot_platform_api_errors_total{platform="discord"} 5`,
	} {
		if !strings.Contains(out, "\n"+line+"\n") {
			t.Errorf("/metrics lacks %q", line)
		}
	}
}
