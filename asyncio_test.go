package concbench_test

import (
	"context"
	"testing"
	"time"

	"github.com/concbench/concbench"
	"github.com/concbench/concbench/internal/clocktest"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// lessonWait is the asyncio lessons' asyncio.sleep(1), at 1/20 scale.
const lessonWait = 50 * time.Millisecond

// fetch is the Go side of docs/from-asyncio.md's last section.
var fetch = concbench.Define("test-asyncio-fetch", func(ctx context.Context, i int) error {
	return workloads.Sleep(ctx, lessonWait) // cut short when ctx ends: wait_for
})

func bestWall(s results.Summary) time.Duration {
	w := s.WallSeconds
	for _, r := range s.Repetitions {
		w = min(w, r.WallSeconds)
	}
	return time.Duration(w * float64(time.Second))
}

// TestFromAsyncioAPI checks the doc's Go API section: Semaphore(3) over
// 10 equal waits is 4 rounds, gather is one, a loop is the sum, and
// wait_for (Timeout) cuts each at its timeout. Walls are the best of
// three runs; above the lesson's figure they may exceed it by the
// overshoot per wait measured by the sequential run, in this test, or
// while the run itself went on, if more.
func TestFromAsyncioAPI(t *testing.T) {
	// run also returns the timer overshoot measured while it ran: the
	// machine's lateness comes and goes, and the sequential calibration
	// may have missed what a later run met.
	run := func(opts ...concbench.Option) (results.Summary, clocktest.Lateness) {
		t.Helper()
		var doc *results.Document
		var err error
		late := clocktest.During(func() {
			doc, err = concbench.Run(context.Background(), fetch, append(opts, concbench.Repeat(3))...)
		})
		if err != nil || len(doc.Runs) != 1 {
			t.Fatalf("%v, %d runs", err, len(doc.Runs))
		}
		return doc.Runs[0], late
	}
	seq, _ := run(concbench.Strategies("sequential"), concbench.Tasks(4))
	over := max(bestWall(seq)-4*lessonWait, 0) / 4
	t.Logf("overshoot per wait: %v", over)
	for _, tc := range []struct {
		name  string
		opts  []concbench.Option
		want  time.Duration // the lesson's figure
		waits int           // waits on the critical path
		tmo   int           // tasks cut by the timeout
	}{
		{"loop", []concbench.Option{concbench.Strategies("sequential"), concbench.Tasks(3)}, 3 * lessonWait, 3, 0},
		{"gather", []concbench.Option{concbench.Strategies("unbounded"), concbench.Tasks(10)}, lessonWait, 1, 0},
		{"semaphore-3", []concbench.Option{concbench.Strategies("semaphore"), concbench.Concurrency(3), concbench.Tasks(10)}, 4 * lessonWait, 4, 0},
		{"wait_for", []concbench.Option{concbench.Strategies("unbounded"), concbench.Tasks(5), concbench.Timeout(lessonWait / 2)}, lessonWait / 2, 1, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, late := run(tc.opts...)
			got := bestWall(s)
			slack := time.Duration(tc.waits)*(2*max(over, late.P90)+2*time.Millisecond) + late.P99 + 30*time.Millisecond
			if got < tc.want-time.Millisecond || got > tc.want+slack {
				t.Errorf("wall %v, want %v (+ up to %v)", got, tc.want, slack)
			}
			if s.Outcomes.Timeout != tc.tmo || s.Outcomes.OK != s.Tasks-tc.tmo {
				t.Errorf("outcomes %+v, want %d timeouts", s.Outcomes, tc.tmo)
			}
		})
	}
}
