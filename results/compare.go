package results

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchmath"
)

// Delta is the change of one metric of one cell between two results.
type Delta struct {
	Metric      string  // a registered metric: wall, throughput, p99, rss
	Old, New    float64 // medians over the repetitions
	OldPM       float64 // the 95% interval of Old around it, as a share of it (benchstat's ±); NaN with too few repetitions
	NewPM       float64
	Change      float64 // (New-Old)/Old
	P           float64 // Mann-Whitney U p-value over the repetitions
	Significant bool    // P below 0.05
	N1, N2      int
}

// CellDeltas is the comparison of one cell found in both results, or
// (CompareBy) of two values of one parameter of a cell.
type CellDeltas struct {
	Key      string
	Old, New string // what the sides are, where not "old" and "new" (CompareBy: "strategy=pool")
	Deltas   []Delta
}

// ErrNothingInCommon is returned by Compare when no cell matches.
var ErrNothingInCommon = errors.New("the results have no cell in common (same workload, parameters, strategy, tasks and concurrency)")

// Compare matches the cells of a and b by Key and compares wall time,
// throughput, p99 latency and peak RSS over their repetitions with a
// Mann-Whitney U test, as benchstat does: a change is significant when
// p < 0.05, which needs at least four repetitions a side.
func Compare(a, b *Document) ([]CellDeltas, error) {
	byKey := map[string]*Summary{}
	for i := range a.Runs {
		byKey[Key(&a.Runs[i])] = &a.Runs[i]
	}
	var out []CellDeltas
	for i := range b.Runs {
		nb := &b.Runs[i]
		na, ok := byKey[Key(nb)]
		if !ok {
			continue
		}
		out = append(out, CellDeltas{Key: Key(nb), Deltas: compareRuns(na, nb)})
	}
	if len(out) == 0 {
		return nil, ErrNothingInCommon
	}
	return out, nil
}

// compareRuns compares wall time, throughput, p99 latency and peak RSS
// of two runs over their repetitions; a figure unknown on one side (an OS
// without it) is left out.
func compareRuns(na, nb *Summary) []Delta {
	var out []Delta
	for _, m := range []struct {
		name string
		get  func(Repetition) (float64, bool)
	}{
		{"wall", func(r Repetition) (float64, bool) { return r.WallSeconds, true }},
		{"throughput", func(r Repetition) (float64, bool) { return r.ThroughputPerS, true }},
		{"p99", func(r Repetition) (float64, bool) { return r.P99Seconds, true }},
		{"rss", func(r Repetition) (float64, bool) { return Known(r.PeakRSSBytes) }},
	} {
		va, vb := values(na, m.get), values(nb, m.get)
		if len(va) == 0 || len(vb) == 0 {
			continue
		}
		out = append(out, delta(m.name, va, vb))
	}
	return out
}

// values returns the known values of a figure over a cell's repetitions.
func values(s *Summary, get func(Repetition) (float64, bool)) []float64 {
	xs := make([]float64, 0, len(s.Repetitions))
	for _, r := range s.Repetitions {
		if x, ok := get(r); ok {
			xs = append(xs, x)
		}
	}
	return xs
}

func delta(metric string, a, b []float64) Delta {
	sa := benchmath.NewSample(a, &benchmath.DefaultThresholds)
	sb := benchmath.NewSample(b, &benchmath.DefaultThresholds)
	c := benchmath.AssumeNothing.Compare(sa, sb)
	oldS, newS := benchmath.AssumeNothing.Summary(sa, 0.95), benchmath.AssumeNothing.Summary(sb, 0.95)
	oldM, newM := oldS.Center, newS.Center
	d := Delta{Metric: metric, Old: oldM, New: newM, OldPM: plusMinus(oldS), NewPM: plusMinus(newS),
		P: c.P, N1: len(a), N2: len(b), Significant: c.P < c.Alpha}
	if oldM != 0 {
		d.Change = (newM - oldM) / oldM
	}
	return d
}

// plusMinus returns the half-width of a summary's interval as a share of
// its center, the wider side; NaN when there is no interval (fewer than
// 6 values give none at 95%, as benchstat says).
func plusMinus(s benchmath.Summary) float64 {
	if s.Center == 0 || math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) {
		return math.NaN()
	}
	return max(s.Hi-s.Center, s.Center-s.Lo) / math.Abs(s.Center)
}

// pm formats a ± share as benchstat does: "±3%", "±∞" without an interval.
func pm(x float64) string {
	if math.IsNaN(x) {
		return "±∞"
	}
	return fmt.Sprintf("±%.0f%%", 100*x)
}

