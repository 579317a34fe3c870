package concbench_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench"
)

// TestBadOptions checks that each bad option is refused before anything
// runs, with one line naming it.
func TestBadOptions(t *testing.T) {
	ran := false
	task := concbench.Define("test-never-runs", func(context.Context, int) error { ran = true; return nil })
	for _, c := range []struct {
		opts []concbench.Option
		want string
	}{
		{[]concbench.Option{concbench.Strategies()}, "concbench.Strategies: no strategy given"},
		{[]concbench.Option{concbench.Strategies("pool", "fibers")}, `concbench.Strategies: unknown strategy "fibers"`},
		{[]concbench.Option{concbench.Concurrency(4, 0)}, "concbench.Concurrency: 0 is not within"},
		{[]concbench.Option{concbench.Concurrency()}, "concbench.Concurrency: no value given"},
		{[]concbench.Option{concbench.Tasks(-1)}, "concbench.Tasks: -1 is not within"},
		{[]concbench.Option{concbench.Duration(0)}, "concbench.Duration: 0s is not within"},
		{[]concbench.Option{concbench.Rate(-5), concbench.Tasks(10)}, "concbench.Rate: -5 is not a positive"},
		{[]concbench.Option{concbench.Rate(100)}, "concbench.Rate: give Duration or Tasks"},
		{[]concbench.Option{concbench.Timeout(-time.Second)}, "concbench.Timeout: -1s is not within"},
		{[]concbench.Option{concbench.Retries(-1)}, "concbench.Retries: -1 is not within"},
		{[]concbench.Option{concbench.Backoff(time.Millisecond)}, "concbench.Backoff: applies with Retries"},
		{[]concbench.Option{concbench.Warmup(-1)}, "concbench.Warmup: -1 is not within"},
		{[]concbench.Option{concbench.Repeat(0)}, "concbench.Repeat: 0 is not within"},
		{[]concbench.Option{concbench.PerProcess(0)}, "concbench.PerProcess: 0 is not within"},
		{[]concbench.Option{concbench.Strategies("pool"), concbench.PerProcess(2)}, "concbench.PerProcess: applies to the process strategy"},
		{[]concbench.Option{{}}, "concbench: a zero Option"},
	} {
		t.Run(c.want, func(t *testing.T) {
			_, err := concbench.Run(context.Background(), task, c.opts...)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line starting %q", err, c.want)
			}
		})
	}
	if _, err := concbench.Run(context.Background(), nil); err == nil {
		t.Error("Run(nil task) did not fail")
	}
	if ran {
		t.Error("a task ran despite bad options")
	}
}

func TestDefinePanics(t *testing.T) {
	ok := func(context.Context, int) error { return nil }
	concbench.Define("test-taken", ok)
	for _, c := range []struct {
		name string
		fn   func(context.Context, int) error
		want string
	}{
		{"test-taken", ok, `Define called twice for "test-taken"`},
		{"sleep", ok, `Define called twice for "sleep" (or it names a built-in workload)`},
		{"has space", ok, `task name "has space"`},
		{"", ok, `task name ""`},
		{"test-nil", nil, "nil function"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), c.want) {
					t.Errorf("panic %v, want %q", v, c.want)
				}
			}()
			concbench.Define(c.name, c.fn)
		})
	}
}

// TestRunInWorkerPanics: a worker process whose binary did not call
// ServeWorkers must not run the benchmarks again.
func TestRunInWorkerPanics(t *testing.T) {
	for _, env := range []string{"CONCBENCH_WORKER", "CONCBENCH_TARGET"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "1")
			defer func() {
				v := recover()
				if !strings.Contains(fmt.Sprint(v), "call concbench.ServeWorkers first in TestMain or main") {
					t.Errorf("panic %v", v)
				}
			}()
			concbench.Run(context.Background(), listSleep, concbench.Strategies("sequential"), concbench.Tasks(1))
		})
	}
}
