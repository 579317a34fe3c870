package results

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/perf/benchfmt"
)

func TestCellName(t *testing.T) {
	for _, c := range []struct {
		tasks    int
		d        time.Duration
		conc     int
		strategy string
		want     string
	}{
		{100, 0, 8, "pool", "tasks=100/conc=8/strategy=pool"},
		{100, 0, 8, "sequential", "tasks=100/conc=8/strategy=sequential"},
		{0, 1500 * time.Millisecond, 2, "unbounded", "duration=1.5s/conc=2/strategy=unbounded"},
	} {
		if got := CellName(c.tasks, c.d, c.conc, c.strategy); got != c.want {
			t.Errorf("CellName(%d, %v, %d, %s) = %q, want %q", c.tasks, c.d, c.conc, c.strategy, got, c.want)
		}
	}
}

// TestGobenchLines checks that every repetition gives one line per limit
// it stands for, named by CellName, with the fixed units, and that a
// figure an older document lacks is left out rather than written as 0.
func TestGobenchLines(t *testing.T) {
	p50 := 0.002
	rep := Repetition{WallSeconds: 0.5, ThroughputPerS: 200, P99Seconds: 0.004, PeakRSSBytes: KnownBytes(1 << 20), P50Seconds: &p50, PeakGoroutines: 7}
	old := Repetition{WallSeconds: 0.5, ThroughputPerS: 200, P99Seconds: 0.004} // v1 as first released, RSS unknown
	params := map[string]string{"latency": "2ms", "seed": "1"}
	doc := &Document{Schema: Schema, Environment: Environment{GOOS: "linux", GOARCH: "amd64", GOMAXPROCS: 2}, Runs: []Summary{
		{Strategy: "sequential", Workload: "sleep", Params: params, Tasks: 100, Concurrency: 1, Limits: []int{2, 4}, Repetitions: []Repetition{rep, rep}},
		{Strategy: "pool", Workload: "sleep", Params: params, Tasks: 100, Concurrency: 2, Repetitions: []Repetition{rep, old}},
		{Strategy: "pool", Workload: "sleep", Params: params, Tasks: 100, Concurrency: 4, Repetitions: []Repetition{rep}},
	}}
	var out bytes.Buffer
	if err := Write(&out, "gobench", doc); err != nil {
		t.Fatal(err)
	}
	type line struct {
		name  string
		units []string
	}
	var got []line
	rd := benchfmt.NewReader(bytes.NewReader(out.Bytes()), "x.txt")
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Fatalf("%v\n%s", rec, out.String())
		case *benchfmt.Result:
			var units []string
			for _, v := range rec.Values {
				units = append(units, cmp.Or(v.OrigUnit, v.Unit)) // benchfmt turns ns into sec
			}
			if rec.GetConfig("latency") != "2ms" || rec.GetConfig("goos") != "linux" {
				t.Errorf("%s: config %v", rec.Name, rec.Config)
			}
			got = append(got, line{strings.TrimSuffix(string(rec.Name.Full()), "-2"), units})
		}
	}
	all := append([]string{"ns/op"}, BenchUnits...)
	want := []line{
		{"Concbench/workload=sleep/tasks=100/conc=2/strategy=sequential", all},
		{"Concbench/workload=sleep/tasks=100/conc=4/strategy=sequential", all},
		{"Concbench/workload=sleep/tasks=100/conc=2/strategy=sequential", all},
		{"Concbench/workload=sleep/tasks=100/conc=4/strategy=sequential", all},
		{"Concbench/workload=sleep/tasks=100/conc=2/strategy=pool", all},
		{"Concbench/workload=sleep/tasks=100/conc=2/strategy=pool", []string{"ns/op", BenchTasksPerSec, BenchP99}},
		{"Concbench/workload=sleep/tasks=100/conc=4/strategy=pool", all},
	}
	if !slices.EqualFunc(got, want, func(a, b line) bool { return a.name == b.name && slices.Equal(a.units, b.units) }) {
		t.Errorf("got\n%v\nwant\n%v\n%s", got, want, out.String())
	}
	if !strings.Contains(out.String(), "\t2000000 p50-ns\t4000000 p99-ns\t7 peak-goroutines\t1048576 peak-rss-B\n") {
		t.Errorf("values not in their units:\n%s", out.String())
	}
}
