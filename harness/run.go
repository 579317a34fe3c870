package harness

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// measured is one run of a cell.
type measured struct {
	wall    time.Duration
	tally   results.Tally
	memory  results.Memory
	partial bool
}

// Once runs the n tasks of task under strat one time and returns the
// samples in index order (tasks it never started are marked canceled),
// the wall time and the memory the run cost. It blocks until the strategy
// has returned. A canceled ctx is not an error: the samples say what ran.
func Once(ctx context.Context, task *workloads.Task, strat strategies.Strategy, n int) ([]results.Sample, time.Duration, results.Memory, error) {
	rec := results.NewRecorder(n)
	p := startProbe()
	t0 := time.Now()
	job := &strategies.Job{
		Tasks: n,
		Exec:  func(ctx context.Context, i int) { rec.Set(i, task.Run(ctx, i, t0)) },
	}
	err := strat.Run(ctx, job)
	wall := time.Since(t0)
	mem := p.stop(n)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		err = nil
	}
	return rec.Finish(context.Cause(ctx)), wall, mem, err
}

// RunCell runs one cell: plan.Warmup unrecorded runs, then plan.Repeat
// recorded ones, and summarises them. If ctx ends the cell early the
// summary covers the runs recorded so far and is marked Partial; it
// returns an error if no run was recorded or the strategy failed.
func RunCell(ctx context.Context, plan *Plan, cell Cell) (results.Summary, error) {
	task, err := workloads.New(plan.Spec)
	if err != nil {
		return results.Summary{}, err
	}
	strat, err := strategies.New(cell.Strategy, cell.Concurrency)
	if err != nil {
		return results.Summary{}, err
	}
	for range plan.Warmup {
		if _, _, _, err := Once(ctx, task, strat, cell.Tasks); err != nil {
			return results.Summary{}, fmt.Errorf("%s warmup: %w", cell.Strategy, err)
		}
		if ctx.Err() != nil {
			return results.Summary{}, errNoRuns
		}
	}
	var runs []measured
	for range max(plan.Repeat, 1) {
		samples, wall, mem, err := Once(ctx, task, strat, cell.Tasks)
		if err != nil {
			return results.Summary{}, fmt.Errorf("%s: %w", cell.Strategy, err)
		}
		runs = append(runs, measured{
			wall:    wall,
			tally:   results.Count(samples, workloads.Kind),
			memory:  mem,
			partial: ctx.Err() != nil,
		})
		if ctx.Err() != nil {
			break
		}
	}
	s := summarise(task, strat, cell, runs)
	return s, nil
}

func summarise(task *workloads.Task, strat strategies.Strategy, cell Cell, runs []measured) results.Summary {
	walls := make([]float64, len(runs))
	reps := make([]results.Repetition, len(runs))
	for i, r := range runs {
		walls[i] = r.wall.Seconds()
		reps[i] = results.Repetition{
			WallSeconds:    r.wall.Seconds(),
			ThroughputPerS: throughput(r),
			P99Seconds:     r.tally.Latency.P99,
			PeakRSSBytes:   r.memory.PeakRSSBytes,
		}
	}
	med, ci := results.MedianCI(walls, 0.95)
	// Details come from the lower-middle run by wall time, a real run.
	order := make([]int, len(runs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(runs[a].wall, runs[b].wall) })
	m := runs[order[(len(runs)-1)/2]]
	spec := task.Spec()
	s := results.Summary{
		Strategy:       strat.Name(),
		Workload:       spec.Name,
		Params:         spec.Params(),
		Tasks:          cell.Tasks,
		Concurrency:    strat.Slots(cell.Tasks),
		WallSeconds:    med,
		WallCI:         ci,
		Repetitions:    reps,
		ThroughputPerS: throughput(m),
		Latency:        m.tally.Latency,
		QueueWait:      m.tally.QueueWait,
		Outcomes:       m.tally.Outcomes,
		Errors:         m.tally.Errors,
		Attempts:       m.tally.Attempts,
		Memory:         m.memory,
	}
	for _, r := range runs {
		s.Partial = s.Partial || r.partial
	}
	if d := task.ExpectedAll(cell.Tasks); d != nil && !s.Partial {
		ideal := results.ListSchedule(d, strat.Slots(cell.Tasks)).Seconds()
		s.IdealSeconds = &ideal
		if med > 0 {
			eff := ideal / med
			s.Efficiency = &eff
		}
	}
	return s
}

func throughput(r measured) float64 {
	if r.wall <= 0 {
		return 0
	}
	return float64(r.tally.Outcomes.Finished()) / r.wall.Seconds()
}

// Execute runs every cell of the plan in order, calling done after each
// finished cell (it may be nil). It stops at the first cell that fails or
// when ctx ends, and returns the summaries measured so far, with speedups
// filled in, and that error (nil when ctx ended the run).
func Execute(ctx context.Context, plan *Plan, done func(results.Summary)) ([]results.Summary, error) {
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	var out []results.Summary
	for _, cell := range plan.Cells() {
		if ctx.Err() != nil {
			break
		}
		s, err := RunCell(ctx, plan, cell)
		if errors.Is(err, errNoRuns) {
			break
		}
		if err != nil {
			results.FillSpeedups(out)
			return out, err
		}
		out = append(out, s)
		if done != nil {
			done(s)
		}
	}
	results.FillSpeedups(out)
	return out, nil
}
