package harness

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// visits runs plan and returns the cells in the order they were
// visited, as "strategy/round", and the checkpoints' repetitions done per
// cell.
func visits(t *testing.T, plan *Plan, recorded func(Cell) []results.Summary) ([]results.Summary, []string, [][]int) {
	t.Helper()
	var seen []string
	var checks [][]int
	round := 0
	hooks := &Hooks{
		Recorded:   recorded,
		RoundStart: func(r, rounds int) { round = r },
		CellStart:  func(_, _ int, c Cell) { seen = append(seen, fmt.Sprintf("%s/%d", c.Strategy, round)) },
		Checkpoint: func(runs []results.Summary) {
			var done []int
			for _, s := range runs {
				done = append(done, len(s.Repetitions))
			}
			checks = append(checks, done)
		},
	}
	runs, err := Execute(context.Background(), plan, hooks)
	if err != nil {
		t.Fatal(err)
	}
	return runs, seen, checks
}

func TestExecuteInterleaves(t *testing.T) {
	spec := workloads.Spec{Name: "sleep", Params: params.Values{"durations": "1ms"}}
	plan := func(repeat int, inTurn bool) *Plan {
		return &Plan{Spec: spec, Strategies: []string{"sequential", "pool", "unbounded"}, Tasks: []int{2}, Concurrency: []int{2}, Repeat: repeat, NoInterleave: inTurn}
	}
	for _, tc := range []struct {
		name   string
		plan   *Plan
		visits []string
		checks [][]int
	}{
		// round r runs every cell once, rotated by r-1 places
		{"rounds", plan(3, false),
			[]string{"sequential/1", "pool/1", "unbounded/1", "pool/2", "unbounded/2", "sequential/2", "unbounded/3", "sequential/3", "pool/3"},
			[][]int{{1, 1, 1}, {2, 2, 2}, {3, 3, 3}}},
		{"in turn", plan(3, true),
			[]string{"sequential/0", "pool/0", "unbounded/0"},
			[][]int{{3}, {3, 3}, {3, 3, 3}}},
		{"one repetition", plan(1, false),
			[]string{"sequential/0", "pool/0", "unbounded/0"},
			[][]int{{1}, {1, 1}, {1, 1, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs, seen, checks := visits(t, tc.plan, nil)
			if !slices.Equal(seen, tc.visits) || !slices.EqualFunc(checks, tc.checks, slices.Equal) {
				t.Errorf("visits %v, checkpoints %v; want %v, %v", seen, checks, tc.visits, tc.checks)
			}
			// The repetitions say where each run came in the plan: in
			// rounds, cell k's r-th run was the plan's run (r-1)*3 +
			// its place in round r.
			for k, s := range runs {
				if len(s.Repetitions) != max(tc.plan.Repeat, 1) || s.Incomplete() || s.PendingRuns != nil {
					t.Fatalf("%s: %d repetitions (%d of %d done, %d pending)", s.Strategy, len(s.Repetitions), s.RepetitionsDone, s.Repeat, len(s.PendingRuns))
				}
				for r, rep := range s.Repetitions {
					want := k*len(s.Repetitions) + r + 1
					if in, _ := tc.plan.Interleaved(); in {
						want = r*3 + (k-r+3)%3 + 1
					}
					if rep.Order != want || rep.StartedAt == nil {
						t.Errorf("%s repetition %d: order %d, want %d (started %v)", s.Strategy, r+1, rep.Order, want, rep.StartedAt)
					}
				}
			}
		})
	}
}

// TestExecuteResumesRounds: a plan interrupted after its first round
// leaves each cell with one repetition done and its run pending; resumed
// with those, it runs rounds 2 and 3 only, and each cell ends with the
// three, the first being the one it was given.
func TestExecuteResumesRounds(t *testing.T) {
	spec := workloads.Spec{Name: "sleep", Params: params.Values{"durations": "1ms"}}
	plan := &Plan{Spec: spec, Strategies: []string{"sequential", "pool", "unbounded"}, Tasks: []int{2}, Concurrency: []int{2}, Repeat: 3}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var first []results.Summary
	cut, err := Execute(ctx, plan, &Hooks{Checkpoint: func(runs []results.Summary) {
		if first == nil {
			first = runs
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cut) != 3 || !slices.EqualFunc(cut, first, func(a, b results.Summary) bool { return a.WallSeconds == b.WallSeconds }) {
		t.Fatalf("interrupted after round 1: %d cells, want the 3 of its checkpoint", len(cut))
	}
	pending := map[Cell][]results.Summary{}
	for _, s := range cut {
		if s.Partial || !s.Incomplete() || s.RepetitionsDone != 1 || len(s.PendingRuns) != 1 {
			t.Fatalf("%s after round 1: partial %v, %d of %d done, %d pending", s.Strategy, s.Partial, s.RepetitionsDone, s.Repeat, len(s.PendingRuns))
		}
		pending[CellOf(&s)] = s.PendingRuns
	}
	runs, seen, _ := visits(t, plan, func(c Cell) []results.Summary { return pending[c] })
	if want := []string{"pool/2", "unbounded/2", "sequential/2", "unbounded/3", "sequential/3", "pool/3"}; !slices.Equal(seen, want) {
		t.Errorf("resumed visits %v, want %v", seen, want)
	}
	for k, s := range runs {
		if len(s.Repetitions) != 3 || s.Incomplete() || *s.Repetitions[0].StartedAt != *cut[k].Repetitions[0].StartedAt || s.Repetitions[2].Order <= 3 {
			t.Errorf("%s resumed: %d repetitions (%d of %d), first started %v (was %v), last order %d",
				s.Strategy, len(s.Repetitions), s.RepetitionsDone, s.Repeat, s.Repetitions[0].StartedAt, cut[k].Repetitions[0].StartedAt, s.Repetitions[2].Order)
		}
	}
}
