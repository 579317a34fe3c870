package concbench

import (
	"slices"
	"testing"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
)

// Benchmark measures task from a Go benchmark: one sub-benchmark per cell
// of the options, named tasks=N/conc=C/strategy=S (duration=D in place of
// tasks=N with Duration). C is the limit asked for, also for sequential
// and unbounded, which ignore it and run under each, so that
//
//	go test -bench . -count 6 > x.txt && go tool benchstat -col /strategy x.txt
//
// sets every strategy side by side in each row. One iteration is one run
// of the cell's tasks: ns/op is that run's wall time (for process, from
// the moment every worker answered); tasks/s, p50-ns, p99-ns,
// peak-goroutines and peak-rss-B are reported as `concbench run --format
// gobench` writes them (see results.BenchUnits). Over several iterations
// ns/op and tasks/s are those of all of them together, the percentiles
// their medians and the peaks their maxima. Warmup runs precede the first
// iteration of each cell.
//
// Bad options, a failed setup or a cell that cannot run fail the
// benchmark; failed tasks are data, logged per sub-benchmark. Repeat is
// refused: use -count. Benchmark panics in a worker process: see
// ServeWorkers.
func Benchmark(b *testing.B, task *Task, opts ...Option) {
	b.Helper()
	mustNotBeWorker("Benchmark")
	if task == nil {
		b.Fatal("concbench.Benchmark: nil task")
	}
	s, err := newSettings(opts)
	if err != nil {
		b.Fatal(err)
	}
	if s.set["Repeat"] {
		b.Fatal("concbench.Repeat: Benchmark repeats with go test -count")
	}
	plan, err := s.plan(task)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := task.acquire(b.Context()); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := task.release(); err != nil {
			b.Error(err)
		}
	}()
	sizes := plan.Tasks
	if plan.Duration > 0 {
		sizes = []int{0}
	}
	for _, n := range sizes {
		for _, c := range plan.Concurrency {
			for _, st := range plan.Strategies {
				b.Run(results.CellName(n, plan.Duration, c, st), func(b *testing.B) {
					benchCell(b, plan, st, n, c)
				})
			}
		}
	}
}

// benchCell runs one cell per iteration and reports its metrics.
func benchCell(b *testing.B, plan *harness.Plan, strategy string, n, conc int) {
	if _, err := strategies.New(strategy, conc); err != nil {
		b.Skip(err) // e.g. more worker processes than allowed
	}
	cell := harness.Cell{Strategy: strategy, Tasks: n}
	if strategies.Bounded(strategy) {
		cell.Concurrency = conc
	}
	p := *plan
	p.Repeat = 1
	var reps []results.Repetition
	var failed, total int
	for b.Loop() {
		sum, err := harness.RunCell(b.Context(), &p, cell)
		if err != nil {
			b.Fatal(err)
		}
		p.Warmup = 0 // before the first iteration only
		reps = append(reps, sum.Repetitions...)
		failed += sum.Outcomes.Finished() - sum.Outcomes.OK
		total += sum.Tasks
	}
	if failed > 0 {
		b.Logf("%d of %d tasks failed (over %d runs)", failed, total, len(reps))
	}
	report(b, reps)
}

// report sets ns/op and the units of results.BenchMetrics from the runs
// of the iterations.
func report(b *testing.B, reps []results.Repetition) {
	if len(reps) == 0 {
		return
	}
	var wall float64
	walls := map[string][]float64{}
	vals := map[string][]float64{}
	for _, r := range reps {
		wall += r.WallSeconds
		for _, m := range results.BenchMetrics(&r) {
			vals[m.Unit] = append(vals[m.Unit], m.Value)
			walls[m.Unit] = append(walls[m.Unit], r.WallSeconds)
		}
	}
	b.ReportMetric(wall/float64(len(reps))*1e9, "ns/op")
	for _, unit := range results.BenchUnits {
		xs := vals[unit]
		if len(xs) < len(reps) {
			continue // unknown in some run: not reported as 0
		}
		var v float64
		switch unit {
		case results.BenchTasksPerSec: // tasks of all runs over their wall time
			var tasks, secs float64
			for i, x := range xs {
				tasks += x * walls[unit][i]
				secs += walls[unit][i]
			}
			if secs > 0 {
				v = tasks / secs
			}
		case results.BenchPeakGoroutines, results.BenchPeakRSS:
			v = slices.Max(xs)
		default:
			v, _ = results.MedianCI(xs, 0.95)
		}
		b.ReportMetric(v, unit)
	}
}
