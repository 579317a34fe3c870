package examples

import (
	"context"
	"os"
	"testing"

	"github.com/concbench/concbench"
)

// TestMain lets the test binary serve as a worker process of the process
// strategy: without ServeWorkers first, a worker would run the tests.
func TestMain(m *testing.M) {
	concbench.ServeWorkers()
	os.Exit(m.Run())
}

// BenchmarkHashThenCall runs 200 tasks per iteration under every
// strategy, with 4 and 32 workers, slots or processes.
func BenchmarkHashThenCall(b *testing.B) {
	concbench.Benchmark(b, HashThenCall, concbench.Strategies("all"), concbench.Concurrency(4, 32), concbench.Tasks(200))
}

// TestHashThenCall runs every task once in a pool and checks none fails.
func TestHashThenCall(t *testing.T) {
	doc, err := concbench.Run(context.Background(), HashThenCall, concbench.Strategies("pool"), concbench.Concurrency(8), concbench.Tasks(50))
	if err != nil {
		t.Fatal(err)
	}
	if s := doc.Runs[0]; s.Outcomes.OK != 50 || s.WallSeconds < (50/8)*CallLatency.Seconds() {
		t.Errorf("%d of 50 ok in %.3fs", s.Outcomes.OK, s.WallSeconds)
	}
}
