package harness

import (
	"context"
	"math"
	"runtime/metrics"
	"testing"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// TestThreadsFigure checks the per-run OS threads figure against what
// each strategy must do: W goroutines locked to threads hold W threads
// while their tasks sleep, whereas W pool goroutines sleeping hold none
// (a sleeping goroutine parks off any thread), so the pool adds at most
// the runtime's few (one per P, sysmon, a spare) and nowhere near W.
func TestThreadsFigure(t *testing.T) {
	// W must exceed the threads the process already has (earlier tests
	// leave idle ones: 24 under -race in CI), or a peak of W+1 could be
	// met by idle threads with no goroutine locked to any of them.
	sample := []metrics.Sample{{Name: metricThreads}}
	metrics.Read(sample)
	w := 32
	if sample[0].Value.Kind() == metrics.KindUint64 {
		w = max(w, int(sample[0].Value.Uint64())+16)
	}
	task := mustTask(t, workloads.Spec{Name: "sleep", Params: params.Values{"latency": "20ms"}})
	added, peak := map[string]int{}, map[string]int{}
	// The pool goes first: run after the threads strategy it would find
	// W idle threads and add none whatever it did.
	for _, name := range []string{"pool", "threads"} {
		r, err := Once(context.Background(), task, mustStrategy(t, task, name, w), 4*w)
		if err != nil {
			t.Fatal(err)
		}
		m := r.Memory
		n, ok := m.ThreadsAdded()
		if !ok || m.PeakNotInGo == nil {
			t.Fatalf("%s: threads %v at start %v, not in Go %v: want all known", name, m.PeakThreads, m.ThreadsAtStart, m.PeakNotInGo)
		}
		if *m.PeakThreads < *m.ThreadsAtStart || *m.PeakThreads < 1 {
			t.Fatalf("%s: peak %d threads, %d at start", name, *m.PeakThreads, *m.ThreadsAtStart)
		}
		added[name], peak[name] = n, int(*m.PeakThreads)
	}
	// W locked goroutines hold W threads at once, and sysmon has one of
	// its own: a peak of at least W+1. How many of them are new depends
	// on the threads idle at the cell's start, so the increase is not
	// asserted for the threads strategy; the peak, above them all, is.
	if peak["threads"] < w+1 || added["pool"] >= w/2 {
		t.Errorf("threads strategy: peak %d (want >= %d), added %d; pool added %d (want < %d)", peak["threads"], w+1, added["threads"], added["pool"], w/2)
	}
}

func TestLatencyOver(t *testing.T) {
	// Buckets [0,1µs) [1µs,1ms) [1ms,1s) [1s,inf): a quantile is its
	// bucket's upper bound.
	inf := math.Inf(1)
	h := &metrics.Float64Histogram{Buckets: []float64{0, 1e-6, 1e-3, 1, inf}, Counts: []uint64{10, 150, 5, 2}}
	for _, tc := range []struct {
		before []uint64
		want   *results.SchedLatency
	}{
		{[]uint64{10, 50, 4, 1}, &results.SchedLatency{P50: 1e-3, P99: 1, Max: 1}},       // 0, 100, 1, 1 since: ranks 51, 101, 102
		{[]uint64{10, 150, 5, 0}, &results.SchedLatency{P50: 1, P99: 1, Max: 1}},         // 2 in the open bucket: its lower bound
		{[]uint64{10, 60, 5, 2}, &results.SchedLatency{P50: 1e-3, P99: 1e-3, Max: 1e-3}}, // 0, 90, 0, 0 since
		{[]uint64{10, 150, 5, 2}, nil}, // none since
	} {
		got := latencyOver(h, tc.before)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("since %v: %+v, want %+v", tc.before, got, tc.want)
		}
	}
}
