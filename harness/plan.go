// Package harness turns a plan into measured results: it expands the sweep
// into cells, runs each cell under its strategy with warmups and
// repetitions, and summarises what the samples and the memory probe saw.
package harness

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// MaxTasks bounds the tasks of a duration-mode or open-loop run: an hour
// at 70k tasks/s. Such runs count their samples as they go, so memory
// does not grow with it.
const MaxTasks = 1 << 28

// Plan is a sweep: every strategy over the cartesian product of task
// counts and concurrency limits, for one workload. With Duration set, each
// run issues tasks until that much time has passed instead, and Tasks is
// ignored.
type Plan struct {
	Spec        workloads.Spec
	Strategies  []string
	Tasks       []int
	Duration    time.Duration
	Concurrency []int
	Repeat      int // recorded runs per cell; 0 means 1
	// NoInterleave runs each cell's repetitions one after another
	// instead of in rounds across the cells (see Interleaved).
	NoInterleave bool
	Warmup       int // unrecorded runs per cell before those
	PerProcess   int // process strategy: tasks each worker runs at once; 0 means 1
	// Sweeps are the parameters swept besides tasks, concurrency and
	// strategies (e.g. --rate 100,200 --latency 5ms,20ms); At gives the
	// plan of one of the cells.
	Sweeps []Sweep
	// StrategyParams are the strategies' own parameters as given, by
	// flag name (each strategy reads those it declares); a per-process
	// here overrides PerProcess.
	StrategyParams params.Values
	Target         string // where the embedded target runs: TargetChild (default) or TargetInproc

	// Open loop: with Rate set, tasks arrive at Rate per second (evenly,
	// or as a Poisson process) for Duration or up to Tasks. With Stages,
	// the rate ramps from Rate (which may then be 0) through them, and
	// Duration must be their total length.
	Rate      float64
	Stages    []strategies.Stage
	Poisson   bool
	MaxQueue  int           // waiting tasks beyond this are dropped; 0: no limit
	LateAfter time.Duration // a task starting this long after due is late
	Interval  time.Duration // timeline step; 0: 1s

	// Shard, if set, runs one part of the plan, the others running on
	// other machines: its tasks and arrivals k with k mod Count = Index,
	// each built as one machine would build it, and in a closed loop its
	// share of each concurrency limit (Shard.Share). Hash leaves it out.
	Shard strategies.Shard
}

// Cell is one row of results: a strategy, a task count, a concurrency
// and the values of the plan's other sweeps.
type Cell struct {
	Strategy    string
	Tasks       int
	Concurrency int // the limit asked for; unbounded strategies ignore it
	// Params holds the values of the swept parameters that apply to the
	// cell (Swept reads them): "name=value", sorted by name, joined by
	// spaces; "" when the plan sweeps none.
	Params string
}

// ValueError names the plan field that is wrong, as its CLI flag.
type ValueError struct {
	Flag, Value, Reason string
}

func (e *ValueError) Error() string { return fmt.Sprintf("--%s %q: %s", e.Flag, e.Value, e.Reason) }

