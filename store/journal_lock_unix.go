//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockJournal takes an exclusive lock on the journal at path, held for as
// long as the returned file is open: two processes must never share a
// journal, or one would replay, then delete, the other's live file.
func lockJournal(path string) (*os.File, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: journal lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("store: journal %s is in use by another process (give each process its own store.journal): %w", path, errJournalBusy)
		}
		return nil, fmt.Errorf("store: journal lock: %w", err)
	}
	return f, nil
}
