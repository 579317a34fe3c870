package process

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/osproc"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// TestMain lets this test binary serve as the process strategy's worker.
// Race-enabled workers would linger 1s at exit (GORACE atexit_sleep_ms).
func TestMain(m *testing.M) {
	ServeIfWorker()
	os.Setenv("GORACE", "atexit_sleep_ms=0")
	os.Exit(m.Run())
}

// collect is a Job whose remote samples land in a slice.
type collect struct {
	mu      sync.Mutex
	samples map[int][]results.Sample
}

func newJob(n int) (*strategies.Job, *collect) {
	c := &collect{samples: map[int][]results.Sample{}}
	return &strategies.Job{
		Tasks: n,
		Record: func(i int, s results.Sample) {
			c.mu.Lock()
			c.samples[i] = append(c.samples[i], s)
			c.mu.Unlock()
		},
	}, c
}

// once checks every index got exactly one sample and counts outcomes.
func (c *collect) once(t *testing.T, n int) map[results.Outcome]int {
	t.Helper()
	counts := map[results.Outcome]int{}
	for i := range n {
		if len(c.samples[i]) != 1 {
			t.Fatalf("task %d recorded %d times", i, len(c.samples[i]))
		}
		counts[c.samples[i][0].Outcome]++
	}
	if len(c.samples) != n {
		t.Fatalf("%d tasks recorded, want %d", len(c.samples), n)
	}
	return counts
}

