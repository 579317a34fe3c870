package process

import (
	"context"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// TestClaimedTasksOfAKilledWorker: a worker killed wherever it stands,
// with answers not yet sent (claimed tasks of a microsecond go back in
// batches) and maybe in the middle of a claim, fails exactly the tasks it
// took with it, and a replacement runs the rest: every task is recorded
// once, and the failed ones are no more than a batch. (One worker: two
// killed in the same instant, one after its claim and one before, would
// leave the parent unable to tell whose index was lost; see settle.)
func TestClaimedTasksOfAKilledWorker(t *testing.T) {
	const n = 200_000
	job, c := newJob(n)
	var recorded atomic.Int64
	var pids []int
	record := job.Record
	job.Record = func(i int, s results.Sample) {
		// Once answers flow, kill every worker where it stands; the
		// answers of this one wait meanwhile, so tasks remain.
		if recorded.Add(1) == 1000 {
			if kids := children(t); len(kids) > 0 {
				pids = kids[:1]
				syscall.Kill(pids[0], syscall.SIGKILL)
			}
		}
		record(i, s)
	}
	st, err := Process{Spec: workloads.Spec{Name: "cpu", Params: params.Values{"work": "1000"}}, Workers: 2}.Spawn(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	counts := c.once(t, n)
	if len(pids) == 0 {
		t.Fatal("no worker to kill")
	}
	if counts[results.OK]+counts[results.Error] != n || counts[results.Error] > len(pids)*(128+1) { // a batch is at most 128 answers (worker.flushEvery)
		t.Errorf("outcomes %v after killing %d workers", counts, len(pids))
	}
	if st.Restarts != len(pids) {
		t.Errorf("%d restarts after killing %d workers", st.Restarts, len(pids))
	}
	for i, ss := range c.samples {
		if s := ss[0]; s.Outcome == results.Error && workloads.Kind(s.Err) != "worker-exit" {
			t.Errorf("task %d: %v", i, s.Err)
		}
	}
	t.Logf("%d tasks failed with the %d workers killed", counts[results.Error], len(pids))
}
