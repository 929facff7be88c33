package cli

import (
	"context"
	"errors"
	"fmt"
)

// Exit codes, the same for every command (documented in the README).
const (
	// ExitOK: everything ended as asked.
	ExitOK = 0
	// ExitNotAsAsked: the command ran, and the cluster's answer is not what was
	// asked for: a CSR not approved or denied (refused for a finding, already
	// decided the other way, forbidden, gone), a name not found, a certificate not
	// issued yet, or check found CSRs that need an admin.
	ExitNotAsAsked = 1
	// ExitError: the command could not run: bad flags or arguments, a kubeconfig
	// or a cluster that can't be used, no permission to read, a local file that
	// can't be read or written.
	ExitError = 2
	// ExitDenied: request's CSR was denied, or the signer failed it.
	ExitDenied = 3
	// ExitTimeout: request's CSR has no certificate yet when --wait ends.
	ExitTimeout = 4
	// ExitInterrupted: stopped by SIGINT or SIGTERM.
	ExitInterrupted = 130
)

// exitError is an error that ends the program with a chosen code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// UsageError marks err as a mistake in the command line: exit code 2. main
// passes cobra's own (unknown flags and commands) through it.
func UsageError(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err: err}
}

// usagef is a usage error with a message.
func usagef(format string, args ...any) error { return UsageError(fmt.Errorf(format, args...)) }

// ExitCode is the process exit code for what a command returned.
func ExitCode(err error) int {
	var (
		ee *exitError
		ue *usageError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		return ExitError
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	default:
		return ExitError
	}
}

// ErrorLine is err as the one line csrtui prints on stderr: escaped like any
// text from the API, since errors carry the server's and proxies' words.
func ErrorLine(err error) string {
	return safe(err.Error())
}

// silentError has been reported already: main prints nothing more for it.
type silentError struct{ error }

func (e silentError) Unwrap() error { return e.error }

func silent(err error) error { return silentError{err} }

// Silent reports whether err was already reported on stderr line by line, so
// that main only sets the exit code.
func Silent(err error) bool {
	var s silentError
	return errors.As(err, &s)
}
