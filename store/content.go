package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ContentState is the content version replicas sharing a store should
// serve: the one the latest successful reindex of any of them produced.
type ContentState struct {
	Version string    `json:"version"`
	At      time.Time `json:"at"`
	// By names the process that published it (host and process ID).
	By string `json:"by"`
}

// contentKey is the settings row that holds the shared ContentState.
const contentKey = "content_state"

// Content returns the shared content state; the zero value when none was
// published.
func (s *Store) Content(ctx context.Context) (ContentState, error) {
	var v string
	err := s.db.QueryRowContext(ctx, s.q.selectSetting, contentKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return ContentState{}, nil
	}
	if err != nil {
		return ContentState{}, fmt.Errorf("store: read content state: %w", err)
	}
	var c ContentState
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return ContentState{}, fmt.Errorf("store: content state %q: %w", v, err)
	}
	return c, nil
}

// PublishContent records c as the shared content state, unless the state
// already recorded is newer (a later reindex of another replica).
func (s *Store) PublishContent(ctx context.Context, c ContentState) error {
	cur, err := s.Content(ctx)
	if err != nil {
		return err
	}
	if cur.At.After(c.At) {
		return nil
	}
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: content state: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, s.q.upsertSetting, contentKey, string(b)); err != nil {
		return fmt.Errorf("store: publish content state: %w", err)
	}
	return nil
}

// claimKeep is how long claims are kept: Telegram stops redelivering an
// update after a day.
const claimKeep = 48 * time.Hour

// ClaimUpdate records that this process handles update id of platform and
// reports whether it is the first to: replicas behind a load balancer (a
// Telegram webhook) that receive the same update again answer it once.
func (s *Store) ClaimUpdate(ctx context.Context, platform string, id int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q.claimUpdate, platform, id, time.Now().UnixMilli())
	if err != nil {
		return false, fmt.Errorf("store: claim update: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim update: %w", err)
	}
	return n == 1, nil
}
