package main

import "context"

type TelegramConfig struct {
	Enabled bool `yaml:"enabled"`
}

func defaultTelegramConfig() TelegramConfig { return TelegramConfig{} }
func (TelegramConfig) validate() error      { return nil }

type DiscordConfig struct {
	Enabled bool `yaml:"enabled"`
}

func defaultDiscordConfig() DiscordConfig { return DiscordConfig{} }
func (DiscordConfig) validate() error     { return nil }

type StoreConfig struct{}

func defaultStoreConfig() StoreConfig { return StoreConfig{} }

func (m *Main) serve(ctx context.Context, args []string) error   { return nil }
func (m *Main) reindex(ctx context.Context, args []string) error { return nil }
func (m *Main) report(ctx context.Context, args []string) error  { return nil }
