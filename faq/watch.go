package faq

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultWatchDebounce is the quiet period Watch uses when given none.
const DefaultWatchDebounce = 300 * time.Millisecond

// Watch calls onChange when the content at paths changes, until ctx is done.
//
// Each path is a file or a folder. A folder is watched for its files,
// including files created later (subfolders are not watched). A file is
// watched through its folder, so editors that save by writing a temporary
// file and renaming it over the original still trigger, as do deleting and
// re-creating it. Hidden files (".name") and backup files ("name~") are
// ignored, and so are permission-only changes.
//
// Bursts of changes are coalesced: onChange runs once, after debounce of
// quiet (DefaultWatchDebounce when debounce <= 0), and at the latest
// 10×debounce after the first change of a burst, so a file written
// continuously cannot starve it. onChange runs on Watch's goroutine, never
// concurrently with itself; changes made while it runs trigger one more call.
//
// Watch returns nil when ctx is done, and an error when a path does not
// exist or cannot be watched.
func Watch(ctx context.Context, paths []string, debounce time.Duration, logger *slog.Logger, onChange func()) error {
	if len(paths) == 0 {
		return errors.New("faq: watch: no paths")
	}
	if debounce <= 0 {
		debounce = DefaultWatchDebounce
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	log := logger.With("component", "watch")

	// dirs maps each watched folder to the file names of interest in it;
	// nil means every file.
	dirs := map[string]map[string]bool{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return fmt.Errorf("faq: watch %q: %w", p, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return fmt.Errorf("faq: watch: %w", err)
		}
		if fi.IsDir() {
			dirs[abs] = nil
			continue
		}
		dir, name := filepath.Split(abs)
		dir = filepath.Clean(dir)
		names, seen := dirs[dir]
		if seen && names == nil {
			continue // the whole folder is watched already
		}
		if names == nil {
			names = map[string]bool{}
			dirs[dir] = names
		}
		names[name] = true
	}

	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("faq: watch: %w", err)
	}
	defer w.Close()
	for dir := range dirs {
		if err := w.Add(dir); err != nil {
			return fmt.Errorf("faq: watch %q: %w", dir, err)
		}
	}
	log.Info("watching content", "paths", paths, "debounce", debounce)

	relevant := func(ev fsnotify.Event) bool {
		if ev.Op == fsnotify.Chmod {
			return false
		}
		dir, name := filepath.Split(ev.Name)
		if name == "" || strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
			return false
		}
		names, ok := dirs[filepath.Clean(dir)]
		return ok && (names == nil || names[name])
	}

	var (
		timer    = time.NewTimer(time.Hour)
		pending  bool
		deadline time.Time // latest time to fire for the current burst
	)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil

		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if _, ok := dirs[ev.Name]; ok && ev.Has(fsnotify.Remove|fsnotify.Rename) {
				log.Warn("watched folder removed or renamed; its changes are no longer seen", "dir", ev.Name)
				continue
			}
			if !relevant(ev) {
				continue
			}
			log.Debug("content changed", "file", ev.Name, "op", ev.Op.String())
			now := time.Now()
			if !pending {
				pending = true
				deadline = now.Add(10 * debounce)
			}
			timer.Reset(min(debounce, deadline.Sub(now)))

		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost; reindex to be safe.
				log.Warn("watch overflow; reindexing", "err", err)
				pending = true
				timer.Reset(debounce)
				continue
			}
			log.Warn("watch error", "err", err)

		case <-timer.C:
			if !pending {
				continue
			}
			pending = false
			onChange()
		}
	}
}
