package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

// TestInterleavedRepeatInterruptResume runs --repeat 3 in rounds: stderr
// names the rounds, and an interrupt in round 2 leaves a file whose cells
// have their finished repetitions (round 1's, and round 2's for the cells
// it reached), not partial, with their runs pending; --resume adds the
// rest, keeping those, and the repetitions' order shows each round
// running every cell, rotated by one place a round.
func TestInterleavedRepeatInterruptResume(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.json")
	plan := []string{"run", "--latency", "30ms", "--tasks", "8", "--strategies", "sequential,pool,semaphore", "--concurrency", "2", "--repeat", "3"}
	first := interruptAfter(t, append(plan, "--out", out), "round 2/3 cell 1/3 done", out, false)
	if !first.Partial || len(first.Runs) != 3 {
		t.Fatalf("interrupted file: partial %v, %d cells; want partial, 3", first.Partial, len(first.Runs))
	}
	for _, s := range first.Runs {
		if s.Partial || !s.Incomplete() || s.RepetitionsDone < 1 || s.Repeat != 3 || len(s.PendingRuns) != s.RepetitionsDone || len(s.Repetitions) != s.RepetitionsDone {
			t.Fatalf("%s: partial %v, %d of %d repetitions, %d pending", s.Strategy, s.Partial, s.RepetitionsDone, s.Repeat, len(s.PendingRuns))
		}
	}
	// round 2 starts with pool (rotated by one) and was cut after it
	if got := first.Runs[1].RepetitionsDone; got != 2 {
		t.Errorf("pool, first of round 2: %d repetitions done, want 2", got)
	}

	out2 := filepath.Join(dir, "r2.json")
	r := concbench(t, append(plan, "--resume", out, "--out", out2)...)
	if r.code != 0 || !strings.Contains(r.stderr, "round 3/3") {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	all, err := results.ReadFile(out2)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for k, s := range all.Runs {
		if s.Partial || s.Incomplete() || len(s.Repetitions) != 3 || s.PendingRuns != nil || s.RepetitionsDone != 3 {
			t.Fatalf("%s resumed: partial %v, %d repetitions, %d of %d, %d pending", s.Strategy, s.Partial, len(s.Repetitions), s.RepetitionsDone, s.Repeat, len(s.PendingRuns))
		}
		if *s.Repetitions[0].StartedAt != *first.Runs[k].Repetitions[0].StartedAt {
			t.Errorf("%s: its first repetition was measured again", s.Strategy)
		}
		for _, rep := range s.Repetitions {
			order = slices.Grow(order, rep.Order)[:max(len(order), rep.Order)]
			order[rep.Order-1] = s.Strategy
		}
	}
	want := []string{"sequential", "pool", "semaphore", "pool", "semaphore", "sequential", "semaphore", "sequential", "pool"}
	if !slices.Equal(order, want) {
		t.Errorf("runs in the order %v, want %v", order, want)
	}
	if show := concbench(t, "show", out2); show.code != 0 || !strings.Contains(show.stdout, "3 repetitions") && !strings.Contains(show.stdout, "range") {
		t.Errorf("show: exit %d %s", show.code, show.stdout)
	}
}
