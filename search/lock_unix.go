//go:build unix

package search

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f, failing at once when
// another process holds it. Closing f releases it.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
