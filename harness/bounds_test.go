package harness

import (
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

// TestBoundsRefusedByValidate: every count, size and rate past its bound
// is refused by Plan.Validate, naming the flag, so that the Go API is
// bounded as the CLI is.
func TestBoundsRefusedByValidate(t *testing.T) {
	sleep := workloads.Spec{Name: "sleep", Params: params.Values{"durations": "1ms"}}
	base := func(f func(p *Plan)) *Plan {
		p := &Plan{Spec: sleep, Strategies: []string{"pool"}, Tasks: []int{10}, Concurrency: []int{2}}
		f(p)
		return p
	}
	for _, tc := range []struct {
		name string
		plan *Plan
		flag string // "" for a plan within bounds
	}{
		{"tasks at the bound", base(func(p *Plan) { p.Tasks = []int{MaxTasks} }), ""},
		{"tasks 1e12", base(func(p *Plan) { p.Tasks = []int{1e12} }), "tasks"},
		{"tasks MaxInt", base(func(p *Plan) { p.Tasks = []int{1<<63 - 1} }), "tasks"},
		{"concurrency 1e8", base(func(p *Plan) { p.Concurrency = []int{1e8}; p.Duration = 2 * time.Second }), "concurrency"},
		{"per-process 1e7", base(func(p *Plan) { p.Strategies = []string{"process"}; p.PerProcess = 1e7 }), "per-process"},
		{"workers × per-process", base(func(p *Plan) { p.Strategies = []string{"process"}; p.PerProcess = 1 << 16; p.Concurrency = []int{32} }), "per-process"},
		{"repeat", base(func(p *Plan) { p.Repeat = MaxRepeat + 1 }), "repeat"},
		{"warmup", base(func(p *Plan) { p.Warmup = MaxRepeat + 1 }), "warmup"},
		{"duration", base(func(p *Plan) { p.Duration = MaxSpan + time.Second }), "duration"},
		{"rate 1e-300", base(func(p *Plan) { p.Rate = 1e-300 }), "rate"},
		{"rate 1e300", base(func(p *Plan) { p.Rate = 1e300 }), "rate"},
		{"rate too slow for the tasks", base(func(p *Plan) { p.Rate = 0.01; p.Tasks = []int{10_000} }), "rate"},
		{"interval 1ns", base(func(p *Plan) { p.Rate = 100; p.Duration = 10 * time.Second; p.Interval = 1 }), "interval"},
		{"interval too many steps", base(func(p *Plan) { p.Rate = 100; p.Duration = 24 * time.Hour; p.Interval = ms }), "interval"},
		{"interval within", base(func(p *Plan) { p.Rate = 100; p.Duration = time.Hour; p.Interval = time.Second }), ""},
		{"max-queue", base(func(p *Plan) { p.Rate = 100; p.MaxQueue = MaxTasks + 1 }), "max-queue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.plan.Validate()
			switch {
			case tc.flag == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.flag != "" && (err == nil || !strings.HasPrefix(err.Error(), "--"+tc.flag+" ") || strings.Contains(err.Error(), "\n")):
				t.Errorf("error %v: want one line naming --%s", err, tc.flag)
			}
		})
	}
}
