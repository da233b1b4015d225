package faq

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultWatchDebounce is the quiet period Watch uses when given none.
const DefaultWatchDebounce = 300 * time.Millisecond

// k8sDataLink is the symbolic link Kubernetes swaps to update a mounted
// ConfigMap or Secret atomically: the visible files are links through it.
const k8sDataLink = "..data"

// Watch calls onChange when the content at paths changes, until ctx is done.
//
// Each path is a file or a folder. A folder is watched for its files,
// including files created later (subfolders are not watched). A file is
// watched through its folder, so editors that save by writing a temporary
// file and renaming it over the original still trigger, as do deleting and
// re-creating it. Hidden files (".name") and backup files ("name~") are
// ignored, and so are permission-only changes; the exception is
// Kubernetes' "..data" link, whose swap is how a mounted ConfigMap changes.
//
// A watched folder may be removed, renamed, replaced by another folder or,
// when it is a symbolic link, pointed elsewhere (a directory swap, rm -rf
// and copy, git checkout, a release symlink): Watch notices through the
// parent folder, and polls every debounce while the folder is missing, then
// watches the folder now at that path and calls onChange.
//
// Bursts of changes are coalesced: onChange runs once, after debounce of
// quiet (DefaultWatchDebounce when debounce <= 0) and once the files are
// stable: the size and modification time of every watched file must be the
// same at the end of the quiet period as one debounce earlier, so a writer
// that pauses mid-write without events is waited for. At the latest it runs
// 10×debounce after the first change of a burst, so a file written
// continuously cannot starve it (Load then reads each file twice and
// compares, and a Guard refuses a load that lost too much). onChange runs
// on Watch's goroutine, never concurrently with itself; changes made while
// it runs trigger one more call.
//
// Watch returns nil when ctx is done, and an error when a path does not
// exist at start or cannot be watched.
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
	// parents maps the folder above each watched folder to the names of
	// the watched folders in it: that is where removal, renaming and
	// symlink swaps of a watched folder show.
	parents := map[string]map[string]bool{}
	for dir := range dirs {
		parent, name := filepath.Dir(dir), filepath.Base(dir)
		if parent == dir {
			continue // the file system root has no parent
		}
		if parents[parent] == nil {
			parents[parent] = map[string]bool{}
		}
		parents[parent][name] = true
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
	for parent := range parents {
		if _, ok := dirs[parent]; ok {
			continue
		}
		if err := w.Add(parent); err != nil {
			// Not fatal: a missing folder is still found by polling.
			log.Warn("cannot watch the folder above the content; a replaced content folder is found by polling only", "dir", parent, "err", err)
		}
	}
	log.Info("watching content", "paths", paths, "debounce", debounce)

	relevant := func(ev fsnotify.Event) bool {
		if ev.Op == fsnotify.Chmod {
			return false
		}
		dir, name := filepath.Split(ev.Name)
		if name == "" || strings.HasSuffix(name, "~") {
			return false
		}
		names, ok := dirs[filepath.Clean(dir)]
		if !ok {
			return false
		}
		if name == k8sDataLink {
			return true
		}
		return !strings.HasPrefix(name, ".") && (names == nil || names[name])
	}
	// isWatchedDir reports whether ev is about a watched folder itself
	// (seen from its parent, or from its own watch).
	isWatchedDir := func(ev fsnotify.Event) bool {
		_, ok := dirs[filepath.Clean(ev.Name)]
		return ok
	}

	missing := map[string]bool{}
	var (
		poll     *time.Ticker
		pollC    <-chan time.Time
		timer    = time.NewTimer(time.Hour)
		pending  bool
		deadline time.Time // latest time to fire for the current burst
		last     map[string]fileState
	)
	timer.Stop()
	defer timer.Stop()
	defer func() {
		if poll != nil {
			poll.Stop()
		}
	}()
	changed := func() {
		now := time.Now()
		if !pending {
			pending = true
			last = nil
			deadline = now.Add(10 * debounce)
		}
		timer.Reset(max(0, min(debounce, deadline.Sub(now))))
	}
	// rewatch watches the folder now at dir again; it reports whether dir
	// exists.
	rewatch := func(dir string) bool {
		_ = w.Remove(dir) // the old folder's watch, if fsnotify kept it
		if err := w.Add(dir); err != nil {
			if !missing[dir] {
				log.Warn("content folder is gone; watching for it to come back", "dir", dir, "err", err)
			}
			missing[dir] = true
			if poll == nil {
				poll = time.NewTicker(debounce)
				pollC = poll.C
			}
			return false
		}
		if missing[dir] {
			log.Info("content folder is back; watching it again", "dir", dir)
		}
		delete(missing, dir)
		return true
	}

	for {
		select {
		case <-ctx.Done():
			return nil

		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if isWatchedDir(ev) {
				if ev.Op == fsnotify.Chmod || ev.Op == fsnotify.Write {
					continue
				}
				// Removed, renamed, re-created or swapped: watch what is
				// at the path now (or poll for it) and reload.
				log.Debug("content folder changed", "dir", ev.Name, "op", ev.Op.String())
				rewatch(filepath.Clean(ev.Name))
				changed()
				continue
			}
			if !relevant(ev) {
				continue
			}
			log.Debug("content changed", "file", ev.Name, "op", ev.Op.String())
			changed()

		case <-pollC:
			for dir := range maps.Clone(missing) {
				if rewatch(dir) {
					changed()
				}
			}
			if len(missing) == 0 {
				poll.Stop()
				poll, pollC = nil, nil
			}

		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost; reindex to be safe.
				log.Warn("watch overflow; reindexing", "err", err)
				changed()
				continue
			}
			log.Warn("watch error", "err", err)

		case <-timer.C:
			if !pending {
				continue
			}
			snap := snapshot(dirs)
			if time.Now().Before(deadline) && (last == nil || !maps.Equal(snap, last)) {
				// Not yet seen stable across one debounce: look again.
				last = snap
				timer.Reset(max(0, min(debounce, time.Until(deadline))))
				continue
			}
			pending, last = false, nil
			onChange()
		}
	}
}

// fileState is what the stability check compares.
type fileState struct {
	size  int64
	mtime time.Time
}

// snapshot records the size and modification time of the watched files
// (following symbolic links), and which are missing.
func snapshot(dirs map[string]map[string]bool) map[string]fileState {
	out := map[string]fileState{}
	stat := func(path string) {
		st, err := os.Stat(path)
		if err != nil {
			out[path] = fileState{size: -1}
			return
		}
		out[path] = fileState{size: st.Size(), mtime: st.ModTime()}
	}
	for dir, names := range dirs {
		if names != nil {
			for name := range names {
				stat(filepath.Join(dir, name))
			}
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			out[dir] = fileState{size: -1}
			continue
		}
		for _, e := range entries {
			if n := e.Name(); !strings.HasPrefix(n, ".") && !strings.HasSuffix(n, "~") {
				stat(filepath.Join(dir, n))
			}
		}
	}
	return out
}
