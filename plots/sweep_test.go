package plots

import (
	"math"
	"testing"

	"github.com/concbench/concbench/results"
)

func TestSweepX(t *testing.T) {
	for _, tc := range []struct {
		v  string
		x  float64
		ok bool
	}{
		{"400", 400, true}, {"500/s", 500, true}, {"20ms", 0.02, true}, {"1.5s", 1.5, true},
		{"64KiB", 64 << 10, true}, {"1MB", 1e6, true}, {"h1", 0, false}, {"std", 0, false},
	} {
		if x, ok := sweepX(tc.v); ok != tc.ok || math.Abs(x-tc.x) > 1e-12 {
			t.Errorf("%q: %v %v, want %v %v", tc.v, x, ok, tc.x, tc.ok)
		}
	}
}

// TestSweepChartRate: a rate sweep gives corrected p50 and p99 against the
// offered rate, one line per value of the other sweep, points in rate
// order whatever the runs' order.
func TestSweepChartRate(t *testing.T) {
	var runs []results.Summary
	for _, rate := range []string{"400", "100", "200"} {
		for _, lat := range []string{"5ms", "20ms"} {
			x, _ := sweepX(rate)
			l, _ := sweepX(lat)
			runs = append(runs, results.Summary{Strategy: "pool", Workload: "sleep", Concurrency: 50, Tasks: int(x), DurationSeconds: 1,
				Params: map[string]string{"latency": lat}, Swept: map[string]string{"rate": rate, "latency": lat},
				Outcomes: results.Outcomes{OK: 10},
				OpenLoop: &results.OpenLoop{RateAsked: x, Corrected: results.Percentiles{P50: l, P99: l + x/1e4}}})
		}
	}
	charts, skips := sweepCharts(runs)
	if len(charts) != 2 || len(skips) != 0 {
		t.Fatalf("%d charts, skipped %v; want sweep-latency and sweep-rate", len(charts), skips)
	}
	c := charts[1]
	if c.name != "sweep-rate" || len(c.panels) != 2 || c.panels[1].X.Label.Text != "offered rate (tasks/s)" || c.panels[1].Title.Text != "p99 corrected latency against rate" {
		t.Fatalf("chart %q: %d panels, x %q, title %q", c.name, len(c.panels), c.panels[1].X.Label.Text, c.panels[1].Title.Text)
	}
	if _, err := c.encode(Options{}); err != nil {
		t.Fatal(err)
	}
}
