package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"faqbot/bot"
	"faqbot/internal/defaults"
)

// Drivers accepted in Config.Driver.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Defaults applied by Open to zero Config fields.
const (
	DefaultRetention       = 90 * 24 * time.Hour
	DefaultBatchSize       = 256
	DefaultFlushInterval   = time.Second
	DefaultBufferSize      = 8192
	DefaultShutdownTimeout = 5 * time.Second
	DefaultWriteTimeout    = 10 * time.Second
	DefaultPurgeInterval   = time.Hour
)

// maxTextBytes bounds the stored question and title text.
const maxTextBytes = 2000

// Config configures a Store. Zero fields take the defaults above.
type Config struct {
	// Driver is DriverSQLite or DriverPostgres. Empty picks by DSN: a
	// postgres:// or postgresql:// URL means PostgreSQL, anything else is a
	// SQLite database file path.
	Driver string
	// DSN is the PostgreSQL URL, or the SQLite file path (its directory is
	// created with mode 0700, the file with mode 0600). A SQLite DSN that
	// already carries query parameters ("file:x.db?...") is used verbatim.
	DSN string
	// Salt is the secret key of the HMAC-SHA256 that replaces user IDs. Keep
	// it out of the config file (an environment variable) and never change
	// it, or feedback stops linking to earlier replies. When empty, a random
	// salt is generated once and kept in the database; that works, but
	// whoever reads the database then has the salt too.
	Salt string
	// Retention is how long questions and feedback are kept (default 90 days).
	Retention time.Duration
	// BatchSize is the most records written in one transaction (default 256).
	BatchSize int
	// FlushInterval is the longest a buffered record waits before it is
	// written (default 1s).
	FlushInterval time.Duration
	// BufferSize is the capacity of the in-memory buffer; records arriving
	// when it is full are dropped and counted (default 8192).
	BufferSize int
	// ShutdownTimeout bounds the final flush when Run's context ends
	// (default 5s).
	ShutdownTimeout time.Duration
	// WriteTimeout bounds one batch write (default 10s).
	WriteTimeout time.Duration
	// PurgeInterval is how often Run deletes expired records (default 1h).
	PurgeInterval time.Duration
	// Journal, when set, is the path prefix of the journal files that keep
	// accepted records until their batch is written, so that a killed
	// process loses none (see journal.go). Open writes what a previous
	// run left in them.
	Journal string
	// Logger receives write failures and drops; nil means slog.Default().
	Logger *slog.Logger
}

// Stats are the store's counters since Open.
type Stats struct {
	// Written is the number of records (questions and feedback) stored.
	Written uint64 `json:"written"`
	// Dropped is the number of records lost: buffer full, store shut down,
	// or their batch failed to write.
	Dropped uint64 `json:"dropped"`
	// WriteErrors is the number of failed batch writes.
	WriteErrors uint64 `json:"write_errors"`
	// Queued is the number of records waiting in the buffer now.
	Queued int `json:"queued"`
}

// Store records questions and feedback and builds reports. It implements
// bot.Recorder. Create it with Open, run its writer with Run, and Close it
// after Run has returned.
type Store struct {
	db      *sql.DB
	dialect dialect
	cfg     Config
	log     *slog.Logger
	q       queries
	salt    []byte

	queue   chan item
	journal *journal
	// hashes hands out HMACs of the salt for accepting records.
	hashes  sync.Pool
	running atomic.Bool
	closed  atomic.Bool

	written     atomic.Uint64
	dropped     atomic.Uint64
	writeErrors atomic.Uint64
	// reportedDrops is the Dropped value last logged by the writer.
	reportedDrops uint64
}

var _ bot.Recorder = (*Store)(nil)

// item is one buffered question or feedback. The user ID is hashed when
// the record is accepted: the raw ID is never kept, in memory or in the
// journal.
type item struct {
	// seq orders journaled records; recID is their stored ID ("" when
	// there is no journal).
	seq      int64
	recID    string
	feedback bool
	helpful  bool
	at       time.Time
	platform string
	userHash string
	text     string
	kind     string
	entryID  string
	title    string
	score    float64
	latency  time.Duration
}

