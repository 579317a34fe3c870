package plots

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata")

// fixture is a sweep as the harness would record it: every strategy over
// two task counts and three concurrencies, repeated, with histograms.
func fixture(strategies []string) *results.Document {
	doc := results.NewDocument(results.Environment{GoVersion: "go1.26", GOOS: "linux", GOARCH: "amd64", NumCPU: 2, GOMAXPROCS: 2,
		CPUModel: "test CPU", Version: "test", Time: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)})
	params := map[string]string{"latency": "20ms", "dist": "fixed", "seed": "1"}
	for _, tasks := range []int{100, 1000} {
		for _, name := range strategies {
			concs := []int{1, 10, 100}
			if name == "sequential" || name == "unbounded" {
				concs = []int{0}
			}
			for _, c := range concs {
				slots := map[string]int{"sequential": 1, "unbounded": tasks}[name]
				if slots == 0 {
					slots = min(c, tasks)
				}
				ideal := 0.02 * math.Ceil(float64(tasks)/float64(slots))
				wall := ideal * (1.05 + 0.2*float64(slices.Index(all, name))) // apart, so no line hides another
				if c == 0 {
					c = slots
				}
				hist := &results.Histogram{Unit: "ns", SignificantFigures: 3}
				for k := range 20 {
					hist.Buckets = append(hist.Buckets, [2]int64{int64(20e6 + float64(k)*1e5*float64(len(name))), int64(tasks / 20)})
				}
				s := results.Summary{
					Strategy: name, Workload: "sleep", Params: params, Tasks: tasks, Concurrency: c, Slots: slots,
					WallSeconds: wall, WallCI: &results.Interval{Lo: wall * 0.97, Hi: wall * 1.04, Level: 0.96},
					Repetitions: make([]results.Repetition, 6), ThroughputPerS: float64(tasks) / wall,
					Latency:          results.Percentiles{P50: 0.0201, P90: 0.0203, P99: 0.0205 + 0.001*float64(len(name)), Max: 0.03},
					LatencyHistogram: hist,
					Outcomes:         results.Outcomes{OK: tasks},
					IdealSeconds:     &ideal,
					Memory:           results.Memory{PeakRSSBytes: results.KnownBytes(uint64(5<<20 + tasks*slots*100)), PeakGoroutines: slots + 10},
				}
				if name == "process" {
					s.Processes = &results.Processes{Workers: c, PerProcess: 1, ChildRSSSumBytes: results.KnownBytes(uint64(c) * 10 << 20)}
				}
				if tasks == 1000 { // as an open-loop run at 500/s would record
					s.OpenLoop = &results.OpenLoop{Arrival: "uniform", RateAsked: 500, RateAchieved: 499}
					s.IntervalSeconds, s.TimelineLatency = 1, "corrected"
					for k := range 5 {
						s.Timeline = append(s.Timeline, results.Step{StartSeconds: float64(k), Arrivals: 500, Completed: 480 + 5*k,
							LatencyP50: 0.02, LatencyP99: 0.03 + 0.01*float64(k*slices.Index(all, name))})
					}
				}
				doc.Runs = append(doc.Runs, s)
			}
		}
	}
	results.FillSpeedups(doc.Runs)
	return doc
}

var all = []string{"sequential", "unbounded", "pool", "semaphore", "process"}

func decode(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// variance of the pixels' brightness: 0 for a blank image.
func variance(img image.Image) float64 {
	var sum, sq, n float64
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bb, _ := img.At(x, y).RGBA()
			v := float64(r+g+bb) / 3 / 65535
			sum += v
			sq += v * v
			n++
		}
	}
	m := sum / n
	return sq/n - m*m
}

// count returns how many pixels have exactly colour c.
func count(img image.Image, c color.Color) int {
	want := color.RGBAModel.Convert(c).(color.RGBA)
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == want {
				n++
			}
		}
	}
	return n
}

