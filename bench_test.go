package concbench_test

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"testing"
	"time"

	"github.com/concbench/concbench"
	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/internal/bare"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// Run with: go test -bench . -benchmem -run '^$'
// Each harness benchmark runs one whole plan cell per iteration, so ns/op
// is the wall time of a run; the Bare benchmarks are hand-written twins
// that do the same sleeps with nothing else, for reading the harness's
// overhead as a ratio in the same run.

type cell struct {
	workload  workloads.Spec
	strategy  string
	tasks     int
	conc      int
	benchName string
}

func cells() []cell {
	sleep := workloads.Spec{Name: "sleep", Params: params.Values{"latency": "10ms"}}
	cpu := workloads.Spec{Name: "cpu", Params: params.Values{"work": "100_000"}}
	var out []cell
	add := func(spec workloads.Spec, tasks, conc int) {
		for _, s := range strategies.Registered() {
			if s == "sequential" && (spec.Name == "sleep" && tasks > 100) {
				continue // 10ms each: too slow to be worth it
			}
			c := conc
			if !strategies.Bounded(s) {
				c = 0
			}
			if d, ok := strategies.Lookup(s); ok && d.MaxConcurrency > 0 && c > d.MaxConcurrency {
				continue // more worker processes than New accepts
			}
			name := fmt.Sprintf("workload=%s/strategy=%s/tasks=%d/conc=%d", spec.Name, s, tasks, c)
			if !slices.ContainsFunc(out, func(x cell) bool { return x.benchName == name }) {
				out = append(out, cell{spec, s, tasks, c, name})
			}
		}
	}
	add(sleep, 100, 10)
	add(sleep, 10_000, 100)
	add(sleep, 10_000, 1000)
	add(cpu, 1000, 2)
	return out
}