// Open connects to the database named by cfg, creates or migrates its
// schema, and returns a Store ready to Run. It fails when the database
// cannot be reached or migrated, or cfg is invalid; the caller decides
// whether to run without a store.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	driverName, err := cfg.driver()
	if err != nil {
		return nil, err
	}
	var db *sql.DB
	var d dialect
	switch driverName {
	case DriverPostgres:
		pc, err := pgx.ParseConfig(cfg.DSN)
		if err != nil {
			return nil, fmt.Errorf("store: parse postgres dsn: %w", err)
		}
		// pgx's own database/sql adapter, over database/sql's pool.
		db = stdlib.OpenDB(*pc)
		db.SetMaxOpenConns(8)
		d = postgresDialect
	case DriverSQLite:
		dsn, err := sqliteDSN(cfg.DSN)
		if err != nil {
			return nil, err
		}
		db, err = sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite %q: %w", cfg.DSN, err)
		}
		db.SetMaxOpenConns(4)
		d = sqliteDialect
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect %s: %w", driverName, err)
	}
	if err := migrate(ctx, db, d); err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{
		db:      db,
		dialect: d,
		cfg:     cfg,
		log:     cfg.Logger.With("component", "store", "driver", driverName),
		q:       d.queries(),
		queue:   make(chan item, cfg.BufferSize),
	}
	if cfg.Salt != "" {
		s.salt = []byte(cfg.Salt)
	} else {
		salt, err := s.storedSalt(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		s.log.Warn("no salt configured for user ID hashes: using a random salt kept in the database")
		s.salt = salt
	}
	s.hashes.New = func() any { return hmac.New(sha256.New, s.salt) }
	if cfg.Journal != "" {
		err := s.openJournal(ctx)
		switch {
		case errors.Is(err, errJournalBusy):
			// A second process on the same files (two serves on one SQLite
			// database): it runs, without the journal's guarantee, rather
			// than not at all.
			s.log.Warn("store journal in use by another process: this one runs without a journal, so a crash can lose its last second of records", "err", err)
		case err != nil:
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

func (c Config) withDefaults() Config {
	defaults.Positive(&c.Retention, DefaultRetention)
	defaults.Positive(&c.BatchSize, DefaultBatchSize)
	defaults.Positive(&c.FlushInterval, DefaultFlushInterval)
	defaults.Positive(&c.BufferSize, DefaultBufferSize)
	defaults.Positive(&c.ShutdownTimeout, DefaultShutdownTimeout)
	defaults.Positive(&c.WriteTimeout, DefaultWriteTimeout)
	defaults.Positive(&c.PurgeInterval, DefaultPurgeInterval)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func (c Config) driver() (string, error) {
	if c.DSN == "" {
		return "", errors.New("store: empty DSN: want a postgres:// URL or a SQLite file path")
	}
	isPG := strings.HasPrefix(c.DSN, "postgres://") || strings.HasPrefix(c.DSN, "postgresql://")
	switch c.Driver {
	case "":
		if isPG {
			return DriverPostgres, nil
		}
		return DriverSQLite, nil
	case DriverPostgres, "pgx", "postgresql":
		return DriverPostgres, nil
	case DriverSQLite, "sqlite3":
		if isPG {
			return "", fmt.Errorf("store: driver %q with a postgres DSN", c.Driver)
		}
		return DriverSQLite, nil
	default:
		return "", fmt.Errorf("store: unknown driver %q: want %q or %q", c.Driver, DriverSQLite, DriverPostgres)
	}
}

// sqliteDSN turns a file path into a modernc.org/sqlite DSN with WAL, a busy
// timeout and immediate transactions, creating the directory and the file
// with owner-only permissions.
func sqliteDSN(path string) (string, error) {
	if strings.Contains(path, "?") {
		return path, nil
	}
	path = strings.TrimPrefix(path, "file:")
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("store: create data directory %q: %w", dir, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", fmt.Errorf("store: create sqlite file %q: %w", path, err)
	}
	f.Close()
	return "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate", nil
}

// storedSalt returns the salt kept in the settings table, creating it once.
func (s *Store) storedSalt(ctx context.Context) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return nil, fmt.Errorf("store: generate salt: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, s.q.insertSetting, "user_hash_salt", hex.EncodeToString(b)); err != nil {
		return nil, fmt.Errorf("store: save salt: %w", err)
	}
	var v string
	if err := s.db.QueryRowContext(ctx, s.q.selectSetting, "user_hash_salt").Scan(&v); err != nil {
		return nil, fmt.Errorf("store: read salt: %w", err)
	}
	return []byte(v), nil
}

// RecordQuestion buffers r for the writer and returns at once. When the
// buffer is full or the store has shut down, r is dropped and counted.
func (s *Store) RecordQuestion(r bot.Record) {
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	s.enqueue(item{
		at:       r.Time,
		platform: r.Platform,
		text:     r.Question,
		kind:     string(r.Kind),
		entryID:  r.EntryID,
		title:    r.Title,
		score:    r.Score,
		latency:  r.Latency,
	}, r.UserID)
}

// RecordFeedback buffers f, given at time at, for the writer and returns at
// once. It is stored linked to the most recent question by the same user
// that was answered with f.EntryID. When the buffer is full or the store has
// shut down, f is dropped and counted.
func (s *Store) RecordFeedback(f bot.Feedback, at time.Time) {
	if at.IsZero() {
		at = time.Now()
	}
	s.enqueue(item{
		feedback: true,
		helpful:  f.Helpful,
		at:       at,
		platform: f.Platform,
		entryID:  f.EntryID,
	}, f.UserID)
}

// openJournal opens the journal and writes the records a previous run
// left in it, then deletes those files.
func (s *Store) openJournal(ctx context.Context) error {
	j, left, files, err := openJournal(s.cfg.Journal)
	if err != nil {
		return err
	}
	if len(left) > 0 {
		if err := s.replay(ctx, left); err != nil {
			j.close(false)
			return err
		}
		s.written.Add(uint64(len(left)))
		s.log.Info("store wrote the records a previous run left in its journal", "records", len(left), "files", len(files))
	}
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			s.log.Warn("store journal: remove replayed file", "file", f, "err", err)
		}
	}
	s.journal = j
	return nil
}

func (s *Store) enqueue(it item, userID string) {
	if s.closed.Load() {
		s.dropped.Add(1)
		return
	}
	h := s.hashes.Get().(hash.Hash)
	it.userHash = userHash(h, it.platform, userID)
	s.hashes.Put(h)
	push := func() {
		select {
		case s.queue <- it:
		default:
			s.dropped.Add(1)
		}
	}
	if s.journal == nil {
		push()
		return
	}
	if err := s.journal.append(&it, func() { it.recID = recordID(it.seq); push() }); err != nil {
		s.log.Error("store journal", "err", err)
	}
}

// Stats returns the store's counters. It is safe to call at any time, for
// example from a metrics collector.
func (s *Store) Stats() Stats {
	return Stats{
		Written:     s.written.Load(),
		Dropped:     s.dropped.Load(),
		WriteErrors: s.writeErrors.Load(),
		Queued:      len(s.queue),
	}
}

// Run writes buffered records in batches and purges expired ones until ctx
// is done, then flushes what is still buffered within Config.ShutdownTimeout
// and returns nil. Write failures are logged and counted, never returned.
// Run may be called once; it does not close the database (Close does).
func (s *Store) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("store: Run called twice")
	}
	// Purges run beside the writer, so that a long purge never holds up
	// writes.
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { s.purgeLoop(ctx) })

	flush := time.NewTimer(s.cfg.FlushInterval)
	flush.Stop()
	defer flush.Stop()
	var flushC <-chan time.Time

	batch := make([]item, 0, s.cfg.BatchSize)
	// Writes outlive ctx so that an in-flight batch is not torn at shutdown.
	wctx := context.WithoutCancel(ctx)
	for {
		select {
		case <-ctx.Done():
			s.shutdown(wctx, batch)
			return nil
		case it := <-s.queue:
			batch = append(batch, it)
			if len(batch) < s.cfg.BatchSize {
				if flushC == nil {
					flush.Reset(s.cfg.FlushInterval)
					flushC = flush.C
				}
				continue
			}
			flush.Stop()
			flushC = nil
			s.writeBatch(wctx, batch, s.cfg.WriteTimeout)
			batch = batch[:0]
		case <-flushC:
			flushC = nil
			s.writeBatch(wctx, batch, s.cfg.WriteTimeout)
			batch = batch[:0]
		}
	}
}