func TestRenderEveryChart(t *testing.T) {
	dir := t.TempDir()
	charts, skipped, err := Render(context.Background(), fixture(all), filepath.Join(dir, "new"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range charts {
		names = append(names, c.File)
	}
	want := []string{
		"latency-percentiles.png", "latency-spectrum.png", "memory-vs-tasks.png", "over-time.png",
		"speedup-vs-concurrency-tasks-100.png", "speedup-vs-concurrency-tasks-1000.png",
		"throughput-vs-tasks.png", "wall-vs-concurrency-tasks-100.png", "wall-vs-concurrency-tasks-1000.png",
	}
	sort.Strings(names)
	if !slices.Equal(names, want) || len(skipped) != 0 {
		t.Fatalf("wrote %v, skipped %v; want %v", names, skipped, want)
	}
	for _, c := range charts {
		img := decode(t, filepath.Join(dir, "new", c.File))
		if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 800 {
			t.Errorf("%s is %dx%d, want 1200x800", c.File, b.Dx(), b.Dy())
		}
		if v := variance(img); v < 0.002 {
			t.Errorf("%s looks blank (variance %.5f)", c.File, v)
		}
		if c.Caption == "" || !strings.Contains(c.Title, "sleep") {
			t.Errorf("%s: title %q caption %q", c.File, c.Title, c.Caption)
		}
	}
}

func TestStrategyColoursAreStable(t *testing.T) {
	// pool is drawn in its own colour whether or not other strategies are present
	for _, set := range [][]string{all, {"pool", "semaphore"}, {"pool"}} {
		dir := t.TempDir()
		if _, _, err := Render(context.Background(), fixture(set), dir, Options{}); err != nil {
			t.Fatal(err)
		}
		img := decode(t, filepath.Join(dir, "wall-vs-concurrency-tasks-1000.png"))
		for _, name := range set {
			if !strings.Contains("pool semaphore process", name) {
				continue // only bounded strategies draw lines here
			}
			if n := count(img, styleOf(name).color); n < 200 {
				t.Errorf("strategies %v: %s's colour covers %d pixels", set, name, n)
			}
		}
	}
	if styleOf("pool") != styleOf("pool") || styleOf("custom") != styleOf("custom") || styleOf("pool").color == styleOf("semaphore").color {
		t.Error("styles must depend on the name only and differ between strategies")
	}
}

func TestChartsWithoutTheirDimensionAreSkipped(t *testing.T) {
	doc := fixture([]string{"pool", "unbounded"})
	var keep []results.Summary
	for _, s := range doc.Runs {
		if s.Tasks == 1000 && (s.Concurrency == 10 || s.Strategy == "unbounded") {
			s.LatencyHistogram, s.Timeline = nil, nil
			keep = append(keep, s)
		}
	}
	doc.Runs = keep
	charts, skipped, err := Render(context.Background(), doc, t.TempDir(), Options{Width: 600, Height: 400})
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 1 || charts[0].File != "latency-percentiles.png" {
		t.Errorf("charts %v", charts)
	}
	reasons := map[string]string{}
	for _, s := range skipped {
		reasons[s.Chart] = s.Reason
	}
	for chart, want := range map[string]string{
		"wall-vs-concurrency-tasks-1000": "two or more concurrency values",
		"throughput-vs-tasks":            "two or more task counts",
		"memory-vs-tasks":                "two or more task counts",
		"latency-spectrum":               "histograms",
		"over-time":                      "open-loop",
	} {
		if !strings.Contains(reasons[chart], want) {
			t.Errorf("%s: skipped with %q, want a reason mentioning %q", chart, reasons[chart], want)
		}
	}
	if _, _, err := Render(context.Background(), &results.Document{}, t.TempDir(), Options{}); err == nil {
		t.Error("a document without runs rendered")
	}
}

func TestReportLinksExactlyTheChartsWritten(t *testing.T) {
	dir := t.TempDir()
	doc := fixture(all)
	charts, skipped, err := Render(context.Background(), doc, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteReport(doc, dir, charts, skipped); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	var linked []string
	for _, m := range regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`).FindAllStringSubmatch(string(md), -1) {
		linked = append(linked, m[1])
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for i := range files {
		files[i] = filepath.Base(files[i])
	}
	sort.Strings(linked)
	sort.Strings(files)
	if !slices.Equal(linked, files) || len(files) != len(charts) {
		t.Errorf("report links %v; directory holds %v", linked, files)
	}
	// The limits asked for, not the unbounded rows' task counts.
	for _, want := range []string{"## Environment", "test CPU", "## Parameters", "tasks 100, 1000; concurrency 1, 10, 100;", "| sequential |", "## Charts"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestVectorFormats(t *testing.T) {
	for format, magic := range map[string]string{"svg": "<?xml", "pdf": "%PDF"} {
		dir := t.TempDir()
		charts, _, err := Render(context.Background(), fixture([]string{"pool"}), dir, Options{Format: format})
		if err != nil || len(charts) == 0 {
			t.Fatalf("%s: %v", format, err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, charts[0].File))
		if !bytes.HasPrefix(b, []byte(magic)) || !strings.HasSuffix(charts[0].File, "."+format) {
			t.Errorf("%s: %s starts %q", format, charts[0].File, b[:min(len(b), 8)])
		}
	}
	if err := (Options{Format: "gif"}).Validate(); err == nil {
		t.Error("gif accepted")
	}
}

// TestGolden compares one chart with its golden image, byte for byte:
// gonum/plot draws with pure-Go fonts, so the same code and data give the
// same PNG. Run with -update after a deliberate change.
func TestGolden(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Render(context.Background(), fixture(all), dir, Options{Width: 600, Height: 400}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"latency-percentiles.png", "wall-vs-concurrency-tasks-100.png"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./plots -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			os.WriteFile(filepath.Join(os.TempDir(), "got-"+name), got, 0o644)
			t.Errorf("%s differs from testdata/%s (new version in %s); if the change is intended, run go test ./plots -update",
				name, name, filepath.Join(os.TempDir(), "got-"+name))
		}
	}
}

// TestReportOfV1 renders the charts and report of a v1 document (the
// results package's fixture), as `concbench report` does for old files.
func TestReportOfV1(t *testing.T) {
	doc, err := results.ReadFile("../results/testdata/v1.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	charts, skipped, err := Render(context.Background(), doc, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) == 0 {
		t.Fatalf("no chart of a v1 document; skipped %v", skipped)
	}
	if err := WriteReport(doc, dir, charts, skipped); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil || !strings.Contains(string(md), "url=/delay/2ms") || strings.Contains(string(md), "127.0.0.1") {
		t.Errorf("report.md (%v): want the http parameters without the target's port:\n%s", err, md)
	}
}

// TestPanelsWithoutValuesAreSkipped renders documents whose figures are
// all zero (a system without /proc reports no RSS; an empty workload takes
// no time): gonum's tickers loop forever on such an axis, so before the
// guard Render never returned. Each such chart is skipped, naming the axis.
func TestPanelsWithoutValuesAreSkipped(t *testing.T) {
	for _, tc := range []struct {
		name    string
		zero    func(*results.Summary)
		chart   string // skipped
		reason  string
		written string // still drawn
	}{
		{"no memory figures", func(s *results.Summary) {
			s.Memory = results.Memory{}
			s.Processes = nil
		}, "memory-vs-tasks", "peak RSS", "throughput-vs-tasks.png"},
		{"no time", func(s *results.Summary) {
			s.Latency = results.Percentiles{}
			s.WallSeconds, s.WallCI, s.ThroughputPerS, s.IdealSeconds, s.Speedup = 0, nil, 0, nil, nil
			for i := range s.Timeline {
				s.Timeline[i].LatencyP99, s.Timeline[i].Completed = 0, 0
			}
			s.OpenLoop = nil
		}, "wall-vs-concurrency-tasks-100", "wall time (s): no value", "memory-vs-tasks.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := fixture([]string{"pool", "unbounded"})
			for i := range doc.Runs {
				tc.zero(&doc.Runs[i])
			}
			type rendered struct {
				charts  []Chart
				skipped []Skip
				err     error
			}
			done := make(chan rendered, 1)
			go func() {
				c, s, err := Render(context.Background(), doc, t.TempDir(), Options{Width: 600, Height: 400})
				done <- rendered{c, s, err}
			}()
			var r rendered
			select {
			case r = <-done:
			case <-time.After(time.Minute): // it takes well under a second when it returns at all
				t.Fatal("Render spins on a panel without values")
			}
			if r.err != nil {
				t.Fatal(r.err)
			}
			reasons := map[string]string{}
			for _, s := range r.skipped {
				reasons[s.Chart] = s.Reason
			}
			if !strings.Contains(reasons[tc.chart], tc.reason) {
				t.Errorf("%s skipped with %q, want a reason naming %q; skipped: %v", tc.chart, reasons[tc.chart], tc.reason, r.skipped)
			}
			if !slices.ContainsFunc(r.charts, func(c Chart) bool { return c.File == tc.written }) {
				t.Errorf("%s not written: %v", tc.written, r.charts)
			}
		})
	}
}

// TestRenderStopsWhenCanceled: a canceled Render writes no chart and says
// why, so plot and report end on the first Ctrl-C.
func TestRenderStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	charts, _, err := Render(ctx, fixture(all), dir, Options{Width: 600, Height: 400})
	if !errors.Is(err, context.Canceled) || len(charts) != 0 {
		t.Errorf("canceled Render: %d charts, error %v", len(charts), err)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("canceled Render wrote %d files", len(files))
	}
}
