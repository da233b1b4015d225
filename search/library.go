package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"

	"faqbot/faq"
)

// LibraryConfig says where the content and extra synonyms live.
type LibraryConfig struct {
	// Paths are content files or folders.
	Paths []string
	// SynonymFiles extend the bundled thesaurus.
	SynonymFiles []string
	// Lexicons extend the built-in word lists (see Lexicons).
	Lexicons LexiconFiles
	// Options are the content validation options.
	Options faq.Options
	Logger  *slog.Logger
	// IndexPath, when set, is a folder where the index is kept on disk,
	// keyed by the content version and the binary (persist.go): a start
	// with unchanged content opens it instead of building, and every
	// successful build is written there, beside the previous one until it
	// serves. "" keeps the index in memory only. A problem with the folder
	// is logged and never stops the library: the index is built as
	// without it.
	IndexPath string
	// OnReindex, when set, is called once after every reindex attempt
	// (not the first load), with its report; rep.OK tells success. It runs
	// on the build goroutine, so it must return quickly (metrics).
	OnReindex func(rep Report)
}

// Library owns the content: it loads it, builds the index, and reindexes
// on request without downtime. Concurrent Reindex calls coalesce: a call
// made while a build runs waits for one more build, shared by every call
// that arrived meanwhile. A failed reindex keeps the previous index.
type Library struct {
	cfg LibraryConfig
	idx *Index
	log *slog.Logger

	// store keeps the persisted index (nil without IndexPath); only the
	// build goroutine (OpenLibrary's save, then run) uses it, and saving
	// counts the save of the first build, which run and Close wait for.
	store  *diskStore
	saving sync.WaitGroup

	mu      sync.Mutex
	running *build
	pending *build
	status  Status
}

type build struct {
	done    chan struct{}
	trigger string
	report  Report
	err     error
}

// FileStatus is one content file's state.
type FileStatus struct {
	Path    string `json:"path"`
	Entries int    `json:"entries"`
	// Alternates is, for the alternates overlay, how many wordings it
	// added to entries.
	Alternates int    `json:"alternates,omitempty"`
	Error      string `json:"error,omitempty"`
}

// Report is the outcome of one load or reindex.
type Report struct {
	OK         bool         `json:"ok"`
	Trigger    string       `json:"trigger,omitempty"`
	At         time.Time    `json:"at"`
	DurationMS float64      `json:"duration_ms"`
	Version    string       `json:"version"`
	Entries    int          `json:"entries"`
	Synonyms   int          `json:"synonym_groups"`
	Files      []FileStatus `json:"files"`
	Errors     []string     `json:"errors,omitempty"`
	// Warnings are content problems worked around (duplicate questions
	// skipped, long answers cut into parts; see faq.Check): the first
	// maxReportWarnings of them, and how many there were in all.
	Warnings     []string `json:"warnings,omitempty"`
	WarningCount int      `json:"warning_count,omitempty"`
}

// maxReportWarnings caps the warnings a report lists; a large knowledge
// base may have thousands, which `faqbot validate` lists in full.
const maxReportWarnings = 20

// Status describes what is serving and how the last reindex went.
type Status struct {
	// Serving is the report of the content currently indexed.
	Serving Report `json:"serving"`
	// LastReindex is the latest attempt (it may have failed).
	LastReindex *Report `json:"last_reindex,omitempty"`
	Reindexes   int     `json:"reindexes"`
	Failures    int     `json:"reindex_failures"`
}