// WriteComparison renders Compare's result: per cell a line with its key,
// then per metric the old and new medians with their 95% intervals (±)
// and the change, or "~" where it is not significant; then, per metric,
// the geometric mean of the new/old ratios over every cell.
func WriteComparison(w io.Writer, cells []CellDeltas) error {
	var b strings.Builder
	for _, c := range cells {
		b.WriteString(c.Key + "\n")
		rows := [][]string{{"  metric", sideLabel(c.Old, "old"), "±", sideLabel(c.New, "new"), "±", "change", "p", "n"}}
		for _, d := range c.Deltas {
			m, _ := LookupMetric(d.Metric)
			rows = append(rows, []string{"  " + d.Metric, m.Format(d.Old), pm(d.OldPM), m.Format(d.New), pm(d.NewPM), changeText(d), fmt.Sprintf("%.3f", d.P), fmt.Sprintf("%d+%d", d.N1, d.N2)})
		}
		alignedTable(&b, rows)
	}
	if len(cells) > 1 {
		b.WriteString("geomean over " + fmt.Sprint(len(cells)) + " cells:")
		for _, g := range Geomeans(cells) {
			fmt.Fprintf(&b, "  %s %+.1f%%", g.Metric, 100*g.Change)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nchange: difference of the medians where a Mann-Whitney U test over the repetitions gives p < 0.05; ~ otherwise (4+ repetitions a side are needed); ±: the 95% interval of each median\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func changeText(d Delta) string {
	if !d.Significant {
		return "~"
	}
	return fmt.Sprintf("%+.1f%%", 100*d.Change)
}

// Geomean is the geometric mean of the new/old ratios of one metric over
// the cells that have it, as a change (-0.05 is 5% lower).
type Geomean struct {
	Metric string
	Change float64
	Cells  int
}

// Geomeans returns a Geomean per metric, in the order the metrics first
// appear; cells with a zero or negative median on either side are left out
// (no ratio).
func Geomeans(cells []CellDeltas) []Geomean {
	var out []Geomean
	sum := map[string]float64{}
	n := map[string]int{}
	for _, c := range cells {
		for _, d := range c.Deltas {
			if d.Old <= 0 || d.New <= 0 {
				continue
			}
			if _, seen := n[d.Metric]; !seen {
				out = append(out, Geomean{Metric: d.Metric})
			}
			sum[d.Metric] += math.Log(d.New / d.Old)
			n[d.Metric]++
		}
	}
	for i := range out {
		m := out[i].Metric
		out[i].Cells = n[m]
		out[i].Change = math.Exp(sum[m]/float64(n[m])) - 1
	}
	return out
}

// EnvironmentDiffs lists what differs between two environments that can
// change the figures: Go version, GOMAXPROCS, CPUs, CPU model, OS and
// architecture; one "name: a vs b" each, empty when they match.
func EnvironmentDiffs(a, b Environment) []string {
	var out []string
	add := func(name string, x, y any) {
		if x != y {
			out = append(out, fmt.Sprintf("%s: %v vs %v", name, x, y))
		}
	}
	add("Go", a.GoVersion, b.GoVersion)
	add("GOMAXPROCS", a.GOMAXPROCS, b.GOMAXPROCS)
	add("CPUs", a.NumCPU, b.NumCPU)
	add("CPU", a.CPUModel, b.CPUModel)
	add("OS/arch", a.GOOS+"/"+a.GOARCH, b.GOOS+"/"+b.GOARCH)
	return out
}

// Worse reports whether d is a significant change for the worse by more
// than limit (a share: 0.05 is 5%), in the metric's own direction.
func (d Delta) Worse(limit float64) bool {
	m, ok := LookupMetric(d.Metric)
	if !ok || !d.Significant {
		return false
	}
	return float64(-m.Better)*d.Change > limit
}

// Regressions lists, one line each, the significant changes for the worse
// by more than limit in the metrics named (all compared ones if none).
func Regressions(cells []CellDeltas, metrics []string, limit float64) []string {
	var out []string
	for _, c := range cells {
		for _, d := range c.Deltas {
			if (len(metrics) == 0 || slices.Contains(metrics, d.Metric)) && d.Worse(limit) {
				m, _ := LookupMetric(d.Metric)
				out = append(out, fmt.Sprintf("%s: %s %s -> %s (%+.1f%%, p=%.3f)", c.Key, d.Metric, m.Format(d.Old), m.Format(d.New), 100*d.Change, d.P))
			}
		}
	}
	return out
}
