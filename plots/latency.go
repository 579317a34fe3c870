// Charts of latency at one point of a sweep: percentiles, the percentile
// spectrum, and the bars they are drawn with.

package plots

import (
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
