// Package cmdutil holds what every udi command shares: its I/O streams, output formats and
// exit codes.
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes: data to Out, messages to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// ErrTerminal says ErrOut is a terminal: long jobs draw a progress bar there only then.
	ErrTerminal bool
}

// Factory carries the dependencies of every command; tests build their own.
type Factory struct {
	IO IOStreams
	// Getenv reads configuration from the environment (os.Getenv unless a test replaces it).
	Getenv func(string) string
}

// NewFactory returns a Factory bound to the process's standard streams.
func NewFactory() *Factory {
	return &Factory{
		IO:     IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, ErrTerminal: term.IsTerminal(int(os.Stderr.Fd()))},
		Getenv: os.Getenv,
	}
}

// Exit codes of the udi command, documented in docs/cli.md.
const (
	ExitOK       = 0
	ExitFailure  = 1 // an unexpected failure (I/O, backend unreachable)
	ExitInvalid  = 2 // the input was invalid (a code that does not parse, a bad flag)
	ExitRejected = 3 // the ledger refused the request (chaincode rule, conflict, not found)
)

// ExitError ends the command with a chosen exit code. Its message has already been printed
// when Silent is set.
type ExitError struct {
	Code   int
	Err    error
	Silent bool
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// InvalidInput wraps err so that the command exits with ExitInvalid.
func InvalidInput(err error) error { return &ExitError{Code: ExitInvalid, Err: err} }

// ExitCode returns the process exit code for an error returned by a command.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitFailure
}

// Format is an output format chosen with -o.
type Format string

const (
	FormatTable Format = "table"
	FormatJSON  Format = "json"
	FormatYAML  Format = "yaml"
	FormatCSV   Format = "csv"
)

// ParseFormat checks the value of -o.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case FormatTable, FormatJSON:
		return Format(s), nil
	}
	return "", InvalidInput(fmt.Errorf("unknown output format %q: want table or json", s))
}

// ParseListFormat checks the value of -o of a command that prints a list.
func ParseListFormat(s string) (Format, error) {
	switch Format(s) {
	case FormatTable, FormatJSON, FormatYAML, FormatCSV:
		return Format(s), nil
	}
	return "", InvalidInput(fmt.Errorf("unknown output format %q: want table, json, yaml or csv", s))
}
