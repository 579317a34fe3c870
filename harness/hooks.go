package harness

import (
	"context"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
)

// Hooks let a caller follow and steer a sweep: a progress display, or a
// resumed sweep that skips what is already measured. Any field may be nil.
// They are called from the goroutine running Execute, never from a task.
type Hooks struct {
	// Skip reports whether a cell is already measured; it is not run.
	Skip func(Cell) bool
	// Recorded returns the runs already recorded for a cell that needs
	// more (a resumed file's PendingRuns): only the rest are run, and
	// its summary covers them all.
	Recorded func(Cell) []results.Summary
	// Ready, if set, is called once the plan is set up (the embedded
	// target started), before the first cell; it may block until a common
	// start (the shards of a plan). An error ends the plan before it runs.
	Ready func(ctx context.Context) error
	// RoundStart is called as round r of rounds of an interleaved plan
	// starts (Plan.Interleaved).
	RoundStart func(round, rounds int)
	// CellStart is called before cell index of cells: of those not
	// skipped, or of those the current round runs.
	CellStart func(index, cells int, c Cell)
	// RunStart is called as run k of runs (warmups first) of the current
	// cell starts; src.Issued counts its tasks started, at no cost to them.
	RunStart func(k, runs int, src strategies.Source)
	// CellDone is called with a cell's summary after each visit: all its
	// repetitions, or in an interleaved plan those recorded so far.
	CellDone func(index, cells int, s results.Summary)
	// Checkpoint is called whenever the results make a consistent whole
	// worth saving (after each cell, or each round of an interleaved
	// plan), with the summary of every cell with a recorded run, in plan
	// order, speedups filled in: what Execute would return then.
	Checkpoint func(runs []results.Summary)
}

// CellOf returns the cell a summary measured, for matching results with a
// plan (resume).
func CellOf(s *results.Summary) Cell {
	c := Cell{Strategy: s.Strategy, Tasks: s.Tasks, Params: pointOf(s.Swept)}
	if strategies.Bounded(s.Strategy) {
		c.Concurrency = s.Concurrency
	}
	if s.DurationSeconds > 0 {
		c.Tasks = 0
	}
	return c
}
