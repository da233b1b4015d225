package main

import (
	"context"
	"errors"
)

// StoreConfig is the store: section (conversation log).
type StoreConfig struct{}

func defaultStoreConfig() StoreConfig { return StoreConfig{} }

func (m *Main) report(ctx context.Context, args []string) error {
	return errors.New("report: the conversation store is not available in this build yet")
}
