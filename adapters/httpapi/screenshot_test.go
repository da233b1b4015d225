package httpapi_test

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// envScreenshots names the folder TestBrowserScreenshots writes its
// pictures to (docs/screenshots for the docs); unset, a temporary one.
const envScreenshots = "FAQBOT_SCREENSHOTS"

// TestBrowserScreenshots takes the pictures of the chat page that
// docs/web.md shows, at a phone's and a desktop's width, and measures what
// the page weighs and how soon it answers (the console's pictures come
// from TestBrowserCloseTheLoop in cmd/faqbot, which has real data):
//
//	FAQBOT_SCREENSHOTS=$PWD/docs/screenshots go test ./adapters/httpapi -run Screenshots -v
func TestBrowserScreenshots(t *testing.T) {
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ts := realServer(t, &feedbackLog{})
	p := page{t, browser(t, 60*time.Second)}

	shoot := func(name string, w, h int64) {
		t.Helper()
		p.do("viewport "+name, chromedp.EmulateViewport(w, h))
		time.Sleep(100 * time.Millisecond) // let the layout settle
		b, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil || int64(cfg.Width) != w || int64(cfg.Height) != h {
			t.Fatalf("screenshot %s: %v, %dx%d, want a %dx%d PNG", name, err, cfg.Width, cfg.Height, w, h)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The chat page: an answer with its related questions, and an urgent
	// reply under it.
	start := time.Now()
	p.do("ask",
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
	p.do("urgent",
		chromedp.SendKeys(chromedp.ID("q"), "back pain with fever"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#log > article.urgent")),
	)
	shoot("chat-phone", 390, 844)
	shoot("chat-desktop", 1280, 800)

}
