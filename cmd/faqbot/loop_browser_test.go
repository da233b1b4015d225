package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"faqbot/faq"
	"faqbot/internal/browsertest"
)

// This file drives a real headless Chromium (Debian's chromium package;
// .ci/run installs it) against a real `faqbot serve`, as
// adapters/httpapi/browser_test.go does against the adapter alone. It skips
// only where /usr/bin/chromium is absent.

// chromium starts a headless Chromium with a fresh profile, downloads
// allowed into downloads, and returns a tab context bounded by timeout.
func chromium(t *testing.T, timeout time.Duration, downloads string) context.Context {
	t.Helper()
	return browsertest.Start(t, timeout, 1280, 900, downloads)
}

// tab is a browser tab with helpers that fail the test.
type tab struct{ browsertest.Page }

// waitFor polls a JavaScript condition until it holds, or fails with what
// the page's message line says.
func (p tab) waitFor(what, js string) {
	p.T.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js)); err != nil {
		msg, _ := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`(document.getElementById('msg')||{}).textContent||''`))
		p.T.Fatalf("%s: waiting for %s: %v (page message %q)", what, js, err, msg)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestBrowserCloseTheLoop: a question the bot cannot answer is asked on the
// chat page; the operator finds it among the unanswered questions in the
// console, picks the entry that answers it and accepts it as an alternate
// wording; asked again on the chat page, it gets that entry's answer. The
// cluster's "needs a new FAQ" downloads a YAML stub.
func TestBrowserCloseTheLoop(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.Mkdir(content, 0o755); err != nil {
		t.Fatal(err)
	}
	article, err := os.ReadFile(filepath.Join(bundled, "massage-lower-back-pain.txt"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(content, "massage-lower-back-pain.txt"), string(article))
	cfg := serveConfig(t, dir, "content:\n  paths: [content]\nstore:\n  enabled: true\n  dsn: data/loop.db\n  flush_interval: 20ms\n")
	const token = "browser-loop-admin-token-0123456789abcdef"
	addr, stop := startServe(t, map[string]string{"FAQBOT_ADMIN_TOKEN": token, "FAQBOT_STORE_SALT": "loop"}, "-config", cfg)
	defer stop()
	base := "http://" + addr
	downloads := t.TempDir()
	p := tab{browsertest.Page{T: t, Ctx: chromium(t, 90*time.Second, downloads)}}

	const question = "is a rubdown worth it for lumbago"
	const entry = "How can massage therapy help with lower back pain?"

	// 1. Nothing answers the question yet.
	p.Do("ask on the chat page",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), question+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#log > article")),
	)
	if cls := p.Text("#log > article .disclaimer"); cls == "" {
		t.Error("no disclaimer under the reply")
	}
	p.waitFor("fallback", `document.querySelector('#log > article').classList.contains('kind-fallback')`)

	// 2. The console lists it as unanswered; pick the entry and accept.
	p.Do("console sign-in",
		chromedp.Navigate(base+"/admin/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), token+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#status-body .stats")),
	)
	// A broken file: the reindex fails, the console names file and line,
	// and the previous content keeps serving.
	broken := filepath.Join(content, "broken.yaml")
	writeFile(t, broken, "faq:\n  - question: How long?\n    answer: [unclosed\n")
	p.Do("reindex with a broken file", chromedp.Click(chromedp.ID("reindex")))
	p.waitFor("the broken file's error", `document.getElementById('msg').textContent.indexOf('Reindex failed') === 0 && document.getElementById('status-body').textContent.indexOf('broken.yaml:') >= 0`)
	if body := p.Text("#status-body"); !regexp.MustCompile(`broken\.yaml:\d+`).MatchString(body) {
		t.Errorf("the console's status does not name the broken file with its line: %q", body)
	}
	if err := os.Remove(broken); err != nil {
		t.Fatal(err)
	}
	p.Do("reindex again", chromedp.Click(chromedp.ID("reindex")))
	p.waitFor("a good reindex", `document.getElementById('msg').textContent.indexOf('Reindexed') === 0`)
	p.Do("the report tab", chromedp.Click(chromedp.CSS(`nav button[data-tab="report"]`)))
	// The store writes in the background: show the report until the
	// question is there.
	inReport := `Array.from(document.querySelectorAll('#report-body td')).some(function(td){return td.textContent.indexOf(` + jsString(question) + `)>=0})`
	for i := 0; ; i++ {
		ok, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](inReport))
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if i == 50 {
			t.Fatalf("the question never showed among the unanswered: %q", p.Text("#report-body"))
		}
		time.Sleep(200 * time.Millisecond)
		p.Do("show the report", chromedp.Click(chromedp.CSS(`#report-form button[type="submit"]`)))
		time.Sleep(100 * time.Millisecond)
	}
	screenshot(t, p.Ctx, "console-report-desktop", 1280, 900)
	screenshot(t, p.Ctx, "console-report-phone", 390, 844)
	p.Do("desktop again", chromedp.EmulateViewport(1280, 900))
	p.Do("open the picker",
		chromedp.Click(chromedp.CSS(`#report-body button[aria-label^="Answer “`+question+`”"]`)),
		chromedp.WaitVisible(chromedp.ID("picker")),
	)
	if got := p.Text("#pick-q"); !strings.Contains(got, question) {
		t.Errorf("the picker offers %q, want the question", got)
	}
	// Search for the entry by its words, as an operator would.
	if _, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](`(document.getElementById('pick-search').value='')===''`)); err != nil {
		t.Fatal(err)
	}
	p.Do("search entries",
		chromedp.SendKeys(chromedp.ID("pick-search"), "massage therapy help lower back"+kb.Enter),
	)
	pick := `Array.from(document.querySelectorAll('#pick-results .pick')).find(function(r){return r.querySelector('b').textContent===` + jsString(entry) + `})`
	p.waitFor("search results", `!!`+pick)
	if msg := p.Text("#msg"); strings.Contains(msg, "Pick the entry") {
		t.Errorf("Enter in the search box tried to accept: %q", msg)
	}
	radio, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](pick+`.querySelector('input').id`))
	if err != nil {
		t.Fatal(err)
	}
	p.Do("pick the entry", chromedp.Click(chromedp.ID(radio)))
	p.Do("accept", chromedp.Click(chromedp.ID("pick-accept")))
	p.waitFor("accepted", `document.getElementById('msg').textContent.indexOf('Accepted')===0`)
	if msg := p.Text("#msg"); !strings.Contains(msg, entry) || !strings.Contains(msg, "Reindexed") {
		t.Errorf("after accepting: message %q, want the entry and the reindex", msg)
	}
	if n, _ := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](`document.getElementById('picker').hidden`)); !n {
		t.Error("the picker stays open after accepting")
	}

	// The overlay holds the wording under the entry's ID.
	overlay := filepath.Join(content, faq.DefaultOverlayName)
	data, err := os.ReadFile(overlay)
	if err != nil {
		t.Fatalf("overlay: %v", err)
	}
	ov, err := faq.ParseOverlay(overlay, data)
	if err != nil || len(ov.Items) != 1 || len(ov.Items[0].Questions) != 1 || ov.Items[0].Questions[0].Text != question {
		t.Fatalf("overlay after accepting: %+v, %v:\n%s", ov, err, data)
	}

	// 3. "Needs a new FAQ" downloads a stub of the cluster.
	p.Do("needs a new FAQ", chromedp.Click(chromedp.CSS(`#report-body button[aria-label^="Download a FAQ stub"]`)))
	p.waitFor("stub downloaded", `document.getElementById('msg').textContent.indexOf('Downloaded')===0`)
	// Chromium may show the file before it has written all of it: read
	// until the stub is complete (it ends with its answer line) or time out.
	var stub []byte
	for i := 0; i < 100 && !strings.Contains(string(stub), `answer: ""`); i++ {
		files, _ := filepath.Glob(filepath.Join(downloads, "faq-stub-*.yaml"))
		if len(files) == 1 {
			stub, _ = os.ReadFile(files[0])
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(string(stub), "question: "+question) || !strings.Contains(string(stub), `answer: ""`) {
		t.Errorf("downloaded stub:\n%s\nwant the question and an empty answer", stub)
	}

	// 4. Asked again on the chat page, the question gets the entry's answer.
	p.Do("ask again",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), question+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#log > article .understood")),
	)
	if got, want := p.Text("#log > article .understood"), "I understood: "+entry; got != want {
		t.Errorf("after accepting: got %q, want %q", got, want)
	}
	if body := p.Text("#log > article"); !strings.Contains(body, "massage") {
		t.Errorf("answer: %q", body)
	}
}

// screenshot saves the tab at a viewport size (browsertest.Screenshot).
func screenshot(t *testing.T, ctx context.Context, name string, w, h int64) {
	t.Helper()
	browsertest.Screenshot(t, ctx, name, w, h)
}
