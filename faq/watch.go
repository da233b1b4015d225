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
	cw, err := NewWatcher(paths, debounce, logger)
	if err != nil {
		return err
	}
	defer cw.Close()
	return cw.Run(ctx, onChange)
}

// Watcher is Watch in two steps: NewWatcher registers the folders, so that
// every change made after it returns is seen, and Run reacts to changes.
// A server creates it before it announces readiness (a file written just
// after /readyz answers would otherwise be missed while a goroutine was
// still registering the folders).
type Watcher struct {
	w     *watcher
	paths []string
	wait  time.Duration
}

// NewWatcher watches paths as Watch does, from now on; Run reacts, Close
// ends the watch (after Run or instead of it).
func NewWatcher(paths []string, debounce time.Duration, logger *slog.Logger) (*Watcher, error) {
	if len(paths) == 0 {
		return nil, errors.New("faq: watch: no paths")
	}
	if debounce <= 0 {
		debounce = DefaultWatchDebounce
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	dirs, err := watchedDirs(paths)
	if err != nil {
		return nil, err
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("faq: watch: %w", err)
	}
	w := &watcher{fs: fw, dirs: dirs, missing: map[string]bool{}, log: logger.With("component", "watch"),
		deb: debouncer{wait: debounce}, now: time.Now, snapshot: func() map[string]fileState { return snapshot(dirs) }}
	if err := w.add(); err != nil {
		fw.Close()
		return nil, err
	}
	return &Watcher{w: w, paths: paths, wait: debounce}, nil
}

// Run calls onChange after each burst of changes, as Watch does, until ctx
// is done (nil) or the watch fails.
func (cw *Watcher) Run(ctx context.Context, onChange func()) error {
	cw.w.log.Info("watching content", "paths", cw.paths, "debounce", cw.wait)
	return cw.w.run(ctx, onChange)
}

// Close ends the watch; it may be called more than once.
func (cw *Watcher) Close() error {
	if err := cw.w.fs.Close(); err != nil {
		return fmt.Errorf("faq: watch: %w", err)
	}
	return nil
}

// watchedDirs maps each watched folder to the file names of interest in it
// (nil: every file).
func watchedDirs(paths []string) (map[string]map[string]bool, error) {
	dirs := map[string]map[string]bool{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("faq: watch %q: %w", p, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("faq: watch: %w", err)
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
	return dirs, nil
}

// watcher is the state of one Watch: the fsnotify watches, the folders
// that went missing (polled for), and the debouncer.
type watcher struct {
	fs      *fsnotify.Watcher
	dirs    map[string]map[string]bool
	missing map[string]bool
	poll    *time.Ticker // while a folder is missing
	log     *slog.Logger

	deb      debouncer
	timer    *time.Timer
	now      func() time.Time
	snapshot func() map[string]fileState
}

// add watches every folder, and the folder above each, where removal,
// renaming and symlink swaps of a watched folder show.
func (w *watcher) add() error {
	for dir := range w.dirs {
		if err := w.fs.Add(dir); err != nil {
			return fmt.Errorf("faq: watch %q: %w", dir, err)
		}
	}
	parents := map[string]bool{}
	for dir := range w.dirs {
		if parent := filepath.Dir(dir); parent != dir { // the root has no parent
			parents[parent] = true
		}
	}
	for parent := range parents {
		if _, ok := w.dirs[parent]; ok {
			continue
		}
		if err := w.fs.Add(parent); err != nil {
			// Not fatal: a missing folder is still found by polling.
			w.log.Warn("cannot watch the folder above the content; a replaced content folder is found by polling only", "dir", parent, "err", err)
		}
	}
	return nil
}

// run is the event loop: events and errors from fsnotify, the poll for
// missing folders, and the debouncer's timer, until ctx is done.
func (w *watcher) run(ctx context.Context, onChange func()) error {
	w.timer = time.NewTimer(time.Hour)
	w.timer.Stop()
	defer w.timer.Stop()
	defer w.stopPolling()
	for {
		var pollC <-chan time.Time
		if w.poll != nil {
			pollC = w.poll.C
		}
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.fs.Events:
			if !ok {
				return nil
			}
			w.event(ev)
		case <-pollC:
			w.pollMissing()
		case err, ok := <-w.fs.Errors:
			if !ok {
				return nil
			}
			w.fsError(err)
		case <-w.timer.C:
			if fire, next := w.deb.due(w.now(), w.snapshot); fire {
				onChange()
			} else if next >= 0 {
				w.timer.Reset(next)
			}
		}
	}
}

// changed notes one change for the debouncer.
func (w *watcher) changed() { w.timer.Reset(w.deb.change(w.now())) }

// event handles one fsnotify event.
func (w *watcher) event(ev fsnotify.Event) {
	if _, ok := w.dirs[filepath.Clean(ev.Name)]; ok {
		// A watched folder itself, seen from its parent or its own watch.
		if ev.Op == fsnotify.Chmod || ev.Op == fsnotify.Write {
			return
		}
		// Removed, renamed, re-created or swapped: watch what is at the
		// path now (or poll for it) and reload.
		w.log.Debug("content folder changed", "dir", ev.Name, "op", ev.Op.String())
		w.rewatch(filepath.Clean(ev.Name))
		w.changed()
		return
	}
	if !w.relevant(ev) {
		return
	}
	w.log.Debug("content changed", "file", ev.Name, "op", ev.Op.String())
	w.changed()
}

// relevant reports whether ev is about a content file.
func (w *watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	dir, name := filepath.Split(ev.Name)
	if name == "" || strings.HasSuffix(name, "~") {
		return false
	}
	names, ok := w.dirs[filepath.Clean(dir)]
	if !ok {
		return false
	}
	if name == k8sDataLink {
		return true
	}
	return !strings.HasPrefix(name, ".") && (names == nil || names[name])
}

func (w *watcher) fsError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		// Events were lost; reindex to be safe.
		w.log.Warn("watch overflow; reindexing", "err", err)
		w.changed()
		return
	}
	w.log.Warn("watch error", "err", err)
}

