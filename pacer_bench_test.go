package concbench_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// BenchmarkPacer runs an open-loop load of empty tasks under the unbounded
// strategy for 2 s per iteration and reports the rate the pacer achieved
// (arrivals released per second), the rate tasks actually started, and the
// share of the asked rate each reached.
func BenchmarkPacer(b *testing.B) {
	task, err := workloads.New(workloads.Spec{Name: "cpu", Params: params.Values{"work": "1"}})
	if err != nil {
		b.Fatal(err)
	}
	for _, rate := range []float64{10_000, 100_000} {
		b.Run(fmt.Sprintf("strategy=unbounded/rate=%.0f", rate), func(b *testing.B) {
			var achieved, started []float64
			for b.Loop() {
				p := &strategies.Paced{Rate: rate, Tasks: harness.MaxTasks, Duration: 2 * time.Second}
				r, err := harness.OncePaced(context.Background(), task, strategies.Unbounded{}, p)
				if err != nil {
					b.Fatal(err)
				}
				achieved = append(achieved, float64(r.Pacer.Issued-1)/r.Pacer.LastRelease.Seconds())
				if r.Samples == nil {
					b.Fatalf("%d samples: over what a run keeps, so the start rate is unknown", r.Tasks)
				}
				last := r.Samples[len(r.Samples)-1].Start
				started = append(started, float64(len(r.Samples)-1)/last.Seconds())
			}
			b.ReportMetric(median(achieved), "released/s")
			b.ReportMetric(median(started), "started/s")
			b.ReportMetric(median(achieved)/rate, "released/asked")
		})
	}
}
