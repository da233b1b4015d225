//go:build !unix

package store

import (
	"fmt"
	"os"
)

// lockJournal creates the lock file; on this platform it does not lock.
func lockJournal(path string) (*os.File, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: journal lock: %w", err)
	}
	return f, nil
}
