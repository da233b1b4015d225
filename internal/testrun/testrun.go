// Package testrun runs a component's Run(ctx) error for the length of a
// test: started in a goroutine, stopped by cancelling its context, and
// checked to return nil in time. Only tests import it; it imports nothing
// of the project, so every package's tests can use it.
package testrun

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"
)

// Running is one started run.
type Running struct {
	t      testing.TB
	what   string
	wait   time.Duration
	cancel context.CancelFunc
	done   chan struct{}
	err    error
	once   sync.Once
}

// Start runs run in a goroutine until Stop or the end of the test, whichever
// comes first. what names it in failures ("Run", "Watch"); wait bounds how
// long Stop waits for run to return.
func Start(t testing.TB, what string, wait time.Duration, run func(ctx context.Context) error) *Running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &Running{t: t, what: what, wait: wait, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = run(ctx)
	}()
	t.Cleanup(r.Stop)
	return r
}

// Serve listens on a free port of 127.0.0.1 and runs serve on the listener
// as Start does. It returns the address ("127.0.0.1:port").
func Serve(t testing.TB, what string, wait time.Duration, serve func(ctx context.Context, ln net.Listener) error) (string, *Running) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := Start(t, what, wait, func(ctx context.Context) error { return serve(ctx, ln) })
	return ln.Addr().String(), r
}

// Done is closed when the run has returned, by itself or after Stop.
func (r *Running) Done() <-chan struct{} { return r.done }

// Err is what the run returned; call it only once Done is closed.
func (r *Running) Err() error { return r.err }

// Stop cancels the run and fails the test unless it returns nil within the
// wait given to Start. Only the first call does anything.
func (r *Running) Stop() {
	r.once.Do(func() {
		r.cancel()
		select {
		case <-r.done:
			if r.err != nil {
				r.t.Errorf("%s after cancel: got %v, want nil", r.what, r.err)
			}
		case <-time.After(r.wait):
			r.t.Errorf("%s did not return within %v of cancel", r.what, r.wait)
		}
	})
}

// FreeAddr is a 127.0.0.1 address that nothing listens on: a port that was
// free a moment ago, for a server under test to listen on or for a client
// to find nobody at.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
