package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/concbench/concbench/results"
	"github.com/spf13/pflag"
)

const compareUsage = `Usage: concbench compare OLD.json NEW.json
       concbench compare FILE.json... --by PARAM

Shows, for every cell found in both results (same workload, parameters,
strategy, tasks and concurrency), the change in wall time, throughput, p99
latency and peak RSS between the medians of their repetitions, each median
with its 95% interval (±, as benchstat shows it; 6 repetitions are needed
for one), and the geometric mean of the changes over the cells. A change
is shown where a Mann-Whitney U test over the repetitions (as benchstat
does) gives p < 0.05, and "~" where it does not; that needs 4 or more
repetitions a side (--repeat). It warns (on stderr) when the two files
come from different environments: Go version, GOMAXPROCS, CPUs, CPU model.

With --by PARAM it sets the values of one parameter side by side instead,
within one file or across several (as benchstat -col does): the cells that
differ only in PARAM (strategy, conc, rate, http-engine, ...), each value
against the first one found.

With --fail-on, it exits 3 when a significant change for the worse larger
than that share appears in one of --metrics (a CI gate on regressions).

Examples:
  concbench run --repeat 6 --out old.json && (change things) && concbench run --repeat 6 --out new.json
  concbench compare old.json new.json
  concbench compare old.json new.json --fail-on 5% --metrics wall,throughput,p99
  concbench compare sweep.json --by strategy
  concbench compare h1.json std.json --by http-engine

Flags:
`

const mergeUsage = `Usage: concbench merge A.json B.json... -o ALL.json

Combines results files (for example from several machines) into one, so
that one report and one set of charts cover them. The environment of every
source is kept ("sources"), and each run names its source; tables mark a
merged run's strategy with [source]. ALL.json is only written if every input
is a valid results file of this schema.

The shards of one plan (run with --shard or --shards) are combined into the
runs one machine would have made: counts summed, HDR histograms merged,
throughput over the union of the shards' windows, timelines aligned on the
earliest start; speedup, ideal and efficiency are n/a. Shards of different
plans, or a shard given twice, are refused; a missing shard is named and
the result is partial. --side-by-side keeps the shards' runs apart.

Examples:
  concbench merge laptop.json server.json -o all.json
  concbench merge shard-*.json -o merged.json --threshold 'p99<50ms'
  concbench report all.json --out report/

Flags:
`

func compareCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("compare", pflag.ContinueOnError)
	var failOn share
	metrics := choiceList{v: []string{"wall", "throughput"}, allowed: []string{"wall", "throughput", "p99", "rss"}}
	fs.Var(&failOn, "fail-on", "exit 3 on a significant change for the worse larger than this share (e.g. 5%) in --metrics")
	fs.Var(&metrics, "metrics", "the metrics --fail-on watches: wall, throughput, p99, rss")
	by := fs.String("by", "", "set the values of this parameter side by side (strategy, conc, rate, http-engine, ...), in one file or more")
	if err := parseFlagsArgs(fs, args, stdout, compareUsage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.Changed("metrics") && !fs.Changed("fail-on") {
		return usagef("--metrics applies with --fail-on")
	}
	if *by == "" && fs.NArg() != 2 {
		return usagef("compare takes two results files, OLD and NEW (or one or more with --by); got %d", fs.NArg())
	}
	if *by != "" && fs.NArg() == 0 {
		return usagef("compare --by takes one or more results files; got none")
	}
	docs, err := readFiles(ctx, fs.Args())
	if err != nil {
		return err
	}
	var cells []results.CellDeltas
	if *by != "" {
		cells, err = results.CompareBy(docs, *by)
		if err != nil {
			return usagef("--by %s: %w", *by, err)
		}
	} else {
		cells, err = results.Compare(docs[0], docs[1])
		if err != nil { // the two files do not fit together: bad input
			return usagef("%s and %s: %w", fs.Arg(0), fs.Arg(1), err)
		}
	}
	for i := 1; i < len(docs); i++ {
		if diffs := results.EnvironmentDiffs(docs[0].Environment, docs[i].Environment); len(diffs) > 0 {
			fmt.Fprintf(os.Stderr, "concbench: warning: %s and %s come from different environments (%s): a difference may be the machine's\n",
				fs.Arg(0), fs.Arg(i), strings.Join(diffs, "; "))
		}
	}
	if err := results.WriteComparison(stdout, cells); err != nil {
		return err
	}
	if !fs.Changed("fail-on") {
		return nil
	}
	if worse := results.Regressions(cells, metrics.v, failOn.v); len(worse) > 0 {
		return &regressionError{worse, failOn.v}
	}
	return nil
}

