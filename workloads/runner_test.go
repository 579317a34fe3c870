package workloads

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
)

func init() {
	Register(Definition{
		Name:  "panic-doer",
		Usage: "test: a FuncDoer whose function panics on every third task",
		New:   func(Config) (Doer, error) { return panicDoer{}, nil },
	})
}

type panicDoer struct{}

func (panicDoer) Do(context.Context, int) (int64, error) { return 0, errors.New("Do called") }

func (panicDoer) Func() func(context.Context, int) error {
	return func(_ context.Context, i int) error {
		if i%3 == 2 {
			panic(fmt.Sprint("task ", i))
		}
		return nil
	}
}

// TestRunnerRecordsAsRunInto runs the same tasks through a Runner, on
// its short path and its other one, and through RunInto: each task's
// sample must agree in everything but its times, be recorded under the
// index given (with that index's due time) while its fate follows the
// plan's index, and fall inside the run.
func TestRunnerRecordsAsRunInto(t *testing.T) {
	const n, offset = 24, 1000
	sleep := func(d string) params.Values { return params.Values{"durations": d} }
	for _, tc := range []struct {
		name string
		spec Spec
		lean bool
	}{
		{"plain", Spec{Name: "sleep", Params: sleep("200us")}, true},
		{"injected failures", Spec{Name: "sleep", Params: sleep("100us"), FailRate: 0.5, Seed: 3}, true},
		{"a function that panics", Spec{Name: "panic-doer"}, true},
		{"a function", Spec{Name: "func-doer"}, true},
		{"retries", Spec{Name: "sleep", Params: sleep("100us"), FailRate: 0.5, Retries: 2, Seed: 3}, false},
		{"timeout", Spec{Name: "sleep", Params: sleep("1s"), Timeout: time.Millisecond}, false},
		{"panic injected", Spec{Name: "cpu", Params: params.Values{"work": "10"}, PanicAt: []int{offset + 2, offset + 5}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := mustNew(t, tc.spec)
			rec := results.NewRecorder(n, results.RecorderOptions{Kind: Kind, Keep: n})
			due := func(i int) time.Duration { return time.Duration(i) * time.Microsecond }
			t0 := time.Now()
			r := task.Runner(t0, rec, due)
			if r.lean != tc.lean {
				t.Fatalf("short path taken: %v, want %v", r.lean, tc.lean)
			}
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { r.Run(context.Background(), i, offset+i) })
			}
			wg.Wait()
			wall := time.Since(t0)
			_, got := rec.Finish(n, nil)
			for i, s := range got {
				want := task.Run(context.Background(), offset+i, time.Now())
				if s.Outcome != want.Outcome || s.Attempts != want.Attempts || s.Bytes != want.Bytes || Kind(s.Err) != Kind(want.Err) {
					t.Errorf("task %d: %v after %d attempts, %d bytes, kind %q; RunInto: %v after %d, %d bytes, kind %q",
						i, s.Outcome, s.Attempts, s.Bytes, Kind(s.Err), want.Outcome, want.Attempts, want.Bytes, Kind(want.Err))
				}
				if s.Due != due(i) {
					t.Errorf("task %d: due %v, want %v", i, s.Due, due(i))
				}
				if s.Start < 0 || s.Service < 0 || s.Start+s.Service > wall {
					t.Errorf("task %d: start %v and service %v, outside the run's %v", i, s.Start, s.Service, wall)
				}
				if exp, ok := task.Expected(offset + i); ok && s.Outcome == results.OK && s.Service < exp {
					t.Errorf("task %d: service %v, shorter than its %v", i, s.Service, exp)
				}
			}
		})
	}
}

// TestRunnerPanicsAreData checks the short path's recovery: a panicking
// function is the task's sample, and the goroutine goes on.
func TestRunnerPanicsAreData(t *testing.T) {
	task := mustNew(t, Spec{Name: "panic-doer"})
	rec := results.NewRecorder(3, results.RecorderOptions{Kind: Kind, Keep: 3})
	r := task.Runner(time.Now(), rec, nil)
	for i := range 3 {
		r.Run(context.Background(), i, i)
	}
	tally, got := rec.Finish(3, nil)
	var pe *PanicError
	if s := got[2]; s.Outcome != results.Panic || s.Attempts != 1 || !errors.As(s.Err, &pe) || pe.Value != "task 2" {
		t.Errorf("panicking task: %v after %d attempts, err %v; want a panic after 1", s.Outcome, s.Attempts, s.Err)
	}
	if tally.Outcomes.OK != 2 || tally.Outcomes.Panic != 1 {
		t.Errorf("outcomes %+v, want 2 ok and 1 panic", tally.Outcomes)
	}
}

// TestRunnerCanceled: a task whose context is done before it starts is
// recorded canceled, without an attempt, as RunInto records it.
func TestRunnerCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	task := mustNew(t, Spec{Name: "sleep", Params: params.Values{"durations": "1s"}})
	rec := results.NewRecorder(1, results.RecorderOptions{Kind: Kind, Keep: 1})
	task.Runner(time.Now(), rec, nil).Run(ctx, 0, 0)
	_, got := rec.Finish(1, nil)
	if s := got[0]; s.Outcome != results.Canceled || s.Attempts != 0 || !errors.Is(s.Err, context.Canceled) {
		t.Errorf("%v after %d attempts, err %v; want canceled after none", s.Outcome, s.Attempts, s.Err)
	}
}
