// Charts against the task count: throughput and memory as a sweep adds tasks.

package plots

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/concbench/concbench/results"
	"gonum.org/v1/plot/plotter"
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
	rss := newPlot("peak RSS", "tasks", "peak RSS (MiB)")
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
	gor := newPlot("peak goroutines", "tasks", "peak goroutines (harness process)")
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
		thr := newPlot("OS threads added", "tasks", "peak OS threads minus those at the start")
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
	return chart{name: "memory-vs-tasks", title: g.title + ": memory as the task count grows", caption: caption, panels: panels}, ""
}
