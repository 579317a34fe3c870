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
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/concbench/concbench/harness"
	"github.com/spf13/pflag"
)

const version = "0.1.0"

const topUsage = `concbench measures how to run many tasks at once: the same workload,
task for task, under sequential, unbounded, pool, semaphore and process
strategies.

Usage:
  concbench run [flags]     run a sweep and print the results
  concbench serve [flags]   start the loopback target for the http and tcp workloads
  concbench show FILE...    print saved results as a table (any --format), without running
  concbench plot FILE...    render PNG/SVG/PDF charts from saved results
  concbench report FILE...  write report.md with tables and charts
  concbench compare OLD NEW compare two results, with significance tests
  concbench merge FILES -o F combine results files (e.g. from several machines)
  concbench search [flags]  find the highest arrival rate at which every --threshold holds
  concbench k8s --shards N  print a Kubernetes Indexed Job that runs a plan as N shards
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
	useLeanWorker()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, restore the default handling so that a
	// second one ends the process at once.
	context.AfterFunc(ctx, stop)
	os.Exit(cli(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs one command and returns the exit code (exitcodes.go). Errors
// are printed to stderr on one line. A panic in the command is a crash:
// its trace goes to stderr and the exit code is 1, never 2.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(stderr, "concbench: internal error (a bug, please report it): %v\n%s", v, debug.Stack())
			code = exitFailure
		}
	}()
	err := dispatch(ctx, args, stdout, stderr)
	// serve runs until a signal: that is how it ends well.
	serve := len(args) > 0 && args[0] == "serve"
	code = exitCode(err, ctx.Err() != nil && !serve)
	switch {
	case code == exitInterrupted && (err == nil || errors.Is(err, errInterrupted)) && measures(args):
		fmt.Fprintln(stderr, "concbench: interrupted; results measured so far were written")
	case code == exitInterrupted && (err == nil || errors.Is(err, errInterrupted)):
		fmt.Fprintln(stderr, "concbench: interrupted")
	case code == exitInterrupted:
		fmt.Fprintf(stderr, "concbench: interrupted: %v\n", err)
	case err != nil:
		fmt.Fprintf(stderr, "concbench: %v\n", err)
	}
	return code
}

// measures reports whether the command measures, and so writes what it
// measured when interrupted (run, search), as the others (plot, compare)
// do not.
func measures(args []string) bool {
	return len(args) > 0 && (args[0] == "run" || args[0] == "search")
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		// As go and hyperfine do: no command is a usage error, the usage
		// goes to stderr, and a script that forgot its arguments fails.
		io.WriteString(stderr, topUsage)
		return usageError{errors.New("no command given")}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return runCmd(ctx, rest, stdout)
	case "serve":
		return serveCmd(ctx, rest, stdout)
	case "show":
		return showCmd(ctx, rest, stdout)
	case "plot":
		return plotCmd(ctx, rest, stdout, false)
	case "report":
		return plotCmd(ctx, rest, stdout, true)
	case "compare":
		return compareCmd(ctx, rest, stdout)
	case "merge":
		return mergeCmd(ctx, rest, stdout)
	case "search":
		return searchCmd(ctx, rest, stdout)
	case "k8s":
		return k8sCmd(ctx, rest, stdout)
	case "version", "--version":
		_, err := fmt.Fprintf(stdout, "concbench %s\n", version)
		return err
	case "help", "-h", "--help":
		return helpCmd(ctx, rest, stdout, stderr)
	default:
		return usagef("unknown command %q; want run, search, serve, show, plot, report, compare, merge, k8s, version or help", cmd)
	}
}

// helpCmd prints the usage of the command named in args, or the overview.
// Help about help, or help given flags (help -h, --help --help), is the
// overview: it never dispatches to itself.
func helpCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || strings.HasPrefix(args[0], "-") {
		_, err := io.WriteString(stdout, topUsage)
		return err
	}
	switch args[0] {
	case "version", "--version":
		_, err := io.WriteString(stdout, "Usage: concbench version\n\nPrints the version.\n")
		return err
	}
	return dispatch(ctx, []string{args[0], "--help"}, stdout, stderr)
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

// helpWidth is the width --help wraps its flag listing to.
const helpWidth = 100

// parseFlagsArgs is parseFlags for commands that take file arguments.
func parseFlagsArgs(fs *pflag.FlagSet, args []string, stdout io.Writer, usage string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			// Wrapped to helpWidth: pflag's own listing runs one flag per
			// line, however long its text.
			fmt.Fprint(stdout, usage, fs.FlagUsagesWrapped(helpWidth))
			return pflag.ErrHelp
		}
		return usageError{fmt.Errorf("%s: %w", fs.Name(), err)}
	}
	return nil
}
