package plots

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"strings"

	"github.com/concbench/concbench/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// byTasks builds a series per strategy over the task count; bounded
// strategies at their highest concurrency.
func byTasks(runs []*results.Summary, y func(*results.Summary) (point, bool)) []series {
	var out []series
	for _, name := range strategyOrder(runs) {
		top := 0
		for _, r := range runs {
			if r.Strategy == name && bounded(r) {
				top = max(top, r.Concurrency)
			}
		}
		s := series{name: name, style: name}
		if top > 0 {
			s.name = fmt.Sprintf("%s (concurrency %d)", name, top)
		}
		for _, r := range runs {
			if r.Strategy != name || bounded(r) && r.Concurrency != top {
				continue
			}
			if pt, ok := y(r); ok {
				pt.x = float64(r.Tasks)
				s.points = append(s.points, pt)
			}
		}
		slices.SortFunc(s.points, func(a, b point) int { return cmp.Compare(a.x, b.x) })
		if len(s.points) > 0 {
			out = append(out, s)
		}
	}
	return out
}

func taskCounts(g group) ([]float64, bool) {
	ts := distinct(g.runs, func(s *results.Summary) int { return s.Tasks })
	xs := make([]float64, len(ts))
	for i, t := range ts {
		xs[i] = float64(t)
	}
	return xs, len(ts) >= 2
}

func throughputChart(g group) (chart, string) {
	xs, ok := taskCounts(g)
	if !ok {
		return chart{}, "needs two or more task counts"
	}
	lines := byTasks(g.runs, func(r *results.Summary) (point, bool) {
		pt := point{y: r.ThroughputPerS}
		if r.WallCI != nil && r.WallCI.Lo > 0 && r.DurationSeconds == 0 {
			pt.lo, pt.hi = float64(r.Tasks)/r.WallCI.Hi, float64(r.Tasks)/r.WallCI.Lo
		}
		return pt, r.ThroughputPerS > 0
	})
	p := newPlot(g.title+": throughput vs task count", "tasks", "throughput (tasks/s)")
	for _, s := range lines {
		addSeries(p, s)
	}
	scaleAxis(&p.X, xs)
	scaleAxis(&p.Y, allY(lines))
	headroom(&p.Y)
	return chart{
		name:    "throughput-vs-tasks",
		caption: "Tasks completed per second as the number of tasks grows, per strategy (bounded ones at their highest concurrency).",
		panels:  []*panel{p},
	}, ""
}

func memoryChart(g group) (chart, string) {
	xs, ok := taskCounts(g)
	if !ok {
		return chart{}, "needs two or more task counts"
	}
	rss := newPlot(g.title+": peak RSS", "tasks", "peak RSS (MiB)")
	lines := byTasks(g.runs, func(r *results.Summary) (point, bool) {
		b, ok := results.Known(r.Memory.PeakRSSBytes)
		return point{y: b / (1 << 20)}, ok && b > 0
	})
	for _, s := range lines {
		addSeries(rss, s)
	}
	children := byTasks(g.runs, func(r *results.Summary) (point, bool) {
		if r.Processes == nil {
			return point{}, false
		}
		b, ok := results.Known(r.Processes.ChildRSSSumBytes)
		return point{y: b / (1 << 20)}, ok && b > 0
	})
	for _, s := range children {
		xys := make(plotter.XYs, len(s.points))
		for i, pt := range s.points {
			xys[i] = plotter.XY{X: pt.x, Y: pt.y}
		}
		addReference(rss, s.style+" workers (sum)", s.style, xys)
	}
	gor := newPlot(g.title+": peak goroutines", "tasks", "peak goroutines (harness process)")
	glines := byTasks(g.runs, func(r *results.Summary) (point, bool) {
		return point{y: float64(r.Memory.PeakGoroutines)}, r.Memory.PeakGoroutines > 0
	})
	for _, s := range glines {
		addSeries(gor, s)
	}
	panels := []*panel{rss, gor}
	caption := "Peak RSS (left; dashed: the worker processes' summed peak) and peak goroutines (right) as the number of tasks grows, per strategy."
	// OS threads, where the runs know them: what each cell added over
	// the threads the process had as it started.
	tlines := byTasks(g.runs, func(r *results.Summary) (point, bool) {
		n, ok := r.Memory.ThreadsAdded()
		return point{y: float64(n)}, ok
	})
	if len(tlines) > 0 {
		thr := newPlot(g.title+": OS threads added", "tasks", "peak OS threads minus those at the start")
		for _, s := range tlines {
			addSeries(thr, s)
		}
		scaleAxis(&thr.Y, allY(tlines))
		headroom(&thr.Y)
		panels = append(panels, thr)
		caption = "Peak RSS (left; dashed: the worker processes' summed peak), peak goroutines (middle) and the OS threads each cell added at its peak over those at its start (right; the harness process only) as the number of tasks grows, per strategy."
	}
	for _, p := range panels {
		scaleAxis(&p.X, xs)
	}
	scaleAxis(&rss.Y, allY(append(lines, children...)))
	scaleAxis(&gor.Y, allY(glines))
	headroom(&rss.Y)
	headroom(&gor.Y)
	return chart{name: "memory-vs-tasks", caption: caption, panels: panels}, ""
}

