package harness

import (
	"context"
	"errors"
	"time"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/target"
	"github.com/concbench/concbench/workloads"
)

// measured is one recorded run of a cell.
type measured struct {
	Run
	target  *results.TargetUse
	partial bool
}

// Run is what one run of a cell measured.
type Run struct {
	Tasks int           // tasks the run accounted for: given, or issued by its source
	Tally results.Tally // what its samples add up to
	// Samples are by task index (tasks never started are canceled), kept
	// by Once, OnceFor and OncePaced for runs of at most keepSamples tasks;
	// nil otherwise (the Tally counted them as they finished).
	Samples  []results.Sample
	Wall     time.Duration  // from the end of set-up to the last task's end
	Setup    time.Duration  // set-up before the first task (worker processes), else 0
	Teardown time.Duration  // after the last task until the strategy returned (worker exits)
	Memory   results.Memory // this process's; worker processes are in Children
	Children *strategies.ChildStats
	Pacer    *strategies.PacerStats // open-loop runs
	Start    time.Time              // the wall clock at the run's start (t0)
	CPU      time.Duration          // this process's CPU time over the run; negative when unknown
	HostBusy *float64               // the share of the host's CPUs busy over the run; nil when unknown
}

// Once runs the n tasks of task under strat one time. It blocks until the
// strategy has returned. A canceled ctx is not an error (the tally says
// what ran; tasks never started are canceled); a strategy that fails
// returns its error with the run so far.
func Once(ctx context.Context, task *workloads.Task, strat strategies.Strategy, n int) (Run, error) {
	var r Run
	err := run(ctx, task, strat, &strategies.Count{N: n}, recording{max: n, keep: keepSamples}, n, &r)
	return r, err
}

// OnceFor runs tasks of task under strat until d has passed (or max tasks
// were issued), then lets the running ones finish. Otherwise it is Once.
func OnceFor(ctx context.Context, task *workloads.Task, strat strategies.Strategy, d time.Duration, max int) (Run, error) {
	rc := recording{max: max, keep: keepSamples, opt: results.CountOptions{Timeline: true}}
	var r Run
	err := run(ctx, task, strat, strategies.NewUntil(d, max), rc, -1, &r)
	return r, err
}

// OncePaced runs tasks of task under strat as they arrive from p (an
// open-loop run), then lets the running ones finish. Dropped arrivals are
// recorded as such. Otherwise it is Once.
func OncePaced(ctx context.Context, task *workloads.Task, strat strategies.Strategy, p *strategies.Paced) (Run, error) {
	rc := recording{max: min(p.Tasks, MaxTasks), keep: keepSamples, opt: results.CountOptions{OpenLoop: true, Timeline: true, LateAfter: 10 * time.Millisecond}}
	var r Run
	err := run(ctx, task, strat, p, rc, -1, &r)
	return r, err
}

// recording says how a run records its tasks: indices below max, the
// samples of runs of at most keep tasks kept, opt counted; index j of the
// run is the plan's task shard.Global(j).
type recording struct {
	max, keep int
	opt       results.CountOptions
	shard     strategies.Shard
}

// source returns the source and recording of one run of a cell, and its
// task count (-1: as many as the source issues). Runs of a plan keep no
// samples: their memory does not grow with their tasks.
func (plan *Plan) source(cell Cell, seed int64, opt results.CountOptions) (strategies.Source, recording, int) {
	switch {
	case plan.OpenLoop():
		n := plan.Shard.Tasks(cell.Tasks)
		if plan.Duration > 0 {
			n = MaxTasks
		}
		p := &strategies.Paced{Rate: plan.Rate, Poisson: plan.Poisson, Seed: seed, Stages: plan.Stages, Tasks: n, Duration: plan.Duration, MaxQueue: plan.MaxQueue, Shard: plan.Shard}
		if plan.Duration == 0 {
			opt.Tasks = n
		}
		return p, recording{max: n, opt: opt, shard: plan.Shard}, -1
	case plan.Duration > 0:
		return strategies.NewUntil(plan.Duration, MaxTasks), recording{max: MaxTasks, opt: opt, shard: plan.Shard}, -1
	}
	n := plan.Shard.Tasks(cell.Tasks)
	opt.Tasks = n
	return &strategies.Count{N: n}, recording{max: n, opt: opt, shard: plan.Shard}, n
}

// maxConns caps a client's connection pool: one process cannot hold more
// connections to one address than there are ephemeral ports.
const maxConns = 1 << 16

// keepSamples is the longest run of Once, OnceFor and OncePaced whose
// samples Run.Samples holds one by one; a variable so that tests can take
// the path of long runs in short ones.
var keepSamples = 1 << 18

