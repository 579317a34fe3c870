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

// BenchName is a run's name in the Go benchmark format: sub-benchmark keys
// for what varies between the rows of a sweep.
func BenchName(s *Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "BenchmarkConcbench/workload=%s/strategy=%s", s.Workload, s.Strategy)
	switch {
	case s.DurationSeconds > 0:
		fmt.Fprintf(&b, "/duration=%s", time.Duration(s.DurationSeconds*float64(time.Second)))
	default:
		fmt.Fprintf(&b, "/tasks=%d", s.Tasks)
	}
	fmt.Fprintf(&b, "/conc=%d", s.Concurrency)
	if s.Processes != nil && s.Processes.PerProcess > 1 {
		fmt.Fprintf(&b, "/per-process=%d", s.Processes.PerProcess)
	}
	if s.OpenLoop != nil {
		fmt.Fprintf(&b, "/rate=%s/arrival=%s", strconv.FormatFloat(s.OpenLoop.RateAsked, 'g', -1, 64), s.OpenLoop.Arrival)
	}
	return b.String()
}

// Key identifies a cell across results files: its benchmark name and its
// workload parameters.
func Key(s *Summary) string { return BenchName(s) + " " + ParamText(s, true) }

// writeGobench writes doc in the Go benchmark format: the goos, goarch,
// pkg and cpu header, the workload parameters as configuration lines, and
// one line per repetition with ns/op (the run's wall time) and the custom
// units tasks/s, p99-ns and peak-rss-B, so that benchstat compares two
// concbench runs.
func writeGobench(w io.Writer, doc *Document) error {
	var b strings.Builder
	e := doc.Environment
	fmt.Fprintf(&b, "goos: %s\ngoarch: %s\npkg: github.com/concbench/concbench\ncpu: %s\nconcbench-version: %s\n", e.GOOS, e.GOARCH, e.CPUModel, e.Version)
	procs := max(e.GOMAXPROCS, 1)
	var last map[string]string
	for _, g := range groups(doc.Runs) {
		params := g[0].Params
		if !maps.Equal(params, last) {
			// Configuration lines apply to the results that follow them.
			for _, k := range slices.Sorted(maps.Keys(params)) {
				fmt.Fprintf(&b, "%s: %s\n", k, strings.ReplaceAll(params[k], " ", "_"))
			}
			last = params
		}
		for _, s := range g {
			for _, r := range s.Repetitions {
				fmt.Fprintf(&b, "%s-%d\t1\t%.0f ns/op\t%s tasks/s\t%.0f p99-ns\t%d peak-rss-B\n",
					BenchName(s), procs, r.WallSeconds*1e9, strconv.FormatFloat(r.ThroughputPerS, 'f', 2, 64), r.P99Seconds*1e9, r.PeakRSSBytes)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