// shutdown stops accepting records, then writes the batch and everything
// buffered until the shutdown deadline; what is left is counted as dropped.
func (s *Store) shutdown(ctx context.Context, batch []item) {
	s.closed.Store(true)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownTimeout)
	defer cancel()
	for {
	fill:
		for len(batch) < s.cfg.BatchSize {
			select {
			case it := <-s.queue:
				batch = append(batch, it)
			default:
				break fill
			}
		}
		if len(batch) == 0 {
			s.closeJournal(true)
			return
		}
		if ctx.Err() != nil {
			n := len(batch) + len(s.queue)
			s.dropped.Add(uint64(n))
			s.log.Error("store shutdown deadline passed: records not written", "records", n, "journaled", s.journal != nil)
			for len(s.queue) > 0 {
				<-s.queue
			}
			// The journal keeps them for the next start.
			s.closeJournal(false)
			return
		}
		s.writeBatch(ctx, batch, s.cfg.WriteTimeout)
		batch = batch[:0]
	}
}

// writeBatch writes batch in one transaction. A failure drops the batch:
// it is logged and counted.
func (s *Store) writeBatch(ctx context.Context, batch []item, timeout time.Duration) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := s.insert(ctx, batch)
	if s.journal != nil {
		if jerr := s.journal.committed(batch[len(batch)-1].seq); jerr != nil {
			s.log.Warn("store journal: rotate", "err", jerr)
		}
	}
	if err != nil {
		s.writeErrors.Add(1)
		s.dropped.Add(uint64(len(batch)))
		s.log.Error("store write failed: records dropped", "records", len(batch), "err", err)
	} else {
		s.written.Add(uint64(len(batch)))
	}
	if d := s.dropped.Load(); d != s.reportedDrops {
		if n := d - s.reportedDrops; n > 0 {
			s.log.Warn("store dropped records", "dropped", n, "dropped_total", d)
		}
		s.reportedDrops = d
	}
}

