// Package browsertest starts the real headless Chromium that the browser
// tests of the chat page and the console drive (Debian's chromium package;
// .ci/run installs it), and takes their screenshots. Tests skip, with a
// message saying how to install it, only where no Chromium is found.
package browsertest

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian installs Chromium.
const ChromiumPath = "/usr/bin/chromium"

// Start launches Chromium with the flags this machine needs (no background
// networking: the network is closed), a fresh profile and a window of
// width×height, with downloads allowed into downloads when it is set, and
// returns a tab context bounded by timeout. Everything ends with the test.
func Start(t testing.TB, timeout time.Duration, width, height int, downloads string) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium chromium-driver; .ci/run does): %v", ChromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx)
	t.Cleanup(tcancel)
	start := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if downloads == "" {
			return nil
		}
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
		})
		return err
	})
	if err := chromedp.Do(tctx, start); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return tctx
}

// EnvScreenshots names the folder Screenshot writes to (docs/screenshots
// for the docs); unset, a temporary one.
const EnvScreenshots = "FAQBOT_SCREENSHOTS"

// Screenshot saves the tab at a viewport of w×h as name.png and checks it
// is a picture of that size.
func Screenshot(t testing.TB, ctx context.Context, name string, w, h int64) {
	t.Helper()
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		dir = t.TempDir()
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h)); err != nil {
		t.Fatalf("viewport %s: %v", name, err)
	}
	time.Sleep(100 * time.Millisecond) // let the layout settle
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || int64(cfg.Width) != w || int64(cfg.Height) != h {
		t.Fatalf("screenshot %s: %v, %dx%d, want a %dx%d PNG", name, err, cfg.Width, cfg.Height, w, h)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Page is a browser tab whose helpers fail the test.
type Page struct {
	T   testing.TB
	Ctx context.Context
}

// Do runs steps; what names them in a failure.
func (p Page) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.T.Helper()
	if err := chromedp.Do(p.Ctx, steps...); err != nil {
		p.T.Fatalf("%s: %v", what, err)
	}
}

// Text is the visible text of the first element matching the CSS selector.
func (p Page) Text(sel string) string {
	p.T.Helper()
	s, err := chromedp.Run(p.Ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.T.Fatalf("text of %s: %v", sel, err)
	}
	return s
}
