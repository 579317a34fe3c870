package results

import (
	"maps"
	"math"
	"slices"
	"time"

	"github.com/montanaflynn/stats"
)

// PercentileMethod names how percentiles are computed, for readers of the
// results: stats.Percentile interpolates linearly between closest ranks.
const PercentileMethod = "linear interpolation between closest ranks (Hyndman-Fan type 7, as NumPy's default)"

// Percentiles describes a distribution of durations, in seconds.
type Percentiles struct {
	P50    float64 `json:"p50"`
	P90    float64 `json:"p90"`
	P99    float64 `json:"p99"`
	P999   float64 `json:"p999"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	StdDev float64 `json:"stddev"`
}

// Outcomes counts tasks by how they ended.
type Outcomes struct {
	OK       int `json:"ok"`
	Error    int `json:"error"`
	Timeout  int `json:"timeout"`
	Panic    int `json:"panic"`
	Canceled int `json:"canceled"`
	Dropped  int `json:"dropped,omitempty"` // open loop with --max-queue
}

// Total returns the number of tasks counted.
func (o Outcomes) Total() int { return o.OK + o.Error + o.Timeout + o.Panic + o.Canceled + o.Dropped }

// Finished returns the number of tasks that ran to an end of their own.
func (o Outcomes) Finished() int { return o.OK + o.Error + o.Timeout + o.Panic }

func (o *Outcomes) add(x Outcome) {
	switch x {
	case OK:
		o.OK++
	case Error:
		o.Error++
	case Timeout:
		o.Timeout++
	case Panic:
		o.Panic++
	case Dropped:
		o.Dropped++
	default:
		o.Canceled++
	}
}

// ErrorKind counts the failed tasks of one kind, with one message as example.
type ErrorKind struct {
	Count   int    `json:"count"`
	Example string `json:"example"`
}

// Describe returns the percentiles of xs (seconds), all zero if xs is
// empty. It sorts xs in place.
func Describe(xs []float64) Percentiles {
	if len(xs) == 0 {
		return Percentiles{}
	}
	// stats sorts a copy on every call; sorting once first makes each of
	// those sorts a linear pass over already sorted data.
	slices.Sort(xs)
	data := stats.Float64Data(xs)
	pct := func(p float64) float64 { v, _ := stats.Percentile(data, p); return v }
	mean, _ := stats.Mean(data)
	sd, _ := stats.StandardDeviationPopulation(data)
	return Percentiles{
		P50: pct(50), P90: pct(90), P99: pct(99), P999: pct(99.9),
		Max: xs[len(xs)-1], Mean: mean, StdDev: sd,
	}
}

// Interval is a confidence interval, in the unit of the value it bounds.
type Interval struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Level float64 `json:"level"` // the confidence actually achieved, e.g. 0.97
}

// MedianCI returns the median of xs and a distribution-free confidence
// interval for it from order statistics, at the narrowest symmetric pair of
// ranks whose coverage is at least level. With fewer than six values no
// pair reaches 95%, so the interval is the range and Level says what it
// covers. It returns a nil interval for fewer than two values.
func MedianCI(xs []float64, level float64) (float64, *Interval) {
	if len(xs) == 0 {
		return math.NaN(), nil
	}
	s := slices.Sorted(slices.Values(xs))
	med, _ := stats.Median(s)
	n := len(s)
	if n < 2 {
		return med, nil
	}
	// coverage of [s[k], s[n-1-k]] is 1 - 2*P(B <= k) with B ~ Bin(n, 1/2).
	cdf, term := 0.0, math.Pow(0.5, float64(n))
	best := &Interval{Lo: s[0], Hi: s[n-1], Level: 1 - 2*term}
	for k := 0; k < n/2; k++ {
		cdf += term
		cover := 1 - 2*cdf
		if cover < level {
			break
		}
		best = &Interval{Lo: s[k], Hi: s[n-1-k], Level: cover}
		term = term * float64(n-k) / float64(k+1)
	}
	return med, best
}

// ListSchedule returns the makespan of running tasks of the given durations
// on slots identical slots, each task in index order taking the slot that
// frees first: what an ideal pool or semaphore achieves. One slot gives the
// sum, len(durations) slots the maximum.
func ListSchedule(durations []time.Duration, slots int) time.Duration {
	d, _ := ListScheduleOf(len(durations), slots, func(i int) (time.Duration, bool) { return durations[i], true })
	return d
}

// ListScheduleOf is ListSchedule for the n tasks whose durations dur
// returns, streaming: it holds one time per slot (none with a slot per
// task), not the durations. It returns false as soon as dur does.
func ListScheduleOf(n, slots int, dur func(i int) (time.Duration, bool)) (time.Duration, bool) {
	slots = min(max(slots, 1), n)
	var h freeAt
	if slots > 1 && slots < n {
		h = make(freeAt, slots) // every slot free at 0
	}
	var sum, peak time.Duration
	for i := range n {
		d, ok := dur(i)
		switch {
		case !ok:
			return 0, false
		case slots == 1:
			sum += d
		case slots == n:
			peak = max(peak, d)
		default:
			h[0] += d
			h.down()
		}
	}
	if h != nil {
		return slices.Max(h), true
	}
	return max(sum, peak), true
}

// freeAt is a min-heap of the times the slots become free.
type freeAt []time.Duration

// down restores the heap after the root grew.
func (h freeAt) down() {
	i, n := 0, len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && h[r] < h[l] {
			c = r
		}
		if h[i] <= h[c] {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// SortedKinds returns the error kinds in a stable order.
func SortedKinds(m map[string]ErrorKind) []string { return slices.Sorted(maps.Keys(m)) }

// FillSpeedups sets each run's Speedup against the complete sequential run
// of the same workload, parameters and task count: the sequential wall time
// over its own. In duration mode, where runs differ in tasks, not time, it
// is its throughput over the sequential run's. Where there is no such
// sequential run Speedup stays nil.
func FillSpeedups(runs []Summary) {
	key := func(s *Summary) string {
		if s.DurationSeconds > 0 {
			return groupTitle(s) + "|for " + f64(s.DurationSeconds)
		}
		return groupTitle(s) + "|" + itoa(s.Tasks)
	}
	base := map[string]*Summary{}
	for i := range runs {
		if s := &runs[i]; s.Strategy == "sequential" && !s.Partial {
			base[key(s)] = s
		}
	}
	for i := range runs {
		s := &runs[i]
		b, ok := base[key(s)]
		if !ok || s.Partial { // an interrupted cell ran only some of its tasks
			s.Speedup = nil
			continue
		}
		var x float64
		switch {
		case s.DurationSeconds > 0 && b.ThroughputPerS > 0:
			x = s.ThroughputPerS / b.ThroughputPerS
		case s.DurationSeconds == 0 && s.WallSeconds > 0:
			x = b.WallSeconds / s.WallSeconds
		default:
			continue
		}
		s.Speedup = &x
	}
}
