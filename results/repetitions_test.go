package results

import "testing"

// run1 is one run's own summary, as the harness writes it: a row of one
// repetition, told apart by its tasks.
func run1(wall float64, tasks int, partial bool) Summary {
	ideal := 1.0
	s := Summary{Strategy: "pool", Tasks: tasks, WallSeconds: wall, Partial: partial, IdealSeconds: &ideal}
	if !partial {
		s.Repetitions = []Repetition{{WallSeconds: wall, Order: tasks}}
	}
	return s
}

func TestCombine(t *testing.T) {
	for _, tc := range []struct {
		name                string
		runs                []Summary
		repeat              int
		wall, eff           float64
		from, reps, pending int // from: the Tasks of the run the details come from
		partial, incomplete bool
	}{
		// the median run's details, the median wall; a cut-short run dropped
		{"median of three", []Summary{run1(3, 30, false), run1(1, 10, false), run1(2, 20, false), run1(0.5, 5, true)}, 3, 2, 0.5, 20, 3, 0, false, false},
		// an even count: the lower middle run's details, the mean of the middle walls
		{"median of two", []Summary{run1(4, 40, false), run1(2, 20, false)}, 2, 3, 1.0 / 3, 20, 2, 0, false, false},
		{"fewer than asked", []Summary{run1(2, 20, false), run1(4, 40, false)}, 4, 3, 1.0 / 3, 20, 2, 2, false, true},
		{"none finished", []Summary{run1(0.5, 5, true)}, 3, 0.5, 0, 5, 0, 0, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := Combine(tc.runs, tc.repeat)
			var eff float64
			if s.Efficiency != nil {
				eff = *s.Efficiency
			}
			if !ok || s.WallSeconds != tc.wall || s.Tasks != tc.from || len(s.Repetitions) != tc.reps || len(s.PendingRuns) != tc.pending ||
				s.Partial != tc.partial || s.Incomplete() != tc.incomplete || eff != tc.eff {
				t.Errorf("wall %v, details of %d, %d repetitions, %d pending, partial %v, incomplete %v, efficiency %v; want %v, %d, %d, %d, %v, %v, %v",
					s.WallSeconds, s.Tasks, len(s.Repetitions), len(s.PendingRuns), s.Partial, s.Incomplete(), eff, tc.wall, tc.from, tc.reps, tc.pending, tc.partial, tc.incomplete, tc.eff)
			}
		})
	}
	if _, ok := Combine(nil, 3); ok {
		t.Error("no runs combined into a row")
	}
}