func mustRun(b *testing.B, task *workloads.Task, strat strategies.Strategy, n int) harness.Run {
	r, err := harness.Once(context.Background(), task, strat, n)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// TestMain lets the test binary serve as a worker of the process strategy.
func TestMain(m *testing.M) {
	concbench.ServeWorkers()
	serveBareEchoIfAsked()
	os.Setenv("GORACE", "atexit_sleep_ms=0") // race-enabled workers would linger 1s at exit
	os.Exit(m.Run())
}

func BenchmarkHarness(b *testing.B) {
	for _, c := range cells() {
		b.Run(c.benchName, func(b *testing.B) {
			task, err := workloads.New(c.workload)
			if err != nil {
				b.Fatal(err)
			}
			strat, err := strategies.NewWith(c.strategy, strategies.Config{Concurrency: c.conc, Workload: c.workload})
			if err != nil {
				b.Fatal(err)
			}
			var tput, p99, peakG, rss []float64
			for b.Loop() {
				r := mustRun(b, task, strat, c.tasks)
				wall, mem := r.Wall, r.Memory
				t := r.Tally
				if t.Outcomes.OK != c.tasks {
					b.Fatalf("%d of %d tasks ok", t.Outcomes.OK, c.tasks)
				}
				tput = append(tput, float64(c.tasks)/wall.Seconds())
				p99 = append(p99, t.Latency.P99*1e3)
				peakG = append(peakG, float64(mem.PeakGoroutines))
				if b, ok := results.Known(mem.PeakRSSBytes); ok {
					rss = append(rss, b/(1<<20))
				}
			}
			b.ReportMetric(median(tput), "tasks/s")
			b.ReportMetric(median(p99), "p99-ms")
			b.ReportMetric(median(peakG), "peak-goroutines")
			if len(rss) > 0 { // unknown where the OS gives no RSS
				b.ReportMetric(median(rss), "peak-rss-MiB")
			}
		})
	}
}

func BenchmarkBare(b *testing.B) {
	for _, c := range cells() {
		// The process strategy's bare twin is the echo worker of
		// process_bench_test.go; sequential needs none.
		if c.workload.Name != "sleep" || !slices.Contains(bare.Twins, c.strategy) {
			continue
		}
		b.Run(fmt.Sprintf("strategy=%s/tasks=%d/conc=%d", c.strategy, c.tasks, c.conc), func(b *testing.B) {
			l, err := c.workload.Params.Duration("latency")
			if err != nil {
				b.Fatal(err)
			}
			durs := sleeps(c.tasks, l)
			var tput []float64
			for b.Loop() {
				tput = append(tput, float64(c.tasks)/mustBare(b, c.strategy, durs, c.conc).Seconds())
			}
			b.ReportMetric(median(tput), "tasks/s")
		})
	}
}

// BenchmarkOverhead measures what the harness adds on top of the sleeping
// itself: for each strategy it alternates a harness run and its bare twin,
// takes each one's wall time minus the ideal makespan, and reports the
// medians per task and their ratio (harness/bare; the goal is <= 1.25).
// The harness run is a cell of a plan (harness.RunCell), the path that
// concbench run, concbench.Run and concbench.Benchmark take: it counts
// samples as they come and keeps none, where harness.Once also keeps
// every sample of a short run for its caller. Each iteration runs at
// least three pairs, and more until five seconds were spent: on a 2-core
// VM a single run's wall time varies by a tenth, and the median of many
// pairs keeps a few slow runs from deciding the line (unbounded's runs
// take 0.3 s, so it gets about nine pairs in the time pool gets three).
func BenchmarkOverhead(b *testing.B) {
	const tasks, conc, minPairs, minTime = 100_000, 1000, 3, 5 * time.Second
	d := 10 * time.Millisecond
	spec := workloads.Spec{Name: "sleep", Params: params.Values{"latency": d.String()}}
	durs := sleeps(tasks, d)
	for _, name := range bare.Twins {
		strat, err := strategies.New(name, conc)
		if err != nil {
			b.Fatal(err)
		}
		c := conc
		if !strategies.Bounded(name) {
			c = 0
		}
		b.Run(fmt.Sprintf("strategy=%s/tasks=%d/conc=%d", name, tasks, c), func(b *testing.B) {
			ideal := results.ListSchedule(durs, strat.Slots(tasks))
			var h, bw []float64
			for b.Loop() {
				start := time.Now()
				for n := 0; n < minPairs || time.Since(start) < minTime; n++ {
					h = append(h, mustCell(b, spec, name, tasks, conc).WallSeconds-ideal.Seconds())
					bw = append(bw, (mustBare(b, name, durs, conc) - ideal).Seconds())
				}
			}
			hm, bm := median(h), median(bw)
			b.ReportMetric(hm/tasks*1e6, "harness-extra-µs/task")
			b.ReportMetric(bm/tasks*1e6, "bare-extra-µs/task")
			b.ReportMetric(hm/bm, "overhead-ratio")
		})
	}
}

// definedSleep is the built-in sleep workload's work written as a user
// would write it.
var definedSleep = concbench.Define("bench-sleep", func(ctx context.Context, i int) error {
	time.Sleep(10 * time.Millisecond)
	return nil
})

// BenchmarkDefined measures what a task defined with concbench.Define
// costs against the same sleeps as the built-in sleep workload: for each
// strategy it alternates runs of the two and reports their median wall
// times and the ratio (defined/built-in; the target is <= 1.05).
func BenchmarkDefined(b *testing.B) {
	const tasks, conc, pairs = 10_000, 1000, 3
	builtin, err := workloads.New(workloads.Spec{Name: "sleep", Params: params.Values{"latency": "10ms"}})
	if err != nil {
		b.Fatal(err)
	}
	defined, err := workloads.New(workloads.Spec{Name: definedSleep.Name()})
	if err != nil {
		b.Fatal(err)
	}
	defer defined.Close()
	for _, name := range []string{"unbounded", "pool", "semaphore"} {
		strat, err := strategies.New(name, conc)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("tasks=%d/conc=%d/strategy=%s", tasks, conc, name), func(b *testing.B) {
			var d, bi []float64
			for b.Loop() {
				for range pairs {
					d = append(d, mustRun(b, defined, strat, tasks).Wall.Seconds())
					bi = append(bi, mustRun(b, builtin, strat, tasks).Wall.Seconds())
				}
			}
			b.ReportMetric(median(d)*1e3, "defined-ms")
			b.ReportMetric(median(bi)*1e3, "builtin-ms")
			b.ReportMetric(median(d)/median(bi), "defined/builtin")
		})
	}
}

func sleeps(n int, d time.Duration) []time.Duration {
	durs := make([]time.Duration, n)
	for i := range durs {
		durs[i] = d
	}
	return durs
}

// mustCell runs one cell of strategy over tasks of spec, as a plan runs
// it, and returns its summary.
func mustCell(b *testing.B, spec workloads.Spec, strategy string, tasks, conc int) *results.Summary {
	b.Helper()
	cell := harness.Cell{Strategy: strategy, Tasks: tasks}
	if strategies.Bounded(strategy) {
		cell.Concurrency = conc
	}
	p := harness.Plan{Spec: spec, Strategies: []string{strategy}, Tasks: []int{tasks}, Concurrency: []int{max(conc, 1)}}
	s, err := harness.RunCell(context.Background(), &p, cell)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// mustBare runs the bare twin of strategy (internal/bare) from the state
// each harness run starts from: memory returned to the OS (the probe does
// so, so that runs inherit no garbage and the RSS figure is the run's
// own), as in a fresh process. Without it the twin would start on the
// heap and the free goroutines, with their stacks, that the harness run
// before it left (100k unbounded goroutines' 2 KiB stacks, faulted in
// by the harness run and reused by the twin): on 2026-12-02 that alone
// took unbounded's ratio from 1.30 to 1.61.
func mustBare(b *testing.B, strategy string, durs []time.Duration, conc int) time.Duration {
	b.Helper()
	debug.FreeOSMemory()
	d, err := bare.Run(strategy, durs, conc)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
