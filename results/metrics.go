package results

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Unit says how a metric's values are measured, written and read back.
type Unit int

// Units of metrics.
const (
	UnitSeconds   Unit = iota // durations: 50ms, 1.5s
	UnitPerSecond             // rates: 1000/s, 1.2k/s
	UnitBytes                 // sizes: 500MiB
	UnitFraction              // shares: 1%, 0.01
	UnitCount                 // plain numbers: 1000
	UnitRatio                 // multiples: 1.5x
)

// Better says which direction of a metric is an improvement.
type Better int

// Directions.
const (
	LowerIsBetter  Better = -1
	HigherIsBetter Better = 1
)

// Metric is one named figure of a summary. One name means one figure
// everywhere: thresholds, tables, compare and charts read it through here.
type Metric struct {
	Name   string // e.g. "p99", "corrected.p99", "errors"
	Unit   Unit
	Better Better
	Doc    string // one line for --help
	// Get reads the figure from a summary; false when the summary has
	// none (e.g. corrected latency of a closed-loop run, RSS where the OS
	// gives none).
	Get func(*Summary) (float64, bool)
}

var (
	metricsMu sync.RWMutex
	metrics   []*Metric
)

// RegisterMetric adds a metric. It panics if the name is taken or Get is
// nil: call it from an init function. Safe for concurrent use.
func RegisterMetric(m Metric) {
	if m.Name == "" || m.Get == nil {
		panic("results: RegisterMetric needs a name and a Get function")
	}
	metricsMu.Lock()
	defer metricsMu.Unlock()
	if slices.ContainsFunc(metrics, func(x *Metric) bool { return x.Name == m.Name }) {
		panic(fmt.Sprintf("results: metric %q registered twice", m.Name))
	}
	metrics = append(metrics, &m)
}

// LookupMetric returns the metric called name.
func LookupMetric(name string) (*Metric, bool) {
	metricsMu.RLock()
	defer metricsMu.RUnlock()
	i := slices.IndexFunc(metrics, func(x *Metric) bool { return x.Name == name })
	if i < 0 {
		return nil, false
	}
	return metrics[i], true
}

// Metrics returns every registered metric, in registration order.
func Metrics() []Metric {
	metricsMu.RLock()
	defer metricsMu.RUnlock()
	out := make([]Metric, len(metrics))
	for i, m := range metrics {
		out[i] = *m
	}
	return out
}

// MetricNames returns the registered names, comma-separated, for messages.
func MetricNames() string {
	var names []string
	for _, m := range Metrics() {
		names = append(names, m.Name)
	}
	return strings.Join(names, ", ")
}

// Format writes v in the metric's unit, as a person reads it.
func (m *Metric) Format(v float64) string {
	switch m.Unit {
	case UnitSeconds:
		return Seconds(v)
	case UnitPerSecond:
		return Rate(v)
	case UnitBytes:
		return Bytes(v)
	case UnitFraction:
		return fracText(v)
	case UnitRatio:
		return sig(v) + "x"
	}
	return sig(v)
}

// fracText writes a share as a percentage with enough digits to tell
// 0.5% from 0%.
func fracText(v float64) string {
	p := 100 * v
	switch {
	case p == 0 || p >= 10:
		return fmt.Sprintf("%.0f%%", p)
	case p >= 1:
		return fmt.Sprintf("%.1f%%", p)
	}
	return fmt.Sprintf("%.2g%%", p)
}

func always(f func(*Summary) float64) func(*Summary) (float64, bool) {
	return func(s *Summary) (float64, bool) { return f(s), true }
}

func openLoopOnly(f func(*OpenLoop) float64) func(*Summary) (float64, bool) {
	return func(s *Summary) (float64, bool) {
		if s.OpenLoop == nil {
			return 0, false
		}
		return f(s.OpenLoop), true
	}
}

func pointer(f func(*Summary) *float64) func(*Summary) (float64, bool) {
	return func(s *Summary) (float64, bool) {
		if p := f(s); p != nil {
			return *p, true
		}
		return 0, false
	}
}

// percentiles lists the registered percentile names and how to read them.
var percentiles = []struct {
	name string
	get  func(Percentiles) float64
}{
	{"p50", func(p Percentiles) float64 { return p.P50 }},
	{"p90", func(p Percentiles) float64 { return p.P90 }},
	{"p99", func(p Percentiles) float64 { return p.P99 }},
	{"p999", func(p Percentiles) float64 { return p.P999 }},
	{"max", func(p Percentiles) float64 { return p.Max }},
	{"mean", func(p Percentiles) float64 { return p.Mean }},
}

