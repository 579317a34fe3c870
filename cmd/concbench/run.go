package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/spf13/pflag"
)

const runUsage = `Usage: concbench run [flags]

Runs one workload under each strategy, over the cartesian product of the
list flags (--tasks, --concurrency), and prints one row per cell.
Strategies: sequential (one after another), unbounded (a goroutine per
task), pool (--concurrency workers draining a queue), semaphore (a goroutine
per task, at most --concurrency running), process (--concurrency worker
processes, this binary re-executed, each running --per-process tasks at
once). Sequential and unbounded ignore --concurrency and run once per task
count.

Examples:
  # the analytic case: sequential 140ms, unbounded 50ms, pool/semaphore 80ms
  concbench run --durations 40ms,30ms,50ms,20ms --strategies all --concurrency 2

  # a sweep with jittered latency, failures and retries, saved as JSON
  concbench run --latency 20ms --dist normal --tasks 100,1000 --concurrency 10,100 \
      --fail-rate 0.05 --retries 2 --timeout 50ms --repeat 5 --out results.json

  # real sockets: HTTP against the embedded loopback target, then a load test
  concbench run --workload http --latency 10ms --tasks 2000 --concurrency 50
  concbench run --workload http --url http://127.0.0.1:8080/ --duration 10s --strategies pool --concurrency 64

  # CPU-bound work: where goroutines stop helping, and what processes cost
  concbench run --workload cpu --tasks 200 --strategies sequential,pool,process --concurrency 2

Flags:
`

func runCmd(ctx context.Context, args []string, stdout io.Writer) error {
	f := newRunFlags()
	sf := addShardFlags(f.fs)
	if err := parseFlags(f.fs, args, stdout, strings.TrimSuffix(runUsage, "Flags:\n")+registeredHelp()+"Flags:\n"); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	plan, err := f.plan()
	if err != nil {
		return err
	}
	if err := sf.apply(plan); err != nil {
		return err
	}
	plotOpt, err := f.plot.options()
	if err != nil {
		return err
	}
	for _, name := range []string{"plot-format", "plot-width", "plot-height"} {
		if f.fs.Changed(name) && f.plotDir == "" {
			return usagef("--%s applies with --plot DIR", name)
		}
	}
	var plotter string
	if f.plotDir != "" {
		if err := checkOutputDir("plot", f.plotDir); err != nil {
			return err
		}
		if _, err := results.CheckOutput(filepath.Join(f.plotDir, "report.md")); err != nil {
			return usagef("--plot %q: %v", f.plotDir, err)
		}
		if plotter, err = renderer("--plot"); err != nil {
			return err
		}
	}
	outFormat := formatFor(f.out)
	var out output
	if f.out != "" {
		if out, err = checkOutput("out", f.out, stdout); err != nil {
			return err
		}
		if out.stdout && !f.quiet {
			return usagef("--out %q is this command's stdout, which also gets the results table: add -q to have only --out's document there", f.out)
		}
	}
	writeOut := func(doc *results.Document) error {
		return out.write(stdout, func(w io.Writer) error { return results.WriteWith(w, outFormat, doc, f.table.options()) })
	}

	for _, n := range append(f.notes, plan.Notes()...) {
		fmt.Fprintf(os.Stderr, "concbench: %s\n", n)
	}
	prior, pending, err := resumeFrom(f.resume, plan)
	if err != nil {
		return err
	}
	env := results.CurrentEnvironment(version)
	env.Libraries = strategies.LibraryVersions(plan.Strategies)
	doc := results.NewDocument(env)
	sf.mark(doc, plan)
	skip := func(c harness.Cell) bool { _, ok := prior[c]; return ok }
	hooks := &harness.Hooks{Skip: skip}
	var prog *progress
	if !f.quiet {
		prog = newProgress(os.Stderr, isTerminal(os.Stderr), plan)
		hooks = prog.hooks(skip, pending)
	}
	hooks.Recorded = func(c harness.Cell) []results.Summary { return pending[c] }
	hooks.Ready = sf.ready(plan)
	// After every cell (every round of an interleaved plan), a regular
	// --out file is rewritten (atomically) with all measured so far, each
	// cell with the repetitions it has: a sweep killed outright keeps
	// them, and --resume goes on from there.
	hooks.Checkpoint = func(measured []results.Summary) {
		if f.out != "" && !out.stream && !out.stdout {
			doc.Runs = combine(plan, prior, measured)
			writeOut(doc)
		}
	}
	runs, runErr := harness.Execute(ctx, plan, hooks)
	if prog != nil {
		prog.Stop()
	}
	doc.Runs = combine(plan, prior, runs)
	interrupted := ctx.Err() != nil
	doc.Partial = interrupted
	thErr := checkThresholds(doc, f.thresholds.v)

	// Whatever happened, what was measured is written; a results file is
	// never replaced by one that holds nothing.
	var werr error
	if (len(doc.Runs) > 0 || runErr == nil) && !out.stdout {
		werr = results.WriteWith(stdout, f.format.v, doc, f.table.options())
	}
	printWarnings(os.Stderr, doc)
	if f.out != "" && len(doc.Runs) > 0 {
		werr = errors.Join(werr, writeOut(doc))
	}
	if f.plotDir != "" && len(doc.Runs) > 0 {
		// After an interrupt the charts of what was measured are still
		// drawn; a second Ctrl-C (default handling by then) ends that.
		cctx := ctx
		if interrupted {
			cctx = context.WithoutCancel(ctx)
		}
		werr = errors.Join(werr, chartDocument(cctx, plotter, doc, f.plotDir, plotOpt, true, f.quiet, os.Stderr, os.Stderr))
	}
	switch {
	case runErr != nil:
		return errors.Join(runErr, werr)
	case werr != nil:
		return werr
	case interrupted:
		return errInterrupted
	}
	return thErr
}