// run carries out one run into r; n is the task count, or -1 for as many
// as the source issued.
//
// run and its callers down from the caller of a cell keep small frames
// (a Run or a Summary goes by pointer, not on their stacks): the probe's
// collection sets the runtime's starting stack for new goroutines from
// the average stack it scans, and the harness's frames, on the stack of
// the goroutine waiting for the run, are in that average. Kilobytes of
// them made every task goroutine of a run start on a 4 KiB stack instead
// of the 2 KiB a bare program's get (twice the page faults while
// goroutines are spawned: BenchmarkOverhead's unbounded ratio 1.16-1.21
// a line instead of 1.06-1.13 on 2026-12-02).
func run(ctx context.Context, task *workloads.Task, strat strategies.Strategy, src strategies.Source, rc recording, n int, r *Run) error {
	ro := results.RecorderOptions{Count: rc.opt, Kind: workloads.Kind, Keep: rc.keep, Due: src.Due}
	pc, paced := src.(*strategies.Paced)
	if paced {
		ro.Forget = pc.Forget
	}
	// The recorder's histograms are allocated before the probe's
	// collection, so that they count in the heap the collector's next
	// goal is set from rather than use up the room before it: a cycle
	// during the run costs a scan of every live task's stack.
	rec := results.NewRecorder(rc.max, ro)
	p := startProbe()
	if paced {
		pc.Drop = func(i int, due time.Duration) {
			rec.Set(i, &results.Sample{Due: due, Start: due, Outcome: results.Dropped})
		}
	}
	cpu0, cpuOK := processCPU()
	busy0, total0, hostOK := hostCPU()
	begin := time.Now()
	t0 := begin
	src.Start(t0)
	runner := task.Runner(t0, rec, src.Due)
	job := &strategies.Job{
		Tasks:  rec.Cap(),
		Source: src,
		Exec: func(ctx context.Context, i int) {
			// This frame is on the stack while the task runs: what it
			// holds is stack the task's goroutine has less of.
			runner.Run(ctx, i, rc.shard.Global(i))
		},
		Record: func(i int, s results.Sample) { s.Due = src.Due(i); rec.Set(i, &s) },
		Ready:  func() time.Time { t0 = time.Now(); src.Start(t0); runner = task.Runner(t0, rec, src.Due); return t0 },
	}
	var children *strategies.ChildStats
	var err error
	switch sp, ok := strat.(strategies.Spawner); {
	case ctx.Err() != nil: // a canceled run starts nothing (no worker process either)
	case ok:
		var c strategies.ChildStats
		c, err = sp.Spawn(ctx, job)
		children = &c
	default:
		err = strat.Run(ctx, job)
	}
	end := time.Now()
	src.Stop()
	if n < 0 {
		n = src.Issued()
	}
	// An open-loop run of a set task count that was cut short accounts
	// for the arrivals it never issued as canceled (after the tally, so
	// that they add no arrivals to the timeline).
	unissued := 0
	if paced && pc.Duration == 0 && pc.Tasks < MaxTasks && ctx.Err() != nil {
		unissued = max(pc.Tasks-n, 0)
	}
	*r = Run{} // field by field: a Run literal would be a temporary on this frame
	r.Wall, r.Setup, r.Children, r.CPU, r.Start = end.Sub(t0), t0.Sub(begin), children, -1, t0
	if cpu1, ok := processCPU(); ok && cpuOK {
		r.CPU = cpu1 - cpu0
	}
	if busy1, total1, ok := hostCPU(); ok && hostOK && total1 > total0 {
		share := float64(busy1-busy0) / float64(total1-total0)
		r.HostBusy = &share
	}
	if paced {
		st := pc.Stats()
		r.Pacer = &st
	}
	if c := children; c != nil {
		// Worker processes take a while to exit after their last answer;
		// that is teardown, counted in the end-to-end time only.
		r.Wall, r.Teardown = c.Wall, end.Sub(t0)-c.Wall
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		err = nil
	}
	cause := context.Cause(ctx)
	if cause == nil {
		cause = err
	}
	account(r, rec, p, n, cause)
	r.Tasks = n + unissued
	r.Tally.Outcomes.Canceled += unissued
	return err
}

// account fills in r what the recorder and the probe hold once the run
// is over. It is a call of its own so that the Tally and Memory it copies
// are not on run's frame, under every task (see run).
//
//go:noinline
func account(r *Run, rec *results.Recorder, p *probe, n int, cause error) {
	r.Tally, r.Samples = rec.Finish(n, cause)
	// The probe stops after the tally: the summary's work is part of what
	// the run cost.
	r.Memory = p.stop(n)
	r.Memory.RecorderBytes = rec.PeakBytes()
}

