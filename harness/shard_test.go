package harness

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// ran counts the runs of each task index of the "index-probe" workload.
var ran [10_000]atomic.Int32

func init() {
	workloads.Register(workloads.Definition{
		Name:  "index-probe",
		Usage: "test: counts the runs of each task index",
		New: func(workloads.Config) (workloads.Doer, error) {
			return workloads.DoerFunc(func(_ context.Context, i int) (int64, error) {
				ran[i].Add(1)
				return 0, nil
			}), nil
		},
	})
}

// TestShardsRunEveryIndexOnce runs a closed-loop plan of 10,000 tasks as
// 3 shards, under each kind of strategy: every index runs exactly once
// across them, the shards' task counts add up to the plan's, and a
// bounded strategy's slots are the concurrency split 4, 3, 3.
func TestShardsRunEveryIndexOnce(t *testing.T) {
	for _, tc := range []struct {
		strategy string
		slots    []int // per shard
	}{
		{"pool", []int{4, 3, 3}},
		{"semaphore", []int{4, 3, 3}},
		{"sequential", []int{1, 1, 1}},
		{"unbounded", []int{3334, 3333, 3333}},
	} {
		t.Run(tc.strategy, func(t *testing.T) {
			for i := range ran {
				ran[i].Store(0)
			}
			tasks := 0
			var hash string
			for i := range 3 {
				plan := &Plan{Spec: workloads.Spec{Name: "index-probe"}, Strategies: []string{tc.strategy},
					Tasks: []int{len(ran)}, Concurrency: []int{10}, Shard: strategies.Shard{Index: i, Count: 3}}
				if i == 0 {
					hash = plan.Hash()
				} else if h := plan.Hash(); h != hash {
					t.Fatalf("shard %d's plan hash %s differs from shard 0's %s", i, h, hash)
				}
				runs, err := Execute(context.Background(), plan, nil)
				if err != nil || len(runs) != 1 {
					t.Fatalf("shard %d: %d runs, %v", i, len(runs), err)
				}
				s := runs[0]
				tasks += s.Tasks
				if s.Slots != tc.slots[i] || s.Shard == nil || s.Shard.Index != i || s.Shard.CellTasks != len(ran) {
					t.Errorf("shard %d: slots %d (want %d), shard %+v", i, s.Slots, tc.slots[i], s.Shard)
				}
				if s.Speedup != nil || s.IdealSeconds != nil || s.Efficiency != nil {
					t.Errorf("shard %d: speedup, ideal or efficiency given for a part of a plan", i)
				}
			}
			if tasks != len(ran) {
				t.Errorf("the shards ran %d tasks, want %d", tasks, len(ran))
			}
			for i := range ran {
				if n := ran[i].Load(); n != 1 {
					t.Fatalf("task %d ran %d times", i, n)
				}
			}
		})
	}
}

// TestPlanHash checks what the plan hash covers: not the shard, but any
// change to what is measured.
func TestPlanHash(t *testing.T) {
	base := func() *Plan {
		return &Plan{Spec: workloads.Spec{Name: "sleep", Seed: 1}, Strategies: []string{"pool"}, Tasks: []int{100}, Concurrency: []int{10}}
	}
	h := base().Hash()
	for _, tc := range []struct {
		name string
		edit func(*Plan)
		same bool
	}{
		{"shard", func(p *Plan) { p.Shard = strategies.Shard{Index: 2, Count: 3} }, true},
		{"seed", func(p *Plan) { p.Spec.Seed = 2 }, false},
		{"tasks", func(p *Plan) { p.Tasks = []int{101} }, false},
		{"rate", func(p *Plan) { p.Rate = 5 }, false},
		{"concurrency", func(p *Plan) { p.Concurrency = []int{10, 20} }, false},
	} {
		p := base()
		tc.edit(p)
		if got := p.Hash() == h; got != tc.same {
			t.Errorf("%s: same hash %v, want %v", tc.name, got, tc.same)
		}
	}
}
