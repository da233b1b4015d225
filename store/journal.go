package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The journal keeps every record the store has accepted but not yet
// written, so that a process killed between accepting a record and its
// batch commit (kill -9, an OOM kill, a crash) loses nothing: records
// buffered in memory are also appended, one JSON line each, to a journal
// file, and the next Open writes whatever the journal holds before
// anything else. One write(2) per record, no fsync: the kernel keeps what
// a killed process wrote; only a power loss or a kernel crash can lose the
// last records, which is what SQLite's synchronous=NORMAL accepts too.
//
// State machine of the files, named <path>.<seq> (seq increasing):
//
//	current  - the file records are appended to;
//	sealed   - a former current, closed when a batch was committed while it
//	           held records not in that batch; deleted once a commit covers
//	           its last record;
//	leftover - files found at Open: replayed (records already written are
//	           skipped by their IDs), then deleted.
//
// A batch that fails to write is dropped as before (logged, counted), and
// its records leave the journal with the next commit: the journal makes
// accepted records survive the process, not a database that refuses them.
type journal struct {
	mu      sync.Mutex
	path    string
	cur     *os.File
	curSeq  int   // the current file's number
	curLast int64 // the last record ID appended to it (0: none)
	sealed  []sealedFile
	next    int64 // the next record ID
	broken  bool  // a write failed: journaling stopped, logged once
	lock    *os.File
}

// errJournalBusy is the error of a journal another process holds.
var errJournalBusy = errors.New("journal busy")

type sealedFile struct {
	name string
	last int64
}

// journalRecord is one record as a journal line. User IDs are already
// hashed: the journal is on disk.
type journalRecord struct {
	ID       string  `json:"id"`
	Feedback bool    `json:"fb,omitempty"`
	Helpful  bool    `json:"ok,omitempty"`
	AtMS     int64   `json:"at"`
	Platform string  `json:"p"`
	UserHash string  `json:"u,omitempty"`
	Text     string  `json:"q,omitempty"`
	Kind     string  `json:"k,omitempty"`
	EntryID  string  `json:"e,omitempty"`
	Title    string  `json:"t,omitempty"`
	Score    float64 `json:"s,omitempty"`
	Latency  int64   `json:"l,omitempty"`
}

// openJournal prepares the journal at path and returns the records its
// leftover files hold, in order, with the names of those files.
func openJournal(path string) (*journal, []item, []string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, nil, fmt.Errorf("store: journal directory: %w", err)
	}
	lock, err := lockJournal(path)
	if err != nil {
		return nil, nil, nil, err
	}
	names, err := journalFiles(path)
	if err != nil {
		lock.Close()
		return nil, nil, nil, err
	}
	var items []item
	for _, n := range names {
		its, err := readJournalFile(n)
		if err != nil {
			lock.Close()
			return nil, nil, nil, err
		}
		items = append(items, its...)
	}
	j := &journal{path: path, next: time.Now().UnixNano(), lock: lock}
	seq := 0
	if len(names) > 0 {
		seq, _ = journalSeq(path, names[len(names)-1])
	}
	if err := j.open(seq + 1); err != nil {
		lock.Close()
		return nil, nil, nil, err
	}
	return j, items, names, nil
}

// journalFiles lists the journal's files, oldest first.
func journalFiles(path string) ([]string, error) {
	matches, err := filepath.Glob(path + ".*")
	if err != nil {
		return nil, fmt.Errorf("store: journal: %w", err)
	}
	var names []string
	for _, m := range matches {
		if _, ok := journalSeq(path, m); ok {
			names = append(names, m)
		}
	}
	sort.Slice(names, func(a, b int) bool {
		x, _ := journalSeq(path, names[a])
		y, _ := journalSeq(path, names[b])
		return x < y
	})
	return names, nil
}

// journalSeq gives the number of a journal file (<path>.<seq>).
func journalSeq(path, name string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(name, path+"."))
	return n, err == nil && n > 0 && strings.HasPrefix(name, path+".")
}

