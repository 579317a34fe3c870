package harness

import (
	"context"
	"errors"

	"github.com/concbench/concbench/results"
)

// Execute runs every cell of the plan (those hooks.Skip does not skip),
// following hooks (which may be nil). It blocks until they are done. With
// Repeat over 1 the repetitions are interleaved (Interleaved): round r
// runs each cell once more, the cells in an order rotated by one each
// round, so that a drift of the machine spreads over every cell instead
// of landing on one; otherwise each cell runs all its repetitions in
// turn. A cell with runs already recorded (hooks.Recorded) runs only
// the rest. Execute stops at the first cell that fails or when ctx ends,
// and returns the summary of every cell with a recorded run, in plan
// order, with speedups filled in, and that error (nil when ctx ended the
// run).
func Execute(ctx context.Context, plan *Plan, hooks *Hooks) ([]results.Summary, error) {
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	if hooks == nil {
		hooks = &Hooks{}
	}
	p := *plan
	var cells []*cellRun
	for _, c := range p.Cells() {
		if hooks.Skip != nil && hooks.Skip(c) {
			continue
		}
		var recorded []results.Summary
		if hooks.Recorded != nil {
			recorded = hooks.Recorded(c)
		}
		cells = append(cells, newCellRun(&p, c, recorded))
	}
	if len(cells) == 0 {
		return nil, nil
	}
	defer func() {
		for _, c := range cells {
			c.close()
		}
	}()
	var tgt *embedded
	switch {
	case needsTarget(&p.Spec):
		var err error
		if tgt, err = startTarget(ctx, p.Target); err != nil {
			return nil, err
		}
		defer tgt.stop()
	case networkOf(&p.Spec) != nil:
		if err := preflight(ctx, &p.Spec); err != nil {
			return nil, err
		}
	}
	if hooks.Ready != nil { // a common start of the shards: after set-up
		if err := hooks.Ready(ctx); err != nil {
			return nil, err
		}
	}
	x := &execution{plan: &p, cells: cells, tgt: tgt, hooks: hooks}
	for _, c := range cells { // a resumed plan's runs go on counting
		for i := range c.runs { // by index: a Summary copy would sit on this frame (see run)
			for _, rep := range c.runs[i].Repetitions {
				x.order = max(x.order, rep.Order)
			}
		}
	}
	var err error
	if ok, _ := p.Interleaved(); ok {
		err = x.rounds(ctx)
	} else {
		err = x.inTurn(ctx)
	}
	if ctx.Err() != nil { // an interrupt is not a failure: what ran is returned
		err = nil
	}
	return x.summaries(), err
}

// execution is one Execute: the cells in plan order and what they share.
type execution struct {
	plan  *Plan
	cells []*cellRun
	tgt   *embedded
	hooks *Hooks
	order int // recorded runs so far, for their repetitions' Order
}

// inTurn runs each cell's repetitions one after another, a cell at a
// time, closing its task before the next (which opens connections of its
// own).
func (x *execution) inTurn(ctx context.Context) error {
	var todo []*cellRun
	for _, c := range x.cells {
		if c.needs() {
			todo = append(todo, c)
		}
	}
	for i, c := range todo {
		if ctx.Err() != nil {
			return nil
		}
		err := x.visit(ctx, c, i, len(todo), c.repeat-c.done(), 0)
		c.close()
		x.checkpoint()
		if err != nil {
			return err
		}
	}
	return nil
}

// rounds runs the cells' repetitions in rounds: in round r every cell
// with fewer than r finished runs runs once, the cells rotated by r-1
// places, and the results are checkpointed after each round.
func (x *execution) rounds(ctx context.Context) error {
	n := len(x.cells)
	for r := 1; r <= max(x.plan.Repeat, 1); r++ {
		var todo []*cellRun
		for i := range n {
			if c := x.cells[(i+r-1)%n]; c.needs() && c.done() < r {
				todo = append(todo, c)
			}
		}
		if len(todo) == 0 {
			continue
		}
		if x.hooks.RoundStart != nil {
			x.hooks.RoundStart(r, max(x.plan.Repeat, 1))
		}
		for i, c := range todo {
			if ctx.Err() != nil {
				return nil
			}
			err := x.visit(ctx, c, i, len(todo), 1, r)
			if !c.needs() {
				c.close() // its last repetition: its connections go
			}
			if err != nil {
				x.checkpoint()
				return err
			}
		}
		x.checkpoint()
	}
	return nil
}

// visit runs reps repetitions of c as the index-th of cells of this turn
// or round, and reports the cell's summary so far.
func (x *execution) visit(ctx context.Context, c *cellRun, index, cells, reps, round int) error {
	if x.hooks.CellStart != nil {
		x.hooks.CellStart(index, cells, c.cell)
	}
	return x.done(index, cells, c, c.visit(ctx, x.tgt, x.hooks, reps, round, &x.order))
}

// done reports the cell's summary after a visit that returned err, and
// returns err. It is a call of its own so that the Summary it passes by
// value is not on visit's frame, under every run (see run).
//
//go:noinline
func (x *execution) done(index, cells int, c *cellRun, err error) error {
	s, err := c.result(err)
	if !errors.Is(err, errNoRuns) && x.hooks.CellDone != nil {
		x.hooks.CellDone(index, cells, *s)
	}
	return err
}

// summaries is the summary of every cell with a recorded run, in plan
// order, with speedups filled in (a shard's part of a plan has none of
// its own).
func (x *execution) summaries() []results.Summary {
	var out []results.Summary
	for _, c := range x.cells {
		if s, ok := c.summary(); ok {
			out = append(out, s)
		}
	}
	if !x.plan.Shard.Sharded() {
		results.FillSpeedups(out)
	}
	return out
}

func (x *execution) checkpoint() {
	if x.hooks.Checkpoint != nil {
		x.hooks.Checkpoint(x.summaries())
	}
}
