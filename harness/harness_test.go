package harness

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/clocktest"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

const ms = time.Millisecond

func TestMain(m *testing.M) {
	ServeIfChild()
	os.Setenv("GORACE", "atexit_sleep_ms=0") // race-enabled workers would linger 1s at exit
	os.Exit(m.Run())
}

func mustTask(t *testing.T, s workloads.Spec) *workloads.Task {
	t.Helper()
	task, err := workloads.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// mustStrategy builds a strategy for task's workload (which the process
// strategy rebuilds in its workers).
func mustStrategy(t *testing.T, task *workloads.Task, name string, conc int) strategies.Strategy {
	t.Helper()
	s, err := strategies.NewWith(name, strategies.Config{Concurrency: conc, Workload: task.Spec()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAnalyticMakespans runs an explicit list of sleeps under each strategy
// and checks the wall time against what scheduling theory says: the sum
// for sequential, the maximum for unbounded and the list-scheduling
// makespan for K slots. A sleep never ends early, so the wall time may not
// undercut the ideal by more than clock granularity on any run; above it we
// allow twice the timer overshoot (90th percentile) measured while the run
// went on per sleep on the critical path, its 99th percentile once (a busy
// machine's stall), plus load noise, and take the best of three runs.
func TestAnalyticMakespans(t *testing.T) {
	durs := []time.Duration{30 * ms, 10 * ms, 50 * ms, 20 * ms, 40 * ms, 10 * ms, 30 * ms, 20 * ms}
	task := mustTask(t, workloads.Spec{Name: "sleep", Params: params.Values{"durations": params.FormatDurations(durs)}})
	// Worked out by hand, by slots: sequential has 1, unbounded 8 (every
	// task), the bounded strategies their limit.
	ideal := map[int]time.Duration{1: 210 * ms, 2: 110 * ms, 3: 70 * ms, 8: 50 * ms}
	type cell struct {
		strategy    string
		conc, slots int
	}
	var cells []cell
	for _, name := range strategies.Registered() { // every strategy, registered ones too
		switch {
		case name == "sequential":
			cells = append(cells, cell{name, 0, 1})
		case strategies.Bounded(name): // process: wall counts from the end of worker start-up
			cells = append(cells, cell{name, 3, 3}, cell{name, 2, 2})
		default:
			cells = append(cells, cell{name, 0, len(durs)})
		}
	}
	for _, tc := range cells {
		t.Run(fmt.Sprintf("strategy=%s/conc=%d", tc.strategy, tc.conc), func(t *testing.T) {
			strat := mustStrategy(t, task, tc.strategy, tc.conc)
			if got := strat.Slots(len(durs)); got != tc.slots {
				t.Fatalf("%d slots, want %d", got, tc.slots)
			}
			want := ideal[tc.slots]
			if got := results.ListSchedule(task.ExpectedAll(len(durs)), tc.slots); got != want {
				t.Fatalf("ideal makespan %v, worked out %v", got, want)
			}
			waits := time.Duration((len(durs) + tc.slots - 1) / tc.slots) // sleeps on the critical path, about
			var walls []time.Duration
			var upper time.Duration
			for range 3 {
				var r Run
				var err error
				late := clocktest.During(func() { r, err = Once(context.Background(), task, strat, len(durs)) })
				if err != nil {
					t.Fatal(err)
				}
				upper = want + want/10 + 25*ms + waits*2*late.P90 + late.P99
				samples, wall := r.Samples, r.Wall
				for i, s := range samples {
					if s.Outcome != results.OK || s.Attempts != 1 || s.Service < durs[i] {
						t.Fatalf("task %d: %v, %d attempts, service %v", i, s.Outcome, s.Attempts, s.Service)
					}
				}
				if wall < want-ms {
					t.Fatalf("wall %v is below the ideal %v: tasks overlapped more than %d slots allow", wall, want, tc.slots)
				}
				walls = append(walls, wall)
				if wall <= upper {
					return
				}
			}
			t.Errorf("walls %v, want one within [%v, %v]", walls, want, upper)
		})
	}
}

// TestSameSeedSameFate runs a workload with failures, timeouts and retries
// under every strategy and checks that each task meets the same fate.
// Injected failures are a pure function of (seed, task, attempt);
// timeouts are the clock's, so on a machine busy enough to delay a 5 ms
// sleep by 65 ms a short task can time out: the best of three rounds
// must show every fate the same.
func TestSameSeedSameFate(t *testing.T) {
	spec := workloads.Spec{
		Name: "sleep",
		Seed: 42,
		// Far from the timeout either way: a short task would need a
		// scheduling delay of 65 ms to time out.
		Params:   params.Values{"durations": "5ms,5ms,150ms,5ms,10ms"},
		Timeout:  75 * ms,
		FailRate: 0.3,
		Retries:  1, // a final error then has p = 0.09 per task
		Backoff:  ms,
	}
	const n = 40
	task := mustTask(t, spec)
	var differ []string
	for range 3 {
		differ = differ[:0]
		var first []results.Sample
		for _, name := range strategies.Registered() {
			r, err := Once(context.Background(), task, mustStrategy(t, task, name, 4), n)
			if err != nil {
				t.Fatal(err)
			}
			samples := r.Samples
			tally := results.Count(samples, workloads.Kind)
			if tally.Outcomes.Total() != n || tally.Outcomes.Timeout == 0 || tally.Outcomes.Error == 0 || tally.Attempts <= n {
				t.Fatalf("%s: %+v with %d attempts; the spec should give timeouts, errors and retries", name, tally.Outcomes, tally.Attempts)
			}
			if first == nil {
				first = samples
				continue
			}
			for i := range samples {
				if samples[i].Outcome != first[i].Outcome || samples[i].Attempts != first[i].Attempts {
					differ = append(differ, fmt.Sprintf("%s task %d: %v after %d attempts; sequential: %v after %d",
						name, i, samples[i].Outcome, samples[i].Attempts, first[i].Outcome, first[i].Attempts))
				}
			}
		}
		if len(differ) == 0 {
			return
		}
		t.Logf("round with different fates: %s", strings.Join(differ, "; "))
	}
	t.Errorf("in each of three rounds some fates differed; the last: %s", strings.Join(differ, "; "))
}

func TestPanicsAreRecordedAndTheRunGoesOn(t *testing.T) {
	task := mustTask(t, workloads.Spec{Name: "cpu", Params: params.Values{"work": "1000"}, PanicAt: []int{3, 7}})
	for _, name := range strategies.Registered() {
		r, err := Once(context.Background(), task, mustStrategy(t, task, name, 4), 20)
		if err != nil {
			t.Fatal(err)
		}
		samples := r.Samples
		tally := results.Count(samples, workloads.Kind)
		if tally.Outcomes.Panic != 2 || tally.Outcomes.OK != 18 || samples[3].Outcome != results.Panic {
			t.Errorf("%s: %+v", name, tally.Outcomes)
		}
	}
}

// TestCancelAccountsForEveryTask cancels a pool of 10 once its source has
// issued 20 tasks: each worker takes its next task only after recording
// the last, so at least 10 have ended OK by then, and at most a few rounds
// more can end before the cancellation reaches the workers. Waiting on
// that progress rather than on a fixed timeout keeps the check true on a
// machine busy enough to delay the first round past any timeout.
func TestCancelAccountsForEveryTask(t *testing.T) {
	const n, w = 1000, 10
	plan := &Plan{
		Spec:        workloads.Spec{Name: "sleep", Params: params.Values{"latency": "20ms"}},
		Strategies:  []string{"pool"},
		Tasks:       []int{n},
		Concurrency: []int{w},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watched := make(chan struct{})
	hooks := &Hooks{RunStart: func(_, _ int, src strategies.Source) {
		go func() {
			defer close(watched)
			tick := time.NewTicker(ms)
			defer tick.Stop()
			for src.Issued() < 2*w {
				select {
				case <-tick.C:
				case <-ctx.Done():
					return
				}
			}
			cancel()
		}()
	}}
	s, err := runCell(ctx, plan, Cell{Strategy: "pool", Tasks: n, Concurrency: w}, nil, hooks)
	cancel()
	<-watched
	if err != nil {
		t.Fatal(err)
	}
	o := s.Outcomes
	if !s.Partial || o.Total() != n || o.OK < w || o.Canceled < 800 || o.OK+o.Canceled != n {
		t.Errorf("partial=%v outcomes %+v", s.Partial, o)
	}
	if s.IdealSeconds != nil {
		t.Error("a partial run has no ideal")
	}
}

func TestPlanCells(t *testing.T) {
	p := &Plan{
		Spec:        workloads.Spec{Name: "sleep"},
		Strategies:  []string{"sequential", "pool", "unbounded", "semaphore"},
		Tasks:       []int{10, 100},
		Concurrency: []int{1, 4},
	}
	cells := p.Cells()
	// per task count: sequential once, pool twice, unbounded once, semaphore twice
	if len(cells) != 12 || cells[0] != (Cell{Strategy: "sequential", Tasks: 10, Concurrency: 0}) || cells[2] != (Cell{Strategy: "pool", Tasks: 10, Concurrency: 4}) {
		t.Errorf("cells %v", cells)
	}
	for _, bad := range []Plan{
		{Spec: p.Spec, Strategies: []string{"fast"}, Tasks: []int{1}, Concurrency: []int{1}},
		{Spec: p.Spec, Strategies: []string{"pool"}, Tasks: []int{0}, Concurrency: []int{1}},
		{Spec: p.Spec, Strategies: []string{"pool"}, Tasks: []int{1}, Concurrency: []int{-3}},
		{Spec: p.Spec, Strategies: []string{"pool"}, Tasks: []int{1}, Concurrency: []int{1}, Repeat: -1},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("plan %+v accepted", bad)
		}
	}
}

// TestLongRunCountsWithoutSamples takes the path of a run too long to
// keep its samples: they are counted as pages fill and dropped, and the
// tally must still account for every task issued, in its outcomes and in
// its timeline.
func TestLongRunCountsWithoutSamples(t *testing.T) {
	defer func(k int) { keepSamples = k }(keepSamples)
	keepSamples = 0
	task := mustTask(t, workloads.Spec{Name: "cpu", Params: params.Values{"work": "10"}, FailRate: 0.1})
	r, err := OnceFor(context.Background(), task, mustStrategy(t, task, "pool", 2), 300*ms, MaxTasks)
	if err != nil {
		t.Fatal(err)
	}
	if r.Samples != nil || r.Tasks < 1000 {
		t.Fatalf("%d samples kept of %d tasks: want none kept, and over 1000 tasks", len(r.Samples), r.Tasks)
	}
	o := r.Tally.Outcomes
	if o.Total() != r.Tasks || o.OK+o.Error != r.Tasks || o.Error == 0 || r.Tally.Attempts != r.Tasks {
		t.Errorf("%d tasks: outcomes %+v, %d attempts", r.Tasks, o, r.Tally.Attempts)
	}
	completed := 0
	for _, st := range r.Tally.Timeline {
		completed += st.Completed
	}
	if completed != r.Tasks || r.Tally.Latency.P50 <= 0 || r.Tally.Histogram.Total() != int64(r.Tasks) {
		t.Errorf("timeline counts %d of %d tasks; p50 %v; histogram %d", completed, r.Tasks, r.Tally.Latency.P50, r.Tally.Histogram.Total())
	}
}

// TestPlanCost checks the relative cost estimates that weight a sweep's
// progress: rounds of tasks over the slots a cell has.
func TestPlanCost(t *testing.T) {
	sleep := &Plan{Spec: workloads.Spec{Name: "sleep"}}
	cpu := &Plan{Spec: workloads.Spec{Name: "cpu"}}
	timed := &Plan{Spec: workloads.Spec{Name: "sleep"}, Duration: time.Second}
	paced := &Plan{Spec: workloads.Spec{Name: "sleep"}, Rate: 100}
	procs := runtime.GOMAXPROCS(0)
	for _, tc := range []struct {
		plan *Plan
		cell Cell
		want float64
	}{
		{sleep, Cell{Strategy: "sequential", Tasks: 100, Concurrency: 0}, 100},
		{sleep, Cell{Strategy: "unbounded", Tasks: 100, Concurrency: 0}, 1},
		{sleep, Cell{Strategy: "pool", Tasks: 100, Concurrency: 10}, 10},
		{sleep, Cell{Strategy: "semaphore", Tasks: 100, Concurrency: 30}, 4},
		{sleep, Cell{Strategy: "pool", Tasks: 5, Concurrency: 1000}, 1},
		{sleep, Cell{Strategy: "process", Tasks: 100, Concurrency: 50}, 2},
		{cpu, Cell{Strategy: "unbounded", Tasks: 100, Concurrency: 0}, math.Ceil(100 / float64(procs))},
		{cpu, Cell{Strategy: "pool", Tasks: 100, Concurrency: 1}, 100},
		{timed, Cell{Strategy: "sequential", Tasks: 0, Concurrency: 0}, 1},
		{timed, Cell{Strategy: "pool", Tasks: 0, Concurrency: 10}, 1},
		{paced, Cell{Strategy: "pool", Tasks: 300, Concurrency: 10}, 300},
	} {
		if got := tc.plan.Cost(tc.cell); got != tc.want {
			t.Errorf("%s workload, cell %+v: cost %v, want %v", tc.plan.Spec.Name, tc.cell, got, tc.want)
		}
	}
}

func TestRepeatReportsMedianAndCI(t *testing.T) {
	plan := &Plan{Spec: workloads.Spec{Name: "sleep", Params: params.Values{"durations": "5ms"}}, Strategies: []string{"sequential"},
		Tasks: []int{2}, Concurrency: []int{1}, Repeat: 7, Warmup: 1}
	s, err := RunCell(context.Background(), plan, Cell{Strategy: "sequential", Tasks: 2, Concurrency: 0})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Repetitions) != 7 || s.WallCI == nil || s.WallCI.Level < 0.95 || s.WallCI.Lo > s.WallSeconds || s.WallCI.Hi < s.WallSeconds {
		t.Errorf("repetitions %d, wall %v, ci %+v", len(s.Repetitions), s.WallSeconds, s.WallCI)
	}
	if s.WallSeconds < 0.010 {
		t.Errorf("median wall %v below the 10ms of sleeping", s.WallSeconds)
	}
}
