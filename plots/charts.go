package plots

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/concbench/concbench/internal/chartjob"
	"github.com/concbench/concbench/results"
	"gonum.org/v1/plot/plotter"
)

// chart is one figure: one or more panels side by side.
type chart struct {
	name    string // file name without extension
	caption string // one line saying what it shows
	// title, for a chart of several panels, names the workload once
	// above them all, the panels' own titles saying only what each
	// shows: repeated over three panels it ran past the last one's edge.
	title  string
	panels []*panel
}

// heading is the chart's title as listed: its own, or its first panel's.
func (c chart) heading() string {
	if c.title != "" {
		return c.title
	}
	return c.panels[0].Title.Text
}

// Skip is a chart that the data could not support, and why.
type Skip = chartjob.Skip

// group is the runs of one workload with one set of parameters.
type group struct {
	title string // the workload and its parameters, for chart titles
	runs  []*results.Summary
	procs int // GOMAXPROCS of the run, 0 if unknown: what caps CPU-bound speedup
}

// bounded reports whether a run's strategy takes a concurrency limit.
// plots depends on no strategy: a document may come from a binary with
// strategies of its own, so only the two that ignore the limit are named.
func bounded(s *results.Summary) bool {
	return s.Strategy != "sequential" && s.Strategy != "unbounded"
}

// canonical is the order of the usual strategies in charts; others follow
// in the order the document lists them (which is their rank's).
var canonical = []string{"sequential", "unbounded", "pool", "semaphore", "process"}

func distinct(runs []*results.Summary, f func(*results.Summary) int) []int {
	var xs []int
	for _, s := range runs {
		if !slices.Contains(xs, f(s)) {
			xs = append(xs, f(s))
		}
	}
	slices.Sort(xs)
	return xs
}

// strategyOrder lists the strategies of runs in the canonical order.
func strategyOrder(runs []*results.Summary) []string {
	var names []string
	for _, s := range runs {
		if !slices.Contains(names, s.Strategy) {
			names = append(names, s.Strategy)
		}
	}
	rank := func(n string) int {
		if i := slices.Index(canonical, n); i >= 0 {
			return i
		}
		return len(canonical)
	}
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) })
	return names
}

// point is one value of a series, with an optional confidence interval.
type point struct{ x, y, lo, hi float64 }

type series struct {
	name   string // legend label
	style  string // strategy whose style it takes
	points []point
}

// addSeries draws a strategy's line with markers, and error bars where
// the points have an interval.
func addSeries(p *panel, s series) error {
	xys := make(plotter.XYs, len(s.points))
	errs := make(plotter.YErrors, len(s.points))
	withCI := false
	for i, pt := range s.points {
		xys[i] = plotter.XY{X: pt.x, Y: pt.y}
		if pt.hi > pt.lo {
			withCI = true
			errs[i].Low, errs[i].High = pt.y-pt.lo, pt.hi-pt.y
		}
	}
	line, marks, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	st := styleOf(s.style)
	line.Color = st.color
	line.Width = 2
	marks.Color = st.color
	marks.Shape = st.glyph
	marks.Radius = 4
	p.add(s.name, "line", xys, line, marks)
	if withCI {
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{xys, errs})
		if err != nil {
			return err
		}
		eb.Color = st.color
		p.Add(eb)
	}
	return nil
}

// unlimited names the flat line of a strategy that takes no limit.
func unlimited(strategy string) string {
	switch strategy {
	case "sequential":
		return "sequential (one task at a time)"
	case "unbounded":
		return "unbounded (a goroutine per task)"
	}
	return strategy + " (no limit)"
}

// addReference draws a reference line: dashed in a strategy's colour for
// a strategy without a limit, dotted black for an ideal (styleName ""),
// so the two never look alike.
func addReference(p *panel, name, styleName string, xys plotter.XYs) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.Dashes = dashed
	l.Width = 1.5
	l.Color = idealColor
	if styleName != "" {
		l.Color = styleOf(styleName).color
	} else {
		l.Dashes, l.Width = dotted, 2.5
	}
	kind := "dashed"
	if styleName == "" {
		kind = "dotted"
	}
	p.add(name, kind, xys, l)
	return nil
}

