// Package realcore builds the real answering core over the bundled
// content, for the adapters' end-to-end tests. It is kept apart from
// bottest so that the plain doubles do not pull in the search index.
package realcore

import (
	"io"
	"log/slog"
	"testing"

	"faqbot/bot"
	"faqbot/search"
)

// Questions the end-to-end tests ask of the bundled content; the tests
// check what the real core replies to each.
const (
	// ChronicQ is answered by an entry that has related questions; its
	// answer says "more than three months".
	ChronicQ = "How can I tell if my back pain is chronic?"
	// UrgentQ is a red flag: the reply is urgent.
	UrgentQ = "back pain with fever"
	// UnknownQ is not covered by the content: the reply is a fallback with
	// topics.
	UnknownQ = "Can massage help my knee?"
)

// New opens the content at dir (the bundled content is "../../content"
// from an adapter's folder) and returns a *bot.Bot over it with the
// ranker's threshold and opts; the index is closed when the test ends.
func New(t testing.TB, dir string, opts ...bot.Option) *bot.Bot {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	lib, _, err := search.OpenLibrary(search.LibraryConfig{Paths: []string{dir}, Logger: quiet})
	if err != nil {
		t.Fatalf("OpenLibrary: %v", err)
	}
	t.Cleanup(func() { lib.Close() })
	b, err := bot.New(lib.Index(), nil, bot.Config{MinConfidence: search.DefaultRanker().MinConfidence}, append([]bot.Option{bot.WithLogger(quiet)}, opts...)...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}
