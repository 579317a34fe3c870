package plots

import (
	"fmt"

	"github.com/concbench/concbench/results"
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
	tput := newPlot("throughput over time", "time since start (s)", "tasks completed per second")
	// The left panel's title names the workload: two long titles side by
	// side would run into each other.
	lat := newPlot("p99 latency over time", "time since start (s)", fmt.Sprintf("p99 %s latency (s)", kind))
	var tputs, lats []float64
	askedShown, dropped, end := false, false, 0.0
	for _, r := range picks {
		step := r.IntervalSeconds
		if step <= 0 {
			step = 1
		}
		steps := r.Timeline
		// The last interval is cut short by the run's end: its rate would
		// read as a collapse. Leave it out, and say so in the caption.
		if n := len(steps); n >= 2 && r.WallSeconds > 0 && steps[n-1].StartSeconds+step > r.WallSeconds+1e-9 {
			steps, dropped = steps[:n-1], true
		}
		end = max(end, steps[len(steps)-1].StartSeconds+step)
		var a, b []point
		for _, st := range steps {
			x := st.StartSeconds + step/2
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
		if o := r.OpenLoop; o != nil && !askedShown {
			// Every strategy of a group was asked the same rate: one line.
			askedShown = true
			asked := plotter.XYs{{X: 0, Y: o.RateAsked}, {X: steps[len(steps)-1].StartSeconds + step, Y: o.RateAsked}}
			name := fmt.Sprintf("asked rate %s", results.Rate(o.RateAsked))
			if o.Stages != "" { // a ramp: the rate it asked in each interval
				asked, name = asked[:0], "asked rate (stages)"
				for _, st := range steps {
					asked = append(asked, plotter.XY{X: st.StartSeconds + step/2, Y: st.Asked / step})
					tputs = append(tputs, st.Asked/step)
				}
			}
			addReference(tput, name, "", asked)
			tputs = append(tputs, o.RateAsked)
		}
	}
	tput.X.Min, lat.X.Min = 0, 0
	tput.X.Max, lat.X.Max = end, end // the same span on both panels
	tput.Y.Min = 0
	tput.Y.Max = maxOf(tputs) * 1.4
	scaleAxis(&lat.Y, lats)
	headroom(&lat.Y)
	return chart{
		name:    "over-time",
		title:   g.title + ": over the run",
		caption: fmt.Sprintf("Tasks completed per second (left) and p99 %s latency (right) in each interval of the run, per strategy.%s", kind, cond(dropped, " The last interval, cut short by the run's end, is left out.", "")),
		panels:  []*panel{tput, lat},
	}, ""
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// cond returns a if c, else b.
func cond(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}