// dodge moves the series of a chart with error bars a little apart along
// x (2% of the value each, which reads the same on a log axis), so bars of
// strategies at one concurrency do not cover each other.
func dodge(lines []series) {
	withCI := false
	for _, s := range lines {
		for _, pt := range s.points {
			withCI = withCI || pt.hi > pt.lo
		}
	}
	if !withCI || len(lines) < 2 {
		return
	}
	for k := range lines {
		f := 1 + 0.02*(float64(k)-float64(len(lines)-1)/2)
		for i := range lines[k].points {
			lines[k].points[i].x *= f
		}
	}
}

// allY collects every y value of the series, for axis scaling.
func allY(ss []series, extra ...float64) []float64 {
	ys := slices.Clone(extra)
	for _, s := range ss {
		for _, pt := range s.points {
			ys = append(ys, pt.y, pt.lo, pt.hi)
		}
	}
	return ys
}

// byConcurrency builds, for one task count, a series per bounded strategy
// over concurrency, and the flat lines of the unbounded ones.
func byConcurrency(runs []*results.Summary, tasks int, y func(*results.Summary) (point, bool)) (lines []series, flat map[string]float64) {
	flat = map[string]float64{}
	for _, name := range strategyOrder(runs) {
		var s series
		s.name, s.style = name, name
		for _, r := range runs {
			if r.Strategy != name || r.Tasks != tasks {
				continue
			}
			pt, ok := y(r)
			if !ok {
				continue
			}
			if !bounded(r) {
				flat[name] = pt.y
				continue
			}
			pt.x = float64(r.Concurrency)
			s.points = append(s.points, pt)
		}
		slices.SortFunc(s.points, func(a, b point) int { return cmp.Compare(a.x, b.x) })
		if len(s.points) > 0 {
			lines = append(lines, s)
		}
	}
	return lines, flat
}

func wallPoint(r *results.Summary) (point, bool) {
	pt := point{y: r.WallSeconds}
	if r.WallCI != nil {
		pt.lo, pt.hi = r.WallCI.Lo, r.WallCI.Hi
	}
	return pt, r.WallSeconds > 0
}

// concurrencyCharts draws wall time and speedup against concurrency, one
// chart each per task count that was run at two or more concurrencies.
func concurrencyCharts(g group) ([]chart, []Skip) {
	var out []chart
	var skips []Skip
	var b []*results.Summary
	for _, r := range g.runs {
		if bounded(r) {
			b = append(b, r)
		}
	}
	for _, tasks := range distinct(b, func(s *results.Summary) int { return s.Tasks }) {
		var at []*results.Summary
		for _, r := range b {
			if r.Tasks == tasks {
				at = append(at, r)
			}
		}
		concs := distinct(at, func(s *results.Summary) int { return s.Concurrency })
		suffix := fmt.Sprintf("-tasks-%d", tasks)
		if len(concs) < 2 {
			skips = append(skips, Skip{Chart: "wall-vs-concurrency" + suffix, Reason: fmt.Sprintf("needs two or more concurrency values at %d tasks", tasks)})
			continue
		}
		xs := []float64{float64(concs[0]), float64(concs[len(concs)-1])}
		if c, err := wallChart(g, tasks, xs); err == nil {
			out = append(out, c)
		}
		c, skip := speedupChart(g, tasks, xs)
		if skip != "" {
			skips = append(skips, Skip{Chart: "speedup-vs-concurrency" + suffix, Reason: skip})
		} else {
			out = append(out, c)
		}
	}
	return out, skips
}

func wallChart(g group, tasks int, xs []float64) (chart, error) {
	p := newPlot(fmt.Sprintf("%s: wall time vs concurrency, %d tasks", g.title, tasks), "concurrency (workers, slots or processes)", "wall time (s)")
	lines, flat := byConcurrency(g.runs, tasks, wallPoint)
	dodge(lines)
	for _, s := range lines {
		if err := addSeries(p, s); err != nil {
			return chart{}, err
		}
	}
	var refs []float64
	for _, name := range strategyOrder(g.runs) {
		if y, ok := flat[name]; ok {
			addReference(p, unlimited(name), name, plotter.XYs{{X: xs[0], Y: y}, {X: xs[1], Y: y}})
			refs = append(refs, y)
		}
	}
	ideal := idealByConcurrency(g.runs, tasks, func(x float64) float64 { return x })
	for _, pt := range ideal {
		refs = append(refs, pt.Y)
	}
	if len(ideal) > 1 {
		addReference(p, "ideal (list scheduling)", "", ideal)
	}
	scaleAxis(&p.X, xs)
	scaleAxis(&p.Y, allY(lines, refs...))
	headroom(&p.Y)
	return chart{
		name:    fmt.Sprintf("wall-vs-concurrency-tasks-%d", tasks),
		caption: fmt.Sprintf("Wall time of %d tasks as the concurrency limit grows, per strategy; dashed: strategies without a limit; dotted: the ideal makespan; bars: the interval of the repetitions where repeated (strategies moved apart a little so they do not cover each other).", tasks),
		panels:  []*panel{p},
	}, nil
}