// Failed returns the tasks that failed on their own: error, timeout and
// panic outcomes (not canceled or dropped ones).
func (o Outcomes) Failed() int { return o.Error + o.Timeout + o.Panic }

func init() {
	RegisterMetric(Metric{Name: "wall", Unit: UnitSeconds, Better: LowerIsBetter, Doc: "wall time of the run (median over repetitions)",
		Get: always(func(s *Summary) float64 { return s.WallSeconds })})
	RegisterMetric(Metric{Name: "throughput", Unit: UnitPerSecond, Better: HigherIsBetter, Doc: "tasks finished per second",
		Get: always(func(s *Summary) float64 { return s.ThroughputPerS })})
	for _, p := range percentiles {
		get := p.get
		RegisterMetric(Metric{Name: p.name, Unit: UnitSeconds, Better: LowerIsBetter, Doc: "service latency " + p.name,
			Get: func(s *Summary) (float64, bool) { return get(s.Latency), s.Outcomes.Finished() > 0 }})
	}
	for _, p := range percentiles {
		get := p.get
		RegisterMetric(Metric{Name: "corrected." + p.name, Unit: UnitSeconds, Better: LowerIsBetter, Doc: "open loop: latency from the due time, " + p.name,
			Get: openLoopOnly(func(o *OpenLoop) float64 { return get(o.Corrected) })})
	}
	for _, p := range percentiles[:3] {
		get := p.get
		RegisterMetric(Metric{Name: "wait." + p.name, Unit: UnitSeconds, Better: LowerIsBetter, Doc: "queue wait " + p.name,
			Get: always(func(s *Summary) float64 { return get(s.QueueWait) })})
	}
	RegisterMetric(Metric{Name: "errors", Unit: UnitFraction, Better: LowerIsBetter, Doc: "share of finished tasks that failed (error, timeout, panic; not canceled)",
		Get: func(s *Summary) (float64, bool) {
			n := s.Outcomes.Finished()
			if n == 0 {
				return 0, false
			}
			return float64(s.Outcomes.Failed()) / float64(n), true
		}})
	RegisterMetric(Metric{Name: "rate", Unit: UnitFraction, Better: HigherIsBetter, Doc: "open loop: achieved rate (arrivals released, or tasks started if fewer) over the rate asked",
		Get: openLoopOnly(func(o *OpenLoop) float64 {
			if o.RateAsked <= 0 {
				return 0
			}
			got := o.RateAchieved
			if o.RateStarted > 0 {
				got = min(got, o.RateStarted)
			}
			return got / o.RateAsked
		})})
	RegisterMetric(Metric{Name: "dropped", Unit: UnitFraction, Better: LowerIsBetter, Doc: "open loop: share of arrivals dropped by --max-queue",
		Get: func(s *Summary) (float64, bool) {
			if s.OpenLoop == nil || s.Outcomes.Total() == 0 {
				return 0, false
			}
			return float64(s.Outcomes.Dropped) / float64(s.Outcomes.Total()), true
		}})
	RegisterMetric(Metric{Name: "efficiency", Unit: UnitFraction, Better: HigherIsBetter, Doc: "ideal makespan over wall time, where the ideal is known",
		Get: pointer(func(s *Summary) *float64 { return s.Efficiency })})
	RegisterMetric(Metric{Name: "speedup", Unit: UnitRatio, Better: HigherIsBetter, Doc: "sequential wall time over this row's",
		Get: pointer(func(s *Summary) *float64 { return s.Speedup })})
	RegisterMetric(Metric{Name: "rss", Unit: UnitBytes, Better: LowerIsBetter, Doc: "peak resident memory of the process during the run",
		Get: func(s *Summary) (float64, bool) { return Known(s.Memory.PeakRSSBytes) }})
	RegisterMetric(Metric{Name: "heap", Unit: UnitBytes, Better: LowerIsBetter, Doc: "peak live heap during the run",
		Get: always(func(s *Summary) float64 { return float64(s.Memory.PeakHeapBytes) })})
	RegisterMetric(Metric{Name: "goroutines", Unit: UnitCount, Better: LowerIsBetter, Doc: "peak goroutines during the run",
		Get: always(func(s *Summary) float64 { return float64(s.Memory.PeakGoroutines) })})
}
