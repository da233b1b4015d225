package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"faqbot/bot"
	"faqbot/internal/testrun"
)

// envPostgres names the PostgreSQL server the tests run against, as a URL
// (scripts/ci-postgres.sh prints one). The PostgreSQL half of every test is
// skipped when it is unset.
const envPostgres = "FAQBOT_TEST_POSTGRES_DSN"

// eachBackend runs test once against a real SQLite file and once against a
// real PostgreSQL server. newDSN returns a DSN to a fresh, empty database
// (a temp file, or a PostgreSQL schema of its own dropped at cleanup).
func eachBackend(t *testing.T, test func(t *testing.T, newDSN func(t *testing.T) string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		test(t, func(t *testing.T) string {
			return filepath.Join(t.TempDir(), "data", "faqbot.db")
		})
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv(envPostgres)
		if base == "" {
			t.Skipf("PostgreSQL tests skipped: %s is not set (eval \"$(scripts/ci-postgres.sh)\" starts a server and sets it)", envPostgres)
		}
		test(t, func(t *testing.T) string { return pgSchema(t, base) })
	})
}

// pgSchema creates an empty schema for one test and returns base with its
// search_path pointing there.
func pgSchema(t testing.TB, base string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", envPostgres, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "faqbot_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("connect for cleanup: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	if cfg.Salt == "" {
		cfg.Salt = "test-salt"
	}
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// run starts s.Run and returns a stop function that cancels it and checks
// that it returns nil within the shutdown timeout.
func run(t testing.TB, s *Store) (stop func()) {
	t.Helper()
	return testrun.Start(t, "Run", s.cfg.ShutdownTimeout+s.cfg.WriteTimeout+5*time.Second, s.Run).Stop
}

// waitFor polls cond until it holds or 15s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func count(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), s.dialect.sql(query), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestMigrateFromEmpty(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(*testing.T) string) {
		dsn := newDSN(t)
		s := openStore(t, Config{DSN: dsn})
		if got := count(t, s, `SELECT COUNT(*) FROM schema_migrations`); got != len(migrations) {
			t.Errorf("schema_migrations rows: got %d, want %d", got, len(migrations))
		}
		if got := count(t, s, `SELECT MAX(version) FROM schema_migrations`); got != schemaVersion {
			t.Errorf("schema version: got %d, want %d", got, schemaVersion)
		}
		for _, table := range []string{"questions", "feedback", "settings"} {
			if got := count(t, s, `SELECT COUNT(*) FROM `+table); got != 0 {
				t.Errorf("%s rows in a new store: got %d, want 0", table, got)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		// Re-opening, also from several processes at once, changes nothing.
		var wg sync.WaitGroup
		stores := make([]*Store, 4)
		errs := make([]error, 4)
		for i := range stores {
			wg.Go(func() {
				stores[i], errs[i] = Open(context.Background(), Config{DSN: dsn, Salt: "x", Logger: quietLogger()})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("concurrent re-open %d: %v", i, err)
			}
			defer stores[i].Close()
		}
		if got := count(t, stores[0], `SELECT COUNT(*) FROM schema_migrations`); got != len(migrations) {
			t.Errorf("schema_migrations rows after re-open: got %d, want %d", got, len(migrations))
		}
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(*testing.T) string) {
		dsn := newDSN(t)
		s := openStore(t, Config{DSN: dsn})
		if _, err := s.db.Exec(s.dialect.sql(`INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, 'future', 0)`), schemaVersion+1); err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err := Open(context.Background(), Config{DSN: dsn, Salt: "x", Logger: quietLogger()})
		if err == nil || !strings.Contains(err.Error(), "newer") {
			t.Fatalf("Open of a newer schema: got %v, want a 'newer' error", err)
		}
	})
}

func TestRecordAndHashUserIDs(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(*testing.T) string) {
		s := openStore(t, Config{DSN: newDSN(t), FlushInterval: 10 * time.Millisecond})
		stop := run(t, s)
		now := time.Now()
		s.RecordQuestion(bot.Record{Time: now, Platform: "telegram", UserID: "424242", Question: "Can massage help lower back pain?",
			Kind: bot.KindAnswer, EntryID: "back-pain", Title: "Can massage help?", Score: 0.82, Latency: 3 * time.Millisecond})
		s.RecordQuestion(bot.Record{Time: now, Platform: "discord", UserID: "424242", Question: "bad utf8 \xff and nul \x00", Kind: bot.KindFallback})
		s.RecordFeedback(bot.Feedback{Platform: "telegram", UserID: "424242", EntryID: "back-pain", Helpful: true}, now)
		waitFor(t, "3 records written", func() bool { return s.Stats().Written == 3 })
		stop()

		if got := count(t, s, `SELECT COUNT(*) FROM questions WHERE user_hash LIKE '%424242%' OR question LIKE '%424242%'`); got != 0 {
			t.Errorf("rows containing the raw user ID: got %d, want 0", got)
		}
		rows, err := s.db.Query(`SELECT platform, user_hash, kind, entry_id, title, score, latency_us FROM questions ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var hashes []string
		for rows.Next() {
			var platform, hash, kind, entry, title string
			var score float64
			var lat int64
			if err := rows.Scan(&platform, &hash, &kind, &entry, &title, &score, &lat); err != nil {
				t.Fatal(err)
			}
			if len(hash) != 32 {
				t.Errorf("user hash %q: got %d chars, want 32", hash, len(hash))
			}
			hashes = append(hashes, hash)
			if platform == "telegram" && (kind != "answer" || entry != "back-pain" || score != 0.82 || lat != 3000) {
				t.Errorf("stored row: got %s %s %s %v %dµs, want answer back-pain 0.82 3000µs", kind, entry, title, score, lat)
			}
		}
		if len(hashes) != 2 || hashes[0] == hashes[1] {
			t.Errorf("hashes of the same ID on two platforms: got %v, want two different", hashes)
		}
		if st := s.Stats(); st.Dropped != 0 || st.WriteErrors != 0 {
			t.Errorf("stats: got %+v, want no drops or errors", st)
		}
	})
}

func TestFeedbackLinking(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(*testing.T) string) {
		s := openStore(t, Config{DSN: newDSN(t), BatchSize: 3, FlushInterval: 10 * time.Millisecond})
		stop := run(t, s)
		t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
		ask := func(at time.Duration, user, entry, text string) {
			s.RecordQuestion(bot.Record{Time: t0.Add(at), Platform: "telegram", UserID: user, Question: text, Kind: bot.KindAnswer, EntryID: entry, Score: 0.9})
		}
		rate := func(at time.Duration, platform, user, entry string, helpful bool) {
			s.RecordFeedback(bot.Feedback{Platform: platform, UserID: user, EntryID: entry, Helpful: helpful}, t0.Add(at))
		}
		ask(0, "alice", "e1", "q1 alice e1")
		ask(time.Minute, "alice", "e2", "q2 alice e2")
		ask(2*time.Minute, "alice", "e1", "q3 alice e1 again")
		ask(3*time.Minute, "bob", "e1", "q4 bob e1")
		rate(4*time.Minute, "telegram", "alice", "e1", false) // -> q3, the latest e1 reply to alice
		rate(5*time.Minute, "telegram", "alice", "e2", true)  // -> q2
		rate(6*time.Minute, "telegram", "carol", "e1", false) // carol never asked: unlinked
		rate(7*time.Minute, "discord", "alice", "e1", true)   // same ID, other platform: unlinked
		rate(-time.Minute, "telegram", "bob", "e1", true)     // before bob's question: unlinked
		ask(8*time.Minute, "bob", "e3", "q5 bob e3")
		rate(8*time.Minute, "telegram", "bob", "e3", true) // same batch as its question -> q5
		waitFor(t, "11 records written", func() bool { return s.Stats().Written == 11 })
		stop()

		rows, err := s.db.Query(`SELECT f.at_ms, COALESCE(q.question, '') FROM feedback f LEFT JOIN questions q ON q.id = f.question_id ORDER BY f.at_ms`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[time.Duration]string{}
		for rows.Next() {
			var ms int64
			var q string
			if err := rows.Scan(&ms, &q); err != nil {
				t.Fatal(err)
			}
			got[time.UnixMilli(ms).Sub(t0)] = q
		}
		want := map[time.Duration]string{
			4 * time.Minute: "q3 alice e1 again",
			5 * time.Minute: "q2 alice e2",
			6 * time.Minute: "",
			7 * time.Minute: "",
			-time.Minute:    "",
			8 * time.Minute: "q5 bob e3",
		}
		for at, w := range want {
			if g, ok := got[at]; !ok || g != w {
				t.Errorf("feedback at +%v linked to %q (present %v), want %q", at, g, ok, w)
			}
		}
	})
}

func TestRetention(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(*testing.T) string) {
		s := openStore(t, Config{DSN: newDSN(t), Retention: 24 * time.Hour, FlushInterval: 10 * time.Millisecond})
		now := time.Now()
		old, recent := now.Add(-48*time.Hour), now.Add(-time.Hour)
		// Run purges at start: record first, then flush with a writer that
		// starts after the records are buffered... so seed through the writer
		// of a store whose retention is long, then purge with this one.
		long := openStore(t, Config{DSN: s.cfg.DSN, Retention: 365 * 24 * time.Hour, FlushInterval: 10 * time.Millisecond})
		stop := run(t, long)
		long.RecordQuestion(bot.Record{Time: old, Platform: "http", UserID: "u", Question: "old question", Kind: bot.KindAnswer, EntryID: "e1"})
		long.RecordQuestion(bot.Record{Time: recent, Platform: "http", UserID: "u", Question: "recent question", Kind: bot.KindAnswer, EntryID: "e2"})
		long.RecordFeedback(bot.Feedback{Platform: "http", UserID: "u", EntryID: "e1", Helpful: false}, old.Add(time.Minute))
		long.RecordFeedback(bot.Feedback{Platform: "http", UserID: "u", EntryID: "e1", Helpful: false}, recent) // rates the old reply late
		waitFor(t, "4 records written", func() bool { return long.Stats().Written == 4 })
		stop()

		n, err := s.Purge(context.Background(), now)
		if err != nil {
			t.Fatalf("Purge: %v", err)
		}
		if n != 2 {
			t.Errorf("Purge deleted %d records, want 2", n)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM questions WHERE question = 'recent question'`); got != 1 {
			t.Errorf("recent questions left: got %d, want 1", got)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM questions`); got != 1 {
			t.Errorf("questions left: got %d, want 1", got)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM feedback WHERE question_id IS NULL`); got != 1 {
			t.Errorf("feedback left, unlinked from the purged reply: got %d, want 1", got)
		}
		if n, err := s.Purge(context.Background(), now); err != nil || n != 0 {
			t.Errorf("second Purge: got %d, %v, want 0, nil", n, err)
		}
		// The retention default is 90 days.
		if got := (Config{}).withDefaults().Retention; got != 90*24*time.Hour {
			t.Errorf("default retention: got %v, want 90 days", got)
		}
	})
}