// readJournalFile reads a journal file's records. A line that does not
// parse (the last one, half-written when the process died) is skipped.
func readJournalFile(name string) ([]item, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("store: journal: %w", err)
	}
	defer f.Close()
	var out []item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var r journalRecord
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.ID == "" {
			continue
		}
		out = append(out, r.item())
	}
	if err := sc.Err(); err != nil && !errors.Is(err, bufio.ErrTooLong) {
		return nil, fmt.Errorf("store: journal %s: %w", name, err)
	}
	return out, nil
}

func (j *journal) open(seq int) error {
	f, err := os.OpenFile(fmt.Sprintf("%s.%d", j.path, seq), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	j.cur, j.curSeq, j.curLast = f, seq, 0
	return nil
}

// append gives it a record ID and writes it to the current file, then
// calls enqueue under the same lock, so that the queue holds records in ID
// order. It returns the error of a failed write, once.
func (j *journal) append(it *item, enqueue func()) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.next++
	it.seq = j.next
	var werr error
	if !j.broken {
		b, err := json.Marshal(journalLine(*it))
		if err == nil {
			_, err = j.cur.Write(append(b, '\n'))
		}
		if err != nil {
			j.broken = true
			werr = fmt.Errorf("store: journal write failed, records are no longer journaled: %w", err)
		} else {
			j.curLast = it.seq
		}
	}
	enqueue()
	return werr
}

// committed is called after the records up to ID last were written (or
// dropped): files all of whose records are done are deleted, and the
// current file is sealed when it holds records after last.
func (j *journal) committed(last int64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	var errs []error
	keep := j.sealed[:0]
	for _, s := range j.sealed {
		if s.last <= last {
			if err := os.Remove(s.name); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		keep = append(keep, s)
	}
	j.sealed = keep
	if j.curLast == 0 || j.broken {
		return errors.Join(errs...)
	}
	name := j.cur.Name()
	if j.curLast <= last {
		// Everything in the current file is done: start it afresh.
		if err := j.cur.Truncate(0); err != nil {
			errs = append(errs, err)
		}
		j.curLast = 0
		return errors.Join(errs...)
	}
	if err := j.cur.Close(); err != nil {
		errs = append(errs, err)
	}
	j.sealed = append(j.sealed, sealedFile{name: name, last: j.curLast})
	if err := j.open(j.curSeq + 1); err != nil {
		j.broken = true
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// close closes the current file; when empty is set (everything accepted
// was written) the journal's files are removed.
func (j *journal) close(empty bool) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	err := j.cur.Close()
	if empty {
		for _, s := range j.sealed {
			os.Remove(s.name)
		}
		os.Remove(j.cur.Name())
	}
	j.lock.Close()
	return err
}

func journalLine(it item) journalRecord {
	return journalRecord{
		ID: recordID(it.seq), Feedback: it.feedback, Helpful: it.helpful, AtMS: it.at.UnixMilli(),
		Platform: it.platform, UserHash: it.userHash, Text: it.text, Kind: it.kind,
		EntryID: it.entryID, Title: it.title, Score: it.score, Latency: it.latency.Microseconds(),
	}
}

func (r journalRecord) item() item {
	seq, _ := strconv.ParseInt(strings.TrimPrefix(r.ID, "j"), 36, 64)
	return item{
		seq: seq, recID: r.ID, feedback: r.Feedback, helpful: r.Helpful, at: time.UnixMilli(r.AtMS),
		platform: r.Platform, userHash: r.UserHash, text: r.Text, kind: r.Kind,
		entryID: r.EntryID, title: r.Title, score: r.Score, latency: time.Duration(r.Latency) * time.Microsecond,
	}
}

// recordID is the stored ID of a journaled record. IDs start from the
// clock in nanoseconds at Open, so that two runs never reuse one.
func recordID(seq int64) string { return "j" + strconv.FormatInt(seq, 36) }

// replay writes the records left in a previous run's journal: those
// already written are skipped by their IDs. It is called by Open.
func (s *Store) replay(ctx context.Context, items []item) error {
	for len(items) > 0 {
		n := min(len(items), s.cfg.BatchSize)
		if err := s.insert(ctx, items[:n]); err != nil {
			return fmt.Errorf("store: replay journal: %w", err)
		}
		items = items[n:]
	}
	return nil
}
