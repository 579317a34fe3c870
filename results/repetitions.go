package results

import (
	"cmp"
	"slices"
)

// Incomplete reports whether s has fewer repetitions recorded than its
// plan asked for: a file written between the rounds of an interleaved
// plan, or after an interrupt. Its PendingRuns let --resume add the rest.
func (s *Summary) Incomplete() bool {
	return s.Repeat > 1 && s.RepetitionsDone < s.Repeat
}

// Combine summarises the recorded runs of one cell, each given as its
// own summary (a row of one repetition, whose Repetitions holds that one
// run), for a plan that asked for repeat of them. Runs cut short (Partial)
// are dropped when any run finished: they would drag the median down.
// The result's wall time is the median over the finished runs, with its
// interval; every other figure comes from the run whose wall time is that
// median (the lower middle one for an even count), so that a row comes
// from one real run. With fewer finished runs than repeat it carries them
// all as PendingRuns. It returns false when runs is empty; a cell with no
// finished run is its last run, marked Partial. It does not modify runs.
func Combine(runs []Summary, repeat int) (Summary, bool) {
	if len(runs) == 0 {
		return Summary{}, false
	}
	done := slices.DeleteFunc(slices.Clone(runs), func(r Summary) bool { return r.Partial })
	if len(done) == 0 {
		s := runs[len(runs)-1]
		s.Partial, s.PendingRuns = true, nil
		return s, true
	}
	for i := range done {
		done[i].PendingRuns = nil
	}
	order := make([]int, len(done))
	walls := make([]float64, len(done))
	for i := range done {
		order[i], walls[i] = i, done[i].WallSeconds
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(walls[a], walls[b]) })
	s := done[order[(len(done)-1)/2]]
	med, ci := MedianCI(walls, 0.95)
	s.WallSeconds, s.WallCI = med, ci
	s.Repetitions = make([]Repetition, 0, len(done))
	for _, r := range done {
		s.Repetitions = append(s.Repetitions, r.Repetitions...)
	}
	if s.IdealSeconds != nil && med > 0 {
		eff := *s.IdealSeconds / med
		s.Efficiency = &eff
	}
	s.Repeat, s.RepetitionsDone, s.PendingRuns = 0, 0, nil
	if repeat > 1 {
		s.Repeat, s.RepetitionsDone = repeat, len(done)
		if len(done) < repeat {
			s.PendingRuns = done
		}
	}
	return s, true
}