func (s *Store) insert(ctx context.Context, batch []item) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var qStmt, fStmt *sql.Stmt
	for _, it := range batch {
		uh := it.userHash
		ms := it.at.UnixMilli()
		if it.feedback {
			if fStmt == nil {
				if fStmt, err = tx.PrepareContext(ctx, s.q.insertFeedback); err != nil {
					return fmt.Errorf("prepare feedback insert: %w", err)
				}
				defer fStmt.Close()
			}
			helpful := 0
			if it.helpful {
				helpful = 1
			}
			if _, err = fStmt.ExecContext(ctx, ms, it.platform, uh, it.entryID, helpful, nullable(it.recID), uh, it.entryID, ms); err != nil {
				return fmt.Errorf("insert feedback: %w", err)
			}
			continue
		}
		if qStmt == nil {
			if qStmt, err = tx.PrepareContext(ctx, s.q.insertQuestion); err != nil {
				return fmt.Errorf("prepare question insert: %w", err)
			}
			defer qStmt.Close()
		}
		if _, err = qStmt.ExecContext(ctx, ms, it.platform, uh, clip(it.text), it.kind, it.entryID, clip(it.title), it.score, it.latency.Microseconds(), nullable(it.recID)); err != nil {
			return fmt.Errorf("insert question: %w", err)
		}
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// nullable is s, or NULL for "": records written without a journal have no
// ID, and NULLs never conflict.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// closeJournal closes the journal, removing its files when everything it
// held was written.
func (s *Store) closeJournal(empty bool) {
	if s.journal == nil {
		return
	}
	if err := s.journal.close(empty); err != nil {
		s.log.Warn("store journal: close", "err", err)
	}
}

// userHash is the hex HMAC-SHA256 (first 128 bits) of the platform and user
// ID; "" stays "" so anonymous records never link to each other.
func userHash(h hash.Hash, platform, userID string) string {
	if userID == "" {
		return ""
	}
	h.Reset()
	h.Write([]byte(platform))
	h.Write([]byte{0})
	h.Write([]byte(userID))
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// clip cuts s to at most maxTextBytes on a rune boundary, and replaces
// invalid UTF-8, which PostgreSQL rejects.
func clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) <= maxTextBytes {
		return s
	}
	i := maxTextBytes
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// purgeLoop purges expired records now and every PurgeInterval until ctx
// is done.
func (s *Store) purgeLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.PurgeInterval)
	defer t.Stop()
	for {
		s.purge(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Store) purge(ctx context.Context) {
	n, err := s.Purge(ctx, time.Now())
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("store purge failed", "err", err)
		}
		return
	}
	if n > 0 {
		s.log.Info("store purged expired records", "records", n, "retention", s.cfg.Retention)
	}
}

// Purge deletes the questions and feedback older than the retention period
// before now, and returns how many records it deleted.
func (s *Store) Purge(ctx context.Context, now time.Time) (int64, error) {
	cutoff := now.Add(-s.cfg.Retention).UnixMilli()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: purge: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.q.unlinkExpired, cutoff); err != nil {
		return 0, fmt.Errorf("store: purge: unlink feedback: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q.purgeClaims, now.Add(-claimKeep).UnixMilli()); err != nil {
		return 0, fmt.Errorf("store: purge: claims: %w", err)
	}
	var total int64
	for _, q := range []string{s.q.purgeFeedback, s.q.purgeQuestions} {
		res, err := tx.ExecContext(ctx, q, cutoff)
		if err != nil {
			return 0, fmt.Errorf("store: purge: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: purge: commit: %w", err)
	}
	return total, nil
}

// Close closes the database. Call it after Run has returned; records
// buffered but not written are counted as dropped.
func (s *Store) Close() error {
	s.closed.Store(true)
	for len(s.queue) > 0 {
		<-s.queue
		s.dropped.Add(1)
	}
	// Records dropped here stay in the journal for the next Open; after a
	// clean Run the journal is already closed and removed.
	if s.journal != nil && !s.running.Load() {
		s.closeJournal(false)
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}
