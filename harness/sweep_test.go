package harness

import (
	"errors"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// TestSweepCells: the cells join the cartesian product of every sweep with
// tasks, concurrency and strategies; each cell's plan carries its values
// where they belong; a strategy parameter multiplies only the cells of
// the strategies that declare it.
func TestSweepCells(t *testing.T) {
	sleep := workloads.Spec{Name: "sleep"}
	for _, tc := range []struct {
		name   string
		plan   Plan
		cells  int
		check  func(t *testing.T, c Cell, q *Plan)
		params []string // the first cells' Params, in run order
	}{
		{
			name:  "rate x latency",
			plan:  Plan{Spec: sleep, Strategies: []string{"pool"}, Tasks: []int{10}, Concurrency: []int{50}, Sweeps: []Sweep{{"rate", []string{"100", "200", "400"}}, {"latency", []string{"5ms", "20ms"}}}},
			cells: 6,
			check: func(t *testing.T, c Cell, q *Plan) {
				want := map[string]float64{"100": 100, "200": 200, "400": 400}[c.Swept()["rate"]]
				if q.Rate != want || q.Spec.Params["latency"] != c.Swept()["latency"] {
					t.Errorf("%+v: rate %v latency %q", c, q.Rate, q.Spec.Params["latency"])
				}
			},
			params: []string{"latency=5ms rate=100", "latency=20ms rate=100", "latency=5ms rate=200"},
		},
		{
			name:  "timeout, with tasks and concurrency",
			plan:  Plan{Spec: sleep, Strategies: []string{"sequential", "pool"}, Tasks: []int{10, 20}, Concurrency: []int{2, 4}, Sweeps: []Sweep{{"timeout", []string{"5ms", "1s"}}}},
			cells: 2 * 2 * (1 + 2),
			check: func(t *testing.T, c Cell, q *Plan) {
				if want, _ := time.ParseDuration(c.Swept()["timeout"]); q.Spec.Timeout != want {
					t.Errorf("%+v: timeout %v", c, q.Spec.Timeout)
				}
			},
		},
		{
			name:  "per-process applies to process only",
			plan:  Plan{Spec: sleep, Strategies: []string{"pool", "process"}, Tasks: []int{10}, Concurrency: []int{2}, Sweeps: []Sweep{{"per-process", []string{"1", "2", "4"}}}},
			cells: 1 + 3,
			check: func(t *testing.T, c Cell, q *Plan) {
				if (c.Strategy == "pool") != (c.Params == "") || c.Params != "" && q.StrategyParams["per-process"] != c.Swept()["per-process"] {
					t.Errorf("%+v: strategy params %v", c, q.StrategyParams)
				}
			},
		},
		{
			name:  "durations, a list each",
			plan:  Plan{Spec: sleep, Strategies: []string{"sequential"}, Tasks: []int{2}, Concurrency: []int{1}, Sweeps: []Sweep{{"durations", []string{"1ms,2ms", "3ms,4ms"}}}},
			cells: 2,
			check: func(t *testing.T, c Cell, q *Plan) {
				task, err := workloads.New(q.Spec)
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]time.Duration{"1ms,2ms": 3 * time.Millisecond, "3ms,4ms": 7 * time.Millisecond}[c.Swept()["durations"]]
				if got := task.ExpectedAll(2); got[0]+got[1] != want {
					t.Errorf("%+v: durations %v", c, got)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.plan.Validate(); err != nil {
				t.Fatal(err)
			}
			cells := tc.plan.Cells()
			if len(cells) != tc.cells {
				t.Fatalf("%d cells, want %d: %+v", len(cells), tc.cells, cells)
			}
			for i, want := range tc.params {
				if cells[i].Params != want {
					t.Errorf("cell %d: %q, want %q", i, cells[i].Params, want)
				}
			}
			seen := map[Cell]bool{}
			for _, c := range cells {
				if seen[c] {
					t.Errorf("cell %+v twice", c)
				}
				seen[c] = true
				q, err := tc.plan.At(c)
				if err != nil {
					t.Fatal(err)
				}
				if len(q.Sweeps) != 0 {
					t.Errorf("a cell's plan sweeps %v", q.Sweeps)
				}
				tc.check(t, c, q)
			}
			if len(tc.plan.Spec.Params) != 0 || len(tc.plan.StrategyParams) != 0 {
				t.Errorf("At modified the plan: %v %v", tc.plan.Spec.Params, tc.plan.StrategyParams)
			}
		})
	}
}

// TestSweepValidate: every swept value is checked before anything runs,
// by whoever owns the parameter, and the error names the flag.
func TestSweepValidate(t *testing.T) {
	for _, tc := range []struct {
		spec   workloads.Spec
		strats []string
		sweep  Sweep
		flag   string
	}{
		{workloads.Spec{Name: "sleep"}, []string{"pool"}, Sweep{"latency", []string{"5ms", "xx"}}, "latency"},
		{workloads.Spec{Name: "cpu"}, []string{"pool"}, Sweep{"work", []string{"10", "0"}}, "work"},
		{workloads.Spec{Name: "sleep"}, []string{"pool"}, Sweep{"rate", []string{"100", "-1"}}, "rate"},
		{workloads.Spec{Name: "sleep"}, []string{"pool"}, Sweep{"timeout", []string{"1s", "1y"}}, "timeout"},
		{workloads.Spec{Name: "sleep"}, []string{"process"}, Sweep{"per-process", []string{"1", "0"}}, "per-process"},
		{workloads.Spec{Name: "cpu"}, []string{"pool"}, Sweep{"latency", []string{"1ms", "2ms"}}, "latency"},
		{workloads.Spec{Name: "sleep", Params: params.Values{"durations": "1ms"}}, []string{"pool"}, Sweep{"latency", []string{"1ms", "2ms"}}, "latency"},
	} {
		p := Plan{Spec: tc.spec, Strategies: tc.strats, Tasks: []int{10}, Concurrency: []int{2}, Sweeps: []Sweep{tc.sweep}}
		err := p.Validate()
		var ve *ValueError
		var pe *params.Error
		switch {
		case errors.As(err, &ve) && ve.Flag == tc.flag, errors.As(err, &pe) && pe.Param == tc.flag:
		default:
			t.Errorf("%s %v: got %v, want an error naming --%s", tc.spec.Name, tc.sweep, err, tc.flag)
		}
	}
}

// TestCellOfSweptSummary: a summary's swept values give back its cell,
// whatever the order of the flags that swept them.
func TestCellOfSweptSummary(t *testing.T) {
	p := Plan{Spec: workloads.Spec{Name: "sleep"}, Strategies: []string{"pool"}, Tasks: []int{10}, Concurrency: []int{2},
		Sweeps: []Sweep{{"latency", []string{"1ms", "2ms"}}, {"rate", []string{"100", "200"}}}}
	q := p
	q.Sweeps = []Sweep{p.Sweeps[1], p.Sweeps[0]}
	for _, c := range p.Cells() {
		s := results.Summary{Strategy: c.Strategy, Tasks: c.Tasks, Concurrency: c.Concurrency, Swept: c.Swept()}
		if got := CellOf(&s); got != c {
			t.Errorf("CellOf gives %+v, want %+v", got, c)
		}
	}
	if a, b := p.Cells(), q.Cells(); a[1].Params != "latency=1ms rate=200" || b[1].Params != "latency=2ms rate=100" {
		t.Errorf("the first sweep should vary slowest: %v, and %v", a, b)
	}
}
