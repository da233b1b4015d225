package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"faqbot/bot"
)

// Environment of the child process of TestJournalSurvivesKill.
const (
	envKillChild = "FAQBOT_STORE_KILL_CHILD"
	envKillDSN   = "FAQBOT_STORE_KILL_DSN"
	envKillN     = "FAQBOT_STORE_KILL_N"
)

// TestMain lets the test binary play the process that is killed.
func TestMain(m *testing.M) {
	if os.Getenv(envKillChild) != "" {
		killChild()
		return
	}
	os.Exit(m.Run())
}

// killChild opens a store with a journal whose writer will not flush for
// an hour, accepts N questions, says "ready" and waits to be killed.
func killChild() {
	n, _ := strconv.Atoi(os.Getenv(envKillN))
	ctx := context.Background()
	s, err := Open(ctx, Config{DSN: os.Getenv(envKillDSN), Salt: "kill-salt", Journal: os.Getenv(envKillChild),
		BatchSize: 1 << 20, FlushInterval: time.Hour, BufferSize: 1 << 20, Logger: quietLogger()})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	go s.Run(ctx)
	for i := 0; i < n; i++ {
		s.RecordQuestion(bot.Record{Platform: "http", UserID: "u" + strconv.Itoa(i), Question: "question " + strconv.Itoa(i), Kind: bot.KindAnswer, EntryID: "e1"})
	}
	fmt.Println("ready")
	time.Sleep(time.Minute)
	os.Exit(3)
}

// TestJournalSurvivesKill: a process killed with SIGKILL after accepting
// records, before any batch was written, loses none of them: the next
// Open writes them from the journal, once, on both databases.
func TestJournalSurvivesKill(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(t *testing.T) string) {
		dsn := newDSN(t)
		journal := filepath.Join(t.TempDir(), "journal", "faqbot")
		const n = 300
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envKillChild+"="+journal, envKillDSN+"="+dsn, envKillN+"="+strconv.Itoa(n))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		if line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child said %q", line)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()

		s := openStore(t, Config{DSN: dsn, Salt: "kill-salt", Journal: journal})
		if got := countRows(t, s, "questions"); got != n {
			t.Fatalf("after kill -9 and reopen: %d questions stored, want %d", got, n)
		}
		if files, _ := journalFiles(journal); len(files) != 1 {
			t.Errorf("journal files after replay: %v, want only the new current one", files)
		}
		s.Close()
		// Opening again replays nothing twice.
		s2 := openStore(t, Config{DSN: dsn, Salt: "kill-salt", Journal: journal})
		if got := countRows(t, s2, "questions"); got != n {
			t.Fatalf("second open: %d questions, want %d", got, n)
		}
	})
}

// TestJournalReplayIsIdempotent: records already written and still in the
// journal (the process died after the commit, before the journal moved on)
// are not written twice; a half-written last line is skipped.
func TestJournalReplayIsIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, newDSN func(t *testing.T) string) {
		dsn := newDSN(t)
		journal := filepath.Join(t.TempDir(), "j")
		s := openStore(t, Config{DSN: dsn, Journal: journal})
		stop := run(t, s)
		for i := 0; i < 5; i++ {
			s.RecordQuestion(bot.Record{Platform: "http", UserID: "u", Question: "q" + strconv.Itoa(i), Kind: bot.KindAnswer})
		}
		s.RecordFeedback(bot.Feedback{Platform: "http", UserID: "u", EntryID: "e", Helpful: true}, time.Time{})
		waitWritten(t, s, 6)
		// What the journal held before the commit, as if the process died
		// right after it.
		var lines []byte
		for i := 0; i < 5; i++ {
			it := item{seq: int64(1000 + i), at: time.Now(), platform: "http", userHash: "h", text: "again", kind: "answer"}
			s.journal.mu.Lock()
			b, _ := jsonLine(it)
			s.journal.mu.Unlock()
			lines = append(lines, b...)
		}
		stop()
		s.Close()
		name := journal + ".999"
		if err := os.WriteFile(name, append(lines, []byte(`{"id":"jzz","at":`)...), 0o600); err != nil {
			t.Fatal(err)
		}
		s2 := openStore(t, Config{DSN: dsn, Journal: journal})
		if got := countRows(t, s2, "questions"); got != 10 {
			t.Fatalf("questions after replaying 5 new records: %d, want 10", got)
		}
		s2.Close()
		if err := os.WriteFile(name, lines, 0o600); err != nil {
			t.Fatal(err)
		}
		s3 := openStore(t, Config{DSN: dsn, Journal: journal})
		if got := countRows(t, s3, "questions"); got != 10 {
			t.Errorf("questions after replaying the same records again: %d, want 10", got)
		}
		if got := countRows(t, s3, "feedback"); got != 1 {
			t.Errorf("feedback: %d, want 1", got)
		}
	})
}

// TestJournalRotates: while records keep arriving, committed files are
// deleted and the journal stays small.
func TestJournalRotates(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "j")
	s := openStore(t, Config{DSN: filepath.Join(t.TempDir(), "f.db"), Journal: journal, BatchSize: 10, FlushInterval: 5 * time.Millisecond})
	stop := run(t, s)
	for i := 0; i < 200; i++ {
		s.RecordQuestion(bot.Record{Platform: "http", UserID: "u", Question: "q", Kind: bot.KindAnswer})
	}
	waitWritten(t, s, 200)
	stop()
	if files, _ := journalFiles(journal); len(files) != 0 {
		t.Errorf("journal files after a clean shutdown: %v, want none", files)
	}
}

func jsonLine(it item) ([]byte, error) {
	b, err := json.Marshal(journalLine(it))
	return append(b, '\n'), err
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func waitWritten(t *testing.T, s *Store, n uint64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.Stats().Written < n {
		if time.Now().After(deadline) {
			t.Fatalf("written %d of %d", s.Stats().Written, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestJournalLocked: a second process (here, a second store) cannot use a
// journal in use; it runs without one, and says so, rather than not start.
func TestJournalLocked(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "j")
	openStore(t, Config{DSN: filepath.Join(dir, "a.db"), Journal: journal})
	logs := &strings.Builder{}
	s, err := Open(context.Background(), Config{DSN: filepath.Join(dir, "b.db"), Salt: "s", Journal: journal,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatalf("second Open on the same journal: %v, want a store without a journal", err)
	}
	defer s.Close()
	if s.journal != nil || !strings.Contains(logs.String(), "in use by another process") {
		t.Errorf("second store: journal %v, logs %q; want none and a warning", s.journal, logs.String())
	}
}
