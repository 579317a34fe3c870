package harness

import (
	"context"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"

	"github.com/concbench/concbench/workloads"
)

// firstStack is the stack new goroutines started with as the first task
// of the "start-stack" workload ran.
var firstStack atomic.Uint64

func init() {
	workloads.Register(workloads.Definition{
		Name:  "start-stack",
		Usage: "test: task 0 notes the stack new goroutines start with",
		New: func(workloads.Config) (workloads.Doer, error) {
			return workloads.DoerFunc(func(_ context.Context, i int) (int64, error) {
				if i == 0 {
					firstStack.Store(startingStack())
				}
				return 0, nil
			}), nil
		},
	})
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
	plan := &Plan{Spec: workloads.Spec{Name: "start-stack"}, Strategies: []string{"unbounded"}, Tasks: []int{1}, Concurrency: []int{1}}
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