// OpenLibrary loads the content and builds the first index. Files that fail
// to load are reported (in the returned Report and the log) and left out;
// it fails only when no entry at all could be indexed.
func OpenLibrary(cfg LibraryConfig) (*Library, Report, error) {
	l := &Library{cfg: cfg, log: cfg.Logger}
	if l.log == nil {
		l.log = slog.Default()
	}
	if cfg.IndexPath != "" {
		go analysisVersion() // hash the binary while the content is read
		st, err := openDiskStore(cfg.IndexPath, l.log.With("index_path", cfg.IndexPath))
		if err != nil {
			l.log.Warn("persisted index off: building in memory", "error", err)
		} else {
			l.store = st
			if rep, ok := l.openPersisted(); ok {
				return l, rep, nil
			}
		}
	}
	entries, syn, rep, err := l.load("start")
	if err != nil {
		for _, e := range rep.Errors {
			l.log.Error("content problem", "error", e)
		}
	}
	if len(entries) == 0 || syn == nil {
		if err == nil {
			err = errors.New("no content files")
		}
		l.closeStore()
		return nil, rep, fmt.Errorf("search: no content could be loaded: %w", err)
	}
	start := time.Now()
	idx, berr := newIndexIn(entries, syn, l.buildDir())
	if berr != nil {
		l.closeStore()
		return nil, rep, berr
	}
	l.noteDiskErr(idx.snap)
	rep.OK = err == nil
	rep.DurationMS += ms(time.Since(start))
	l.idx = idx
	if l.store != nil {
		// Written while the index already serves: a first start is
		// ready as soon as it is built. A reindex and Close wait for it.
		s, ok := idx.snap, rep.OK
		l.saving.Add(1)
		go func() {
			defer l.saving.Done()
			if ok {
				l.persist(s, rep)
			}
			l.store.prune()
		}()
	}
	// The build's garbage (bleve's analysis of every entry) is several
	// times the index: give it back to the system now.
	debug.FreeOSMemory()
	l.status.Serving = rep
	return l, rep, nil
}

// Index is the live index; it stays the same value across reindexes.
func (l *Library) Index() *Index { return l.idx }

// Status returns a copy of the current status.
func (l *Library) Status() Status {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

// Reindex reloads the content and swaps in a new index. It returns the
// report of the build it joined; on failure (any file broken, invalid
// synonyms, no entries) the error lists every problem with file and line
// and the previous index keeps serving. ctx only bounds the wait: the
// build itself always completes.
func (l *Library) Reindex(ctx context.Context, trigger string) (Report, error) {
	l.mu.Lock()
	var b *build
	switch {
	case l.running == nil:
		b = &build{done: make(chan struct{}), trigger: trigger}
		l.running = b
		go l.run(b)
	case l.pending == nil:
		b = &build{done: make(chan struct{}), trigger: trigger}
		l.pending = b
	default:
		b = l.pending
	}
	l.mu.Unlock()
	select {
	case <-b.done:
		return b.report, b.err
	case <-ctx.Done():
		return Report{}, ctx.Err()
	}
}

func (l *Library) run(b *build) {
	for b != nil {
		b.report, b.err = l.rebuild(b.trigger)
		if l.cfg.OnReindex != nil {
			l.cfg.OnReindex(b.report)
		}
		l.mu.Lock()
		l.status.Reindexes++
		rep := b.report
		l.status.LastReindex = &rep
		if b.err == nil {
			l.status.Serving = rep
		} else {
			l.status.Failures++
		}
		close(b.done)
		l.running, l.pending = l.pending, nil
		b = l.running
		l.mu.Unlock()
	}
}

func (l *Library) rebuild(trigger string) (Report, error) {
	l.saving.Wait()
	defer collectHarder(reindexGCPercent)()
	start := time.Now()
	entries, syn, rep, err := l.load(trigger)
	if testHookBuild != nil {
		testHookBuild()
	}
	if err == nil {
		var s *snapshot
		if s, err = buildSnapshotIn(entries, syn, l.buildDir()); err != nil {
			rep.Errors = append(rep.Errors, err.Error())
		} else {
			l.noteDiskErr(s)
			// On disk first, then in memory: the folder of the new
			// content is complete before it serves, and the old one is
			// removed only once nothing serves from it.
			l.persist(s, rep)
			l.idx.swap(s)
			if l.store != nil {
				l.store.prune()
			}
		}
		debug.FreeOSMemory() // the old index and the build's garbage
	}
	rep.DurationMS = ms(time.Since(start))
	rep.OK = err == nil
	if err != nil {
		l.log.Error("reindex failed; previous content keeps serving", "trigger", trigger, "errors", len(rep.Errors), "error", err)
		return rep, fmt.Errorf("search: reindex: %w", err)
	}
	l.log.Info("reindexed", "trigger", trigger, "version", rep.Version, "entries", rep.Entries, "duration_ms", rep.DurationMS)
	return rep, nil
}

// testHookBuild, when set by a test, runs in a reindex once the content is
// loaded, before the index is built.
var testHookBuild func()

// reindexGCPercent is the collector's target while a reindex builds. The
// old index serves beside the new one, so the live heap is about twice the
// steady state, and Go's default (GOGC=100: the heap may grow to twice what
// is live before a collection) let the process reach 2–3 times its steady
// RSS. Measured with `faqbot serve` and POST /admin/reindex?force=1; the
// figures that chose it are in docs/BENCHMARKS.md, "Reindex peak".
const reindexGCPercent = 25

// collectHarder lowers the collector's target to percent until the
// returned function is called, unless the process already runs with a
// lower one or with the collector off (GOGC=off), which it leaves alone.
// Builds of several libraries may overlap: the first lowers the target,
// the last to finish restores it.
func collectHarder(percent int) (restore func()) {
	harder.mu.Lock()
	defer harder.mu.Unlock()
	if harder.builds == 0 {
		if harder.saved = gcPercent(); harder.saved > percent {
			debug.SetGCPercent(percent)
		}
	}
	harder.builds++
	return func() {
		harder.mu.Lock()
		defer harder.mu.Unlock()
		if harder.builds--; harder.builds == 0 && harder.saved > percent {
			debug.SetGCPercent(harder.saved)
		}
	}
}

// harder is collectHarder's state: the builds under way and the target
// the first of them found.
var harder struct {
	mu     sync.Mutex
	builds int
	saved  int
}

// gcPercent reads the collector's target without changing it (-1 when it
// is off), from the runtime's own metric (debug.SetGCPercent can only read
// it by setting it).
func gcPercent() int {
	sample := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 100 // not reported: Go's default
	}
	// off is -1, which the metric holds as its two's complement
	return int(int64(sample[0].Value.Uint64()))
}

