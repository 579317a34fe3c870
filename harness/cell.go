package harness

import (
	"context"
	"fmt"
	"slices"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// cellRun is one cell being measured: its plan, strategy and task, opened
// on its first visit and held across the rounds of an interleaved plan
// (a network client keeps its connections warm), and the runs recorded so
// far, each as its own summary. It is used by one goroutine at a time.
type cellRun struct {
	cell     Cell
	plan     *Plan // the plan at this cell
	repeat   int   // recorded runs the cell needs in all
	strat    strategies.Strategy
	task     *workloads.Task
	countOpt results.CountOptions
	warmed   bool
	ran      int               // runs in this process so far, warmups included
	total    int               // runs it has in this process: warmups and those it needed
	runs     []results.Summary // recorded runs, resumed ones first; a cut-short one last
	cut      bool              // the last run was cut short: the cell takes no more
	// last is the run under way or just done: here, on the heap, rather
	// than on visit's frame (see run).
	last measured
}

// newCellRun prepares cell of plan with the runs already recorded for it
// (a resumed file's pending runs); nothing is opened yet. Not inlined:
// the cellRun is on the heap, not on the frame of a caller that waits
// for the runs (see run).
//
//go:noinline
func newCellRun(plan *Plan, cell Cell, recorded []results.Summary) *cellRun {
	return &cellRun{cell: cell, plan: plan, repeat: max(plan.Repeat, 1), runs: slices.Clone(recorded)}
}

// done is the finished runs recorded; needs reports whether the cell
// wants another.
func (c *cellRun) done() int {
	n := 0
	for i := range c.runs {
		if !c.runs[i].Partial {
			n++
		}
	}
	return n
}

func (c *cellRun) needs() bool { return !c.cut && c.done() < c.repeat }

// open builds the cell's strategy and task, once; tgt, if any, is the
// embedded target its network client points at.
func (c *cellRun) open(tgt *embedded) error {
	if c.task != nil {
		return nil
	}
	plan, err := c.plan.At(c.cell)
	if err != nil {
		return err
	}
	if tgt != nil {
		tgt.point(&plan.Spec)
	}
	strat, err := newStrategy(plan, c.cell)
	if err != nil {
		return err
	}
	spec := plan.Spec
	spec.Conns = cellConns(plan, c.cell, strat, tgt != nil)
	task, err := workloads.New(spec)
	if err != nil {
		return err
	}
	c.plan, c.strat, c.task = plan, strat, task
	c.countOpt = results.CountOptions{OpenLoop: plan.OpenLoop(), Timeline: plan.OpenLoop() || plan.Duration > 0, LateAfter: plan.lateAfter(), Interval: plan.Interval}
	return nil
}

// cellConns is the connections a cell's network client may hold: as many
// as tasks one process may run at once (one for worker processes, whose
// tasks run with clients of their own).
func cellConns(plan *Plan, cell Cell, strat strategies.Strategy, embedded bool) int {
	if _, ok := strat.(strategies.Spawner); ok {
		return 1
	}
	n := cell.Tasks
	if plan.Duration > 0 {
		n = MaxTasks
	}
	return min(strat.Slots(n), maxConns, targetConns(plan, embedded))
}

// close releases the cell's task (its client's connections); the next
// visit would open it again.
func (c *cellRun) close() {
	if c.task != nil {
		c.task.Close()
		c.task, c.warmed = nil, false
	}
}

// once carries out the cell's next run, run k of the runs it has in this
// process (its warmups, then the repetitions it still needed at the
// start), as hooks.RunStart is told. What it measured goes into r (by
// pointer: see run).
func (c *cellRun) once(ctx context.Context, hooks *Hooks, runs int, r *Run) error {
	src, rc, n := c.plan.source(c.cell, c.plan.Spec.Seed, c.countOpt)
	if hooks != nil && hooks.RunStart != nil {
		hooks.RunStart(c.ran, runs, src)
	}
	c.ran++
	return run(ctx, c.task, c.strat, src, rc, n, r)
}

// visit runs the cell's warmups if it has not had them, then up to reps
// recorded runs, stopping at the first cut short by ctx or failed. round
// and order (the plan-wide count of recorded runs, updated) label each
// run's repetition. It blocks until they are done; a strategy's failure is
// returned, wrapped with the strategy's name, after recording what the
// failed run measured, if anything.
func (c *cellRun) visit(ctx context.Context, tgt *embedded, hooks *Hooks, reps, round int, order *int) error {
	if err := c.open(tgt); err != nil {
		return err
	}
	if c.total == 0 {
		c.total = c.plan.Warmup + c.repeat - c.done()
	}
	warmups := 0
	if !c.warmed {
		warmups = c.plan.Warmup
	}
	for range warmups {
		c.last = measured{}
		if err := c.once(ctx, hooks, c.total, &c.last.Run); err != nil {
			return fmt.Errorf("%s warmup: %w", c.cell.Strategy, err)
		}
		if ctx.Err() != nil {
			// The recorded run below starts nothing and accounts for
			// every task as canceled: the cell is written as partial.
			break
		}
	}
	c.warmed = true
	for range reps {
		before, berr := tgt.read()
		c.last = measured{}
		m := &c.last
		err := c.once(ctx, hooks, c.total, &m.Run)
		m.partial = ctx.Err() != nil || err != nil
		if after, aerr := tgt.read(); berr == nil && aerr == nil && tgt != nil {
			m.target = tgt.delta(before, after)
		}
		if err == nil || m.Tally.Outcomes.Finished() > 0 { // a failed run that measured nothing is left out
			*order++
			c.record(m, round, *order)
		}
		if err != nil {
			c.cut = true
			return fmt.Errorf("%s: %w", c.cell.Strategy, err)
		}
		if m.partial {
			c.cut = true
			return nil
		}
	}
	return nil
}

// summary is the cell's summary over its recorded runs (results.Combine),
// false when it has none.
func (c *cellRun) summary() (results.Summary, bool) {
	return results.Combine(c.runs, c.repeat)
}

// record adds a recorded run's own summary to the cell's runs (here, not
// in visit: a Summary on visit's frame would be under every run; see run).
//
//go:noinline
func (c *cellRun) record(m *measured, round, order int) {
	c.runs = append(c.runs, c.summary1(m, round, order))
}

// summary1 is one recorded run's own summary: a row of one repetition.
func (c *cellRun) summary1(m *measured, round, order int) results.Summary {
	plan, cell := c.plan, c.cell
	s := summarise(c.task, c.strat, cell, plan.Duration, m)
	for i := range s.Repetitions { // none for a run cut short
		start := m.Start
		s.Repetitions[i].Round, s.Repetitions[i].Order, s.Repetitions[i].StartedAt = round, order, &start
	}
	s.Swept = cell.Swept()
	s.Warmups = plan.Warmup
	if !strategies.Bounded(cell.Strategy) {
		s.Limits = slices.Clone(plan.Concurrency)
	}
	if plan.OpenLoop() {
		s.OpenLoop = openLoop(plan, m)
		s.IdealSeconds, s.Efficiency, s.ExpectedServiceSeconds = nil, nil, nil
		for i := range s.Repetitions {
			p99 := s.OpenLoop.Corrected.P99
			s.Repetitions[i].CorrectedP99Seconds = &p99
		}
	}
	if c.countOpt.Timeline {
		s.Timeline = m.Tally.Timeline
		s.IntervalSeconds = c.countOpt.Interval.Seconds()
		if c.countOpt.Interval <= 0 {
			s.IntervalSeconds = 1
		}
		s.TimelineLatency = "service"
		if plan.OpenLoop() {
			s.TimelineLatency = "corrected"
		}
		if len(plan.Stages) > 0 {
			askedPerStep(s.Timeline, s.IntervalSeconds, plan.Arrivals(0))
		}
	}
	if plan.Shard.Count > 0 {
		s.Shard = shardRun(plan, cell, m.Run)
		s.IdealSeconds, s.Efficiency, s.ExpectedServiceSeconds = nil, nil, nil // a part of a plan has no ideal of its own
		// a ramp asks each shard for its share
		for i := range s.Timeline {
			s.Timeline[i].Asked /= float64(max(plan.Shard.Count, 1))
		}
	}
	return s
}
