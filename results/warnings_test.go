package results

import (
	"strings"
	"testing"
)

// TestWarnings: hyperfine's two doubts, each raised exactly when it
// applies. Sequential runs ranging 383–642 ms (±34% of the median) are
// too noisy; 400–410 ms are not. A CPU-bound speedup of 3x cannot happen
// on 2 cores, but can in 4 worker processes of a 4-CPU machine, and a
// workload that waits may reach any speedup.
func TestWarnings(t *testing.T) {
	cpu := func(w string) bool { return w == "cpu" }
	x := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name string
		runs []Summary
		want []string // substrings, one per warning, in order
	}{
		{"noisy", []Summary{repeatedRun("sequential", 0.383, 0.5, 0.642)}, []string{"1 of 1 cells", "383ms..642ms", "52%"}},
		{"steady", []Summary{repeatedRun("sequential", 0.400, 0.405, 0.410)}, nil},
		{"cpu speedup past the cores", []Summary{{Strategy: "pool", Workload: "cpu", Concurrency: 8, Speedup: x(3)}}, []string{"3.00x with 2 cores"}},
		{"cpu speedup within the cores", []Summary{{Strategy: "pool", Workload: "cpu", Concurrency: 8, Speedup: x(2.05)}}, nil},
		{"cpu speedup of worker processes", []Summary{{Strategy: "process", Workload: "cpu", Concurrency: 4, Speedup: x(3), Processes: &Processes{Workers: 4}}}, nil},
		{"waiting tasks", []Summary{{Strategy: "pool", Workload: "sleep", Concurrency: 8, Speedup: x(7.9)}}, nil},
		// An open-loop generator at its host's limit: the CPUs saturated
		// (a single process at 20,000/s beside its target on 2 cores),
		// or its pacer a millisecond late at p99.
		{"saturated generator host", []Summary{
			{Strategy: "pool", Concurrency: 100, OpenLoop: &OpenLoop{}, HostCPUBusy: x(0.5)},
			{Strategy: "pool", Concurrency: 50, OpenLoop: &OpenLoop{SendLateness: &Percentiles{P99: 0.0014}}, HostCPUBusy: x(0.97)}},
			[]string{"1 open-loop cells", "pool conc=50: the host's CPUs 97% busy, arrivals released 1.40ms late at p99", "--shard"}},
		{"late pacer", []Summary{{Strategy: "pool", Concurrency: 100, OpenLoop: &OpenLoop{SendLateness: &Percentiles{P99: 0.0025}}}}, []string{"2.50ms late at p99"}},
		// Tasks set to 10 ms that ran 10.9 ms on average (an idle Go
		// process's timers) are 9% long; 10.3 ms is within LateShare, as
		// is a file from before the set mean was written (none to read).
		{"late tasks", []Summary{
			{Strategy: "sequential", Concurrency: 1, ExpectedServiceSeconds: x(0.010), Latency: Percentiles{Mean: 0.0103}},
			{Strategy: "pool", Concurrency: 8, ExpectedServiceSeconds: x(0.010), Latency: Percentiles{Mean: 0.0109}},
			{Strategy: "pool", Concurrency: 4, ExpectedServiceSeconds: x(0.010), Latency: Percentiles{Mean: 0.0106}},
			{Strategy: "pool", Concurrency: 2, Latency: Percentiles{Mean: 0.0200}}},
			[]string{"2 of 3 cells' tasks ran 6-9% longer than set", "most: pool conc=8, 10.9ms for 10.0ms", "up to 1 ms late"}},
		{"tasks on time", []Summary{
			{Strategy: "pool", Concurrency: 8, ExpectedServiceSeconds: x(0.010), Latency: Percentiles{Mean: 0.0104}},
			{Strategy: "pool", Concurrency: 4, ExpectedServiceSeconds: x(0.010), Latency: Percentiles{Mean: 0.0200}, Partial: true}}, nil},
		{"generator within its means", []Summary{
			{Strategy: "pool", Concurrency: 100, OpenLoop: &OpenLoop{SendLateness: &Percentiles{P99: 0.0002}}, HostCPUBusy: x(0.85)},
			{Strategy: "pool", Concurrency: 100, HostCPUBusy: x(1)}}, nil}, // closed loop: a busy host is the point
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := &Document{Environment: Environment{GOMAXPROCS: 2, NumCPU: 4}, Runs: tc.runs}
			got := Warnings(doc, cpu)
			if len(got) != min(len(tc.want), 1) {
				t.Fatalf("warnings %q, want %d", got, min(len(tc.want), 1))
			}
			for _, w := range tc.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("warning %q does not say %q", got[0], w)
				}
			}
		})
	}
}
