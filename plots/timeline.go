package plots

import (
	"fmt"

	"github.com/concbench/concbench/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// timelineChart draws throughput and p99 latency over time for the runs
// that kept a timeline (duration-mode and open-loop runs): one run per
// strategy, at its highest concurrency.
func timelineChart(g group) (chart, string) {
	var picks []*results.Summary
	for _, name := range strategyOrder(g.runs) {
		var best *results.Summary
		for _, r := range g.runs {
			if r.Strategy == name && len(r.Timeline) >= 2 && (best == nil || r.Concurrency > best.Concurrency) {
				best = r
			}
		}
		if best != nil {
			picks = append(picks, best)
		}
	}
	if len(picks) == 0 {
		return chart{}, "needs a duration-mode or open-loop run (--duration or --rate) of two or more intervals"
	}
	kind := picks[0].TimelineLatency
	tput := newPlot(g.title+": throughput over time", "time since start (s)", "tasks completed per second")
	lat := newPlot(g.title+": p99 latency over time", "time since start (s)", fmt.Sprintf("p99 %s latency (s)", kind))
	var ts, tputs, lats []float64
	for _, r := range picks {
		step := r.IntervalSeconds
		if step <= 0 {
			step = 1
		}
		var a, b []point
		for _, st := range r.Timeline {
			x := st.StartSeconds + step/2
			ts = append(ts, x)
			a = append(a, point{x: x, y: float64(st.Completed) / step})
			if st.Completed > 0 {
				b = append(b, point{x: x, y: st.LatencyP99})
			}
		}
		name := label(r)
		addSeries(tput, series{name: name, style: r.Strategy, points: a})
		addSeries(lat, series{name: name, style: r.Strategy, points: b})
		tputs = append(tputs, allY([]series{{points: a}})...)
		lats = append(lats, allY([]series{{points: b}})...)
		if o := r.OpenLoop; o != nil {
			asked := plotter.XYs{{X: 0, Y: o.RateAsked}, {X: r.Timeline[len(r.Timeline)-1].StartSeconds + step, Y: o.RateAsked}}
			name := fmt.Sprintf("asked rate %s", results.Rate(o.RateAsked))
			if o.Stages != "" { // a ramp: the rate it asked in each interval
				asked, name = asked[:0], "asked rate (stages)"
				for _, st := range r.Timeline {
					asked = append(asked, plotter.XY{X: st.StartSeconds + step/2, Y: st.Asked / step})
					tputs = append(tputs, st.Asked/step)
				}
			}
			addReference(tput, name, "", asked)
			tputs = append(tputs, o.RateAsked)
		}
	}
	tput.X.Min, lat.X.Min = 0, 0
	tput.Y.Min = 0
	tput.Y.Max = maxOf(tputs) * 1.4
	scaleAxis(&lat.Y, lats)
	headroom(&lat.Y)
	return chart{
		name:    "over-time",
		caption: fmt.Sprintf("Tasks completed per second (left) and p99 %s latency (right) in each interval of the run, per strategy.", kind),
		panels:  []*plot.Plot{tput, lat},
	}, ""
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
