package results

import (
	"math"
	"strings"
	"testing"
)

// run returns a cell of strategy s at concurrency c whose repetitions took
// walls (seconds) for 100 tasks.
func run(s string, c int, engine string, walls ...float64) Summary {
	r := Summary{Workload: "http", Strategy: s, Tasks: 100, Concurrency: c, Params: map[string]string{"http-engine": engine, "seed": "1"}}
	for _, w := range walls {
		r.Repetitions = append(r.Repetitions, Repetition{WallSeconds: w, ThroughputPerS: 100 / w, P99Seconds: w / 10})
	}
	return r
}

func TestCompareBy(t *testing.T) {
	slow := []float64{1.00, 1.01, 1.02, 0.99, 1.00, 1.01}
	fast := []float64{0.50, 0.51, 0.49, 0.50, 0.52, 0.50}
	a := &Document{Runs: []Summary{run("pool", 8, "h1", fast...), run("semaphore", 8, "h1", slow...), run("pool", 16, "h1", fast...)}}
	b := &Document{Runs: []Summary{run("pool", 8, "std", slow...)}}

	cells, err := CompareBy([]*Document{a}, "strategy")
	if err != nil {
		t.Fatal(err)
	}
	// conc=16 has pool only: nothing to set beside it.
	if len(cells) != 1 || cells[0].Old != "strategy=pool" || cells[0].New != "strategy=semaphore" || strings.Contains(cells[0].Key, "strategy=") {
		t.Fatalf("cells %+v", cells)
	}
	wall := cells[0].Deltas[0]
	if wall.Metric != "wall" || !wall.Significant || math.Abs(wall.Change-1.0) > 0.05 {
		t.Errorf("semaphore against pool: %+v, want wall about +100%%, significant", wall)
	}

	// Across files, by a workload parameter.
	cells, err = CompareBy([]*Document{a, b}, "http-engine")
	if err != nil || len(cells) != 1 || cells[0].Old != "http-engine=h1" || cells[0].New != "http-engine=std" || !strings.Contains(cells[0].Key, "strategy=pool/tasks=100/conc=8") {
		t.Fatalf("by engine: %+v, %v", cells, err)
	}
	if _, err := CompareBy([]*Document{a}, "nosuch"); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("an unknown parameter: %v", err)
	}
	if _, err := CompareBy([]*Document{b}, "strategy"); err == nil {
		t.Error("one value only: no error")
	}
}

// TestGeomeans: the geometric mean of the ratios, not their mean: 2x
// and 0.5x cancel.
func TestGeomeans(t *testing.T) {
	cells := []CellDeltas{
		{Deltas: []Delta{{Metric: "wall", Old: 1, New: 2}, {Metric: "p99", Old: 1, New: 1.1}}},
		{Deltas: []Delta{{Metric: "wall", Old: 2, New: 1}, {Metric: "rss", Old: 0, New: 5}}},
	}
	g := Geomeans(cells)
	if len(g) != 2 || g[0].Metric != "wall" || math.Abs(g[0].Change) > 1e-12 || g[0].Cells != 2 || g[1].Metric != "p99" || math.Abs(g[1].Change-0.1) > 1e-12 {
		t.Errorf("geomeans %+v", g)
	}
}

func TestEnvironmentDiffs(t *testing.T) {
	a := Environment{GoVersion: "go1.26.8", GOMAXPROCS: 2, NumCPU: 2, CPUModel: "x", GOOS: "linux", GOARCH: "amd64"}
	if d := EnvironmentDiffs(a, a); len(d) != 0 {
		t.Errorf("the same environment differs: %v", d)
	}
	b := a
	b.GOMAXPROCS, b.GoVersion = 8, "go1.25.0"
	if d := EnvironmentDiffs(a, b); len(d) != 2 || !strings.Contains(strings.Join(d, ";"), "GOMAXPROCS: 2 vs 8") {
		t.Errorf("diffs %v", d)
	}
}

// TestComparisonShowsIntervals: ± is the 95% interval of each median
// (none under 6 repetitions: ±∞), and the geomean line closes the table.
func TestComparisonShowsIntervals(t *testing.T) {
	a := &Document{Runs: []Summary{run("pool", 8, "h1", 1, 1, 1, 1, 1, 1), run("pool", 4, "h1", 1, 2)}}
	cells, err := Compare(a, a)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteComparison(&b, cells); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "±0%") || !strings.Contains(out, "±∞") || !strings.Contains(out, "geomean over 2 cells:  wall +0.0%") {
		t.Errorf("comparison:\n%s", out)
	}
}