// reference picks one run per strategy for the charts that compare
// strategies at one point: the most tasks, at the highest concurrency.
func reference(g group) (int, []*results.Summary) {
	tasks := slices.Max(distinct(g.runs, func(s *results.Summary) int { return s.Tasks }))
	var out []*results.Summary
	for _, name := range strategyOrder(g.runs) {
		var best *results.Summary
		for _, r := range g.runs {
			if r.Strategy == name && r.Tasks == tasks && (best == nil || r.Concurrency > best.Concurrency) {
				best = r
			}
		}
		if best != nil {
			out = append(out, best)
		}
	}
	return tasks, out
}

func label(r *results.Summary) string {
	if bounded(r) {
		return fmt.Sprintf("%s (concurrency %d)", r.Strategy, r.Concurrency)
	}
	return r.Strategy
}

func percentilesChart(g group) (chart, string) {
	tasks, refs := reference(g)
	names := []string{"p50", "p90", "p99", "max"}
	open := 0
	for _, r := range refs {
		if r.OpenLoop != nil {
			open++
		}
	}
	what := "per-task service time"
	if open > 0 {
		what = "latency: corrected (full colour) and service time (pale)"
	}
	p := newPlot(fmt.Sprintf("%s: latency percentiles, %d tasks", g.title, tasks), "percentile of "+what, "latency (s)")
	p.NominalX(names...)
	var ys []float64
	k, n := 0, len(refs)+open
	add := func(r *results.Summary, q results.Percentiles, c color.Color, name string) {
		vals := []float64{q.P50, q.P90, q.P99, q.Max}
		ys = append(ys, vals...)
		b := &bars{vals: vals, k: k, n: n, color: c}
		k++
		p.add(name, "bars", barXYs(vals), b)
	}
	for _, r := range refs {
		c := styleOf(r.Strategy).color
		if o := r.OpenLoop; o != nil {
			add(r, o.Corrected, c, label(r)+" corrected")
			add(r, r.Latency, pale(c), label(r)+" service")
			continue
		}
		add(r, r.Latency, c, label(r))
	}
	if slices.Max(ys) <= 0 {
		return chart{}, "no task ran"
	}
	scaleAxis(&p.Y, ys)
	headroom(&p.Y)
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	return chart{
		name:    "latency-percentiles",
		caption: fmt.Sprintf("%s at p50, p90, p99 and max for each strategy, at %d tasks and each strategy's highest concurrency.", strings.ToUpper(what[:1])+what[1:], tasks),
		panels:  []*panel{p},
	}, ""
}

// barXYs are bar values at x = 0, 1, 2, ...
func barXYs(vals []float64) plotter.XYs {
	xys := make(plotter.XYs, len(vals))
	for i, v := range vals {
		xys[i] = plotter.XY{X: float64(i), Y: v}
	}
	return xys
}

// pale returns c mixed halfway with white.
func pale(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8((v>>8 + 255) / 2) }
	return color.RGBA{mix(r), mix(g), mix(b), 0xff}
}

