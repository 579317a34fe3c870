package results

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/perf/benchmath"
)

// Delta is the change of one metric of one cell between two results.
type Delta struct {
	Metric      string  // a registered metric: wall, throughput, p99, rss
	Old, New    float64 // medians over the repetitions
	Change      float64 // (New-Old)/Old
	P           float64 // Mann-Whitney U p-value over the repetitions
	Significant bool    // P below 0.05
	N1, N2      int
}

// CellDeltas is the comparison of one cell found in both results.
type CellDeltas struct {
	Key    string
	Deltas []Delta
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
		cd := CellDeltas{Key: Key(nb)}
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
				continue // unknown on one side (an OS without the figure)
			}
			cd.Deltas = append(cd.Deltas, delta(m.name, va, vb))
		}
		out = append(out, cd)
	}
	if len(out) == 0 {
		return nil, ErrNothingInCommon
	}
	return out, nil
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
	oldM := benchmath.AssumeNothing.Summary(sa, 0.95).Center
	newM := benchmath.AssumeNothing.Summary(sb, 0.95).Center
	d := Delta{Metric: metric, Old: oldM, New: newM, P: c.P, N1: len(a), N2: len(b), Significant: c.P < c.Alpha}
	if oldM != 0 {
		d.Change = (newM - oldM) / oldM
	}
	return d
}

// WriteComparison renders Compare's result as an aligned table: per cell
// and metric the old and new medians and the change, or "~" where the
// change is not significant.
func WriteComparison(w io.Writer, cells []CellDeltas) error {
	rows := [][]string{{"cell", "metric", "old", "new", "change", "p", "n"}}
	for _, c := range cells {
		for _, d := range c.Deltas {
			m, _ := LookupMetric(d.Metric)
			show := m.Format
			change := "~"
			if d.Significant {
				change = fmt.Sprintf("%+.1f%%", 100*d.Change)
			}
			rows = append(rows, []string{c.Key, d.Metric, show(d.Old), show(d.New), change, fmt.Sprintf("%.3f", d.P), fmt.Sprintf("%d+%d", d.N1, d.N2)})
		}
	}
	var b strings.Builder
	alignedTable(&b, rows)
	b.WriteString("\nchange: difference of the medians where a Mann-Whitney U test over the repetitions gives p < 0.05; ~ otherwise (4+ repetitions a side are needed)\n")
	_, err := io.WriteString(w, b.String())
	return err
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
