package bot

import (
	"context"
	"errors"
	"fmt"
)

// ErrorKind classifies a failure for the person who asked. There are three,
// after WTF Dial's error codes: an adapter picks its reaction (an HTTP
// status, a log level) from the kind and shows the person ErrorMessage.
type ErrorKind string

// The error kinds.
const (
	// Invalid: the request cannot be served as made (feedback without an
	// entry, an unknown intent). Asking again the same way will not help.
	Invalid ErrorKind = "invalid"
	// Unavailable: the bot cannot serve it now (a command that is not
	// configured, a timeout, shutdown). It may work later or elsewhere.
	Unavailable ErrorKind = "unavailable"
	// Internal: something failed on the bot's side (the search, a
	// reindex). The detail is for the log, never for the person.
	Internal ErrorKind = "internal"
)

// Error is a failure of the core with its kind and the text to show the
// person. Err is the cause, for the log and for errors.Is/As.
type Error struct {
	Kind    ErrorKind
	Message string
	Err     error
}

// Error describes the failure for the log: the kind and the cause.
func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("bot: %s: %s", e.Kind, e.Message)
	}
	return fmt.Sprintf("bot: %s: %v", e.Kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorKindOf is the kind of err: the Kind of an *Error in its chain,
// Unavailable for a context that ended, Internal for anything else, and ""
// for nil.
func ErrorKindOf(err error) ErrorKind {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Kind
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Unavailable
	}
	return Internal
}

// ErrorMessage is the text to show a person for err: the Message of an
// *Error in its chain, else the default text of its kind. It never shows
// the cause.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return DefaultConfig().Texts.errorText(ErrorKindOf(err))
}

// errorText is the configured text for a kind.
func (t Texts) errorText(k ErrorKind) string {
	switch k {
	case Invalid:
		return t.Invalid
	case Unavailable:
		return t.Unavailable
	}
	return t.Error
}

// wrapError makes err an *Error with the text t gives its kind, unless
// it is one already.
func wrapError(t Texts, err error) error {
	var e *Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	k := ErrorKindOf(err)
	return &Error{Kind: k, Message: t.errorText(k), Err: err}
}