func TestShutdownFlushesBuffer(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(*testing.T) string) {
		s := openStore(t, Config{DSN: newDSN(t), BatchSize: 64, FlushInterval: time.Hour})
		stop := run(t, s)
		for i := range 500 {
			s.RecordQuestion(bot.Record{Platform: "cli", UserID: "u", Question: "q", Kind: bot.KindFallback, Score: float64(i)})
		}
		stop()
		if st := s.Stats(); st.Written != 500 || st.Dropped != 0 || st.Queued != 0 {
			t.Errorf("after shutdown: got %+v, want 500 written, nothing dropped or queued", st)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM questions`); got != 500 {
			t.Errorf("rows: got %d, want 500", got)
		}
		// After shutdown records are dropped and counted, not blocked on.
		s.RecordQuestion(bot.Record{Question: "late"})
		if got := s.Stats().Dropped; got != 1 {
			t.Errorf("dropped after shutdown: got %d, want 1", got)
		}
		if err := s.Run(context.Background()); err == nil {
			t.Error("second Run: got nil, want an error")
		}
	})
}

// recordFast records n questions and fails if any single call takes long:
// the reply path must never wait for the store.
func recordFast(t *testing.T, s *Store, n int) {
	t.Helper()
	var worst time.Duration
	for i := range n {
		start := time.Now()
		s.RecordQuestion(bot.Record{Platform: "http", UserID: "u", Question: "is it safe?", Kind: bot.KindAnswer, EntryID: "e", Score: float64(i)})
		worst = max(worst, time.Since(start))
	}
	if worst > 50*time.Millisecond {
		t.Errorf("slowest RecordQuestion: got %v, want well under 50ms", worst)
	}
}

func TestReplyPathUnaffectedWhenStoreDown(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(*testing.T) string) {
		t.Run("buffer full", func(t *testing.T) {
			// No writer running: the buffer fills, the rest is dropped.
			s := openStore(t, Config{DSN: newDSN(t), BufferSize: 10})
			recordFast(t, s, 1000)
			if st := s.Stats(); st.Dropped != 990 || st.Queued != 10 {
				t.Errorf("stats: got %+v, want 990 dropped, 10 queued", st)
			}
		})
		t.Run("database closed", func(t *testing.T) {
			s := openStore(t, Config{DSN: newDSN(t), BatchSize: 10, FlushInterval: 5 * time.Millisecond, ShutdownTimeout: time.Second})
			s.db.Close() // the store is gone under the writer
			stop := run(t, s)
			recordFast(t, s, 1000)
			waitFor(t, "write errors", func() bool { st := s.Stats(); return st.WriteErrors > 0 && st.Dropped+st.Written == 1000 })
			stop()
			if st := s.Stats(); st.Written != 0 || st.Dropped != 1000 {
				t.Errorf("stats: got %+v, want 0 written, 1000 dropped", st)
			}
		})
		t.Run("database locked", func(t *testing.T) {
			dsn := newDSN(t)
			s := openStore(t, Config{DSN: dsn, BatchSize: 10, FlushInterval: 5 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
			release := lockQuestions(t, s, dsn)
			t.Cleanup(release)
			stop := run(t, s)
			recordFast(t, s, 100)
			waitFor(t, "write errors", func() bool { return s.Stats().WriteErrors > 0 })
			release()
			// Once the lock is gone the store writes again.
			before := s.Stats().Written
			s.RecordQuestion(bot.Record{Platform: "http", UserID: "u", Question: "after", Kind: bot.KindAnswer})
			waitFor(t, "a write after the lock is released", func() bool { return s.Stats().Written > before })
			stop()
		})
	})
}

// lockQuestions blocks writes to the questions table from another
// connection until release is called.
func lockQuestions(t *testing.T, s *Store, dsn string) (release func()) {
	t.Helper()
	ctx := context.Background()
	if s.dialect.name == DriverPostgres {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "LOCK TABLE questions IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		var once sync.Once
		return func() { once.Do(func() { tx.Rollback(ctx); conn.Close(ctx) }) }
	}
	dsnWithParams, err := sqliteDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsnWithParams)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil) // immediate: takes the write lock now
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO settings (key, value) VALUES ('lock', 'x')`); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	return func() { once.Do(func() { tx.Rollback(); db.Close() }) }
}

