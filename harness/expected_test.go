package harness

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// TestExpectedMean: the mean of the durations the tasks were set to take,
// worked out by hand, on the one-step path (every task the same) and task
// by task; unknown where the workload cannot say.
func TestExpectedMean(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec workloads.Spec
		n    int
		want float64 // seconds; NaN: unknown
	}{
		{"one latency", workloads.Spec{Name: "sleep", Params: params.Values{"latency": "10ms"}}, 1000, 0.010},
		{"durations cycled", workloads.Spec{Name: "sleep", Params: params.Values{"durations": "30ms,10ms,50ms,20ms"}}, 4, 0.0275},
		{"durations, first three", workloads.Spec{Name: "sleep", Params: params.Values{"durations": "30ms,10ms,50ms,20ms"}}, 3, 0.030},
		{"cpu", workloads.Spec{Name: "cpu", Params: params.Values{"work": "10"}}, 10, math.NaN()},
		{"no tasks", workloads.Spec{Name: "sleep"}, 0, math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := expectedMean(mustTask(t, tc.spec), tc.n)
			if math.IsNaN(tc.want) {
				if ok {
					t.Errorf("mean %v, want unknown", got)
				}
				return
			}
			if !ok || math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("mean %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
	// Injected failures retried after a backoff: no longer the same for
	// every task, so the mean is of Expected task by task, and above the
	// plain latency by the retries' share.
	task := mustTask(t, workloads.Spec{Name: "sleep", Params: params.Values{"latency": "10ms"}, FailRate: 0.5, Retries: 1, Backoff: 5 * time.Millisecond, Seed: 7})
	if _, uniform := task.Uniform(); uniform {
		t.Fatal("failures and retries left the tasks uniform")
	}
	const n = 200
	var sum time.Duration
	for i := range n {
		d, _ := task.Expected(i)
		sum += d
	}
	got, ok := expectedMean(task, n)
	if want := sum.Seconds() / n; !ok || math.Abs(got-want) > 1e-12 || got <= 0.010 {
		t.Errorf("with retries: mean %v, %v; want %v, above 10ms", got, ok, want)
	}
}

// TestExpectedServiceInSummary: a closed loop's summary carries the set
// mean, and its service mean is not below it (a sleep never ends early);
// an open loop and a shard, which have no ideal, carry none (a shard's
// mean is of its own tasks, not the plan's).
func TestExpectedServiceInSummary(t *testing.T) {
	durations := params.Values{"durations": "4ms,2ms,6ms"}
	closed := &Plan{Spec: workloads.Spec{Name: "sleep", Params: durations}, Strategies: []string{"pool"}, Tasks: []int{6}, Concurrency: []int{2}}
	open := &Plan{Spec: workloads.Spec{Name: "sleep", Params: durations}, Strategies: []string{"pool"}, Tasks: []int{6}, Concurrency: []int{2}, Rate: 1000}
	shard := &Plan{Spec: workloads.Spec{Name: "sleep", Params: durations}, Strategies: []string{"pool"}, Tasks: []int{6}, Concurrency: []int{2},
		Shard: strategies.Shard{Index: 0, Count: 2}}
	for _, tc := range []struct {
		name string
		plan *Plan
		want bool
	}{{"closed loop", closed, true}, {"open loop", open, false}, {"shard", shard, false}} {
		t.Run(tc.name, func(t *testing.T) {
			runs, err := Execute(context.Background(), tc.plan, nil)
			if err != nil || len(runs) != 1 {
				t.Fatalf("%d runs, %v", len(runs), err)
			}
			s := runs[0]
			if !tc.want {
				if s.ExpectedServiceSeconds != nil {
					t.Errorf("expected service %v given", *s.ExpectedServiceSeconds)
				}
				return
			}
			if e := s.ExpectedServiceSeconds; e == nil || math.Abs(*e-0.004) > 1e-12 || s.Latency.Mean < *e {
				t.Errorf("expected service %v, service mean %v; want 4ms and no less", e, s.Latency.Mean)
			}
		})
	}
}