// newStrategy builds the strategy of a cell with the plan's options; a
// shard of a closed loop takes its share of the cell's concurrency (an
// open loop's rate, not its slots, is what the shards split).
func newStrategy(plan *Plan, cell Cell) (strategies.Strategy, error) {
	c := cell.Concurrency
	if !plan.OpenLoop() {
		c = plan.Shard.Share(c)
	}
	return strategies.NewWith(cell.Strategy, plan.strategyConfig(c))
}

// RunCell runs one cell: plan.Warmup unrecorded runs, then plan.Repeat
// recorded ones, and summarises them (results.Combine). It blocks until
// they are done. If ctx ends the cell early the summary covers the runs
// that finished (fewer repetitions than asked), or is the cut-short run
// marked Partial when none did. If the strategy fails, the summary covers
// what was recorded (if anything) and the error is returned with it;
// errNoRuns means there is nothing to show.
//
// The summary is returned by pointer: a Summary value would take room on
// the caller's frame, under every run (see run).
func RunCell(ctx context.Context, plan *Plan, cell Cell) (*results.Summary, error) {
	return runCell(ctx, plan, cell, nil, nil)
}

// runCell is RunCell with the embedded target, if any, to read counters from.
func runCell(ctx context.Context, plan *Plan, cell Cell, tgt *embedded, hooks *Hooks) (*results.Summary, error) {
	c := newCellRun(plan, cell, nil)
	defer c.close() // the next cell's client opens connections of its own
	order := 0
	return c.result(c.visit(ctx, tgt, hooks, c.repeat, 0, &order))
}

// result is the cell's summary with the error of its last visit; a cell
// with nothing to show returns errNoRuns (wrapping err, if any). The
// summary is on the heap: a Summary returned by value would take its
// room on the frame of each caller, under every run (see run).
func (c *cellRun) result(err error) (*results.Summary, error) {
	s, ok := c.summary()
	if !ok {
		if err != nil {
			return &s, noRuns{err}
		}
		return &s, errNoRuns
	}
	return &s, err
}

// askedPerStep sets each step's Asked: the arrivals the schedule expects
// in it, which a ramp's timeline is read against.
func askedPerStep(tl []results.Step, step float64, a strategies.Arrivals) {
	at := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	for k := range tl {
		from := tl[k].StartSeconds
		tl[k].Asked = strategies.ExpectedArrivals(a, at(from+step)) - strategies.ExpectedArrivals(a, at(from))
	}
}

// openLoop reports the open-loop figures of a run. A ramp's asked rate
// is its mean (the arrivals it expects over its length); its achieved
// rate is the arrivals released over the longer of that length and the
// last release.
func openLoop(plan *Plan, m *measured) *results.OpenLoop {
	asked := plan.Rate
	if len(plan.Stages) > 0 {
		asked = strategies.ExpectedArrivals(plan.Arrivals(0), plan.Duration) / plan.Duration.Seconds()
	}
	o := &results.OpenLoop{
		Arrival:            "uniform",
		RateAsked:          asked,
		RateAchieved:       asked,
		Stages:             strategies.FormatStages(plan.Stages),
		Corrected:          m.Tally.Corrected,
		CorrectedHistogram: m.Tally.CorrectedHistogram,
		QueueLimit:         plan.MaxQueue,
		Late:               m.Tally.Late,
		LateAfterSeconds:   plan.lateAfter().Seconds(),
	}
	if plan.Poisson {
		o.Arrival = "poisson"
	}
	if plan.Shard.Sharded() { // a shard's rate is its share of the plan's
		o.RateAsked = asked / float64(plan.Shard.Count)
		o.RateAchieved = o.RateAsked
	}
	if p := m.Pacer; p != nil {
		o.MaxQueueDepth = p.MaxQueue
		if p.Waited > 0 {
			o.SendLateness, o.SendWaited = &p.Lateness, p.Waited
		}
		switch span := p.LastRelease - p.FirstDue; {
		case len(plan.Stages) > 0:
			span := max(plan.Duration, p.LastRelease).Seconds()
			o.RateAchieved = float64(p.Issued) / span
			if started := p.Issued - m.Tally.Outcomes.Dropped; started > 0 {
				o.RateStarted = float64(started) / max(span, p.LastRelease.Seconds()+m.Tally.QueueWait.Max)
			}
		// arrivals 0..n-1 are due at 0 .. (n-1)/rate: n-1 gaps (a
		// shard's first is due later)
		case p.Issued > 1 && span > 0:
			o.RateAchieved = float64(p.Issued-1) / span.Seconds()
			// The last task started at most its wait after its release:
			// when slots are too few the wait, and this span, grow.
			if started := p.Issued - m.Tally.Outcomes.Dropped; started > 1 {
				o.RateStarted = float64(started-1) / (span.Seconds() + m.Tally.QueueWait.Max)
			}
		}
	}
	o.GeneratorLimited, o.HostLimited = generatorLimit(o, m.Tally, m.Wall+m.Setup, m.CPU)
	return o
}

