package spatlas

import (
	"errors"
	"fmt"
)

// Application error codes. The HTTP server maps each to one status code; everything else is
// reported to clients as EINTERNAL with a short message and logged in full.
const (
	EINVALID     = "invalid"
	ENOTFOUND    = "not_found"
	ECONFLICT    = "conflict"
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal"
)

// Error is an error that is safe to show to a user: its Message says what was wrong in terms the
// user can act on (a file and line, a parameter and its allowed values).
type Error struct {
	Code    string
	Message string
}

// Error returns the message alone: the code is for programs (the HTTP status), the message for
// people.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other error,
// and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of the first *Error in err's chain, or a generic
// message for any other error so that internals never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}
