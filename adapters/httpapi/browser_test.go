package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"faqbot/adapters/httpapi"
	"faqbot/bot"
	"faqbot/bot/bottest/realcore"
	"faqbot/internal/browsertest"
)

// The tests in this file drive a real headless Chromium (Debian's chromium
// package; .ci/run installs it) through the DevTools protocol against a
// real httpapi server. They skip only where /usr/bin/chromium is absent.

// browser starts Chromium at a phone's size and returns a tab context
// bounded by timeout.
func browser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	return browsertest.Start(t, timeout, 390, 844, "")
}

// feedbackLog is a bot.Recorder that keeps the feedback.
type feedbackLog struct {
	mu sync.Mutex
	fs []bot.Feedback
}

func (l *feedbackLog) RecordQuestion(bot.Record) {}
func (l *feedbackLog) RecordFeedback(f bot.Feedback, _ time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fs = append(l.fs, f)
}

func (l *feedbackLog) all() []bot.Feedback {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]bot.Feedback(nil), l.fs...)
}

// realServer serves the page over the real core on the bundled content.
func realServer(t *testing.T, rec bot.Recorder) *httptest.Server {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	core := realcore.New(t, "../../content", bot.WithRecorder(rec))
	s, err := httpapi.New(httpapi.Config{Web: httpapi.Web{Enabled: true, Title: "Back pain help", Disclaimer: core.Config().Disclaimer}}, core, nil, quiet)
	if err != nil {
		t.Fatalf("httpapi.New: %v", err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// nth is the selector of the n-th reply (1-based) in the conversation.
func nth(n int) string { return fmt.Sprintf("#log > article:nth-of-type(%d)", n) }

// page wraps a browser tab with helpers that fail the test.
type page struct{ browsertest.Page }

// eval evaluates a JavaScript expression.
func eval[T any](p page, js string) T {
	p.T.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.T.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds.
func (p page) waitFor(js string) {
	p.T.Helper()
	if _, err := chromedp.Run(p.Ctx, chromedp.Poll[bool](js)); err != nil {
		p.T.Fatalf("wait for %s: %v", js, err)
	}
}

// chronicQuestion is answered by a FAQ entry of the bundled content that
// has related questions.
const chronicQuestion = realcore.ChronicQ

func TestBrowserChat(t *testing.T) {
	rec := &feedbackLog{}
	ts := realServer(t, rec)
	p := page{browsertest.Page{T: t, Ctx: browser(t, 30*time.Second)}}
	disclaimer := bot.DefaultConfig().Disclaimer

	p.Do("ask",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), chronicQuestion+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(nth(1)+" .understood")),
	)
	if got, want := p.Text(nth(1)+" .understood"), "I understood: "+chronicQuestion; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := p.Text(nth(1) + " .disclaimer"); got != disclaimer {
		t.Errorf("got disclaimer %q, want %q", got, disclaimer)
	}
	if got := eval[string](p, `document.getElementById('log').getAttribute('aria-live')`); got != "polite" {
		t.Errorf("got aria-live %q on the log, want polite", got)
	}
	related := p.Text(nth(1) + " .choices button")
	if related == "" {
		t.Fatal("no related-question button under the answer")
	}

	// A related question: its answer lands in the live region.
	p.Do("related question",
		chromedp.Click(chromedp.CSS(nth(1)+" .choices button")),
		chromedp.WaitVisible(chromedp.CSS(nth(2)+" .understood")),
	)
	if got, want := p.Text(nth(2)+" .understood"), "I understood: "+related; got != want {
		t.Errorf("after the related button: got %q, want %q", got, want)
	}
	if !eval[bool](p, `(function(){var c=document.querySelector('#log[aria-live]').lastElementChild;return c.tagName==='ARTICLE'&&c.querySelector('.understood').textContent.indexOf(`+jsQuote(related)+`)>0&&c.querySelector('.disclaimer')!==null})()`) {
		t.Error("the live region's last child is not the new reply with its disclaimer")
	}
	p.waitFor(`document.activeElement && document.activeElement.id === 'q'`)

	// 👍 reaches the core's recorder.
	p.Do("feedback", chromedp.Click(chromedp.CSS(nth(2)+` .feedback button[aria-label="Yes, helpful"]`)))
	p.waitFor(`document.querySelector('` + nth(2) + ` .feedback').textContent.indexOf('Thanks') >= 0`)
	if fs := rec.all(); len(fs) != 1 || !fs[0].Helpful || fs[0].Platform != "http" || fs[0].EntryID == "" {
		t.Errorf("recorded feedback: got %+v, want one 👍 from http", fs)
	}

	// An urgent reply: emergency text first, no buttons.
	p.Do("urgent",
		chromedp.SendKeys(chromedp.ID("q"), "back pain with fever"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#log > article.urgent")),
	)
	first, body := p.Text("#log > article.urgent p"), p.Text("#log > article.urgent")
	if !strings.Contains(first, "act now") || !strings.Contains(body, "doctor") || !strings.Contains(body, disclaimer) {
		t.Errorf("urgent reply: got first line %q, body %q; want the alert, the emergency text and the disclaimer", first, body)
	}
	if n := eval[int](p, `document.querySelectorAll('#log > article.urgent button').length`); n != 0 {
		t.Errorf("urgent reply: got %d buttons, want none", n)
	}
}

// jsQuote quotes s as a JavaScript string.
func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestBrowserEscapingAndConsole(t *testing.T) {
	f := newFakeBot()
	s, err := httpapi.New(webConfig(), f, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	p := page{browsertest.Page{T: t, Ctx: browser(t, 30*time.Second)}}

	// Markup in every field of a reply stays text.
	p.Do("xss reply",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.SendKeys(chromedp.ID("q"), "xss please"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(nth(1)+" .disclaimer")),
	)
	if n := eval[int](p, `document.querySelectorAll('#log img, #log script, #log [onerror]').length`); n != 0 {
		t.Errorf("reply markup became %d elements", n)
	}
	if title := eval[string](p, `document.title`); title == "pwned" {
		t.Error("a script from the reply ran")
	}
	text := p.Text(nth(1))
	for _, want := range []string{"Title " + xssMarkup, "Answer " + xssMarkup, "Related " + xssMarkup, "Disclaimer " + xssMarkup} {
		if !strings.Contains(text, want) {
			t.Errorf("reply text lacks %q as text; got %q", want, text)
		}
	}

	// The console: sign in, see the status, reindex.
	p.Do("console sign-in",
		chromedp.Navigate(ts.URL+"/admin/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), testToken+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#status-body .stats")),
	)
	if eval[bool](p, `document.cookie.indexOf('faqbot_admin') >= 0`) {
		t.Error("the session cookie is readable from JavaScript, want HttpOnly")
	}
	p.Do("reindex", chromedp.Click(chromedp.ID("reindex")))
	p.waitFor(`document.getElementById('msg').textContent.indexOf('Reindexed') === 0`)
	if msg := p.Text("#msg"); msg != "Reindexed: 42 entries." || f.reindexes.Load() != 1 {
		t.Errorf("reindex from the console: got message %q and %d reindexes, want one", msg, f.reindexes.Load())
	}
}