// Validate checks the plan without running anything. Errors are a
// *ValueError or a *workloads.ParamError, both naming the flag.
func (p *Plan) Validate() error {
	if len(p.Sweeps) > 0 {
		return p.validateSweeps()
	}
	spec := p.Spec
	if needsTarget(&spec) { // the embedded target's address is filled in when it starts
		spec.Params = networkOf(&spec).Point(spec.Params, "127.0.0.1:1", "127.0.0.1:1")
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	switch p.Target {
	case "", TargetChild, TargetInproc:
	default:
		return &ValueError{"target", p.Target, "want child or inproc"}
	}
	if len(p.Strategies) == 0 {
		return &ValueError{"strategies", "", "no strategy given"}
	}
	for _, s := range p.Strategies {
		if _, err := strategies.NewWith(s, p.strategyConfig(1)); err != nil {
			if pe, ok := err.(*params.Error); ok {
				return pe
			}
			return &ValueError{"strategies", s, err.Error()}
		}
	}
	if p.Duration < 0 {
		return &ValueError{"duration", p.Duration.String(), "must not be negative"}
	}
	tasks := p.Tasks
	if p.Duration > 0 {
		tasks = []int{1} // unused
	}
	for _, l := range []struct {
		flag string
		xs   []int
	}{{"tasks", tasks}, {"concurrency", p.Concurrency}} {
		if len(l.xs) == 0 {
			return &ValueError{l.flag, "", "no value given"}
		}
		for _, x := range l.xs {
			if x <= 0 {
				return &ValueError{l.flag, strconv.Itoa(x), "must be a positive integer"}
			}
		}
	}
	if p.Repeat < 0 {
		return &ValueError{"repeat", strconv.Itoa(p.Repeat), "must not be negative"}
	}
	if p.PerProcess < 0 {
		return &ValueError{"per-process", strconv.Itoa(p.PerProcess), "must not be negative"}
	}
	if len(p.Spec.CrashAt) > 0 && !slices.Contains(p.Strategies, "process") {
		return &ValueError{"crash-at", fmt.Sprint(p.Spec.CrashAt), "applies to the process strategy only"}
	}
	for _, s := range p.Strategies {
		if !slices.ContainsFunc(p.Concurrency, func(c int) bool { return withinLimit(s, c) }) {
			c := slices.Max(p.Concurrency)
			_, err := strategies.NewWith(s, p.strategyConfig(c))
			return &ValueError{"concurrency", strconv.Itoa(c), err.Error()}
		}
	}
	if p.Rate < 0 || math.IsNaN(p.Rate) || math.IsInf(p.Rate, 0) {
		return &ValueError{"rate", fmt.Sprint(p.Rate), "must be a positive number of tasks per second"}
	}
	if p.MaxQueue < 0 {
		return &ValueError{"max-queue", strconv.Itoa(p.MaxQueue), "must not be negative"}
	}
	if p.MaxQueue > 0 && !p.OpenLoop() {
		return &ValueError{"max-queue", strconv.Itoa(p.MaxQueue), "applies to open-loop runs (--rate, --stages) only"}
	}
	if len(p.Stages) > 0 && p.Duration != strategies.StagesLength(p.Stages) {
		return &ValueError{"stages", strategies.FormatStages(p.Stages), "sets the run's length (" + strategies.StagesLength(p.Stages).String() + "): give no --duration with it"}
	}
	if p.Warmup < 0 {
		return &ValueError{"warmup", strconv.Itoa(p.Warmup), "must not be negative"}
	}
	if err := p.checkShard(); err != nil {
		return err
	}
	return p.checkBounds()
}

// OpenLoop reports whether tasks arrive on a schedule (--rate or
// --stages) rather than as slots free up.
func (p *Plan) OpenLoop() bool { return p.Rate > 0 || len(p.Stages) > 0 }

// Arrivals returns the open-loop schedule of the plan's runs with seed.
func (p *Plan) Arrivals(seed int64) strategies.Arrivals {
	return strategies.Arrivals{Rate: p.Rate, Poisson: p.Poisson, Seed: seed, Stages: p.Stages}
}

// Cells expands the plan in run order: by the values of the other sweeps
// (the first varying slowest), then task count, then strategy, then
// concurrency. Strategies that ignore the limit get one cell per task
// count, not one per concurrency value.
func (p *Plan) Cells() []Cell {
	var cells []Cell
	tasks := p.Tasks
	if p.Duration > 0 {
		tasks = []int{0} // as many as the duration allows
	}
	seen := map[Cell]bool{}
	add := func(c Cell) {
		if !seen[c] {
			seen[c] = true
			cells = append(cells, c)
		}
	}
	for _, pt := range p.points() {
		for _, n := range tasks {
			for _, s := range p.Strategies {
				at := pointOf(p.forStrategy(pt, s))
				if !strategies.Bounded(s) {
					add(Cell{s, n, 0, at})
					continue
				}
				for _, c := range p.Concurrency {
					if !withinLimit(s, c) {
						continue // see Notes
					}
					add(Cell{s, n, c, at})
				}
			}
		}
	}
	return cells
}

// Cost estimates how long a cell of the plan runs, relative to its other
// cells, for progress and ETA: the rounds of tasks its slots need, as the
// tasks of one plan share a workload. Duration-mode cells all cost the
// same; CPU-bound work runs on at most GOMAXPROCS slots.
func (p *Plan) Cost(c Cell) float64 {
	if q, err := p.At(c); err == nil {
		p = q
	}
	if p.Duration > 0 {
		return 1
	}
	if p.OpenLoop() {
		return float64(c.Tasks) // arrivals set the pace, whatever the slots
	}
	slots := 1
	if s, err := strategies.NewWith(c.Strategy, p.strategyConfig(max(c.Concurrency, 1))); err == nil {
		slots = s.Slots(c.Tasks)
	}
	if d, ok := workloads.Lookup(p.Spec.Name); ok && d.CPUBound {
		slots = min(slots, runtime.GOMAXPROCS(0))
	}
	return math.Ceil(float64(c.Tasks) / float64(max(slots, 1)))
}

// DefaultLateAfter is how long after its due time an open-loop task may
// start before it counts as late, when the plan does not say.
const DefaultLateAfter = 10 * time.Millisecond

func (p *Plan) lateAfter() time.Duration {
	if p.LateAfter > 0 {
		return p.LateAfter
	}
	return DefaultLateAfter
}

// withinLimit reports whether concurrency c is within strategy s's
// declared limit, if any.
func withinLimit(s string, c int) bool {
	d, ok := strategies.Lookup(s)
	return !ok || d.MaxConcurrency <= 0 || c <= d.MaxConcurrency
}

// strategyConfig is what the plan's strategies are built from at
// concurrency c.
func (p *Plan) strategyConfig(c int) strategies.Config {
	ps := p.StrategyParams.Clone()
	if p.PerProcess > 0 && !ps.Has(perProcess) {
		ps = ps.Set(perProcess, strconv.Itoa(p.PerProcess))
	}
	return strategies.Config{Concurrency: c, Params: ps, Workload: p.Spec}
}

// perProcess is the process strategy's parameter that Plan.PerProcess
// stands for.
const perProcess = "per-process"

// tasksPerWorker is what the plan asks each worker process to run at
// once, at least 1 (a bad value is Validate's to report).
func (p *Plan) tasksPerWorker() int {
	if n, err := p.StrategyParams.Int(perProcess, 1, math.MaxInt); err == nil && n > 0 {
		return n
	}
	return max(p.PerProcess, 1)
}

// Notes says which cells of the sweep Cells leaves out, and why: cells
// whose concurrency is over their strategy's limit (worker processes),
// when the sweep has others.
func (p *Plan) Notes() []string {
	var notes []string
	for _, s := range p.Strategies {
		for _, c := range p.Concurrency {
			if !withinLimit(s, c) {
				d, _ := strategies.Lookup(s)
				notes = append(notes, fmt.Sprintf("%s strategy skipped at concurrency %d: over its limit of %d", s, c, d.MaxConcurrency))
			}
		}
	}
	if n := p.fdNote(); n != "" {
		notes = append(notes, n)
	}
	if _, n := p.Interleaved(); n != "" {
		notes = append(notes, n)
	}
	return notes
}

// errNoRuns is returned for a cell canceled before any recorded run.
var errNoRuns = errors.New("canceled before any recorded run")

// noRuns is a strategy's error that left a cell with nothing to show: it
// reads as that error alone, on one line, and is errNoRuns.
type noRuns struct{ err error }

func (e noRuns) Error() string        { return e.err.Error() }
func (e noRuns) Unwrap() error        { return e.err }
func (e noRuns) Is(target error) bool { return target == errNoRuns }
