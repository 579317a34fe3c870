package harness

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// moved counts the tasks of the "stack-probe" workload whose goroutine's
// stack was copied to a bigger one while they slept.
var moved atomic.Int64

// firstStack is the stack new goroutines started with as task 0 of the
// "stack-probe" workload ended.
var firstStack atomic.Uint64

func init() {
	workloads.Register(workloads.Definition{
		Name:   "stack-probe",
		Usage:  "test: sleeps 1ms under --depth calls of its own, counting stack moves",
		Params: []params.Param{{Name: "depth", Type: "int", Default: "0", Usage: "calls between the task and its sleep"}},
		New: func(c workloads.Config) (workloads.Doer, error) {
			depth, err := c.Params.Int("depth", 0, 1000)
			if err != nil {
				return nil, err
			}
			// The function a Define'd task would be, reporting whether
			// its goroutine's stack moved while it slept: the runtime
			// adjusts a pointer to a local when it copies the stack, not
			// the address read from it before. The sleep is the first on
			// its goroutine, which allocates the goroutine's timer: the
			// allocator's frames come on top, as for every task of the
			// sleep workload.
			return workloads.DoerFunc(func(_ context.Context, i int) (int64, error) {
				var top byte
				p := &top
				before := uintptr(unsafe.Pointer(p))
				if depth == 0 {
					time.Sleep(time.Millisecond)
				} else {
					nest(depth, time.Millisecond)
				}
				if uintptr(unsafe.Pointer(p)) != before {
					moved.Add(1)
				}
				if i == 0 { // after the check: reading it takes frames of its own
					firstStack.Store(startingStack())
				}
				return 0, nil
			}), nil
		},
	})
}

// nest sleeps for d under depth calls of its own.
//
//go:noinline
func nest(depth int, d time.Duration) {
	if depth <= 1 {
		time.Sleep(d)
		return
	}
	nest(depth-1, d)
}

// TestTaskFitsItsFirstStack checks that the frames between a task's
// goroutine and its workload (the strategy's, the harness's and the
// Task's wrappers) leave the workload room in the 2 KiB stack a goroutine
// starts with: a function that sleeps, as a Define'd task would, runs
// without the runtime copying its goroutine's stack to a bigger one (a
// microsecond a task, more than the rest of what the harness does for
// it), even when the timer of its first sleep takes the allocator's
// deepest common path (fetching a new span). A task that sleeps under
// 200 calls (over 4 KiB of frames) must grow its stack: that shows the
// check sees a move.
func TestTaskFitsItsFirstStack(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation makes every frame bigger")
	}
	const n = 200
	// A collection started or assisted on a task's goroutine, or a sampled
	// allocation recorded for the heap profile, takes frames of its own,
	// as on any goroutine that allocates: neither happens while the tasks
	// run.
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
	runtime.MemProfileRate = 0
	for _, strategy := range []string{"unbounded", "semaphore"} { // a goroutine per task
		for _, tc := range []struct {
			depth string
			moved int64
		}{
			{"0", 0},
			{"200", n},
		} {
			t.Run(strategy+"/depth="+tc.depth, func(t *testing.T) {
				task := mustTask(t, workloads.Spec{Name: "stack-probe", Params: params.Values{"depth": tc.depth}})
				strat, err := strategies.New(strategy, 50)
				if err != nil {
					t.Fatal(err)
				}
				moved.Store(0)
				r, err := Once(context.Background(), task, strat, n)
				if err != nil {
					t.Fatal(err)
				}
				if r.Tally.Outcomes.OK != n {
					t.Fatalf("%d of %d tasks ok", r.Tally.Outcomes.OK, n)
				}
				if got := moved.Load(); got != tc.moved {
					t.Errorf("%d of %d task goroutines grew their stack, want %d", got, n, tc.moved)
				}
			})
		}
	}
}

// startingStack reads the runtime's starting stack size for new
// goroutines, which each collection sets from the average stack it
// scanned.
func startingStack() uint64 {
	s := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestRunKeepsTheStartingStack checks that the harness's frames, on the
// stack of the goroutine that waits for a run, do not raise the stack
// the run's task goroutines start with. The probe collects as the run
// starts, and the runtime sets the starting stack from the average stack
// that collection scans: in a test binary, where that goroutine is most
// of what is scanned, the harness's frames (7.6 KiB of them before
// 2026-12-02) made every task goroutine start on 4 KiB instead of the
// 2 KiB a bare program's get, which doubled the page faults of spawning
// them. The check runs in a child process of this binary, so that the
// goroutines scanned are the same on every run of the test: a collection
// forced from the test's goroutine is what a bare program at the same
// depth gets, and a run through RunCell (as concbench.Benchmark makes
// them) or Execute (concbench.Run, the CLI) must start its tasks on no
// more.
func TestRunKeepsTheStartingStack(t *testing.T) {
	if os.Getenv("CONCBENCH_TEST_START_STACK") == "" {
		if raceEnabled {
			t.Skip("the race detector doubles the runtime's stack guard: every goroutine starts on more than its minimum")
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestRunKeepsTheStartingStack$", "-test.v")
		cmd.Env = append(os.Environ(), "CONCBENCH_TEST_START_STACK=1")
		out, err := cmd.CombinedOutput()
		t.Logf("child:\n%s", out)
		if err != nil {
			t.Fatalf("child: %v", err)
		}
		return
	}
	plan := &Plan{Spec: workloads.Spec{Name: "stack-probe"}, Strategies: []string{"unbounded"}, Tasks: []int{1}, Concurrency: []int{1}}
	for _, tc := range []struct {
		name string
		run  func() error
	}{
		{"RunCell", func() error {
			_, err := RunCell(context.Background(), plan, Cell{Strategy: "unbounded", Tasks: 1})
			return err
		}},
		{"Execute", func() error {
			_, err := Execute(context.Background(), plan, nil)
			return err
		}},
	} {
		debug.FreeOSMemory()
		bare := startingStack()
		firstStack.Store(0)
		if err := tc.run(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := firstStack.Load(); got == 0 || got > bare {
			t.Errorf("%s: tasks started on %d-byte stacks; a collection from the caller gives %d", tc.name, got, bare)
		} else {
			t.Logf("%s: tasks started on %d-byte stacks, as a collection from the caller gives", tc.name, got)
		}
	}
}
