package plots

import (
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// legend returns the legend labels of a panel.
func legend(p *panel) []string {
	var out []string
	for _, it := range p.items {
		out = append(out, it.name)
	}
	return out
}

// itemsOf returns the panel's items of one kind.
func itemsOf(p *panel, kind string) []item {
	var out []item
	for _, it := range p.items {
		if it.kind == kind {
			out = append(out, it)
		}
	}
	return out
}

func TestTickLabels(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{{1, "1"}, {0.25, "0.25"}, {100000, "100k"}, {1e6, "1M"}, {2500, "2.5k"}, {1234567, "1.23M"}, {0, "0"}} {
		if got := number(tc.x); got != tc.want {
			t.Errorf("number(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
	p := newPlot("t", "tasks", "wall time (s)")
	p.X.Min, p.X.Max = 1e2, 1e6
	scaleAxis(&p.X, []float64{1e2, 1e6})
	var xs []string
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if tk.Label != "" {
			xs = append(xs, tk.Label)
		}
	}
	for _, want := range []string{"100", "1k", "10k", "100k", "1M"} {
		if !slices.Contains(xs, want) {
			t.Errorf("log count ticks %v lack %s", xs, want)
		}
	}
	if strings.Contains(strings.Join(xs, " "), "e+") {
		t.Errorf("log count ticks %v: an exponent", xs)
	}
	var ys []string
	for _, tk := range p.Y.Tick.Marker.Ticks(0, 0.004) {
		if tk.Label != "" {
			ys = append(ys, tk.Label)
		}
	}
	if len(ys) == 0 || !strings.HasSuffix(ys[len(ys)-1], "ms") {
		t.Errorf("sub-second ticks %v: want milliseconds", ys)
	}
	g := newPlot("t", "x", "peak goroutines")
	for _, tk := range g.Y.Tick.Marker.Ticks(0, 5) {
		if tk.Label != "" && strings.Contains(tk.Label, ".") {
			t.Errorf("a count axis labels %q", tk.Label)
		}
	}
}

// TestSpeedupCappedAtCores: CPU-bound tasks have no ideal makespan; the
// reference is linear speedup up to GOMAXPROCS, flat after, not linear to
// the largest concurrency.
func TestSpeedupCappedAtCores(t *testing.T) {
	doc := fixture([]string{"sequential", "pool"})
	for i := range doc.Runs {
		doc.Runs[i].IdealSeconds = nil
	}
	g := group{title: "cpu", runs: ptrs(doc.Runs), procs: 2}
	c, why := speedupChart(g, 100, []float64{1, 100})
	if why != "" {
		t.Fatal(why)
	}
	labels := legend(c.panels[0])
	if !slices.Contains(labels, "linear speedup up to the 2 cores (GOMAXPROCS)") {
		t.Errorf("legend %v", labels)
	}
	ideal := itemsOf(c.panels[0], "dotted")
	if len(ideal) != 1 || ideal[0].xys[len(ideal[0].xys)-1] != (plotter.XY{X: 100, Y: 2}) || ideal[0].xys[0] != (plotter.XY{X: 1, Y: 1}) {
		t.Errorf("ideal %+v: want from (1, 1) up to the 2 cores and flat to (100, 2)", ideal)
	}
}

// TestLegendsSayWhatLinesAre: strategies without a limit are named for
// what they do, and the ideal is dotted, never dashed like them.
func TestLegendsSayWhatLinesAre(t *testing.T) {
	doc := fixture([]string{"sequential", "unbounded", "pool", "semaphore"})
	c, err := wallChart(group{title: "sleep", runs: ptrs(doc.Runs)}, 1000, []float64{1, 100})
	if err != nil {
		t.Fatal(err)
	}
	labels := legend(c.panels[0])
	for _, want := range []string{"sequential (one task at a time)", "unbounded (a goroutine per task)", "ideal (list scheduling)"} {
		if !slices.Contains(labels, want) {
			t.Errorf("legend %v lacks %q", labels, want)
		}
	}
	if d := itemsOf(c.panels[0], "dotted"); len(d) != 1 || d[0].name != "ideal (list scheduling)" {
		t.Errorf("dotted lines %+v: want the ideal only", d)
	}
	if d := itemsOf(c.panels[0], "dashed"); len(d) != 2 {
		t.Errorf("dashed lines %+v: want sequential and unbounded", d)
	}
	// Error bars apart: pool and semaphore are drawn at different x.
	lines := itemsOf(c.panels[0], "line")
	if len(lines) != 2 || lines[0].xys[0].X == lines[1].xys[0].X {
		t.Errorf("series %+v: want pool and semaphore, apart", lines)
	}
}

// TestSpectrumShowsCorrectedAndService: an open-loop run's spectrum has
// its corrected latency and its service time; the x axis is 1/(1-p) on a
// log scale labelled in percentiles.
func TestSpectrumShowsCorrectedAndService(t *testing.T) {
	doc := fixture([]string{"pool"})
	for i := range doc.Runs {
		doc.Runs[i].OpenLoop = &results.OpenLoop{RateAsked: 100, CorrectedHistogram: doc.Runs[i].LatencyHistogram}
	}
	c, why := spectrumChart(group{title: "sleep", runs: ptrs(doc.Runs)})
	if why != "" {
		t.Fatal(why)
	}
	p := c.panels[0]
	labels := legend(p)
	if !slices.Contains(labels, "pool (concurrency 100) corrected") || !slices.Contains(labels, "pool (concurrency 100) service") {
		t.Errorf("legend %v", labels)
	}
	if _, ok := p.X.Scale.(plot.LogScale); !ok {
		t.Error("the percentile axis is not logarithmic")
	}
	var ticks []string
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		ticks = append(ticks, tk.Label)
	}
	if !slices.Contains(ticks, "99%") || !slices.Contains(ticks, "50%") {
		t.Errorf("percentile ticks %v", ticks)
	}
}

// TestTimelineDropsThePartialInterval: the last interval of a run that
// ended inside it is not drawn as a collapse, and the asked rate is one
// legend entry however many strategies ran.
func TestTimelineDropsThePartialInterval(t *testing.T) {
	var runs []*results.Summary
	for _, s := range []string{"pool", "unbounded"} {
		runs = append(runs, &results.Summary{Strategy: s, Concurrency: 4, WallSeconds: 2.5, IntervalSeconds: 1,
			OpenLoop: &results.OpenLoop{RateAsked: 100},
			Timeline: []results.Step{{StartSeconds: 0, Completed: 100}, {StartSeconds: 1, Completed: 100}, {StartSeconds: 2, Completed: 20}}})
	}
	c, why := timelineChart(group{title: "sleep", runs: runs})
	if why != "" {
		t.Fatal(why)
	}
	labels := legend(c.panels[0])
	asked := 0
	for _, l := range labels {
		if strings.HasPrefix(l, "asked rate") {
			asked++
		}
	}
	if asked != 1 || !strings.Contains(c.caption, "left out") {
		t.Errorf("legend %v, caption %q", labels, c.caption)
	}
	for _, l := range itemsOf(c.panels[0], "line") {
		if len(l.xys) != 2 {
			t.Errorf("%s: %v, want the two whole intervals only", l.name, l.xys)
		}
	}
}

func ptrs(runs []results.Summary) []*results.Summary {
	out := make([]*results.Summary, len(runs))
	for i := range runs {
		out[i] = &runs[i]
	}
	return out
}

// TestTitlesAreBrief: a title carries the workload and its parameters up
// to maxTitle characters, and never an embedded target's address.
func TestTitlesAreBrief(t *testing.T) {
	s := &results.Summary{Workload: "http", Target: &results.TargetUse{},
		Params: map[string]string{"url": "http://127.0.0.1:40437/delay/2ms", "http-engine": "h1", "method": "POST", "header": "X-Long-Header: " + strings.Repeat("v", 80)}}
	got := briefTitle(s)
	if n := len([]rune(got)); n > maxTitle || !strings.HasPrefix(got, "http ") || strings.Contains(got, "40437") || !strings.HasSuffix(got, "…") {
		t.Errorf("title %q (%d characters)", got, len([]rune(got)))
	}
	if got := briefTitle(&results.Summary{Workload: "sleep", Params: map[string]string{"latency": "1ms"}}); got != "sleep latency=1ms" {
		t.Errorf("short title %q", got)
	}
}

// TestPanelTitlesFit: a chart of several panels names the workload once,
// above them all, and each panel's title fits its panel: with the
// workload's title on each of three panels the last one ran past the
// image's edge ("OS threads adde").
func TestPanelTitlesFit(t *testing.T) {
	doc := fixture(all)
	for i := range doc.Runs { // the threads panel: a third one
		at, peak := 4, 4+i
		doc.Runs[i].Memory.ThreadsAtStart, doc.Runs[i].Memory.PeakThreads = &at, &peak
	}
	g := group{title: strings.Repeat("w", maxTitle), runs: ptrs(doc.Runs), procs: 2}
	w, _ := size(Options{})
	for _, tc := range []struct {
		name   string
		build  func(group) (chart, string)
		panels int
	}{{"memory", memoryChart, 3}, {"over time", timelineChart, 2}} {
		c, why := tc.build(g)
		if why != "" {
			t.Fatalf("%s: %s", tc.name, why)
		}
		if len(c.panels) != tc.panels || !strings.HasPrefix(c.heading(), g.title) {
			t.Errorf("%s: %d panels, title %q; want %d, the workload's", tc.name, len(c.panels), c.heading(), tc.panels)
		}
		for _, p := range c.panels {
			if width := p.Title.TextStyle.Width(p.Title.Text); strings.Contains(p.Title.Text, g.title) || width > w/vg.Length(len(c.panels)) {
				t.Errorf("%s: panel title %q (%.0f of the panel's %.0f points)", tc.name, p.Title.Text, width, w/vg.Length(len(c.panels)))
			}
		}
	}
}

// TestLinearAxesHaveEnoughLabels: gonum's default labels 0 and 25ms only
// on an axis to 28ms; every linear axis gets at least minLabels.
func TestLinearAxesHaveEnoughLabels(t *testing.T) {
	for _, tc := range []struct {
		label    string
		min, max float64
		want     []string
	}{
		{"latency (s)", 0, 0.028, []string{"0ms", "5ms", "10ms", "15ms", "20ms", "25ms"}},
		{"throughput (tasks/s)", 0, 2600, []string{"0", "500", "1k", "1.5k", "2k", "2.5k"}},
		{"peak goroutines", 0, 3.2, []string{"0", "1", "2", "3"}},
	} {
		p := newPlot("t", "x", tc.label)
		var got []string
		for _, tk := range p.Y.Tick.Marker.Ticks(tc.min, tc.max) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if len(got) < minLabels || !slices.Equal(got, tc.want) {
			t.Errorf("%s on [%v, %v]: labels %v, want %v", tc.label, tc.min, tc.max, got, tc.want)
		}
	}
}
