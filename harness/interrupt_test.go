package harness

import (
	"context"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// cancelAt returns hooks that cancel the sweep as run k of a cell starts
// (after a delay, 0: at once).
func cancelAt(k int, after time.Duration, cancel func()) *Hooks {
	return &Hooks{RunStart: func(run, _ int, _ strategies.Source) {
		if run == k {
			time.AfterFunc(after, cancel)
		}
	}}
}

// TestInterruptedCellIsPartialWithEveryTask: a cell interrupted before
// any recorded run finished (in a warmup, during worker start-up, before
// an open-loop run issued its arrivals) is still written, as partial,
// with every task it was given accounted for; a repetition cut short is
// not one of its repetitions: a cell with some finished is written with
// those, not partial, as repetitions_done of repeat, its runs pending.
func TestInterruptedCellIsPartialWithEveryTask(t *testing.T) {
	long := workloads.Spec{Name: "sleep", Params: params.Values{"durations": "10s"}}
	short := workloads.Spec{Name: "sleep", Params: params.Values{"durations": "1ms"}}
	for _, tc := range []struct {
		name     string
		plan     Plan
		cancelAt int           // run of the cell (warmups first) whose start cancels
		after    time.Duration // how long after it starts
		reps     int           // repetitions the summary keeps
		canceled int
	}{
		{"in warmup", Plan{Spec: short, Strategies: []string{"pool"}, Tasks: []int{20}, Concurrency: []int{2}, Warmup: 1}, 0, 0, 0, 20},
		{"as the first run starts", Plan{Spec: short, Strategies: []string{"pool"}, Tasks: []int{20}, Concurrency: []int{2}}, 0, 0, 0, 20},
		{"as the first run starts, unbounded", Plan{Spec: short, Strategies: []string{"unbounded"}, Tasks: []int{20}, Concurrency: []int{2}}, 0, 0, 0, 20},
		{"process start-up", Plan{Spec: long, Strategies: []string{"process"}, Tasks: []int{16}, Concurrency: []int{8}}, 0, 100 * ms, 0, 16},
		{"process warmup", Plan{Spec: long, Strategies: []string{"process"}, Tasks: []int{16}, Concurrency: []int{8}, Warmup: 1}, 0, 100 * ms, 0, 16},
		{"third repetition", Plan{Spec: short, Strategies: []string{"pool"}, Tasks: []int{20}, Concurrency: []int{2}, Repeat: 3}, 2, 0, 2, 0},
		{"third repetition, in turn", Plan{Spec: short, Strategies: []string{"pool"}, Tasks: []int{20}, Concurrency: []int{2}, Repeat: 3, NoInterleave: true}, 2, 0, 2, 0},
		{"open loop by count", Plan{Spec: short, Strategies: []string{"pool"}, Tasks: []int{500}, Concurrency: []int{2}, Rate: 100}, 0, 0, 0, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			runs, err := Execute(ctx, &tc.plan, cancelAt(tc.cancelAt, tc.after, cancel))
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != 1 {
				t.Fatalf("%d cells written, want the interrupted one", len(runs))
			}
			s := runs[0]
			n := tc.plan.Tasks[0]
			partial := tc.reps == 0
			if s.Partial != partial || s.Tasks != n || s.Outcomes.Total() != n || s.Outcomes.Canceled != tc.canceled || len(s.Repetitions) != tc.reps {
				t.Errorf("partial %v, tasks %d, outcomes %+v, %d repetitions; want partial %v, %d tasks, %d canceled, %d repetitions",
					s.Partial, s.Tasks, s.Outcomes, len(s.Repetitions), partial, n, tc.canceled, tc.reps)
			}
			if rep := tc.plan.Repeat; rep > 1 && !partial && (s.Repeat != rep || s.RepetitionsDone != tc.reps || len(s.PendingRuns) != tc.reps || !s.Incomplete()) {
				t.Errorf("repetitions done %d of %d, %d pending; want %d of %d, as many pending", s.RepetitionsDone, s.Repeat, len(s.PendingRuns), tc.reps, rep)
			}
			for _, r := range s.Repetitions {
				if r.WallSeconds < 0.010 { // 20 tasks of 1 ms on 2 slots
					t.Errorf("repetition of %.4fs: a cut-short run was kept", r.WallSeconds)
				}
			}
		})
	}
}