// regressionError names the regressions compare --fail-on found: exit 3.
type regressionError struct {
	worse []string
	limit float64
}

func (e *regressionError) Error() string {
	return fmt.Sprintf("%d changes worse than %g%%: %s", len(e.worse), 100*e.limit, strings.Join(e.worse, "; "))
}

func (e *regressionError) Unwrap() error { return errThresholds }

// share is a pflag.Value for a share written as 5% or 0.05.
type share struct{ v float64 }

func (s *share) String() string { return strconv.FormatFloat(100*s.v, 'g', -1, 64) + "%" }
func (s *share) Type() string   { return "share" }
func (s *share) Set(v string) error {
	p, pct := strings.CutSuffix(v, "%")
	f, err := strconv.ParseFloat(p, 64)
	if pct {
		f /= 100
	}
	if err != nil || !(f >= 0 && f < 100) {
		return fmt.Errorf("want a share such as 5%% or 0.05")
	}
	s.v = f
	return nil
}

func mergeCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("merge", pflag.ContinueOnError)
	out := fs.StringP("out", "o", "", "the merged results file to write (required)")
	sideBySide := fs.Bool("side-by-side", false, "keep every input's runs as they are, even the shards of one plan")
	var thresholds thresholdList
	fs.Var(&thresholds, "threshold", "as run's, evaluated on the merged runs: exit 3 if one fails")
	if err := parseFlagsArgs(fs, args, stdout, mergeUsage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	if *out == "" {
		return usagef("merge: -o FILE is required")
	}
	if fs.NArg() < 1 {
		return usagef("merge takes two or more results files; got %d", fs.NArg())
	}
	o, err := checkOutput("out", *out, stdout)
	if err != nil {
		return err
	}
	docs, err := readFiles(ctx, fs.Args())
	if err != nil {
		return err
	}
	shards := !*sideBySide && results.Sharded(docs)
	if !shards && fs.NArg() < 2 {
		return usagef("merge takes two or more results files; got %d", fs.NArg())
	}
	var merged *results.Document
	if shards {
		merged, err = results.MergeShards(docs, fs.Args())
	} else {
		merged, err = results.Merge(docs)
	}
	if err != nil {
		return inputError(err)
	}
	if ctx.Err() != nil { // nothing written after an interrupt
		return errInterrupted
	}
	thErr := checkThresholds(merged, thresholds.v)
	if err := o.write(stdout, func(w io.Writer) error { return results.Write(w, "json", merged) }); err != nil {
		return err
	}
	if !o.stdout { // else stdout holds the document, and only it
		if shards {
			err = mergedShardsNote(stdout, *out, docs, merged)
		} else {
			_, err = fmt.Fprintf(stdout, "%s: %d runs from %d sources\n", *out, len(merged.Runs), len(merged.Sources))
		}
	}
	return errors.Join(err, thErr)
}

// mergedShardsNote says what a merge of shards made: the shards merged,
// those missing (the runs are then partial), and the spread of the
// shards' starts.
func mergedShardsNote(w io.Writer, out string, docs []*results.Document, merged *results.Document) error {
	n := docs[0].Shard.Count
	skew := 0.0
	for _, s := range merged.Runs {
		if s.Shard != nil && s.Shard.SkewSeconds != nil {
			skew = max(skew, *s.Shard.SkewSeconds)
		}
	}
	msg := fmt.Sprintf("%s: %d runs from %d of %d shards of plan %s; start skew up to %s", out, len(merged.Runs), len(docs), n, merged.Plan, results.Seconds(skew))
	if missing := results.Missing(docs); len(missing) > 0 {
		msg += fmt.Sprintf("; partial: shard %s of %d missing", joinInts(missing), n)
	}
	_, err := fmt.Fprintln(w, msg)
	return err
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}
