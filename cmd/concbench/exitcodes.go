package main

import (
	"errors"
	"fmt"
)

// Exit codes, one table for every subcommand (README, "Errors and exit
// codes"). When several apply, the first of 130, 1, 2, 3 wins: an
// interrupt explains whatever else went wrong, a runtime failure is worse
// news than a bad input, and a failed check only matters once everything
// ran. A crash (a panic) exits 1, never 2, so that scripts can tell a bug
// from a typo.
const (
	exitOK          = 0
	exitFailure     = 1   // a runtime failure: the run could not be carried out
	exitUsage       = 2   // bad flags or arguments, an unreadable or invalid input file
	exitThreshold   = 3   // a threshold or regression check failed (thresholds.go)
	exitInterrupted = 130 // stopped by SIGINT/SIGTERM; what was measured was written
)

// usageError is bad input from the user (flags, arguments, input files):
// exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// inputError marks err, from reading an input file the user named, as bad
// input (exit 2); nil stays nil.
func inputError(err error) error {
	if err == nil {
		return nil
	}
	return usageError{err}
}

// errInterrupted means the run was stopped by a signal after writing what
// it had measured.
var errInterrupted = errors.New("interrupted")

// exitCode maps what a command returned to its exit code. interrupted
// says a signal arrived while it ran, whatever the command made of it.
func exitCode(err error, interrupted bool) int {
	if interrupted || errors.Is(err, errInterrupted) {
		return exitInterrupted
	}
	if err == nil {
		return exitOK
	}
	code := 0
	walk(err, func(leaf error) {
		var c int
		var ue usageError
		switch {
		case errors.As(leaf, &ue):
			c = exitUsage
		case errors.Is(leaf, errThresholds):
			c = exitThreshold
		default:
			c = exitFailure
		}
		if rank(c) < rank(code) {
			code = c
		}
	})
	return code
}

// rank orders exit codes by precedence, lowest first; 0 comes last.
func rank(code int) int {
	switch code {
	case exitInterrupted:
		return 0
	case exitFailure:
		return 1
	case exitUsage:
		return 2
	case exitThreshold:
		return 3
	}
	return 4
}

// walk calls f for each error that errors.Join combined into err, or for
// err itself.
func walk(err error, f func(error)) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if e != nil {
				walk(e, f)
			}
		}
		return
	}
	f(err)
}
