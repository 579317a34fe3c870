package strategies_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/strategies"
)

// all returns the in-process strategies, every registered one included,
// which run Exec closures; the process strategy rebuilds tasks from a spec
// and has its own tests.
func all(t *testing.T, conc int) []strategies.Strategy {
	t.Helper()
	var out []strategies.Strategy
	for _, name := range strategies.Registered() {
		if name == "process" {
			continue
		}
		s, err := strategies.New(name, conc)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// inflight tracks how many Exec calls run at once.
type inflight struct{ now, peak atomic.Int64 }

func (f *inflight) enter() {
	n := f.now.Add(1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			return
		}
	}
}
func (f *inflight) leave() { f.now.Add(-1) }

func TestEveryIndexRunsExactlyOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		for _, conc := range []int{1, 3, 64} {
			for _, s := range all(t, conc) {
				t.Run(fmt.Sprintf("strategy=%s/tasks=%d/conc=%d", s.Name(), n, conc), func(t *testing.T) {
					counts := make([]atomic.Int32, n)
					var f inflight
					job := &strategies.Job{Tasks: n, Exec: func(ctx context.Context, i int) {
						f.enter()
						defer f.leave()
						counts[i].Add(1)
						if i%3 == 0 {
							time.Sleep(50 * time.Microsecond) // let tasks overlap
						}
					}}
					if err := s.Run(context.Background(), job); err != nil {
						t.Fatal(err)
					}
					for i := range counts {
						if c := counts[i].Load(); c != 1 {
							t.Fatalf("task %d ran %d times", i, c)
						}
					}
					if limit := int64(s.Slots(n)); n > 0 && f.peak.Load() > limit {
						t.Errorf("%d tasks ran at once, limit %d", f.peak.Load(), limit)
					}
				})
			}
		}
	}
}

// TestConcurrencyReachesLimit checks that each strategy really runs as many
// tasks at once as its slots allow: every task blocks until that many have
// started (or a deadline passes, which fails the test).
func TestConcurrencyReachesLimit(t *testing.T) {
	const n, conc = 40, 5
	for _, s := range all(t, conc) {
		t.Run("strategy="+s.Name(), func(t *testing.T) {
			want := int64(n) // unbounded: every task at once
			switch {
			case s.Name() == "sequential":
				want = 1
			case strategies.Bounded(s.Name()):
				want = conc
			}
			var f inflight
			job := &strategies.Job{Tasks: n, Exec: func(ctx context.Context, i int) {
				f.enter()
				defer f.leave()
				deadline := time.Now().Add(2 * time.Second)
				for f.peak.Load() < want && time.Now().Before(deadline) {
					time.Sleep(100 * time.Microsecond)
				}
			}}
			if err := s.Run(context.Background(), job); err != nil {
				t.Fatal(err)
			}
			if got := f.peak.Load(); got != want {
				t.Errorf("peak in flight = %d, want %d", got, want)
			}
		})
	}
}

func TestAdmissionOrder(t *testing.T) {
	// With one slot every strategy must start tasks in index order.
	for _, s := range all(t, 1) {
		if s.Name() == "unbounded" {
			continue
		}
		t.Run("strategy="+s.Name(), func(t *testing.T) {
			var mu sync.Mutex
			var order []int
			job := &strategies.Job{Tasks: 200, Exec: func(ctx context.Context, i int) {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
			}}
			if err := s.Run(context.Background(), job); err != nil {
				t.Fatal(err)
			}
			for i, got := range order {
				if got != i {
					t.Fatalf("start %d was task %d", i, got)
				}
			}
		})
	}
}

func TestCancellationStopsPromptly(t *testing.T) {
	const n = 10_000
	for _, s := range all(t, 4) {
		t.Run("strategy="+s.Name(), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var started atomic.Int64
			counts := make([]atomic.Int32, n)
			job := &strategies.Job{Tasks: n, Exec: func(ctx context.Context, i int) {
				counts[i].Add(1)
				if started.Add(1) == 1 {
					cancel() // from inside the first task, so no strategy gets far
				}
				select { // a cancellable 1s task
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}}
			begin := time.Now()
			err := s.Run(ctx, job)
			if err != context.Canceled {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
			if d := time.Since(begin); d > 500*time.Millisecond { // tasks take 1s unless canceled
				t.Errorf("Run took %v after cancellation", d)
			}
			if got := started.Load(); got >= n {
				t.Errorf("all %d tasks started despite cancellation", got)
			}
			for i := range counts {
				if c := counts[i].Load(); c > 1 {
					t.Fatalf("task %d ran %d times", i, c)
				}
			}
		})
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		conc int
	}{{"fastest", 4}, {"pool", 0}, {"semaphore", -1}, {"", 1}} {
		if _, err := strategies.New(tc.name, tc.conc); err == nil {
			t.Errorf("New(%q, %d) succeeded", tc.name, tc.conc)
		}
	}
}

func TestTakeAll(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name     string
		job      func() *strategies.Job
		ctx      context.Context
		taken    int // by Next before TakeAll
		from, to int
		ok       bool
	}{
		{"nil source", func() *strategies.Job { return &strategies.Job{Tasks: 10} }, context.Background(), 3, 3, 10, true},
		{"count", func() *strategies.Job { return &strategies.Job{Tasks: 10, Source: &strategies.Count{N: 7}} }, context.Background(), 2, 2, 7, true},
		{"count all taken", func() *strategies.Job { return &strategies.Job{Tasks: 10, Source: &strategies.Count{N: 2}} }, context.Background(), 5, 2, 2, true},
		{"until", func() *strategies.Job { return &strategies.Job{Tasks: 10, Source: strategies.NewUntil(time.Hour, 10)} }, context.Background(), 0, 0, 0, false},
		{"paced", func() *strategies.Job {
			return &strategies.Job{Tasks: 10, Source: &strategies.Paced{Rate: 1, Tasks: 10}}
		}, context.Background(), 0, 0, 0, false},
		{"canceled", func() *strategies.Job { return &strategies.Job{Tasks: 10} }, canceled, 0, 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := tc.job()
			for range tc.taken {
				j.Next(context.Background())
			}
			from, to, ok := j.TakeAll(tc.ctx)
			if from != tc.from || to != tc.to || ok != tc.ok {
				t.Errorf("TakeAll = %d, %d, %v; want %d, %d, %v", from, to, ok, tc.from, tc.to, tc.ok)
			}
			if i, more := j.Next(context.Background()); tc.ok && more {
				t.Errorf("Next gave %d after TakeAll", i)
			}
		})
	}
}
