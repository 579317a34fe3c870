// Command concbench runs the same workload under several concurrency
// strategies and reports the difference. See `concbench help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/concbench/concbench/harness"
	"github.com/spf13/pflag"
)

const version = "0.1.0"

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1   // the run could not be carried out
	exitUsage       = 2   // bad flags or arguments
	exitThreshold   = 3   // a threshold failed; results were written
	exitInterrupted = 130 // stopped by SIGINT/SIGTERM; results so far were written
)

// usageError is bad input from the user: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// errInterrupted means the run was stopped by a signal after writing what
// it had measured.
var errInterrupted = errors.New("interrupted")

const topUsage = `concbench measures how to run many tasks at once: the same workload,
task for task, under sequential, unbounded, pool, semaphore and process
strategies.

Usage:
  concbench run [flags]     run a sweep and print the results
  concbench serve [flags]   start the loopback target for the http and tcp workloads
  concbench plot FILE...    render PNG/SVG/PDF charts from saved results
  concbench report FILE...  write report.md with tables and charts
  concbench compare OLD NEW compare two results, with significance tests
  concbench merge FILES -o F combine results files (e.g. from several machines)
  concbench version         print the version
  concbench help [command]  show help

Examples:
  concbench run
  concbench run --workload http --latency 10ms --tasks 2000 --concurrency 50
  concbench run --workload sleep --durations 40ms,30ms,50ms,20ms --strategies all --concurrency 2
  concbench run --workload cpu --tasks 200 --concurrency 1,2,4 --format markdown

Run 'concbench run --help' for the flags.
`

func main() {
	harness.ServeIfChild() // a worker or target that concbench re-executed never returns
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, restore the default handling so that a
	// second one ends the process at once.
	context.AfterFunc(ctx, stop)
	os.Exit(cli(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs one command and returns the exit code. Errors are printed to
// stderr on one line.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdout)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errInterrupted):
		fmt.Fprintln(stderr, "concbench: interrupted; results measured so far were written")
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "concbench: %v\n", err)
	if errors.Is(err, errThresholds) {
		return exitThreshold
	}
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFailure
}

func dispatch(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		_, err := io.WriteString(stdout, topUsage)
		return err
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return runCmd(ctx, rest, stdout)
	case "serve":
		return serveCmd(ctx, rest, stdout)
	case "plot":
		return plotCmd(ctx, rest, stdout, false)
	case "report":
		return plotCmd(ctx, rest, stdout, true)
	case "compare":
		return compareCmd(ctx, rest, stdout)
	case "merge":
		return mergeCmd(ctx, rest, stdout)
	case "version", "--version":
		_, err := fmt.Fprintf(stdout, "concbench %s\n", version)
		return err
	case "help", "-h", "--help":
		if len(rest) > 0 {
			return dispatch(ctx, []string{rest[0], "--help"}, stdout)
		}
		_, err := io.WriteString(stdout, topUsage)
		return err
	default:
		return usagef("unknown command %q; want run, serve, plot, report, compare, merge, version or help", cmd)
	}
}

// parseFlags parses args into fs for a command that takes no arguments
// but flags. --help prints usage to stdout and returns pflag.ErrHelp; any
// other problem is a usageError.
func parseFlags(fs *pflag.FlagSet, args []string, stdout io.Writer, usage string) error {
	if err := parseFlagsArgs(fs, args, stdout, usage); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q (flags take the form --name value)", fs.Name(), fs.Arg(0))
	}
	return nil
}

// parseFlagsArgs is parseFlags for commands that take file arguments.
func parseFlagsArgs(fs *pflag.FlagSet, args []string, stdout io.Writer, usage string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return pflag.ErrHelp
		}
		return usageError{fmt.Errorf("%s: %w", fs.Name(), err)}
	}
	return nil
}
