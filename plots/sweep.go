package plots

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/results"
)

// sweepCharts draws, for each parameter the runs sweep with two values or
// more (results.Summary.Swept), latency against that parameter on the x
// axis: the p50 and p99 of the corrected latency (end minus due time) for
// open-loop runs, so that a rate sweep gives latency against offered
// rate, and of the service time otherwise. A line joins the runs that
// differ in that parameter only: one per workload parameters, strategy,
// concurrency, task count and value of the other sweeps.
func sweepCharts(runs []results.Summary) ([]chart, []Skip) {
	values := map[string][]string{}
	for i := range runs {
		for k, v := range runs[i].Swept {
			if !slices.Contains(values[k], v) {
				values[k] = append(values[k], v)
			}
		}
	}
	var charts []chart
	var skips []Skip
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if len(values[name]) < 2 {
			continue
		}
		c, why := sweepChart(runs, name, values[name])
		if why != "" {
			skips = append(skips, Skip{Chart: "sweep-" + name, Reason: why})
			continue
		}
		charts = append(charts, c)
	}
	return charts, skips
}

// sweepX places a swept value on the x axis: a number, a rate (500/s), a
// duration (in seconds) or a byte count; ok is false for a word (an
// engine's name), which sweepChart then places by rank.
func sweepX(v string) (float64, bool) {
	if x, err := strconv.ParseFloat(strings.TrimSuffix(v, "/s"), 64); err == nil {
		return x, true
	}
	if d, err := time.ParseDuration(v); err == nil {
		return d.Seconds(), true
	}
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}} {
		if n, err := strconv.ParseFloat(strings.TrimSuffix(v, u.suffix), 64); err == nil && strings.HasSuffix(v, u.suffix) {
			return n * u.mult, true
		}
	}
	return 0, false
}

func sweepChart(runs []results.Summary, name string, vals []string) (chart, string) {
	numeric := true
	for _, v := range vals {
		if _, ok := sweepX(v); !ok {
			numeric = false
		}
	}
	if numeric {
		slices.SortFunc(vals, func(a, b string) int { x, _ := sweepX(a); y, _ := sweepX(b); return cmpFloat(x, y) })
	}
	x := func(v string) float64 {
		if numeric {
			f, _ := sweepX(v)
			return f
		}
		return float64(slices.Index(vals, v))
	}
	corrected := false
	type line struct {
		label, style string
		p50, p99     []point
	}
	var lines []*line
	byKey := map[string]*line{}
	for i := range runs {
		r := &runs[i]
		v, ok := r.Swept[name]
		if !ok {
			continue
		}
		others := maps.Clone(r.Swept)
		delete(others, name)
		params := maps.Clone(results.CellParams(r))
		delete(params, name)
		// A duration-mode run issues as many tasks as its rate allows: its
		// length, not its task count, is the same along the line.
		size := fmt.Sprint(r.Tasks)
		if r.DurationSeconds > 0 {
			size = fmt.Sprintf("%gs", r.DurationSeconds)
		}
		key := fmt.Sprintf("%s %s %s %s %d %v %v", r.Workload, r.Strategy, results.SweptText(&results.Summary{Swept: others}), size, r.Concurrency, params, r.OpenLoop != nil)
		l := byKey[key]
		if l == nil {
			lbl := label(r)
			if len(others) > 0 {
				lbl += " " + results.SweptText(&results.Summary{Swept: others})
			}
			l = &line{label: lbl, style: r.Strategy}
			byKey[key] = l
			lines = append(lines, l)
		}
		lat := r.Latency
		if r.OpenLoop != nil {
			lat, corrected = r.OpenLoop.Corrected, true
		}
		if r.Outcomes.Finished() == 0 {
			continue
		}
		l.p50 = append(l.p50, point{x: x(v), y: lat.P50})
		l.p99 = append(l.p99, point{x: x(v), y: lat.P99})
	}
	kind := "service time"
	if corrected {
		kind = "corrected latency"
	}
	xLabel := name
	if name == "rate" {
		xLabel = "offered rate (tasks/s)"
	}
	var panels []*panel
	var xs []float64
	for _, v := range vals {
		xs = append(xs, x(v))
	}
	for _, q := range []string{"p50", "p99"} {
		p := newPlot(fmt.Sprintf("%s against %s", q+" "+kind, name), xLabel, q+" "+kind+" (s)")
		var ys []float64
		for _, l := range lines {
			pts := l.p50
			if q == "p99" {
				pts = l.p99
			}
			if len(pts) == 0 {
				continue
			}
			slices.SortFunc(pts, func(a, b point) int { return cmpFloat(a.x, b.x) })
			if err := addSeries(p, series{name: l.label, style: l.style, points: pts}); err != nil {
				return chart{}, err.Error()
			}
			ys = append(ys, allY([]series{{points: pts}})...)
		}
		if len(ys) == 0 || slices.Max(ys) <= 0 {
			return chart{}, "no task finished"
		}
		scaleAxis(&p.Y, ys)
		headroom(&p.Y)
		if numeric {
			scaleAxis(&p.X, xs)
		} else {
			p.NominalX(vals...)
			p.X.Min, p.X.Max = -0.5, float64(len(vals))-0.5
		}
		panels = append(panels, p)
	}
	caption := fmt.Sprintf("p50 and p99 %s at each value of --%s swept (%s), one line per strategy, concurrency and value of the other sweeps.", kind, name, strings.Join(vals, ", "))
	return chart{name: "sweep-" + name, caption: caption, panels: panels}, ""
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
