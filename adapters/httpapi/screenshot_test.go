package httpapi_test

import (
	"testing"
	"time"

	"faqbot/internal/browsertest"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserScreenshots takes the pictures of the chat page that
// docs/web.md shows, at a phone's and a desktop's width, and measures what
// the page weighs and how soon it answers (the console's pictures come
// from TestBrowserCloseTheLoop in cmd/faqbot, which has real data):
//
//	FAQBOT_SCREENSHOTS=$PWD/docs/screenshots go test ./adapters/httpapi -run Screenshots -v
func TestBrowserScreenshots(t *testing.T) {
	ts := realServer(t, &feedbackLog{})
	p := page{browsertest.Page{T: t, Ctx: browser(t, 60*time.Second)}}

	shoot := func(name string, w, h int64) { browsertest.Screenshot(t, p.Ctx, name, w, h) }

	// The chat page: an answer with its related questions, and an urgent
	// reply under it.
	start := time.Now()
	p.Do("ask",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), chronicQuestion+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(nth(1)+" .disclaimer")),
	)
	firstAnswer := time.Since(start)
	weight := eval[float64](p, `performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).filter(function(e){return e.name.indexOf('/v1/')<0}).reduce(function(s,e){return s+e.transferSize},0)`)
	t.Logf("chat page: %.0f bytes transferred (page and assets), first answer %v after navigating (localhost, headless Chromium)", weight, firstAnswer.Round(time.Millisecond))
	if weight <= 0 || weight > 50<<10 {
		t.Errorf("chat page weighs %.0f bytes, want under 50 KB", weight)
	}
	p.Do("urgent",
		chromedp.SendKeys(chromedp.ID("q"), "back pain with fever"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#log > article.urgent")),
	)
	shoot("chat-phone", 390, 844)
	shoot("chat-desktop", 1280, 800)

}
