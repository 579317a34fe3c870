package results

import (
	"strings"
	"testing"
)

func cell(strategy string, conc int, wall, rss float64, reps ...float64) Summary {
	s := Summary{Strategy: strategy, Workload: "sleep", Params: map[string]string{"latency": "10ms"}, Tasks: 100, Concurrency: conc,
		WallSeconds: wall, ThroughputPerS: 100 / wall, Outcomes: Outcomes{OK: 100}, Memory: Memory{PeakRSSBytes: KnownBytes(uint64(rss))}}
	for _, r := range reps {
		s.Repetitions = append(s.Repetitions, Repetition{WallSeconds: r, ThroughputPerS: 100 / r})
	}
	if len(reps) > 1 {
		_, s.WallCI = MedianCI(reps, 0.95)
	}
	return s
}

// open makes c an open-loop cell at 1000/s that achieved tput with
// corrected p99 (and one per repetition, if given).
func open(c Summary, tput, p99 float64, reps ...float64) Summary {
	c.OpenLoop = &OpenLoop{RateAsked: 1000, Corrected: Percentiles{P99: p99}}
	c.ThroughputPerS, c.DurationSeconds = tput, 5
	c.Repetitions = nil
	for _, r := range reps {
		c.Repetitions = append(c.Repetitions, Repetition{ThroughputPerS: tput, CorrectedP99Seconds: &r})
	}
	return c
}

func TestVerdicts(t *testing.T) {
	for _, c := range []struct {
		name string
		runs []Summary
		want []string // substrings of the one verdict
	}{
		{"one run each", []Summary{cell("sequential", 10, 1.0, 8<<20), cell("pool", 10, 0.10, 9<<20), cell("pool", 100, 0.0125, 12<<20), cell("pool", 50, 0.0128, 10<<20)},
			[]string{"tasks=100: best: pool conc=100 (fastest), 1.02x ahead of pool conc=50", "repeat to test it", "smallest concurrency within 5% of the best throughput: pool conc=50 (rss 10.0MiB)"}},
		{"separated repetitions", []Summary{
			cell("pool", 10, 0.100, 0, 0.100, 0.101, 0.099, 0.100, 0.102, 0.098),
			cell("semaphore", 10, 0.150, 0, 0.150, 0.151, 0.149, 0.152, 0.148, 0.150)},
			[]string{"best: pool conc=10 (fastest), 1.50x ahead of semaphore conc=10 [", "%]"}},
		{"overlapping repetitions", []Summary{
			cell("pool", 10, 0.100, 0, 0.100, 0.110, 0.090, 0.105, 0.095, 0.100),
			cell("semaphore", 10, 0.101, 0, 0.101, 0.111, 0.091, 0.104, 0.096, 0.099)},
			[]string{"no significant difference between pool conc=10 and semaphore conc=10 (wall)"}},
		// In open loop the cells that kept up with the rate tie on
		// throughput; the lowest corrected p99 among them wins, and one
		// that fell behind is not compared on latency.
		{"open loop, by corrected p99", []Summary{
			open(cell("pool", 50, 1, 0), 1000, 0.004),
			open(cell("semaphore", 50, 1, 0), 990, 0.002),
			open(cell("pool", 5, 1, 0), 600, 0.0001)},
			[]string{"best: semaphore conc=50 (the lowest corrected p99 of those that kept up with the rate), 2.00x ahead of pool conc=50"}},
		{"open loop, tested on corrected p99", []Summary{
			open(cell("pool", 50, 1, 0), 1000, 0.004, 0.004, 0.0041, 0.0039, 0.0042, 0.004, 0.0038),
			open(cell("semaphore", 50, 1, 0), 1000, 0.002, 0.002, 0.0021, 0.0019, 0.0022, 0.002, 0.0018)},
			[]string{"best: semaphore conc=50 (the lowest corrected p99", "2.00x ahead of pool conc=50"}},
		{"open loop, one kept up", []Summary{
			open(cell("pool", 50, 1, 0), 1000, 0.004),
			open(cell("pool", 5, 1, 0), 500, 0.0001)},
			[]string{"best: pool conc=50 (the highest throughput), 2.00x ahead of pool conc=5"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			vs := Verdicts(c.runs)
			if len(vs) != 1 {
				t.Fatalf("%d verdicts: %v", len(vs), vs)
			}
			for _, w := range c.want {
				if !strings.Contains(vs[0].String(), w) {
					t.Errorf("%q lacks %q", vs[0], w)
				}
			}
		})
	}
	// Cells of different task counts, and partial ones, are not compared.
	a, b, p := cell("pool", 10, 0.1, 0), cell("pool", 20, 0.05, 0), cell("semaphore", 10, 0.01, 0)
	b.Tasks = 1000
	p.Partial = true
	if vs := Verdicts([]Summary{a, b, p}); len(vs) != 0 {
		t.Errorf("verdicts across task counts or with partial cells: %v", vs)
	}
}
