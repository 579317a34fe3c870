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
	if !log && labelled(ts) < minLabels {
		ts = linearTicks(min, max)
	}
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

// minLabels is the fewest labelled ticks a linear axis gets: gonum's
// default aims at three and can give two (0 and 25ms on an axis to 28ms),
// too few to read a bar's value from.
const minLabels = 4

func labelled(ts []plot.Tick) int {
	n := 0
	for _, t := range ts {
		if t.Label != "" {
			n++
		}
	}
	return n
}

// linearTicks puts labelled ticks on [min, max] at a round step (1, 2,
// 2.5 or 5 times a power of ten) giving minLabels to 8 of them, with an
// unlabelled one halfway between each.
func linearTicks(min, max float64) []plot.Tick {
	span := max - min
	if !(span > 0) || math.IsInf(span, 0) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	mag := math.Pow(10, math.Floor(math.Log10(span/minLabels)))
	step := 10 * mag
	for _, m := range []float64{5, 2.5, 2, 1} {
		if span/(m*mag) >= minLabels-1 {
			step = m * mag
			break
		}
	}
	var ts []plot.Tick
	for k := math.Ceil(min / (step / 2)); k*step/2 <= max+step*1e-9; k++ {
		v := k * step / 2
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		t := plot.Tick{Value: v}
		if math.Mod(k, 2) == 0 {
			t.Label = "x" // written by Ticks, in the axis's unit
		}
		ts = append(ts, t)
	}
	return ts
}
