package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// This file is a minimal database/sql driver over a single pgx.Conn, so the
// store can keep one database/sql code path (and database/sql's connection
// pool) for SQLite and PostgreSQL. pgx's own adapter, pgx/v5/stdlib, would do
// the same, but it imports pgxpool and therefore github.com/jackc/puddle/v2,
// which the module does not list. It supports exactly what the store uses:
// Exec, Query and transactions with the column types of its schema.

// pgConnector opens pgx connections for database/sql.
type pgConnector struct {
	cfg *pgx.ConnConfig
}

func newPGConnector(dsn string) (*pgConnector, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse postgres dsn: %w", err)
	}
	return &pgConnector{cfg: cfg}, nil
}

func (c *pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, c.cfg.Copy())
	if err != nil {
		return nil, err
	}
	return &pgConn{conn: conn}, nil
}

func (c *pgConnector) Driver() driver.Driver { return pgDriver{} }

type pgDriver struct{}

func (pgDriver) Open(name string) (driver.Conn, error) {
	c, err := newPGConnector(name)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

type pgConn struct {
	conn *pgx.Conn
	tx   pgx.Tx
}

var (
	_ driver.ExecerContext     = (*pgConn)(nil)
	_ driver.QueryerContext    = (*pgConn)(nil)
	_ driver.ConnBeginTx       = (*pgConn)(nil)
	_ driver.Pinger            = (*pgConn)(nil)
	_ driver.SessionResetter   = (*pgConn)(nil)
	_ driver.Validator         = (*pgConn)(nil)
	_ driver.NamedValueChecker = (*pgConn)(nil)
)

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return &pgStmt{c: c, query: query}, nil
}

func (c *pgConn) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.conn.Close(ctx)
}

func (c *pgConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.tx != nil {
		return nil, errors.New("postgres: transaction already open")
	}
	tx, err := c.conn.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return nil, err
	}
	c.tx = tx
	return &pgTx{c: c}, nil
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	tag, err := c.conn.Exec(ctx, query, values(args)...)
	if err != nil {
		return nil, err
	}
	return driver.RowsAffected(tag.RowsAffected()), nil
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.conn.Query(ctx, query, values(args)...)
	if err != nil {
		return nil, err
	}
	return &pgRows{rows: rows}, nil
}

func (c *pgConn) Ping(ctx context.Context) error {
	if c.conn.IsClosed() {
		return driver.ErrBadConn
	}
	return c.conn.Ping(ctx)
}

func (c *pgConn) ResetSession(context.Context) error {
	if c.conn.IsClosed() {
		return driver.ErrBadConn
	}
	return nil
}

func (c *pgConn) IsValid() bool { return !c.conn.IsClosed() }

// CheckNamedValue lets pgx encode every argument itself.
func (c *pgConn) CheckNamedValue(*driver.NamedValue) error { return nil }

func values(args []driver.NamedValue) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

type pgTx struct{ c *pgConn }

// txTimeout bounds COMMIT and ROLLBACK, which database/sql calls without a
// context, so that a vanished server cannot hang the writer.
const txTimeout = 10 * time.Second

func (t *pgTx) Commit() error {
	tx := t.c.tx
	t.c.tx = nil
	ctx, cancel := context.WithTimeout(context.Background(), txTimeout)
	defer cancel()
	return tx.Commit(ctx)
}

func (t *pgTx) Rollback() error {
	tx := t.c.tx
	t.c.tx = nil
	ctx, cancel := context.WithTimeout(context.Background(), txTimeout)
	defer cancel()
	return tx.Rollback(ctx)
}

type pgStmt struct {
	c     *pgConn
	query string
}

func (s *pgStmt) Close() error  { return nil }
func (s *pgStmt) NumInput() int { return -1 }

func (s *pgStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.query, args)
}

func (s *pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.query, args)
}

func (s *pgStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.c.ExecContext(context.Background(), s.query, named(args))
}

func (s *pgStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.c.QueryContext(context.Background(), s.query, named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

type pgRows struct {
	rows pgx.Rows
	cols []string
}

func (r *pgRows) Columns() []string {
	if r.cols == nil {
		fds := r.rows.FieldDescriptions()
		r.cols = make([]string, len(fds))
		for i, fd := range fds {
			r.cols[i] = fd.Name
		}
	}
	return r.cols
}

func (r *pgRows) Close() error {
	r.rows.Close()
	return r.rows.Err()
}

func (r *pgRows) Next(dest []driver.Value) error {
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	vals, err := r.rows.Values()
	if err != nil {
		return err
	}
	for i, v := range vals {
		dv, err := driverValue(v)
		if err != nil {
			return fmt.Errorf("column %d: %w", i, err)
		}
		dest[i] = dv
	}
	return nil
}

// driverValue converts what pgx decodes into the types database/sql accepts.
func driverValue(v any) (driver.Value, error) {
	switch v := v.(type) {
	case nil, int64, float64, bool, []byte, string, time.Time:
		return v, nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case int8:
		return int64(v), nil
	case float32:
		return float64(v), nil
	case pgtype.Numeric:
		f, err := v.Float64Value()
		if err != nil {
			return nil, err
		}
		if !f.Valid {
			return nil, nil
		}
		return f.Float64, nil
	default:
		return nil, fmt.Errorf("unsupported postgres value type %T", v)
	}
}
