package results

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The custom units of a cell in the Go benchmark format, beside ns/op (the
// wall time of one run of the cell's tasks). concbench.Benchmark and
// `concbench run --format gobench` report exactly these, so benchstat
// compares the output of either with the other; later metrics are added,
// never renamed.
const (
	BenchTasksPerSec    = "tasks/s"         // finished tasks per second of wall time
	BenchP50            = "p50-ns"          // median service time
	BenchP99            = "p99-ns"          // 99th percentile service time
	BenchPeakGoroutines = "peak-goroutines" // sampled during the run
	BenchPeakRSS        = "peak-rss-B"      // the process's high-water mark
)

// BenchPeakThreads is an extra unit, written after the fixed ones
// (BenchUnits) by `concbench run --format gobench` where the run knows it:
// the process's OS threads at their peak, sampled.
const BenchPeakThreads = "peak-threads"

// BenchUnits lists the custom units in the order they are written.
var BenchUnits = []string{BenchTasksPerSec, BenchP50, BenchP99, BenchPeakGoroutines, BenchPeakRSS}

// BenchMetric is one value of a benchmark line.
type BenchMetric struct {
	Value float64
	Unit  string
}

// BenchMetrics returns the custom metrics of one recorded run, in the order of
// BenchUnits, then BenchPeakThreads. A figure the run does not have (a document written before it was
// recorded, an OS without RSS) is left out, not reported as 0.
func BenchMetrics(r *Repetition) []BenchMetric {
	out := []BenchMetric{{r.ThroughputPerS, BenchTasksPerSec}}
	if r.P50Seconds != nil {
		out = append(out, BenchMetric{*r.P50Seconds * 1e9, BenchP50})
	}
	out = append(out, BenchMetric{r.P99Seconds * 1e9, BenchP99})
	if r.PeakGoroutines > 0 {
		out = append(out, BenchMetric{float64(r.PeakGoroutines), BenchPeakGoroutines})
	}
	if b, ok := Known(r.PeakRSSBytes); ok {
		out = append(out, BenchMetric{b, BenchPeakRSS})
	}
	if r.PeakThreads != nil {
		out = append(out, BenchMetric{float64(*r.PeakThreads), BenchPeakThreads})
	}
	return out
}

// CellName is a cell's sub-benchmark name: tasks=N/conc=C/strategy=S, or
// duration=D/conc=C/strategy=S for a run of fixed duration (d > 0). The
// strategy comes last and conc is the limit asked for, also for the
// strategies that ignore it, so that the rows of `benchstat -col
// /strategy` hold every strategy side by side.
func CellName(tasks int, d time.Duration, conc int, strategy string) string {
	size := "tasks=" + strconv.Itoa(tasks)
	if d > 0 {
		size = "duration=" + d.String()
	}
	return fmt.Sprintf("%s/conc=%d/strategy=%s", size, conc, strategy)
}

// BenchName is a run's name in `concbench run --format gobench`:
// BenchmarkConcbench/workload=W/ then its CellName, once for each
// concurrency limit c it stands for (see Limits).
func BenchName(s *Summary, c int) string {
	return "BenchmarkConcbench/workload=" + s.Workload + "/" + CellName(s.Tasks, seconds(s.DurationSeconds), c, s.Strategy)
}

// Limits returns the concurrency limits a run stands for in benchmark
// names: the limits of the sweep for a strategy that ignores the limit
// (sequential, unbounded), else its own.
func Limits(s *Summary) []int {
	if len(s.Limits) > 0 {
		return s.Limits
	}
	return []int{s.Concurrency}
}

func seconds(x float64) time.Duration { return time.Duration(x * float64(time.Second)) }

// Key identifies a cell across results files (compare): its workload,
// strategy, size, concurrency and open-loop settings, and its workload
// parameters.
func Key(s *Summary) string { return keyText(keyParts(s), "") }

// keyPart is one name=value of a cell's key.
type keyPart struct {
	name, value string
	param       bool // a workload parameter (after the space in Key)
}

// keyParts returns what identifies a cell, in Key's order.
func keyParts(s *Summary) []keyPart {
	parts := []keyPart{{name: "workload", value: s.Workload}, {name: "strategy", value: s.Strategy}}
	if s.DurationSeconds > 0 {
		parts = append(parts, keyPart{name: "duration", value: seconds(s.DurationSeconds).String()})
	} else {
		parts = append(parts, keyPart{name: "tasks", value: strconv.Itoa(s.Tasks)})
	}
	parts = append(parts, keyPart{name: "conc", value: strconv.Itoa(s.Concurrency)})
	if s.Processes != nil && s.Processes.PerProcess > 1 {
		parts = append(parts, keyPart{name: "per-process", value: strconv.Itoa(s.Processes.PerProcess)})
	}
	if o := s.OpenLoop; o != nil {
		parts = append(parts, keyPart{name: "rate", value: strconv.FormatFloat(o.RateAsked, 'g', -1, 64)}, keyPart{name: "arrival", value: o.Arrival})
		if o.Stages != "" {
			parts = append(parts, keyPart{name: "stages", value: o.Stages})
		}
	}
	params := CellParams(s)
	// A swept value that neither the parameters nor the fields above
	// show (the key would otherwise join two cells of the sweep).
	for _, k := range slices.Sorted(maps.Keys(s.Swept)) {
		if _, shown := params[k]; !shown && !slices.ContainsFunc(parts, func(p keyPart) bool { return p.name == k }) {
			parts = append(parts, keyPart{name: k, value: s.Swept[k]})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		parts = append(parts, keyPart{name: k, value: params[k], param: true})
	}
	return parts
}

// keyText writes parts as Key does, leaving out the one named without.
func keyText(parts []keyPart, without string) string {
	var b, p strings.Builder
	b.WriteString("BenchmarkConcbench")
	for _, k := range parts {
		switch {
		case k.name == without:
		case k.param:
			if p.Len() > 0 {
				p.WriteByte(' ')
			}
			p.WriteString(k.name + "=" + k.value)
		default:
			b.WriteString("/" + k.name + "=" + k.value)
		}
	}
	return b.String() + " " + p.String()
}

// writeGobench writes doc in the Go benchmark format: the goos, goarch,
// pkg and cpu header; the workload parameters (and per-process, rate and
// arrival where they apply) as configuration lines; and for each
// repetition one line per concurrency limit the run stands for (Limits),
// with ns/op (the run's wall time) and the custom units of BenchMetrics, so
// that benchstat compares two concbench runs, or sets the strategies of
// one side by side with -col /strategy.
func writeGobench(w io.Writer, doc *Document) error {
	var b strings.Builder
	e := doc.Environment
	fmt.Fprintf(&b, "goos: %s\ngoarch: %s\npkg: github.com/concbench/concbench\ncpu: %s\nconcbench-version: %s\n", e.GOOS, e.GOARCH, e.CPUModel, e.Version)
	procs := max(e.GOMAXPROCS, 1)
	var last map[string]string
	for _, g := range groups(doc.Runs) {
		for _, s := range g {
			config := gobenchConfig(s)
			if !maps.Equal(config, last) {
				// Configuration lines apply to the results that follow them.
				for _, k := range slices.Sorted(maps.Keys(config)) {
					fmt.Fprintf(&b, "%s: %s\n", k, strings.ReplaceAll(config[k], " ", "_"))
				}
				last = config
			}
			for _, r := range s.Repetitions {
				for _, c := range Limits(s) {
					fmt.Fprintf(&b, "%s-%d\t1\t%.0f ns/op", BenchName(s, c), procs, r.WallSeconds*1e9)
					for _, m := range BenchMetrics(&r) {
						fmt.Fprintf(&b, "\t%s %s", formatMetric(m), m.Unit)
					}
					b.WriteByte('\n')
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// gobenchConfig returns the configuration lines of a run: its workload
// parameters and the settings of the plan that are not in its name.
// Every strategy of a plan gets the same lines, so that benchstat puts
// them in one table.
func gobenchConfig(s *Summary) map[string]string {
	config := maps.Clone(CellParams(s))
	if config == nil {
		config = map[string]string{}
	}
	if s.OpenLoop != nil {
		config["rate"] = strconv.FormatFloat(s.OpenLoop.RateAsked, 'g', -1, 64)
		config["arrival"] = s.OpenLoop.Arrival
	}
	// Swept values the parameters do not show (--per-process, --stages):
	// benchstat keys on configuration, so two cells of a sweep stay apart.
	for k, v := range s.Swept {
		if _, shown := config[k]; !shown {
			config[k] = v
		}
	}
	return config
}

// formatMetric writes throughput to 2 decimals and the other units, whole
// numbers of nanoseconds, bytes or goroutines, without any.
func formatMetric(m BenchMetric) string {
	prec := 0
	if m.Unit == BenchTasksPerSec {
		prec = 2
	}
	return strconv.FormatFloat(m.Value, 'f', prec, 64)
}
