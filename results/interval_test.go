package results

import (
	"fmt"
	"strings"
	"testing"
)

// repeatedRun is a run whose wall time was measured once per value of
// walls, summarised as the harness does.
func repeatedRun(strategy string, walls ...float64) Summary {
	med, ci := MedianCI(walls, 0.95)
	s := Summary{Strategy: strategy, Workload: "sleep", Tasks: 10, Concurrency: 2, WallSeconds: med, WallCI: ci}
	for _, w := range walls {
		s.Repetitions = append(s.Repetitions, Repetition{WallSeconds: w})
	}
	return s
}

// TestIntervalLabels: the table says what its intervals are. 3 runs
// give the min–max, which covers the median at 75% (1 - 2·2⁻³), not the
// 95% the header claimed; 12 runs give an interval inside the range whose
// level (96.1%: ranks 3 and 10 of 12, 1 - 2·79/4096) is printed rounded down.
func TestIntervalLabels(t *testing.T) {
	twelve := []float64{1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0, 2.1}
	for _, tc := range []struct {
		name  string
		runs  []Summary
		head  string
		cells []string // in the rows, in order
	}{
		{"three runs", []Summary{repeatedRun("pool", 1.2, 1.0, 1.4)}, "wall range", []string{"1.00s..1.40s"}},
		{"twelve runs", []Summary{repeatedRun("pool", twelve...)}, "wall 96% CI", []string{"1.20s..1.90s"}},
		{"mixed", []Summary{repeatedRun("pool", 1.2, 1.0, 1.4), repeatedRun("semaphore", twelve...)}, "wall interval",
			[]string{"1.00s..1.40s (range)", "1.20s..1.90s (96% CI)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if l := tc.runs[0].WallCI.Level; tc.name == "three runs" && l != 0.75 {
				t.Fatalf("3 runs: level %v, want 0.75", l)
			}
			var b strings.Builder
			if err := Write(&b, "table", &Document{Schema: Schema, Runs: tc.runs}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.Contains(out, tc.head) || strings.Contains(out, "95%") {
				t.Errorf("want the head %q and no 95%%:\n%s", tc.head, out)
			}
			for _, c := range tc.cells {
				if !strings.Contains(out, c) {
					t.Errorf("no cell %q:\n%s", c, out)
				}
			}
			for _, s := range tc.runs {
				if got := IntervalLabel(&s); !strings.Contains(tc.head+fmt.Sprint(tc.cells), got) {
					t.Errorf("%s labelled %q", s.Strategy, got)
				}
			}
		})
	}
}

// TestFiguresARunCannotHave: an interrupted cell ran only some of its
// tasks, so no speedup; a closed-loop run of a duration has no queue, so
// no queue wait. Other runs keep both.
func TestFiguresARunCannotHave(t *testing.T) {
	seq := Summary{Strategy: "sequential", Workload: "sleep", Tasks: 100, Concurrency: 1, WallSeconds: 4}
	pool := Summary{Strategy: "pool", Workload: "sleep", Tasks: 100, Concurrency: 4, WallSeconds: 1, QueueWait: Percentiles{P50: 0.5, P99: 0.9}}
	cut := pool
	cut.Strategy, cut.Partial, cut.WallSeconds = "semaphore", true, 0.3
	closed := pool
	closed.Strategy, closed.DurationSeconds, closed.QueueWait = "unbounded", 5, Percentiles{P50: 2.5, P99: 4.9}
	open := closed
	open.Strategy, open.OpenLoop, open.QueueWait = "threads", &OpenLoop{RateAsked: 100, RateAchieved: 100}, Percentiles{P50: 0.002, P99: 0.004}
	runs := []Summary{seq, pool, cut, closed, open}
	FillSpeedups(runs)
	for _, tc := range []struct {
		run           *Summary
		speedup, wait string // as the table shows them
	}{
		{&runs[1], "4.00x", "500ms"},
		{&runs[2], "-", "500ms"}, // 1.33x over 30% of its tasks before
		{&runs[3], "-", "-"},     // no sequential run of 5 s to compare with
		{&runs[4], "-", "2.00ms"},
	} {
		var sp, wait string
		for _, c := range columns {
			switch c.head {
			case "speedup":
				sp = c.human(tc.run)
			case "wait p50":
				wait = c.human(tc.run)
			}
		}
		if sp != tc.speedup || wait != tc.wait {
			t.Errorf("%s: speedup %q wait %q, want %q and %q", tc.run.Strategy, sp, wait, tc.speedup, tc.wait)
		}
	}
	if runs[2].Speedup != nil {
		t.Errorf("the interrupted run has a speedup of %v in its JSON", *runs[2].Speedup)
	}
}