func speedupChart(g group, tasks int, xs []float64) (chart, string) {
	lines, flat := byConcurrency(g.runs, tasks, func(r *results.Summary) (point, bool) {
		if r.Speedup == nil {
			return point{}, false
		}
		return point{y: *r.Speedup}, true
	})
	dodge(lines)
	if len(lines) == 0 {
		return chart{}, fmt.Sprintf("needs a sequential run at %d tasks to compare with", tasks)
	}
	p := newPlot(fmt.Sprintf("%s: speedup over sequential, %d tasks", g.title, tasks), "concurrency (workers, slots or processes)", "speedup (x)")
	for _, s := range lines {
		addSeries(p, s)
	}
	refs := []float64{1}
	for _, name := range strategyOrder(g.runs) {
		if y, ok := flat[name]; ok && name != "sequential" {
			addReference(p, unlimited(name), name, plotter.XYs{{X: xs[0], Y: y}, {X: xs[1], Y: y}})
			refs = append(refs, y)
		}
	}
	// Ideal: the sequential ideal over each concurrency's, where known;
	// otherwise linear speedup.
	var seqIdeal float64
	for _, r := range g.runs {
		if r.Tasks == tasks && r.Strategy == "sequential" && r.IdealSeconds != nil {
			seqIdeal = *r.IdealSeconds
		}
	}
	var ideal plotter.XYs
	name := "linear speedup"
	switch {
	case seqIdeal > 0:
		name = "ideal speedup"
		ideal = idealByConcurrency(g.runs, tasks, func(x float64) float64 { return seqIdeal / x })
	case g.procs > 0 && xs[1] > float64(g.procs):
		// No ideal makespan (CPU-bound tasks have none): linear up to the
		// cores, which no CPU-bound run can pass, and flat after.
		name = fmt.Sprintf("linear speedup up to the %d cores (GOMAXPROCS)", g.procs)
		c := float64(g.procs)
		ideal = plotter.XYs{{X: xs[0], Y: min(xs[0], c)}}
		if xs[0] < c {
			ideal = append(ideal, plotter.XY{X: c, Y: c})
		}
		ideal = append(ideal, plotter.XY{X: xs[1], Y: c})
	default:
		ideal = plotter.XYs{{X: xs[0], Y: xs[0]}, {X: xs[1], Y: xs[1]}}
	}
	for _, pt := range ideal {
		refs = append(refs, pt.Y)
	}
	if len(ideal) > 1 {
		addReference(p, name, "", ideal)
	}
	scaleAxis(&p.X, xs)
	scaleAxis(&p.Y, allY(lines, refs...))
	headroom(&p.Y)
	return chart{
		name:    fmt.Sprintf("speedup-vs-concurrency-tasks-%d", tasks),
		caption: fmt.Sprintf("Speedup over the sequential run at %d tasks as the concurrency limit grows; dotted: the ideal speedup (linear up to the cores where tasks have no ideal makespan); dashed: strategies without a limit.", tasks),
		panels:  []*panel{p},
	}, ""
}

// idealByConcurrency returns f of the ideal makespan at each concurrency
// of the bounded runs at a task count, in order. The ideal depends on the
// slots only, so any bounded strategy's ideals serve.
func idealByConcurrency(runs []*results.Summary, tasks int, f func(float64) float64) plotter.XYs {
	var out plotter.XYs
	for _, r := range runs {
		if r.Tasks != tasks || !bounded(r) || r.IdealSeconds == nil || *r.IdealSeconds <= 0 {
			continue
		}
		if !slices.ContainsFunc(out, func(p plotter.XY) bool { return p.X == float64(r.Concurrency) }) {
			out = append(out, plotter.XY{X: float64(r.Concurrency), Y: f(*r.IdealSeconds)})
		}
	}
	slices.SortFunc(out, func(a, b plotter.XY) int { return cmp.Compare(a.X, b.X) })
	return out
}