// hdrOnly returns method where it is not the document's default.
func hdrOnly(method string) string {
	if method == results.PercentileMethod {
		return ""
	}
	return method
}

// summarise is one recorded run's own figures, a row of one repetition
// (of none, when the run was cut short): results.Combine makes a cell's
// row of such rows.
func summarise(task *workloads.Task, strat strategies.Strategy, cell Cell, d time.Duration, m *measured) results.Summary {
	spec := task.Spec()
	wall := m.Wall.Seconds()
	s := results.Summary{
		Strategy:         strat.Name(),
		Workload:         spec.Name,
		Params:           spec.Describe(),
		Tasks:            m.Tasks,
		Concurrency:      concurrency(strat, cell, m.Tasks),
		Slots:            strat.Slots(m.Tasks),
		DurationSeconds:  d.Seconds(),
		Partial:          m.partial,
		WallSeconds:      wall,
		ThroughputPerS:   throughput(m),
		Latency:          m.Tally.Latency,
		PercentileMethod: hdrOnly(m.Tally.Method),
		LatencyHistogram: m.Tally.Histogram,
		QueueWait:        m.Tally.QueueWait,
		Outcomes:         m.Tally.Outcomes,
		Errors:           m.Tally.Errors,
		Attempts:         m.Tally.Attempts,
		Memory:           m.Memory,
		Processes:        processes(&m.Run),
		Target:           m.target,
		BytesReceived:    m.Tally.Bytes,
		HostCPUBusy:      m.HostBusy,
	}
	if m.partial {
		return s // a cut-short run is no repetition and has no ideal
	}
	s.Repetitions = []results.Repetition{{
		WallSeconds:    wall,
		ThroughputPerS: s.ThroughputPerS,
		P99Seconds:     m.Tally.Latency.P99,
		PeakRSSBytes:   m.Memory.PeakRSSBytes,
		P50Seconds:     &s.Latency.P50,
		PeakGoroutines: m.Memory.PeakGoroutines,
		PeakThreads:    m.Memory.PeakThreads,
	}}
	if ideal, ok := idealMakespan(task, s.Tasks, strat.Slots(s.Tasks)); ok && d == 0 {
		ideal := ideal.Seconds()
		s.IdealSeconds = &ideal
		if wall > 0 {
			eff := ideal / wall
			s.Efficiency = &eff
		}
		if mean, ok := expectedMean(task, s.Tasks); ok {
			s.ExpectedServiceSeconds = &mean
		}
	}
	return s
}

func throughput(r *measured) float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Tally.Outcomes.Finished()) / r.Wall.Seconds()
}

// processes reports what the worker processes of a run cost, nil for an
// in-process strategy.
func processes(r *Run) *results.Processes {
	c := r.Children
	if c == nil {
		return nil
	}
	p := &results.Processes{
		Workers:             c.Workers,
		PerProcess:          c.PerProcess,
		StartupSeconds:      r.Setup.Seconds(),
		EndToEndWallSeconds: (r.Setup + r.Wall + r.Teardown).Seconds(),
		WorkerPeakRSSBytes:  c.PeakRSS,
		ChildUserCPUSeconds: c.UserCPU.Seconds(),
		ChildSysCPUSeconds:  c.SysCPU.Seconds(),
		Restarts:            c.Restarts,
	}
	if c.PeakRSS != nil { // nil: the OS gives no child peaks
		var sum uint64
		for _, b := range c.PeakRSS {
			sum += b
		}
		p.ChildRSSSumBytes = &sum
	}
	return p
}

// read returns the target's counters; a nil target has none.
func (e *embedded) read() (target.Stats, error) {
	if e == nil {
		return target.Stats{}, nil
	}
	return e.stats()
}

// concurrency is the limit a cell asked for; strategies without one report
// what they allow (1 for sequential, every task for unbounded).
func concurrency(strat strategies.Strategy, cell Cell, n int) int {
	if strategies.Bounded(cell.Strategy) {
		return cell.Concurrency
	}
	return strat.Slots(n)
}
