package main

import (
	"slices"
	"strings"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
	_ "github.com/concbench/concbench/workloads/network" // registers http and tcp
	"github.com/spf13/pflag"
)

// runFlags holds the values of `concbench run`'s flags: the harness's,
// written here, and the workloads' and strategies' own, generated from
// the registries (params).
type runFlags struct {
	workload          choice
	strategies        choiceList
	tasks, conc       intList
	duration          duration
	failRate          fraction
	timeout, backoff  duration
	retries           count
	repeat, warmup    count
	seed              int64
	format            choice
	out               string
	panicAt, crashAt  indexList
	target            choice
	plotDir           string
	resume            string
	quiet             bool
	noInterleave      bool
	rate              rate
	stages            stagesFlag
	arrival           choice
	maxQueue          count
	lateAfter         duration
	interval          duration
	stallAt, stallFor duration
	plot              *plotFlags
	table             *tableFlags
	thresholds        thresholdList
	params            *paramFlags
	sweeps            map[string]*sweepFlag // harness flags a comma list sweeps
	fs                *pflag.FlagSet
	notes             []string // said on stderr before the run: what the flags changed of the defaults
}

func newRunFlags() *runFlags {
	f := &runFlags{
		workload:   choice{v: "sleep", allowed: workloads.Registered()},
		strategies: choiceList{v: strategies.Registered(), allowed: strategies.Registered()},
		tasks:      intList{[]int{500}},
		conc:       intList{[]int{10, 100}},
		backoff:    duration{10 * time.Millisecond},
		repeat:     count{1},
		format:     choice{v: "table", allowed: results.Formats},
		target:     choice{v: harness.TargetChild, allowed: []string{harness.TargetChild, harness.TargetInproc}},
		arrival:    choice{v: "uniform", allowed: []string{"uniform", "poisson"}},
		lateAfter:  duration{10 * time.Millisecond},
		interval:   duration{time.Second},
	}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.Var(&f.workload, "workload", "workload: "+strings.Join(workloads.Registered(), ", "))
	fs.Var(&f.strategies, "strategies", "strategies to compare, comma-separated, or all")
	fs.Var(&f.tasks, "tasks", "number of tasks per run; a list sweeps (with --durations: the list's length unless given)")
	fs.Var(&f.duration, "duration", "instead of --tasks: issue tasks for this long (a load test), then let the running ones finish")
	f.fs = fs
	f.addSweepFlag(&f.rate, "rate", "open loop: tasks arrive at this rate (e.g. 500 or 500/s) for --duration or --tasks, whatever the running ones do")
	f.addListSweepFlag(&f.stages, "stages", stagesUsage)
	fs.Var(&f.arrival, "arrival", "open loop: arrival times, uniform (evenly spaced) or poisson (seeded)")
	fs.Var(&f.maxQueue, "max-queue", "open loop: drop (and count) arrivals when this many tasks wait; 0: no limit")
	fs.Var(&f.lateAfter, "late-after", "open loop: a task that starts this long after it was due counts as late")
	fs.Var(&f.interval, "interval", "open loop: step of the timeline (rate, latency, errors over time)")
	fs.Var(&f.conc, "concurrency", "workers (pool), slots (semaphore) or worker processes (process); a list sweeps")
	fs.Var(&f.target, "target", "workloads that talk to a server: where the embedded target runs: child (a separate process) or inproc (memory figures then include it)")
	fs.Var(&f.failRate, "fail-rate", "probability in [0,1] that an attempt fails (decided per task and attempt from --seed)")
	f.addSweepFlag(&f.timeout, "timeout", "per-attempt timeout; 0 means none")
	fs.Var(&f.retries, "retries", "extra attempts after a failure or timeout")
	fs.Var(&f.backoff, "backoff", "wait before the first retry; doubles for each further retry")
	fs.Var(&f.repeat, "repeat", "recorded runs per cell; the table shows the median wall time and its interval, labelled with its real level, or \"range\" when it is the min-max")
	fs.BoolVar(&f.noInterleave, "no-interleave", false, "with --repeat, run each cell's repetitions one after another instead of in rounds (round r runs every cell once more, in an order that rotates, so that a drift of the machine spreads over all cells)")
	fs.Var(&f.warmup, "warmup", "unrecorded runs per cell before the recorded ones (default 1 for closed-loop runs of a workload that talks to a server, 0 otherwise)")
	fs.Int64Var(&f.seed, "seed", 1, "seed for every random draw; the same seed gives the same tasks")
	fs.Var(&f.format, "format", "output format: "+strings.Join(results.Formats, ", "))
	fs.StringVar(&f.out, "out", "", "also write the results to this file; .json, .csv, .md or .txt picks the format (JSON otherwise)")
	fs.StringVar(&f.plotDir, "plot", "", "after the run, write charts and report.md into this directory")
	fs.StringVar(&f.resume, "resume", "", "skip the cells already measured in this results file (of the same plan); --out then holds them all")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on stderr, nor the charts written or skipped (--plot)")
	fs.Var(&f.thresholds, "threshold", thresholdUsage())
	f.table = addTableFlags(fs)
	f.plot = addPlotFlags(fs)
	fs.Var(&f.panicAt, "panic-at", "fault injection: task indices that panic on every attempt")
	fs.Var(&f.stallAt, "stall-at", "fault injection: start of a window in which every task blocks (see --stall-for)")
	fs.Var(&f.stallFor, "stall-for", "fault injection: length of that window; attempts starting in it wait until it ends")
	f.addListSweepFlag(&f.crashAt, "crash-at", "fault injection, process strategy: task indices whose worker process kills itself")
	f.params = addParamFlags(fs)
	f.fs = fs
	return f
}

