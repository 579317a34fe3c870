package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
	"github.com/spf13/pflag"
)

// output is a file that a flag (run --out, merge -o) names, checked
// before anything runs.
type output struct {
	flag, path string
	// stdout: the path is the file this command's stdout already is
	// (/dev/stdout, /proc/self/fd/1, or the file stdout was redirected
	// to); the document goes to stdout then, once.
	stdout bool
	// stream: a character device or FIFO, written into once at the end,
	// never replaced nor rewritten after each cell.
	stream bool
}

// checkOutput checks that path (the value of --flag) can be written, as
// results.WriteFileAtomic will: a directory, a socket or an unwritable
// directory is a usage error naming the flag. stdout is the command's
// standard output.
func checkOutput(flag, path string, stdout io.Writer) (output, error) {
	o := output{flag: flag, path: path}
	if path == "" {
		return o, usagef("--%s: empty file name", flag)
	}
	if f, ok := stdout.(*os.File); ok {
		if a, err := f.Stat(); err == nil {
			if b, err := os.Stat(path); err == nil && os.SameFile(a, b) {
				o.stdout = true
				return o, nil
			}
		}
	}
	stream, err := results.CheckOutput(path)
	if err != nil {
		return o, usagef("--%s %q: %v", flag, path, err)
	}
	o.stream = stream
	return o, nil
}

// write writes the document that write produces to the output: to stdout
// if the output is stdout, otherwise with results.WriteFileAtomic.
func (o output) write(stdout io.Writer, write func(io.Writer) error) error {
	if o.stdout {
		return write(stdout)
	}
	return results.WriteFileAtomic(o.path, write)
}

// checkOutputDir checks that dir (the value of --flag) is a directory or
// can be created as one, without creating it: an existing file there is
// a usage error naming the flag.
func checkOutputDir(flag, dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return usagef("--%s %q: %v", flag, dir, err)
	case !fi.IsDir():
		return usagef("--%s %q: not a directory (charts and report.md go into a directory)", flag, dir)
	}
	return nil
}

// printWarnings writes, one line each on w, what a reader should doubt in
// doc's figures (results.Warnings), the CPU-bound workloads known from
// the registry.
func printWarnings(w io.Writer, doc *results.Document) {
	cpuBound := func(name string) bool {
		d, ok := workloads.Lookup(name)
		return ok && d.CPUBound
	}
	for _, line := range results.Warnings(doc, cpuBound) {
		fmt.Fprintln(w, results.Wrap("concbench: warning: "+line, results.TableWidth))
	}
}

// tableFlags choose the columns of the table and markdown formats, for
// run and show.
type tableFlags struct {
	columns choiceList
	wide    bool
}

func addTableFlags(fs *pflag.FlagSet) *tableFlags {
	t := &tableFlags{columns: choiceList{allowed: results.ColumnNames()}}
	fs.Var(&t.columns, "columns", "table columns by name, in order, e.g. wall,p99,rss (a wrong name lists them)")
	fs.BoolVar(&t.wide, "wide", false, fmt.Sprintf("every column the runs have, not the compact table that fits %d characters", results.TableWidth))
	return t
}

func (t *tableFlags) options() results.TableOptions {
	return results.TableOptions{Columns: t.columns.v, Wide: t.wide}
}