func TestOpenFailsFast(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, cfg := range []Config{
		{DSN: "postgres://nobody:x@127.0.0.1:1/none?connect_timeout=2"},
		{DSN: "/proc/faqbot-no-such-dir/x.db"},
		{DSN: ""},
		{DSN: "x.db", Driver: "mysql"},
	} {
		start := time.Now()
		s, err := Open(ctx, cfg)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q): got nil error, want one", cfg.DSN)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Open(%q) took %v, want a quick failure", cfg.DSN, d)
		}
	}
}

func TestGeneratedSaltIsKept(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(*testing.T) string) {
		dsn := newDSN(t)
		a, err := Open(context.Background(), Config{DSN: dsn, Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		saltA := string(a.salt)
		a.Close()
		b, err := Open(context.Background(), Config{DSN: dsn, Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if saltA == "" || string(b.salt) != saltA {
			t.Errorf("generated salt: got %q then %q, want the same non-empty salt", saltA, b.salt)
		}
	})
}

func TestDriverChoice(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
		err  bool
	}{
		{Config{DSN: "postgres://h/db"}, DriverPostgres, false},
		{Config{DSN: "postgresql://h/db"}, DriverPostgres, false},
		{Config{DSN: "data/faqbot.db"}, DriverSQLite, false},
		{Config{DSN: "data/faqbot.db", Driver: "sqlite"}, DriverSQLite, false},
		{Config{DSN: "postgres://h/db", Driver: "sqlite"}, "", true},
		{Config{DSN: "x", Driver: "oracle"}, "", true},
	} {
		got, err := tc.cfg.driver()
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("driver(%+v): got %q, %v, want %q (error %v)", tc.cfg, got, err, tc.want, tc.err)
		}
	}
}
