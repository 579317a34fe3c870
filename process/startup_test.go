package process

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

// TestProcessStartUpCutShortIsACancellation: workers that never answer,
// and a ctx that ends during their start-up: Run returns at once with an
// error that is ctx's, so that the harness counts the run as canceled
// (every task accounted for) rather than as a strategy that failed.
func TestProcessStartUpCutShortIsACancellation(t *testing.T) {
	job, _ := newJob(10)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Process{Spec: workloads.Spec{Name: "cpu", Params: params.Values{"work": "1"}}, Workers: 2, Command: []string{"sh", "-c", "exec sleep 60"}}.Spawn(ctx, job)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v: want one that wraps ctx's", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v after ctx ended", d)
	}
	if left := children(t); len(left) > 0 {
		t.Errorf("children left: %v", left)
	}
}