// pollMissing looks for the missing folders again.
func (w *watcher) pollMissing() {
	for dir := range maps.Clone(w.missing) {
		if w.rewatch(dir) {
			w.changed()
		}
	}
	if len(w.missing) == 0 {
		w.stopPolling()
	}
}

func (w *watcher) stopPolling() {
	if w.poll != nil {
		w.poll.Stop()
		w.poll = nil
	}
}

// rewatch watches the folder now at dir again; it reports whether dir
// exists. A missing folder is polled for every debounce.
func (w *watcher) rewatch(dir string) bool {
	_ = w.fs.Remove(dir) // the old folder's watch, if fsnotify kept it
	if err := w.fs.Add(dir); err != nil {
		if !w.missing[dir] {
			w.log.Warn("content folder is gone; watching for it to come back", "dir", dir, "err", err)
		}
		w.missing[dir] = true
		if w.poll == nil {
			w.poll = time.NewTicker(w.deb.wait)
		}
		return false
	}
	if w.missing[dir] {
		w.log.Info("content folder is back; watching it again", "dir", dir)
	}
	delete(w.missing, dir)
	return true
}

// debouncer decides when a burst of changes is over. It has no clock or
// timer of its own: the caller passes the time and waits what it says,
// which keeps it testable without sleeping. Its states:
//
//	idle    --change--------------------------------> pending: deadline = now+10×wait,
//	                                                   look after wait
//	pending --change--------------------------------> pending: look after wait
//	                                                   (never past the deadline)
//	pending --due: files differ from the last look,--> pending: remember them,
//	          and the deadline is ahead                look again after wait
//	pending --due: files as at the last look, or-----> idle: fire (onChange)
//	          the deadline has passed
//	idle    --due-----------------------------------> idle (a stale timer)
type debouncer struct {
	wait     time.Duration
	pending  bool
	deadline time.Time // latest time to fire for the current burst
	last     map[string]fileState
}

// change records a change at now and returns how long to wait before due.
func (d *debouncer) change(now time.Time) time.Duration {
	if !d.pending {
		d.pending, d.last = true, nil
		d.deadline = now.Add(10 * d.wait)
	}
	return max(0, min(d.wait, d.deadline.Sub(now)))
}

// due is called when the wait is over, with a way to look at the files. It
// reports whether to fire, or else how long to wait before the next due
// (negative: nothing is pending).
func (d *debouncer) due(now time.Time, look func() map[string]fileState) (fire bool, next time.Duration) {
	if !d.pending {
		return false, -1
	}
	snap := look()
	if now.Before(d.deadline) && (d.last == nil || !maps.Equal(snap, d.last)) {
		// Not yet seen stable across one wait: look again.
		d.last = snap
		return false, max(0, min(d.wait, d.deadline.Sub(now)))
	}
	d.pending, d.last = false, nil
	return true, -1
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
