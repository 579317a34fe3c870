package process

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// gated is a source that hands out task 0, then blocks in Next until the
// gate closes, as a pacer does until the next arrival is due.
type gated struct {
	issued atomic.Int32
	gate   chan struct{}
}

func (g *gated) Start(time.Time)       {}
func (g *gated) Issued() int           { return int(g.issued.Load()) }
func (g *gated) Due(int) time.Duration { return 0 }
func (g *gated) Stop()                 {}
func (g *gated) Next(ctx context.Context) (int, bool) {
	if g.issued.CompareAndSwap(0, 1) {
		return 0, true
	}
	select {
	case <-g.gate:
	case <-ctx.Done():
	}
	return 0, false
}

// TestIndexSentBeforeWaiting: a task index reaches its worker before the
// parent waits for the next one, one task per worker or several: with a
// source that blocks (a pacer), an index left in the parent's buffer
// would run only once the next arrival came, and its measured start
// would hide the wait.
func TestIndexSentBeforeWaiting(t *testing.T) {
	for _, per := range []int{1, 4} {
		t.Run(fmt.Sprintf("per=%d", per), func(t *testing.T) {
			src := &gated{gate: make(chan struct{})}
			recorded := make(chan int, 1)
			job := &strategies.Job{Tasks: 10, Source: src, Record: func(i int, _ results.Sample) { recorded <- i }}
			done := make(chan error, 1)
			go func() {
				_, err := Process{Spec: workloads.Spec{Name: "sleep", Params: params.Values{"latency": "0s"}}, Workers: 1, PerProcess: per}.Spawn(context.Background(), job)
				done <- err
			}()
			select {
			case <-recorded:
			case err := <-done:
				t.Fatalf("Spawn returned %v before task 0 was answered", err)
			case <-time.After(10 * time.Second):
				t.Error("task 0 not answered within 10 s while the source waited for the next")
			}
			close(src.gate)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}
