package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/concbench/concbench/results"
	"github.com/spf13/pflag"
)

const compareUsage = `Usage: concbench compare OLD.json NEW.json

Shows, for every cell found in both results (same workload, parameters,
strategy, tasks and concurrency), the change in wall time, throughput, p99
latency and peak RSS between the medians of their repetitions. A change is
shown where a Mann-Whitney U test over the repetitions (as benchstat does)
gives p < 0.05, and "~" where it does not; that needs 4 or more
repetitions a side (--repeat).

Examples:
  concbench run --repeat 6 --out old.json && (change things) && concbench run --repeat 6 --out new.json
  concbench compare old.json new.json

Flags:
`

const mergeUsage = `Usage: concbench merge A.json B.json... -o ALL.json

Combines results files (for example from several machines) into one, so
that one report and one set of charts cover them. The environment of every
source is kept ("sources"), and each run names its source; tables mark a
merged run's strategy with [source]. ALL.json is only written if every input
is a valid results file of this schema.

Examples:
  concbench merge laptop.json server.json -o all.json
  concbench report all.json --out report/

Flags:
`

func compareCmd(_ context.Context, args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("compare", pflag.ContinueOnError)
	if err := parseFlagsArgs(fs, args, stdout, compareUsage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() != 2 {
		return usagef("compare takes two results files, OLD and NEW; got %d", fs.NArg())
	}
	a, err := results.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	b, err := results.ReadFile(fs.Arg(1))
	if err != nil {
		return err
	}
	cells, err := results.Compare(a, b)
	if err != nil {
		return fmt.Errorf("%s and %s: %w", fs.Arg(0), fs.Arg(1), err)
	}
	return results.WriteComparison(stdout, cells)
}

func mergeCmd(_ context.Context, args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("merge", pflag.ContinueOnError)
	out := fs.StringP("out", "o", "", "the merged results file to write (required)")
	if err := parseFlagsArgs(fs, args, stdout, mergeUsage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	if *out == "" {
		return usagef("merge: -o FILE is required")
	}
	if fs.NArg() < 2 {
		return usagef("merge takes two or more results files; got %d", fs.NArg())
	}
	var docs []*results.Document
	for _, p := range fs.Args() {
		d, err := results.ReadFile(p)
		if err != nil {
			return err
		}
		docs = append(docs, d)
	}
	merged, err := results.Merge(docs)
	if err != nil {
		return err
	}
	if err := results.WriteFileAtomic(*out, func(w io.Writer) error { return results.Write(w, "json", merged) }); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s: %d runs from %d sources\n", *out, len(merged.Runs), len(merged.Sources))
	return err
}
