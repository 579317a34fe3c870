package plots

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// readable is the tick marker of every axis newPlot makes: gonum's own
// ticks (log ticks on a log scale, read when the axis is drawn), labelled
// for people: counts as 1, 10, 2.5k, 1M instead of 1e+06 beside 100000;
// durations in s, ms or µs to suit the axis (0.001 reads badly); and no
// fractional ticks on an axis of counts.
type readable struct {
	axis    *plot.Axis
	seconds bool // the values are durations in seconds
	count   bool // the values are whole numbers (tasks, goroutines, threads, concurrency)
}

// axisKind reads what an axis holds from its label, as newPlot's callers
// write them: "... (s)" for seconds; tasks, goroutines, threads or
// concurrency for counts.
func axisKind(label string) (seconds, count bool) {
	if strings.HasSuffix(label, "(s)") {
		return true, false
	}
	l := strings.ToLower(label)
	for _, w := range []string{"tasks", "goroutines", "threads", "concurrency"} {
		if strings.HasPrefix(l, w) || strings.Contains(l, " "+w) && !strings.Contains(l, "per second") && !strings.Contains(l, "/s") {
			return false, true
		}
	}
	return false, false
}

func (r readable) Ticks(min, max float64) []plot.Tick {
	var inner plot.Ticker = plot.DefaultTicks{}
	_, log := r.axis.Scale.(plot.LogScale)
	if log {
		inner = plot.LogTicks{Prec: -1}
	}
	ts := inner.Ticks(min, max)
	out := ts[:0]
	scale, unit := 1.0, ""
	if r.seconds {
		// One unit for a linear axis; on a log axis, which spans decades,
		// each tick its own: 1ms, 10ms, 100ms, 1s.
		scale, unit = timeUnit(math.Max(math.Abs(min), math.Abs(max)))
	}
	for _, t := range ts {
		if t.Label == "" {
			out = append(out, t)
			continue
		}
		switch {
		case r.count && t.Value != math.Trunc(t.Value):
			t.Label = "" // a minor tick: no half a task
		case r.seconds && log:
			sc, u := timeUnit(math.Abs(t.Value))
			t.Label = number(t.Value*sc) + u
		default:
			t.Label = number(t.Value*scale) + unit
		}
		out = append(out, t)
	}
	return out
}

// timeUnit picks the unit of a seconds axis from its largest value.
func timeUnit(largest float64) (scale float64, unit string) {
	switch {
	case largest < 1e-6:
		return 1e9, "ns"
	case largest < 1e-3:
		return 1e6, "µs"
	case largest < 1:
		return 1e3, "ms"
	}
	return 1, "s"
}

// number writes x with at most three significant digits and an SI suffix
// from a thousand up: 0.25, 10, 2.5k, 100k, 1M.
func number(x float64) string {
	suffix := ""
	for _, s := range []struct {
		v float64
		s string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(x) >= s.v {
			x, suffix = x/s.v, s.s
			break
		}
	}
	if x != 0 {
		// Round to three significant digits, then print with no exponent.
		p := math.Pow(10, 2-math.Floor(math.Log10(math.Abs(x))))
		x = math.Round(x*p) / p
	}
	return strconv.FormatFloat(x, 'f', -1, 64) + suffix
}
