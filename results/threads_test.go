package results

import (
	"slices"
	"testing"
)

// TestThreadsFigures checks how the OS threads figures read in a table
// and as benchmark units: known or unknown (never 0), and the run's own
// increase beside the process's peak.
func TestThreadsFigures(t *testing.T) {
	peak, start := 40, 4
	for _, tc := range []struct {
		name        string
		m           Memory
		text        string
		added       int
		addedKnown  bool
		threadsUnit bool
	}{
		{"both known", Memory{PeakThreads: &peak, ThreadsAtStart: &start}, "40 (+36)", 36, true, true},
		{"peak only", Memory{PeakThreads: &peak}, "40", 0, false, true},
		{"unknown", Memory{}, "-", 0, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Summary{Memory: tc.m}
			if got := threadsText(s); got != tc.text {
				t.Errorf("table shows %q, want %q", got, tc.text)
			}
			if n, ok := tc.m.ThreadsAdded(); n != tc.added || ok != tc.addedKnown {
				t.Errorf("ThreadsAdded = %d, %v; want %d, %v", n, ok, tc.added, tc.addedKnown)
			}
			r := &Repetition{ThroughputPerS: 1, PeakThreads: tc.m.PeakThreads}
			var units []string
			for _, m := range BenchMetrics(r) {
				units = append(units, m.Unit)
				if m.Unit == BenchPeakThreads && m.Value != float64(peak) {
					t.Errorf("peak-threads %v, want %d", m.Value, peak)
				}
			}
			if slices.Contains(units, BenchPeakThreads) != tc.threadsUnit || units[len(units)-1] != BenchPeakThreads && tc.threadsUnit {
				t.Errorf("units %v: peak-threads wanted last: %v", units, tc.threadsUnit)
			}
		})
	}
}
