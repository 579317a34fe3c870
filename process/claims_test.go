package process

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// TestStartsInParentTime: each task's start, whether the parent sent it
// over the pipe or a worker claimed it from shared memory, is an offset
// from the parent's t0, and 2 workers run 12 tasks of 5 ms as list
// scheduling does: never more than 2 at once, the k-th start (from 0) no
// earlier than k/2 tasks' time, a makespan of 6 tasks' time at least.
func TestStartsInParentTime(t *testing.T) {
	const n, d = 12, 5 * time.Millisecond
	// Mapping a worker's clock onto the parent's is exact to within a
	// clock reading or two; this is far more.
	const eps = 500 * time.Microsecond
	for _, pipe := range []bool{false, true} {
		t.Run(fmt.Sprintf("pipe=%v", pipe), func(t *testing.T) {
			job, c := newJob(n)
			st, err := Process{Spec: workloads.Spec{Name: "sleep", Params: params.Values{"latency": d.String()}}, Workers: 2, Pipe: pipe}.Spawn(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			if ok := c.once(t, n)[results.OK]; ok != n {
				t.Fatalf("%d of %d ok", ok, n)
			}
			type edge struct {
				at    time.Duration
				delta int
			}
			var edges []edge
			var starts []time.Duration
			for i := range n {
				s := c.samples[i][0]
				if s.Start < 0 || s.Service < d || s.Start+s.Service > st.Wall+eps {
					t.Errorf("task %d ran from %v for %v; the run's last answer came at %v", i, s.Start, s.Service, st.Wall)
				}
				starts = append(starts, s.Start)
				edges = append(edges, edge{s.Start + eps, 1}, edge{s.Start + s.Service - eps, -1})
			}
			slices.Sort(starts)
			for k, s := range starts {
				if lo := time.Duration(k/2)*d - eps; s < lo {
					t.Errorf("start %d at %v, before %v", k, s, lo)
				}
			}
			slices.SortFunc(edges, func(a, b edge) int {
				if a.at != b.at {
					return int(a.at - b.at)
				}
				return a.delta - b.delta // an end before a start at the same time
			})
			running, most := 0, 0
			for _, e := range edges {
				running += e.delta
				most = max(most, running)
			}
			if most > 2 {
				t.Errorf("%d tasks ran at once on 2 workers", most)
			}
			if st.Wall < n/2*d {
				t.Errorf("makespan %v, under list scheduling's %v", st.Wall, n/2*d)
			}
		})
	}
}