// load reads content and synonyms into a report; err joins every problem.
func (l *Library) load(trigger string) ([]faq.Entry, *Synonyms, Report, error) {
	rep := Report{Trigger: trigger, At: time.Now()}
	res, err := faq.Load(l.cfg.Paths, l.cfg.Options)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	syn, serr := l.loadVocabulary()
	if serr != nil {
		errs = append(errs, serr)
	}
	if res != nil {
		rep.Version = res.Version
		rep.Entries = len(res.Entries)
		rep.WarningCount = len(res.Warnings)
		for _, w := range res.Warnings {
			if len(rep.Warnings) == maxReportWarnings {
				break
			}
			rep.Warnings = append(rep.Warnings, w.Error())
		}
		if len(res.Warnings) > 0 {
			l.log.Warn("content warnings: problems worked around (faqbot validate lists them all)",
				"trigger", trigger, "warnings", len(res.Warnings), "first", res.Warnings[0].Error())
		}
		for _, f := range res.Files {
			fs := FileStatus{Path: f.Path, Entries: f.Entries, Alternates: f.Alternates}
			if f.Err != nil {
				fs.Error = f.Err.Error()
			}
			rep.Files = append(rep.Files, fs)
		}
	}
	if syn != nil {
		rep.Synonyms = syn.Len()
	}
	err = errors.Join(errs...)
	if err != nil {
		rep.Errors = faq.ErrorList(err)
	}
	var entries []faq.Entry
	if res != nil {
		entries = res.Entries
	}
	return entries, syn, rep, err
}

// loadVocabulary reads the thesaurus and the operator's lexicons; the
// synonyms are nil when either has a problem.
func (l *Library) loadVocabulary() (*Synonyms, error) {
	syn, serr := LoadSynonyms(l.cfg.SynonymFiles)
	lex, lerr := LoadLexicons(l.cfg.Lexicons)
	if err := errors.Join(serr, lerr); err != nil {
		return nil, err
	}
	return syn.WithLexicons(lex), nil
}

// buildDir is where builds make their temporary folder: inside the index
// path when there is one (its start removes what a killed build left),
// else "" for the system's temporary folder.
func (l *Library) buildDir() string {
	if l.store != nil {
		return l.store.dir
	}
	return ""
}

