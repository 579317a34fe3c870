package results

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Threshold is a pass/fail condition on one metric of a cell, as k6's
// thresholds are: "p99<50ms", "errors<1%", "throughput>=1000/s".
type Threshold struct {
	Metric string
	Op     string // <, <=, >, >=
	Limit  float64
	Text   string // as given
}

// ops in the order they must be tried: two-character ones first.
var ops = []string{"<=", ">=", "<", ">"}

// ParseThreshold parses "METRIC OP VALUE", the value in the metric's unit:
// a duration (50ms), a rate (1000/s, 1.5k/s), a size (500MiB), a share
// (1% or 0.01), a ratio (1.5x) or a plain number. Errors say what is wrong
// and list the metrics.
func ParseThreshold(text string) (Threshold, error) {
	s := strings.ReplaceAll(text, " ", "")
	for _, op := range ops {
		name, value, ok := strings.Cut(s, op)
		if !ok {
			continue
		}
		m, found := LookupMetric(name)
		if !found {
			return Threshold{}, fmt.Errorf("unknown metric %q; want one of %s", name, MetricNames())
		}
		v, err := parseValue(m.Unit, value)
		if err != nil {
			return Threshold{}, fmt.Errorf("%s: %w", name, err)
		}
		return Threshold{Metric: name, Op: op, Limit: v, Text: text}, nil
	}
	return Threshold{}, errors.New("want METRIC<VALUE, METRIC<=VALUE, METRIC>VALUE or METRIC>=VALUE, e.g. p99<50ms")
}

// parseValue reads v in unit u.
func parseValue(u Unit, v string) (float64, error) {
	if v == "" {
		return 0, errors.New("no value after the comparison")
	}
	bad := func(want string) (float64, error) { return 0, fmt.Errorf("%q: want %s", v, want) }
	num := func(s string) (float64, bool) {
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	switch u {
	case UnitSeconds:
		d, err := time.ParseDuration(v)
		if err != nil {
			return bad("a duration such as 50ms or 1.5s")
		}
		return d.Seconds(), nil
	case UnitPerSecond:
		s := strings.TrimSuffix(v, "/s")
		mult := 1.0
		switch {
		case strings.HasSuffix(s, "k"):
			s, mult = strings.TrimSuffix(s, "k"), 1e3
		case strings.HasSuffix(s, "M"):
			s, mult = strings.TrimSuffix(s, "M"), 1e6
		}
		f, ok := num(s)
		if !ok {
			return bad("a rate such as 1000/s or 1.5k/s")
		}
		return f * mult, nil
	case UnitBytes:
		n, err := parseBytes(v)
		if err != nil {
			return bad("a size such as 500MiB or 1GB")
		}
		return float64(n), nil
	case UnitFraction:
		if p, ok := strings.CutSuffix(v, "%"); ok {
			f, ok := num(p)
			if !ok {
				return bad("a share such as 1% or 0.01")
			}
			return f / 100, nil
		}
		f, ok := num(v)
		if !ok {
			return bad("a share such as 1% or 0.01")
		}
		return f, nil
	case UnitRatio:
		f, ok := num(strings.TrimSuffix(v, "x"))
		if !ok {
			return bad("a ratio such as 1.5x")
		}
		return f, nil
	}
	f, ok := num(v)
	if !ok {
		return bad("a number")
	}
	return f, nil
}

// parseBytes reads a size with an optional binary (KiB) or decimal (KB)
// unit.
func parseBytes(v string) (int64, error) {
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult, s := 1.0, v
	for _, u := range units {
		if t, ok := strings.CutSuffix(v, u.suffix); ok {
			mult, s = u.mult, t
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || f*mult > math.MaxInt64/2 {
		return 0, errors.New("bad size")
	}
	return int64(f * mult), nil
}

// Check is a threshold evaluated on one cell.
type Check struct {
	Threshold string   `json:"threshold"`
	Pass      bool     `json:"pass"`
	Value     *float64 `json:"value"`            // the metric's figure; null when the cell has none
	Limit     float64  `json:"limit"`            // in the metric's base unit (seconds, bytes, /s, share)
	Reason    string   `json:"reason,omitempty"` // why it failed, for people
}

// Eval checks t against s. A cell that lacks the metric fails (a
// threshold that cannot be checked is not met), and so does a partial
// cell or one whose generator was the limit.
func (t Threshold) Eval(s *Summary) Check {
	m, _ := LookupMetric(t.Metric)
	c := Check{Threshold: t.Text, Limit: t.Limit}
	v, ok := m.Get(s)
	if !ok {
		c.Reason = "no " + t.Metric + " figure in this cell"
		return c
	}
	c.Value = &v
	switch t.Op {
	case "<":
		c.Pass = v < t.Limit
	case "<=":
		c.Pass = v <= t.Limit
	case ">":
		c.Pass = v > t.Limit
	case ">=":
		c.Pass = v >= t.Limit
	}
	switch {
	case !c.Pass:
		c.Reason = fmt.Sprintf("%s is %s, %s", t.Metric, m.Format(v), by(m, v, t.Limit))
	case s.Partial:
		c.Pass, c.Reason = false, "the cell was cut short"
	case s.OpenLoop != nil && s.OpenLoop.GeneratorLimited != "":
		c.Pass, c.Reason = false, "generator-limited: "+s.OpenLoop.GeneratorLimited
	}
	return c
}

// by says how far v misses limit: "20% over 50ms".
func by(m *Metric, v, limit float64) string {
	side := "over"
	if v < limit {
		side = "under"
	}
	if limit == 0 {
		return side + " " + m.Format(limit)
	}
	return fmt.Sprintf("%.0f%% %s %s", 100*math.Abs(v-limit)/math.Abs(limit), side, m.Format(limit))
}

// EvalThresholds evaluates ts on every run of doc, storing the checks in
// each summary, and reports whether all passed.
func EvalThresholds(doc *Document, ts []Threshold) bool {
	ok := true
	for i := range doc.Runs {
		s := &doc.Runs[i]
		s.Thresholds = nil
		for _, t := range ts {
			c := t.Eval(s)
			ok = ok && c.Pass
			s.Thresholds = append(s.Thresholds, c)
		}
	}
	return ok
}

// ThresholdText is a row's verdict for tables: "pass", or the failed
// thresholds with their reasons.
func ThresholdText(s *Summary) string {
	if len(s.Thresholds) == 0 {
		return "-"
	}
	var failed []string
	for _, c := range s.Thresholds {
		if !c.Pass {
			failed = append(failed, c.Threshold+": "+c.Reason)
		}
	}
	if len(failed) == 0 {
		return "pass"
	}
	return "FAIL " + strings.Join(failed, "; ")
}
