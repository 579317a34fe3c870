package harness

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// leftIn returns what the file workload left in base.
func leftIn(t *testing.T, base string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(base, "*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFileUnderEveryStrategy(t *testing.T) {
	const n, size = 120, 5000
	base := t.TempDir()
	runs := execute(t, &Plan{
		Spec:        workloads.Spec{Name: "file", Params: params.Values{"op": "rw", "size": "5000", "dir": base}},
		Strategies:  strategies.Names,
		Tasks:       []int{n},
		Concurrency: []int{4},
	})
	for _, s := range runs {
		if s.Outcomes.OK != n || s.BytesReceived != 2*n*size {
			t.Errorf("%s: outcomes %+v, %d bytes; want %d ok, %d bytes", s.Strategy, s.Outcomes, s.BytesReceived, n, 2*n*size)
		}
	}
	if left := leftIn(t, base); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestFileInterruptedRunCleansUp cancels runs once their files are being
// written, and checks that the workload's directories are gone, the
// worker processes' included.
func TestFileInterruptedRunCleansUp(t *testing.T) {
	for _, strategy := range []string{"unbounded", "pool", "process"} {
		t.Run("strategy="+strategy, func(t *testing.T) {
			base := t.TempDir()
			plan := &Plan{
				Spec:        workloads.Spec{Name: "file", Params: params.Values{"size": "64KiB", "fsync": "true", "dir": base}},
				Strategies:  []string{strategy},
				Tasks:       []int{20_000},
				Concurrency: []int{2},
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				// Cancel once a task file exists: the run is under way.
				for ctx.Err() == nil {
					if m, _ := filepath.Glob(filepath.Join(base, "*", "task-*")); len(m) > 0 {
						cancel()
						return
					}
					time.Sleep(time.Millisecond)
				}
			}()
			s, err := RunCell(ctx, plan, Cell{Strategy: strategy, Tasks: 20_000, Concurrency: 2})
			if err != nil {
				t.Fatal(err)
			}
			if !s.Partial || s.Outcomes.OK == 20_000 {
				t.Errorf("not interrupted: %+v", s.Outcomes)
			}
			if left := leftIn(t, base); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
			if _, err := os.Stat(base); err != nil {
				t.Errorf("--dir itself must stay: %v", err)
			}
		})
	}
}