// noteDiskErr logs why s's bleve index was built in memory, if it was.
func (l *Library) noteDiskErr(s *snapshot) {
	if s.diskErr != nil {
		l.log.Warn("index built in memory (more memory at the peak): building on disk failed", "error", s.diskErr)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Close releases the index and the index path.
func (l *Library) Close() error {
	l.saving.Wait()
	err := l.idx.Close()
	l.closeStore()
	return err
}

func (l *Library) closeStore() {
	if l.store != nil {
		l.store.close()
	}
}

// openPersisted serves the persisted index of the content as it is on
// disk now, if there is a good one. A missing one is normal (new content,
// a new binary); a corrupt or half-written one is logged and removed, and
// the caller builds.
func (l *Library) openPersisted() (Report, bool) {
	start := time.Now()
	syn, err := l.loadVocabulary()
	if err != nil {
		return Report{}, false // the load reports the problem
	}
	// While the content is hashed, read the folder most likely to be its
	// index: the only one there (every build removes the others).
	type opened struct {
		key string
		s   *snapshot
		rep Report
		err error
	}
	var early chan opened
	if names := l.store.versions(); len(names) == 1 {
		early = make(chan opened, 1)
		go func() {
			s, rep, err := l.store.load(names[0], syn)
			early <- opened{names[0], s, rep, err}
		}()
	}
	version, ferr := faq.Fingerprint(l.cfg.Paths, l.cfg.Options)
	key, kerr := "", error(nil)
	if ferr == nil {
		key, kerr = persistKey(version, l.cfg.Options)
	}
	var o opened
	switch {
	case early != nil:
		o = <-early
		if o.key != key || ferr != nil || kerr != nil {
			if o.s != nil {
				o.s.idx.Close()
			}
			o = opened{key: key, err: errNotPersisted}
		}
	case ferr == nil && kerr == nil:
		o.key = key
		o.s, o.rep, o.err = l.store.load(key, syn)
	}
	if ferr != nil {
		return Report{}, false // the load reports the problem
	}
	if kerr != nil {
		l.log.Warn("persisted index off: no key for this binary", "error", kerr)
		l.closeStore()
		l.store = nil
		return Report{}, false
	}
	s, rep, err := o.s, o.rep, o.err
	if errors.Is(err, errNotPersisted) {
		l.log.Info("no persisted index for this content and binary: building", "version", version)
		return Report{}, false
	}
	if err != nil {
		l.log.Error("persisted index unusable: rebuilding", "error", err)
		l.store.remove(key)
		return Report{}, false
	}
	if rep.Version != version || !rep.OK {
		l.log.Error("persisted index unusable: rebuilding", "error", fmt.Sprintf("its report has version %s (ok %v), want %s", rep.Version, rep.OK, version))
		s.idx.Close()
		l.store.remove(key)
		return Report{}, false
	}
	if embeddedDataErr() != nil {
		s.idx.Close()
		return Report{}, false // New, building, reports it
	}
	rep.Trigger, rep.At, rep.Synonyms = "start", start, syn.Len()
	l.servePersisted(s, key, rep)
	return l.status.Serving, true
}

// servePersisted makes s, opened from the index path under key, the
// serving index, as a first load would: the content-loss guard learns its
// files, its warnings are logged, its report serves.
func (l *Library) servePersisted(s *snapshot, key string, rep Report) {
	if g := l.cfg.Options.Guard; g != nil {
		files := make([]faq.FileResult, len(rep.Files))
		for i, f := range rep.Files {
			files[i] = faq.FileResult{Path: f.Path, Entries: f.Entries, Alternates: f.Alternates}
		}
		g.Accept(files)
	}
	if rep.WarningCount > 0 && len(rep.Warnings) > 0 {
		l.log.Warn("content warnings: problems worked around (faqbot validate lists them all)",
			"trigger", rep.Trigger, "warnings", rep.WarningCount, "first", rep.Warnings[0])
	}
	l.idx = &Index{snap: s, rk: DefaultRanker()}
	l.store.current = key
	l.store.prune()
	rep.DurationMS = ms(time.Since(rep.At))
	l.status.Serving = rep
	l.log.Info("opened the persisted index", "version", rep.Version, "entries", len(s.entries), "duration_ms", rep.DurationMS)
}

// persist writes s, the index of the content rep describes, to the index
// path, unless the folder there already holds this content. A failure is
// logged: the index still serves, from memory.
func (l *Library) persist(s *snapshot, rep Report) {
	if l.store == nil {
		return
	}
	defer dropFolder(s.idx)
	key, err := persistKey(rep.Version, l.cfg.Options)
	if err != nil {
		l.log.Warn("persisted index off: no key for this binary", "error", err)
		return
	}
	if key == l.store.current {
		return
	}
	start := time.Now()
	rep.OK = true
	if err := l.store.save(key, s, rep); err != nil {
		l.log.Error("could not persist the index; it serves from memory", "error", err)
		l.store.current = ""
		return
	}
	l.log.Info("persisted the index", "version", rep.Version, "duration_ms", ms(time.Since(start)))
}