func TestProcessExactlyOnce(t *testing.T) {
	spec := workloads.Spec{Name: "sleep", Params: params.Values{"latency": "1ms", "dist": "uniform", "jitter": "1ms"}, Seed: 5}
	for _, tc := range []struct {
		workers, per, tasks int
		pipe                bool
	}{{1, 1, 50, false}, {2, 1, 200, false}, {8, 1, 300, false}, {2, 4, 300, false}, {8, 1, 3, false}, {1, 1, 50, true}, {2, 1, 200, true}, {8, 1, 3, true}} {
		t.Run(fmt.Sprintf("workers=%d/per=%d/tasks=%d/pipe=%v", tc.workers, tc.per, tc.tasks, tc.pipe), func(t *testing.T) {
			job, c := newJob(tc.tasks)
			st, err := (Process{Spec: spec, Workers: tc.workers, PerProcess: tc.per, Pipe: tc.pipe}).Spawn(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.once(t, tc.tasks)[results.OK]; got != tc.tasks {
				t.Errorf("%d ok of %d", got, tc.tasks)
			}
			if st.Workers != min(tc.workers, tc.tasks) || st.Startup <= 0 {
				t.Errorf("child stats %+v", st)
			}
			// A peak RSS per worker where the OS gives one, none elsewhere.
			if osproc.ChildRSS && (len(st.PeakRSS) != st.Workers || st.PeakRSS[0] < 1<<20) || !osproc.ChildRSS && st.PeakRSS != nil {
				t.Errorf("child stats %+v", st)
			}
		})
	}
}

func TestProcessHybridRunsTasksAtOnce(t *testing.T) {
	// 8 tasks of 100ms on 2 workers x 4 slots: one round, not four.
	job, c := newJob(8)
	st, err := (Process{Spec: workloads.Spec{Name: "sleep", Params: params.Values{"latency": "100ms"}}, Workers: 2, PerProcess: 4}).Spawn(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	c.once(t, 8)
	if d := st.Wall; d < 100*time.Millisecond || d > 300*time.Millisecond {
		t.Errorf("took %v after start-up; 8 slots should take about 100ms", d)
	}
}

func TestProcessCrashFailsOnlyTheTaskHeld(t *testing.T) {
	for _, tc := range []struct {
		workers, per int
		crashAt      []int
		pipe         bool
	}{{2, 1, []int{5, 17}, false}, {1, 1, []int{3}, false}, {3, 2, []int{0, 10, 20}, false}, {2, 1, []int{5, 17}, true}, {1, 1, []int{3}, true}} {
		t.Run(fmt.Sprintf("workers=%d/per=%d/crashes=%d/pipe=%v", tc.workers, tc.per, len(tc.crashAt), tc.pipe), func(t *testing.T) {
			const n = 40
			spec := workloads.Spec{Name: "cpu", Params: params.Values{"work": "1000"}, CrashAt: tc.crashAt}
			if tc.per > 1 {
				// with several tasks in flight, a crash takes the others
				// with it; a long gap keeps the crash the only one held
				spec = workloads.Spec{Name: "sleep", Params: params.Values{"durations": "1ms"}, CrashAt: tc.crashAt}
				tc.per = 1
			}
			job, c := newJob(n)
			st, err := (Process{Spec: spec, Workers: tc.workers, PerProcess: tc.per, Pipe: tc.pipe}).Spawn(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			counts := c.once(t, n)
			if counts[results.Error] != len(tc.crashAt) || counts[results.OK] != n-len(tc.crashAt) {
				t.Errorf("outcomes %v, want %d errors", counts, len(tc.crashAt))
			}
			for _, i := range tc.crashAt {
				s := c.samples[i][0]
				if s.Outcome != results.Error || workloads.Kind(s.Err) != "worker-exit" || !strings.Contains(s.Err.Error(), "signal: killed") {
					t.Errorf("task %d: %v %v", i, s.Outcome, s.Err)
				}
			}
			// A replacement whose first task is also a crash dies before
			// finishing one and, as a crash loop guard, is not replaced.
			if r := st.Restarts; r < 1 || r > len(tc.crashAt) {
				t.Errorf("%d restarts for %d crashes", r, len(tc.crashAt))
			}
		})
	}
}

// TestProcessCrashLoopFailsTheRun: a worker that crashes, then a
// replacement that crashes at its first task too, leave no worker for the
// tasks left: the run fails saying so, the two crashed tasks are errors,
// and the others never ran.
func TestProcessCrashLoopFailsTheRun(t *testing.T) {
	for _, pipe := range []bool{false, true} {
		t.Run(fmt.Sprintf("pipe=%v", pipe), func(t *testing.T) {
			job, c := newJob(10)
			spec := workloads.Spec{Name: "cpu", Params: params.Values{"work": "1"}, CrashAt: []int{0, 1}}
			_, err := Process{Spec: spec, Workers: 1, Pipe: pipe}.Spawn(context.Background(), job)
			if err == nil || !strings.Contains(err.Error(), "no worker left") || !strings.Contains(err.Error(), "worker 0 exited") {
				t.Errorf("Spawn returned %v", err)
			}
			if len(c.samples) != 2 || c.samples[0][0].Outcome != results.Error || c.samples[1][0].Outcome != results.Error {
				t.Errorf("recorded %v, want tasks 0 and 1 failed", c.samples)
			}
		})
	}
}

// children lists the live processes whose parent is this one.
func children(t *testing.T) []int {
	t.Helper()
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so cut at ')'
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(os.Getpid()) && fields[0] != "Z" {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			out = append(out, pid)
		}
	}
	return out
}

func TestProcessCancelLeavesNoChild(t *testing.T) {
	for _, tc := range []struct {
		per  int
		pipe bool
	}{{1, false}, {3, false}, {1, true}} {
		per := tc.per
		t.Run(fmt.Sprintf("per=%d/pipe=%v", per, tc.pipe), func(t *testing.T) {
			job, c := newJob(50)
			ctx, cancel := context.WithCancel(context.Background())
			var seen []int
			job.Ready = func() time.Time {
				seen = children(t)
				time.AfterFunc(200*time.Millisecond, cancel)
				return time.Now()
			}
			start := time.Now()
			err := Process{Spec: workloads.Spec{Name: "sleep", Params: params.Values{"latency": "10s"}}, Workers: 4, PerProcess: per, Pipe: tc.pipe}.Run(ctx, job)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v to stop", d)
			}
			if len(seen) != 4 {
				t.Errorf("saw %d children while running, want 4", len(seen))
			}
			if left := children(t); len(left) > 0 {
				t.Errorf("children left after cancel: %v", left)
			}
			for i, ss := range c.samples {
				if len(ss) != 1 || ss[0].Outcome != results.Canceled {
					t.Errorf("task %d: %v", i, ss)
				}
			}
		})
	}
}

func TestProcessWorkerThatCannotStart(t *testing.T) {
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"/nonexistent/worker"}, "cannot start"},
		{[]string{"sh", "-c", "echo boom >&2; exit 3"}, "boom"},
		{[]string{"sh", "-c", "exec sleep 60"}, "did not answer: " + ServeHint + " (no answer within"},
		{[]string{"sh", "-c", "printf XXXX"}, "did not answer: " + ServeHint + " (bad magic"},
		{[]string{"sh", "-c", "echo PASS"}, "did not answer: " + ServeHint},
	} {
		t.Run(tc.cmd[len(tc.cmd)-1], func(t *testing.T) {
			job, _ := newJob(10)
			start := time.Now()
			err := Process{Spec: workloads.Spec{Name: "cpu", Params: params.Values{"work": "1"}}, Workers: 2, Command: tc.cmd, StartTimeout: 300 * time.Millisecond}.Run(context.Background(), job)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line with %q", err, tc.want)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
			if left := children(t); len(left) > 0 {
				t.Errorf("children left: %v", left)
			}
		})
	}
}

func TestProcessLimit(t *testing.T) {
	if _, err := strategies.New("process", MaxWorkers()+1); err == nil {
		t.Error("accepted more workers than the limit")
	}
	if _, err := strategies.New("process", 2); err != nil {
		t.Error(err)
	}
}
