package results

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// simulate plays list scheduling out event by event, independently of the
// heap in ListSchedule: each task in order goes to the slot free earliest.
func simulate(ds []time.Duration, slots int) time.Duration {
	free := make([]time.Duration, min(slots, len(ds)))
	var end time.Duration
	for _, d := range ds {
		j := 0
		for k := range free {
			if free[k] < free[j] {
				j = k
			}
		}
		free[j] += d
		end = max(end, free[j])
	}
	return end
}

func TestListSchedule(t *testing.T) {
	ms := time.Millisecond
	d := []time.Duration{40 * ms, 30 * ms, 50 * ms, 20 * ms}
	for _, tc := range []struct {
		slots int
		want  time.Duration
	}{{1, 140 * ms}, {2, 80 * ms}, {3, 50 * ms}, {4, 50 * ms}, {100, 50 * ms}} {
		if got := ListSchedule(d, tc.slots); got != tc.want {
			t.Errorf("slots=%d: %v, want %v", tc.slots, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		ds := make([]time.Duration, 1+r.IntN(60))
		for i := range ds {
			ds[i] = time.Duration(r.IntN(1000))
		}
		slots := 1 + r.IntN(10)
		if got, want := ListSchedule(ds, slots), simulate(ds, slots); got != want {
			t.Fatalf("%v on %d slots: %v, simulation says %v", ds, slots, got, want)
		}
	}
}

// TestListScheduleOfUnknown checks that a duration the workload cannot
// tell makes the makespan unknown, whatever the slots.
func TestListScheduleOfUnknown(t *testing.T) {
	for _, slots := range []int{1, 3, 10} {
		calls := 0
		_, ok := ListScheduleOf(10, slots, func(i int) (time.Duration, bool) { calls++; return time.Duration(i), i != 4 })
		if ok || calls != 5 {
			t.Errorf("slots=%d: known %v after %d durations, want unknown after 5", slots, ok, calls)
		}
	}
	if d, ok := ListScheduleOf(0, 4, nil); !ok || d != 0 {
		t.Errorf("no tasks: %v %v, want 0, known", d, ok)
	}
}

func TestDescribe(t *testing.T) {
	xs := make([]float64, 101)
	for i := range xs {
		xs[i] = float64(100 - i) // 100..0, unsorted
	}
	p := Describe(xs)
	want := Percentiles{P50: 50, P90: 90, P99: 99, P999: 99.9, Max: 100, Mean: 50, StdDev: math.Sqrt(850)}
	if math.Abs(p.P999-want.P999) > 1e-9 || math.Abs(p.StdDev-want.StdDev) > 1e-9 {
		t.Errorf("got %+v, want %+v", p, want)
	}
	p.P999, p.StdDev, want.P999, want.StdDev = 0, 0, 0, 0
	if p != want {
		t.Errorf("got %+v, want %+v", p, want)
	}
	if (Describe(nil) != Percentiles{}) {
		t.Error("empty input should describe as zeros")
	}
}

func TestMedianCI(t *testing.T) {
	med, ci := MedianCI([]float64{5, 1, 3}, 0.95)
	if med != 3 || ci == nil || ci.Lo != 1 || ci.Hi != 5 || ci.Level != 0.75 {
		t.Errorf("n=3: median %v ci %+v, want 3 and [1,5] at 0.75", med, ci)
	}
	xs := make([]float64, 20)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	// n=20: P(B<=5) = 0.0207, so [x(6), x(15)] covers 95.9%.
	med, ci = MedianCI(xs, 0.95)
	if med != 10.5 || ci.Lo != 6 || ci.Hi != 15 || math.Abs(ci.Level-0.9586) > 1e-4 {
		t.Errorf("n=20: median %v ci %+v", med, ci)
	}
	if _, ci := MedianCI([]float64{1}, 0.95); ci != nil {
		t.Error("one value has no interval")
	}
}

func TestCountAddsUp(t *testing.T) {
	boom := errors.New("boom")
	samples := []Sample{
		{Start: 1, Service: 10, Attempts: 1, Outcome: OK},
		{Start: 2, Service: 20, Attempts: 3, Outcome: Error, Err: boom},
		{Start: 3, Service: 30, Attempts: 2, Outcome: Timeout, Err: boom},
		{Start: 4, Service: 40, Attempts: 1, Outcome: Panic, Err: boom},
		{},
	}
	r := NewRecorder(len(samples), RecorderOptions{Kind: func(error) string { return "k" }})
	for i, s := range samples[:4] {
		r.Set(i, &s)
	}
	tally, _ := r.Finish(len(samples), errors.New("stop"))
	want := Outcomes{OK: 1, Error: 1, Timeout: 1, Panic: 1, Canceled: 1}
	if tally.Outcomes != want || tally.Attempts != 7 || tally.Errors["k"].Count != 3 {
		t.Errorf("got %+v", tally)
	}
	if tally.Latency.Max != 40e-9 {
		t.Errorf("latency max %v: canceled tasks must not count", tally.Latency.Max)
	}
}

func fixture() *Document {
	d := NewDocument(CurrentEnvironment("test"))
	ideal := 0.08
	d.Runs = []Summary{
		{Strategy: "pool", Workload: "sleep", Params: map[string]string{"latency": "10ms"}, Tasks: 4, Concurrency: 2,
			WallSeconds: 0.081, IdealSeconds: &ideal, Outcomes: Outcomes{OK: 3, Error: 1},
			Errors: map[string]ErrorKind{"injected": {1, "injected failure"}}},
		{Strategy: "sequential", Workload: "sleep", Params: map[string]string{"latency": "10ms"}, Tasks: 4, Concurrency: 1, WallSeconds: 0.162},
	}
	FillSpeedups(d.Runs)
	return d
}

func TestFillSpeedups(t *testing.T) {
	d := fixture()
	if s := d.Runs[0].Speedup; s == nil || math.Abs(*s-2) > 1e-9 {
		t.Errorf("pool speedup %v, want 2", s)
	}
	d.Runs = d.Runs[:1]
	d.Runs[0].Speedup = nil
	FillSpeedups(d.Runs)
	if d.Runs[0].Speedup != nil {
		t.Error("speedup without a sequential run must stay null")
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "json", fixture()); err != nil {
		t.Fatal(err)
	}
	d, err := ReadDocument(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 2 || d.Runs[0].Errors["injected"].Count != 1 || *d.Runs[0].IdealSeconds != 0.08 {
		t.Errorf("round trip lost data: %+v", d.Runs)
	}
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{`{"schema": "concbench/results/v1", "runs": [`, "truncated"},
		{`{"name": "something else"}`, "no schema"},
		{`{"schema": "concbench/results/v0", "runs": []}`, "not supported"},
		{`[1, 2]`, "not a concbench"},
	} {
		if _, err := ReadDocument(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.want)
		}
	}
}

func TestWriters(t *testing.T) {
	d := fixture()
	var text, md, csvOut bytes.Buffer
	for _, w := range []struct {
		format string
		buf    *bytes.Buffer
	}{{"table", &text}, {"markdown", &md}, {"csv", &csvOut}} {
		if err := Write(w.buf, w.format, d); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(text.String(), "\n")
	if !strings.HasPrefix(lines[1], "strategy") || !strings.HasPrefix(lines[2], "pool") || len(lines[1]) != len(lines[2]) {
		t.Errorf("table not aligned:\n%s", text.String())
	}
	for _, want := range []string{"81.0ms", "80.0ms", "2.00x", "injected 1"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, text.String())
		}
	}
	if n := strings.Count(md.String(), "\n| "); n != 3 {
		t.Errorf("markdown has %d table rows, want header + 2:\n%s", n, md.String())
	}
	rows, err := csv.NewReader(&csvOut).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !slices.Contains(rows[0], "wall_seconds") || rows[1][slices.Index(rows[0], "wall_seconds")] != "0.081" {
		t.Errorf("csv: %v", rows)
	}
	if err := Write(&text, "yaml", d); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestUnits(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Seconds(0.0000005), "500ns"}, {Seconds(0.000812), "812µs"}, {Seconds(0.0412), "41.2ms"},
		{Seconds(1.5), "1.50s"}, {Bytes(512), "512B"}, {Bytes(343.0057), "343B"}, {Bytes(3 << 20), "3.00MiB"}, {Rate(12345), "12.3k/s"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
