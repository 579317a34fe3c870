package results

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchmath"
)

// Verdict is the conclusion of one group of cells (one workload and
// parameters): which configuration did best and by how much, and the
// smallest concurrency that came close. Best and RunnerUp name cells as
// "strategy conc=C".
type Verdict struct {
	Scope string // the cells compared: "tasks=500", "duration=10s", "rate=200/s tasks=1000", "latency=5ms tasks=100"
	// Metric is what "best" means: wall (fixed task counts), throughput,
	// or, in open loop where two or more cells kept up with the asked
	// rate (throughput within 5% of the best), corrected p99 among those.
	Metric   string
	Best     string
	RunnerUp string // "" when the group has one cell
	// Ratio is how much better Best is than RunnerUp (≥ 1: wall times
	// runner/best, throughputs best/runner), from the medians; Lo and Hi
	// bound it from the repetitions' intervals when both cells have them.
	Ratio, Lo, Hi float64
	Level         float64 // the intervals' joint coverage; 0 without them
	// Significant is false when the repetitions cannot tell the two apart
	// (a Mann-Whitney U test, p ≥ 0.05); always true without repetitions,
	// where nothing can be tested (Tested false).
	Significant, Tested bool
	// Smallest is the cell of the lowest concurrency whose throughput is
	// within 5% of the best throughput, with its peak RSS ("" if none is
	// smaller than the best's).
	Smallest    string
	SmallestRSS *uint64 // nil: unknown
}

// nearBest is how close to the best throughput a smaller concurrency must
// come to be named.
const nearBest = 0.05

// Verdicts returns a verdict for every set of comparable cells (one
// group of Groups, one task count or duration, one rate) with two or
// more cells that are not partial, in the order of the runs.
func Verdicts(runs []Summary) []Verdict {
	var out []Verdict
	for _, g := range Groups(runs) {
		var scopes []string
		byScope := map[string][]*Summary{}
		for _, s := range g {
			if s.Partial || s.Outcomes.Finished() == 0 {
				continue
			}
			k := scope(s)
			if _, ok := byScope[k]; !ok {
				scopes = append(scopes, k)
			}
			byScope[k] = append(byScope[k], s)
		}
		for _, k := range scopes {
			if cells := byScope[k]; len(cells) >= 2 {
				v := verdict(cells)
				v.Scope = k
				out = append(out, v)
			}
		}
	}
	return out
}

// scope names what cells must share to be compared.
func scope(s *Summary) string {
	k := fmt.Sprintf("tasks=%d", s.Tasks)
	if s.DurationSeconds > 0 {
		k = "duration=" + Seconds(s.DurationSeconds)
	}
	if s.OpenLoop != nil {
		k = "rate=" + Rate(s.OpenLoop.RateAsked) + " " + k
	}
	// A sweep of a workload parameter: its groups' verdicts say which
	// value each is of (the group shares it already).
	params := CellParams(s)
	for _, name := range slices.Sorted(maps.Keys(s.Swept)) {
		if _, ok := params[name]; ok {
			k = name + "=" + s.Swept[name] + " " + k
		}
	}
	return k
}

func cellName(s *Summary) string { return fmt.Sprintf("%s conc=%d", strategyText(s), s.Concurrency) }

