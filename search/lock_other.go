//go:build !unix

package search

import "os"

// lockFile does nothing where flock is missing: there, keep each
// process's index path its own.
func lockFile(*os.File) error { return nil }