// plan checks the flags against each other and builds the plan. Every
// error is a usageError naming the flag.
func (f *runFlags) plan() (*harness.Plan, error) {
	set := func(name string) bool { return f.fs.Changed(name) }
	if !set("workload") {
		w, err := f.params.impliedWorkload(f.workload.v)
		if err != nil {
			return nil, err
		}
		if w != "" {
			f.workload.v = w
		}
	}
	spec := workloads.Spec{
		Name:     f.workload.v,
		Seed:     f.seed,
		FailRate: f.failRate.v,
		Timeout:  f.timeout.v,
		Retries:  f.retries.v,
		Backoff:  f.backoff.v,
		PanicAt:  f.panicAt.v,
		CrashAt:  f.crashAt.v,
		StallAt:  f.stallAt.v,
		StallFor: f.stallFor.v,
	}
	tasks := f.tasks.v
	wp, sp, err := f.params.values(spec.Name, f.strategies.v)
	if err != nil {
		return nil, err
	}
	var stratParams params.Values
	sweeps := f.sweepsOf(&spec, &stratParams, wp, sp)
	d, _ := workloads.Lookup(spec.Name)
	if !set("tasks") && !set("duration") {
		n, err := defaultTasks(d, spec, sweeps)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			tasks = []int{n}
		}
	}
	if set("target") {
		switch {
		case d.Network == nil:
			return nil, usagef("--target applies to workloads that talk to a server (--workload %s), not %s", orList(networkWorkloads()), spec.Name)
		case !d.Network.Target(spec.Params):
			return nil, usagef("--target applies to the embedded target; the parameters name another server (%s)", strings.Join(spec.Params.Names(), ", "))
		}
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
		Spec:           spec,
		Strategies:     f.strategies.v,
		Tasks:          tasks,
		Duration:       f.duration.v,
		Concurrency:    f.conc.v,
		Repeat:         f.repeat.v,
		NoInterleave:   f.noInterleave,
		Warmup:         f.warmup.v,
		StrategyParams: stratParams,
		Sweeps:         sweeps,
		Rate:           f.rate.v,
		Poisson:        f.arrival.v == "poisson",
		MaxQueue:       f.maxQueue.v,
		LateAfter:      f.lateAfter.v,
		Interval:       f.interval.v,
		Target:         f.target.v,
	}
	if err := applyStages(f, p, set); err != nil {
		return nil, err
	}
	// The first run of a closed-loop network cell pays connection set-up
	// (pool at 1000: 1.07 s, then 0.58 and 0.55 s): such cells warm up
	// once unless --warmup says otherwise. Open-loop runs keep their
	// arrivals as asked, set-up included.
	if d.Network != nil && !p.OpenLoop() && !set("warmup") {
		p.Warmup = 1 // the table's heading says so (results.Summary.Warmups)
	}
	// In a closed-loop --duration run, unbounded starts a goroutine per
	// task as fast as it can for the whole duration (20,987 requests in
	// 1 s, the last waiting 8 s): it measures how deep a backlog it can
	// build, not the system. Asked for by name it runs; "all" leaves it
	// out, saying so.
	if set("duration") && !p.OpenLoop() && !set("strategies") {
		if i := slices.Index(p.Strategies, "unbounded"); i >= 0 {
			p.Strategies = slices.Delete(slices.Clone(p.Strategies), i, i+1)
			f.notes = append(f.notes, "unbounded left out of this --duration run: it would start a goroutine per task as fast as it can for the whole duration; name it in --strategies to run it")
		}
	}
	if set("rate") && !set("tasks") && !set("duration") && !set("stages") {
		return nil, usagef("--rate needs --duration, --tasks or --stages: say how long or how many tasks to issue")
	}
	for _, name := range []string{"arrival", "max-queue", "late-after", "interval"} {
		if set(name) && !set("rate") && !set("stages") {
			return nil, usagef("--%s applies to open-loop runs: give --rate or --stages", name)
		}
	}
	if set("interval") && f.interval.v == 0 {
		return nil, usagef("--interval \"0s\": must be positive")
	}
	if set("stall-at") && !set("stall-for") {
		return nil, usagef("--stall-at needs --stall-for")
	}
	if p.Repeat == 0 {
		return nil, usagef("--repeat \"0\": must be at least 1")
	}
	if f.noInterleave && p.Repeat < 2 {
		return nil, usagef("--no-interleave applies with --repeat 2 or more: one repetition per cell has nothing to interleave")
	}
	if err := p.Validate(); err != nil {
		return nil, usageError{err}
	}
	return p, nil
}

// networkWorkloads lists the registered workloads that talk to a server.
func networkWorkloads() []string {
	var out []string
	for _, name := range workloads.Registered() {
		if d, _ := workloads.Lookup(name); d.Network != nil {
			out = append(out, name)
		}
	}
	return out
}