// spectrumChart draws each strategy's latency as a percentile spectrum,
// as HdrHistogram's plots do: latency against the percentile on a log
// "1/(1-p)" axis, so p99 and p99.9 are as far apart as p50 and p90. Open-
// loop runs show their corrected latency (end minus due: what a user
// waits) as a solid line and the service time dashed.
func spectrumChart(g group) (chart, string) {
	tasks, refs := reference(g)
	p := newPlot(fmt.Sprintf("%s: latency by percentile, %d tasks", g.title, tasks), "percentile", "latency (s)")
	var ys []float64
	n, corrected, maxX := 0, false, 10.0
	for _, r := range refs {
		hs := []struct {
			h      *results.Histogram
			dashed bool
			what   string
		}{{r.LatencyHistogram, false, ""}}
		if o := r.OpenLoop; o != nil && o.CorrectedHistogram != nil && len(o.CorrectedHistogram.Buckets) > 0 {
			hs = []struct {
				h      *results.Histogram
				dashed bool
				what   string
			}{{o.CorrectedHistogram, false, " corrected"}, {r.LatencyHistogram, true, " service"}}
			corrected = true
		}
		for _, h := range hs {
			if h.h == nil || len(h.h.Buckets) == 0 {
				continue
			}
			secs, frac := h.h.CDF()
			total := float64(h.h.Total())
			xys := make(plotter.XYs, 0, len(secs))
			for i := range secs {
				// 1/(1-p); the last bucket (p = 1) is drawn at the last
				// rank, 1/(1/total).
				x := total
				if frac[i] < 1 {
					x = min(1/(1-frac[i]), total)
				}
				xys = append(xys, plotter.XY{X: x, Y: secs[i]})
				ys = append(ys, secs[i])
				maxX = max(maxX, x)
			}
			l, err := plotter.NewLine(xys)
			if err != nil {
				continue
			}
			l.Color = styleOf(r.Strategy).color
			l.Width = 2
			if h.dashed {
				l.Dashes, l.Width = dashed, 1.5
			}
			kind := "line"
			if h.dashed {
				kind = "dashed"
			}
			p.add(label(r)+h.what, kind, xys, l)
			n++
		}
	}
	if n == 0 {
		return chart{}, "the results carry no latency histograms"
	}
	p.X.Scale = plot.LogScale{}
	p.X.Min, p.X.Max = 1, maxX*1.2
	p.X.Tick.Marker = percentileTicks(maxX)
	scaleAxis(&p.Y, ys)
	headroom(&p.Y)
	p.Legend.Left = true
	what := "per-task service time"
	if corrected {
		what = "corrected latency (solid: end minus due, what a user waits) and service time (dashed)"
	}
	return chart{
		name:    "latency-spectrum",
		caption: fmt.Sprintf("Percentile spectrum of %s for each strategy at %d tasks, from HDR histograms (0.1%% resolution): the x axis spreads the tail, p99 and p99.9 as far apart as p50 and p90.", what, tasks),
		panels:  []*panel{p},
	}, ""
}

// percentileTicks labels a 1/(1-p) axis with the percentiles 0, 50, 90,
// 99, 99.9, ... that fit under maxX.
func percentileTicks(maxX float64) plot.ConstantTicks {
	ts := plot.ConstantTicks{{Value: 1, Label: "0%"}, {Value: 2, Label: "50%"}}
	label := "90"
	for x := 10.0; x <= maxX*1.2; x *= 10 {
		ts = append(ts, plot.Tick{Value: x, Label: label + "%"})
		if label == "90" {
			label = "99"
		} else {
			if !strings.Contains(label, ".") {
				label += "."
			}
			label += "9"
		}
	}
	return ts
}

// bars draws one bar per category from the bottom of the data area, so it
// works on log axes, where gonum's BarChart (which starts bars at 0)
// cannot. It is bar k of n in each category, which share 80% of the space
// between categories.
type bars struct {
	vals  []float64
	k, n  int
	color color.Color
}

func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	width := (trX(1) - trX(0)) * 0.8 / vg.Length(b.n)
	for i, v := range b.vals {
		if v <= 0 {
			continue
		}
		x := trX(float64(i)) + width*vg.Length(float64(b.k)-float64(b.n)/2)
		top := min(trY(v), c.Max.Y)
		poly := []vg.Point{{X: x, Y: c.Min.Y}, {X: x, Y: top}, {X: x + width*0.92, Y: top}, {X: x + width*0.92, Y: c.Min.Y}}
		c.FillPolygon(b.color, c.ClipPolygonXY(poly))
	}
}

func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = slices.Min(b.vals), slices.Max(b.vals)
	return 0, float64(len(b.vals) - 1), ymin, ymax
}

func (b *bars) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	c.FillPolygon(b.color, c.ClipPolygonY(pts))
}