func verdict(cells []*Summary) Verdict {
	// With a fixed task count the wall time is the answer; in duration
	// and open-loop runs every cell runs equally long, so throughput is.
	byWall := cells[0].DurationSeconds == 0 && cells[0].OpenLoop == nil
	v := Verdict{Metric: "throughput"}
	score := func(s *Summary) float64 { return s.ThroughputPerS }
	rep := func(r Repetition) (float64, bool) { return r.ThroughputPerS, true }
	if byWall {
		v.Metric = "wall"
		score = func(s *Summary) float64 { return -s.WallSeconds }
		rep = func(r Repetition) (float64, bool) { return r.WallSeconds, true }
	}
	top := 0.0
	for _, s := range cells {
		top = math.Max(top, s.ThroughputPerS)
	}
	kept := func(s *Summary) bool { return s.ThroughputPerS >= (1-nearBest)*top }
	n := 0
	for _, s := range cells {
		if kept(s) {
			n++
		}
	}
	if cells[0].OpenLoop != nil && n >= 2 {
		// Cells that all served the asked rate tie on throughput: what
		// tells them apart is what a user waited.
		v.Metric = "corrected p99"
		score = func(s *Summary) float64 {
			if !kept(s) {
				return math.Inf(-1)
			}
			return -s.OpenLoop.Corrected.P99
		}
		rep = func(r Repetition) (float64, bool) {
			if r.CorrectedP99Seconds == nil {
				return 0, false
			}
			return *r.CorrectedP99Seconds, true
		}
	}
	best, second := -1, -1
	for i, s := range cells {
		switch {
		case best < 0 || score(s) > score(cells[best]):
			best, second = i, best
		case second < 0 || score(s) > score(cells[second]):
			second = i
		}
	}
	b, r := cells[best], cells[second]
	v.Best, v.RunnerUp = cellName(b), cellName(r)
	if byWall {
		v.Ratio = r.WallSeconds / b.WallSeconds
		if b.WallCI != nil && r.WallCI != nil && b.WallCI.Lo > 0 {
			v.Lo, v.Hi, v.Level = r.WallCI.Lo/b.WallCI.Hi, r.WallCI.Hi/b.WallCI.Lo, b.WallCI.Level*r.WallCI.Level
		}
	} else if v.Metric == "corrected p99" && kept(r) {
		if b.OpenLoop.Corrected.P99 > 0 {
			v.Ratio = r.OpenLoop.Corrected.P99 / b.OpenLoop.Corrected.P99
		}
	} else if r.ThroughputPerS > 0 {
		v.Ratio = b.ThroughputPerS / r.ThroughputPerS
	}
	v.Significant = true
	if xs, ys := values(b, rep), values(r, rep); len(xs) > 1 && len(ys) > 1 {
		c := benchmath.AssumeNothing.Compare(benchmath.NewSample(xs, &benchmath.DefaultThresholds), benchmath.NewSample(ys, &benchmath.DefaultThresholds))
		v.Tested, v.Significant = true, c.P < c.Alpha
	}

	var small *Summary
	for _, s := range cells {
		if s.ThroughputPerS >= (1-nearBest)*top && (small == nil || s.Concurrency < small.Concurrency) {
			small = s
		}
	}
	if small != nil && small.Concurrency < b.Concurrency {
		v.Smallest, v.SmallestRSS = cellName(small), small.Memory.PeakRSSBytes
	}
	return v
}

// String writes the verdict as one sentence.
func (v Verdict) String() string {
	var b strings.Builder
	b.WriteString(v.Scope + ": ")
	if !v.Significant {
		fmt.Fprintf(&b, "no significant difference between %s and %s (%s)", v.Best, v.RunnerUp, v.Metric)
	} else {
		what := "fastest"
		switch v.Metric {
		case "throughput":
			what = "the highest throughput"
		case "corrected p99":
			what = "the lowest corrected p99 of those that kept up with the rate"
		}
		fmt.Fprintf(&b, "best: %s (%s), %sx ahead of %s", v.Best, what, sig(v.Ratio), v.RunnerUp)
		if v.Level > 0 {
			fmt.Fprintf(&b, " [%sx..%sx, %.0f%%]", sig(v.Lo), sig(v.Hi), 100*v.Level)
		}
		if !v.Tested {
			b.WriteString(" (one run each: repeat to test it)")
		}
	}
	if v.Smallest != "" {
		fmt.Fprintf(&b, "; smallest concurrency within 5%% of the best throughput: %s", v.Smallest)
		if rss, ok := Known(v.SmallestRSS); ok {
			fmt.Fprintf(&b, " (rss %s)", Bytes(rss))
		}
	}
	return b.String()
}
