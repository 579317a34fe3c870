package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
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

  # CPU-bound work: where goroutines stop helping, and what processes cost
  concbench run --workload cpu --tasks 200 --strategies sequential,pool,process --concurrency 2

Flags:
`

// runFlags holds the values of `concbench run`'s flags.
type runFlags struct {
	workload         choice
	strategies       choiceList
	tasks, conc      intList
	latency, jitter  duration
	duration         duration
	dist             choice
	durations        durationList
	work             count
	failRate         fraction
	timeout, backoff duration
	retries          count
	repeat, warmup   count
	seed             int64
	format           choice
	out              string
	panicAt, crashAt indexList
	perProcess       count
	fs               *pflag.FlagSet
}

func newRunFlags() *runFlags {
	f := &runFlags{
		workload:   choice{v: "sleep", allowed: workloads.Names},
		strategies: choiceList{v: strategies.Names, allowed: strategies.Names},
		tasks:      intList{[]int{500}},
		conc:       intList{[]int{10, 100}},
		latency:    duration{10 * time.Millisecond},
		dist:       choice{v: "fixed", allowed: workloads.Dists},
		work:       count{1_000_000},
		backoff:    duration{10 * time.Millisecond},
		repeat:     count{1},
		format:     choice{v: "table", allowed: results.Formats},
	}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.Var(&f.workload, "workload", "workload: "+strings.Join(workloads.Names, ", "))
	fs.Var(&f.strategies, "strategies", "strategies to compare, comma-separated, or all")
	fs.Var(&f.tasks, "tasks", "number of tasks per run; a list sweeps (default 500, or the length of --durations)")
	fs.Var(&f.duration, "duration", "instead of --tasks: issue tasks for this long (a load test), then let the running ones finish")
	fs.Var(&f.conc, "concurrency", "workers (pool), slots (semaphore) or worker processes (process); a list sweeps")
	fs.Var(&f.latency, "latency", "sleep: duration of each task, or the mean for --dist uniform|normal|exp")
	fs.Var(&f.dist, "dist", "sleep: duration distribution: "+strings.Join(workloads.Dists, ", "))
	fs.Var(&f.jitter, "jitter", "sleep: half-width (uniform) or standard deviation (normal) (default latency/2 resp. latency/4)")
	fs.Var(&f.durations, "durations", "sleep: explicit task durations, e.g. 40ms,30ms; cycled over the tasks")
	fs.Var(&f.work, "work", "cpu: mixing rounds per task (about 1 ns each)")
	fs.Var(&f.failRate, "fail-rate", "probability in [0,1] that an attempt fails (decided per task and attempt from --seed)")
	fs.Var(&f.timeout, "timeout", "per-attempt timeout; 0 means none")
	fs.Var(&f.retries, "retries", "extra attempts after a failure or timeout")
	fs.Var(&f.backoff, "backoff", "wait before the first retry; doubles for each further retry")
	fs.Var(&f.repeat, "repeat", "recorded runs per cell; the table shows the median wall time and its 95% CI")
	fs.Var(&f.warmup, "warmup", "unrecorded runs per cell before the recorded ones")
	fs.Int64Var(&f.seed, "seed", 1, "seed for every random draw; the same seed gives the same tasks")
	fs.Var(&f.format, "format", "output format: "+strings.Join(results.Formats, ", "))
	fs.StringVar(&f.out, "out", "", "also write the results to this file; .json, .csv, .md or .txt picks the format (JSON otherwise)")
	fs.Var(&f.perProcess, "per-process", "process: tasks each worker process runs at once (hybrid when above 1)")
	fs.Var(&f.panicAt, "panic-at", "fault injection: task indices that panic on every attempt")
	fs.Var(&f.crashAt, "crash-at", "fault injection, process strategy: task indices whose worker process kills itself")
	f.fs = fs
	return f
}

// plan checks the flags against each other and builds the plan. Every
// error is a usageError naming the flag.
func (f *runFlags) plan() (*harness.Plan, error) {
	set := func(name string) bool { return f.fs.Changed(name) }
	spec := workloads.Spec{
		Name:     f.workload.v,
		Seed:     f.seed,
		FailRate: f.failRate.v,
		Timeout:  f.timeout.v,
		Retries:  f.retries.v,
		Backoff:  f.backoff.v,
		PanicAt:  f.panicAt.v,
		CrashAt:  f.crashAt.v,
	}
	tasks := f.tasks.v
	switch spec.Name {
	case "sleep":
		if set("work") {
			return nil, usagef("--work applies to --workload cpu, not sleep")
		}
		if len(f.durations.v) > 0 {
			for _, name := range []string{"latency", "dist", "jitter"} {
				if set(name) {
					return nil, usagef("--%s conflicts with --durations: give one or the other", name)
				}
			}
			spec.Durations = f.durations.v
			if !set("tasks") {
				tasks = []int{len(spec.Durations)}
			}
			break
		}
		spec.Latency, spec.Dist, spec.Jitter = f.latency.v, f.dist.v, f.jitter.v
		switch {
		case set("jitter") && (spec.Dist == "fixed" || spec.Dist == "exp"):
			return nil, usagef("--jitter applies to --dist uniform or normal, not %s", spec.Dist)
		case !set("jitter") && spec.Dist == "uniform":
			spec.Jitter = spec.Latency / 2
		case !set("jitter") && spec.Dist == "normal":
			spec.Jitter = spec.Latency / 4
		}
	case "cpu":
		for _, name := range []string{"latency", "dist", "jitter", "durations"} {
			if set(name) {
				return nil, usagef("--%s applies to --workload sleep, not cpu", name)
			}
		}
		if f.work.v == 0 {
			return nil, usagef("--work \"0\": must be a positive number of rounds")
		}
		spec.Work = f.work.v
	}
	if set("backoff") && spec.Retries == 0 {
		return nil, usagef("--backoff has no effect without --retries")
	}
	if set("duration") {
		if set("tasks") {
			return nil, usagef("--duration and --tasks exclude each other: give one")
		}
		if f.duration.v == 0 {
			return nil, usagef("--duration \"0s\": must be positive")
		}
	}
	p := &harness.Plan{
		Spec:        spec,
		Strategies:  f.strategies.v,
		Tasks:       tasks,
		Duration:    f.duration.v,
		Concurrency: f.conc.v,
		Repeat:      f.repeat.v,
		Warmup:      f.warmup.v,
		PerProcess:  max(f.perProcess.v, 1),
	}
	if set("per-process") && !slices.Contains(p.Strategies, "process") {
		return nil, usagef("--per-process applies to the process strategy only")
	}
	if set("per-process") && f.perProcess.v == 0 {
		return nil, usagef("--per-process \"0\": must be at least 1")
	}
	if p.Repeat == 0 {
		return nil, usagef("--repeat \"0\": must be at least 1")
	}
	if err := p.Validate(); err != nil {
		return nil, usageError{err}
	}
	return p, nil
}

func runCmd(ctx context.Context, args []string, stdout io.Writer) error {
	f := newRunFlags()
	if err := parseFlags(f.fs, args, stdout, runUsage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	plan, err := f.plan()
	if err != nil {
		return err
	}
	outFormat := formatFor(f.out)
	if f.out != "" {
		if err := checkWritable(f.out); err != nil {
			return usagef("--out %q: %v", f.out, err)
		}
	}

	doc := results.NewDocument(results.CurrentEnvironment(version))
	runs, runErr := harness.Execute(ctx, plan, nil)
	doc.Runs = runs
	interrupted := ctx.Err() != nil
	doc.Partial = interrupted

	// Whatever happened, what was measured is written.
	var werr error
	if len(runs) > 0 || runErr == nil {
		werr = results.Write(stdout, f.format.v, doc)
		if f.out != "" {
			werr = errors.Join(werr, results.WriteFileAtomic(f.out, func(w io.Writer) error {
				return results.Write(w, outFormat, doc)
			}))
		}
	}
	switch {
	case runErr != nil:
		return errors.Join(runErr, werr)
	case werr != nil:
		return werr
	case interrupted:
		return errInterrupted
	}
	return nil
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

// checkWritable fails early, before a long run, if path cannot be written.
func checkWritable(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".concbench-probe*")
	if err != nil {
		return fmt.Errorf("cannot write to %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