// formatFor picks the --out file's format from its extension.
func formatFor(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".md", ".markdown":
		return "markdown"
	case ".txt":
		return "table"
	}
	return "json"
}

// resumeFrom reads a results file for plan: its complete cells, and the
// runs recorded for those with fewer repetitions than the plan asks
// (which go on from there), by cell. A file of another schema or plan is
// an error, before anything runs.
func resumeFrom(path string, whole *harness.Plan) (map[harness.Cell]results.Summary, map[harness.Cell][]results.Summary, error) {
	if path == "" {
		return nil, nil, nil
	}
	doc, err := results.ReadFile(path)
	if err != nil {
		return nil, nil, usagef("--resume: %w", err)
	}
	out := map[harness.Cell]results.Summary{}
	pending := map[harness.Cell][]results.Summary{}
	for _, s := range doc.Runs {
		// Each cell is checked against its own plan: a sweep's cells differ
		// in the values swept (and a cell of values this plan does not
		// sweep is of another plan).
		cell := harness.CellOf(&s)
		plan, err := whole.At(cell)
		if err != nil {
			return nil, nil, usagef("--resume %s: holds results of another plan (%s), not this one: %v", path, cell.Params, err)
		}
		got, want := harness.Comparable(s.Params, plan), harness.Comparable(plan.Spec.Describe(), plan)
		if s.Workload != plan.Spec.Name || !maps.Equal(got, want) || s.DurationSeconds != plan.Duration.Seconds() ||
			(s.OpenLoop == nil) == plan.OpenLoop() || s.OpenLoop != nil && !sameArrivals(s.OpenLoop, plan) {
			return nil, nil, usagef("--resume %s: holds results of another plan (workload %s %s), not this one (workload %s %s)",
				path, s.Workload, results.ParamText(&s, true), plan.Spec.Name, results.ParamText(&results.Summary{Params: plan.Spec.Describe()}, true))
		}
		switch {
		case s.Partial: // run again
		case s.Incomplete() && s.RepetitionsDone < max(whole.Repeat, 1) && len(s.PendingRuns) == s.RepetitionsDone:
			pending[cell] = s.PendingRuns
		default:
			out[cell] = s
		}
	}
	return out, pending, nil
}

// combine lists, in plan order, the cells resumed from a file and the
// ones measured now, with speedups across both.
func combine(plan *harness.Plan, prior map[harness.Cell]results.Summary, measured []results.Summary) []results.Summary {
	if len(prior) == 0 {
		return measured
	}
	now := map[harness.Cell]results.Summary{}
	for _, s := range measured {
		now[harness.CellOf(&s)] = s
	}
	var out []results.Summary
	for _, c := range plan.Cells() {
		if s, ok := prior[c]; ok {
			out = append(out, s)
		} else if s, ok := now[c]; ok {
			out = append(out, s)
		}
	}
	for i := range out {
		out[i].Speedup = nil
	}
	results.FillSpeedups(out)
	return out
}

// sameArrivals reports whether an open-loop result was asked for the
// plan's arrivals: the same ramp, or the same constant rate.
func sameArrivals(o *results.OpenLoop, plan *harness.Plan) bool {
	if o.Stages != "" || len(plan.Stages) > 0 {
		return o.Stages == strategies.FormatStages(plan.Stages) && o.RateAsked > 0
	}
	return o.RateAsked == plan.Rate
}
