package workloads

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
)

// funcCalls counts the calls of the "func-doer" workload's function.
var funcCalls atomic.Int32

func init() {
	Register(Definition{
		Name:  "func-doer",
		Usage: "test: a FuncDoer whose Do fails, so that only a call of its function succeeds",
		New:   func(Config) (Doer, error) { return funcDoer{}, nil },
	})
}

type funcDoer struct{}

func (funcDoer) Do(context.Context, int) (int64, error) { return 0, errors.New("Do called") }

func (funcDoer) Func() func(context.Context, int) error {
	return func(ctx context.Context, i int) error {
		funcCalls.Add(1)
		if i == 1 {
			<-ctx.Done() // runs into the timeout
			return ctx.Err()
		}
		return nil
	}
}

// TestFuncDoerCalledDirectly checks that a Task calls a FuncDoer's
// function, not its Do, with the wrappers applied as to any workload: with
// and without a per-attempt timeout, which a task that outlasts it meets.
func TestFuncDoerCalledDirectly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		task    int
		outcome results.Outcome
	}{
		{"plain", 0, 0, results.OK},
		{"under a timeout", time.Hour, 0, results.OK},
		{"timed out", time.Millisecond, 1, results.Timeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			funcCalls.Store(0)
			task := mustNew(t, Spec{Name: "func-doer", Timeout: tc.timeout})
			s := task.Run(context.Background(), tc.task, time.Now())
			if s.Outcome != tc.outcome || s.Attempts != 1 || funcCalls.Load() != 1 {
				t.Errorf("%v after %d attempts (err %v), function called %d times; want %v after 1, called once", s.Outcome, s.Attempts, s.Err, funcCalls.Load(), tc.outcome)
			}
		})
	}
}
