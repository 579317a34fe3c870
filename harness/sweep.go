package harness

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// Sweep is one parameter swept besides the task counts, concurrency
// limits and strategies: the plan's cells join the cartesian product of
// every sweep's values.
type Sweep struct {
	// Name is the parameter's flag: one the workload or a strategy of the
	// plan declares, or one of the plan's own (PlanSweeps).
	Name   string
	Values []string // as typed; one cell's each
}

// planSweeps are the plan's own settings a sweep may vary, by flag name:
// each sets the plan from one value, or returns a *ValueError.
var planSweeps = map[string]func(p *Plan, v string) error{
	"rate": func(p *Plan, v string) error {
		r, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "/s"), 64)
		if err != nil || !(r > 0) {
			return &ValueError{"rate", v, "want a positive number of tasks per second, e.g. 500 or 500/s"}
		}
		p.Rate = r
		return nil
	},
	// Lists: a sweep gives one list per value (the flag repeated).
	"crash-at": func(p *Plan, v string) error {
		var at []int
		for part := range strings.SplitSeq(v, ",") {
			i, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil || i < 0 {
				return &ValueError{"crash-at", v, "want task indices (0 or more), e.g. 3,17"}
			}
			at = append(at, i)
		}
		p.Spec.CrashAt = at
		return nil
	},
	"stages": func(p *Plan, v string) error {
		st, err := strategies.ParseStages(v, MaxRate)
		if err != nil {
			return &ValueError{"stages", v, err.Error()}
		}
		p.Stages, p.Duration = st, strategies.StagesLength(st)
		return nil
	},
	"timeout": func(p *Plan, v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < 0 {
			return &ValueError{"timeout", v, "want a non-negative duration such as 50ms"}
		}
		p.Spec.Timeout = d
		return nil
	},
}

// PlanSweeps lists the plan's own settings that a sweep may vary (besides
// the workload's and the strategies' parameters), sorted.
func PlanSweeps() []string { return slices.Sorted(maps.Keys(planSweeps)) }

// Swept returns the values of the parameters the cell sweeps, by name;
// nil when the plan sweeps none.
func (c Cell) Swept() map[string]string {
	if c.Params == "" {
		return nil
	}
	out := map[string]string{}
	for kv := range strings.SplitSeq(c.Params, " ") {
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out
}

// pointOf writes swept values as Cell.Params: sorted by name, so that a
// cell's key does not depend on the order of the flags.
func pointOf(values map[string]string) string {
	parts := make([]string, 0, len(values))
	for _, k := range slices.Sorted(maps.Keys(values)) {
		parts = append(parts, k+"="+values[k])
	}
	return strings.Join(parts, " ")
}

// points returns every combination of the sweeps' values, the first sweep
// varying slowest; one empty point when there is no sweep.
func (p *Plan) points() []map[string]string {
	out := []map[string]string{{}}
	for _, s := range p.Sweeps {
		var next []map[string]string
		for _, pt := range out {
			for _, v := range s.Values {
				n := maps.Clone(pt)
				n[s.Name] = v
				next = append(next, n)
			}
		}
		out = next
	}
	return out
}

// forStrategy drops from a point the strategy parameters that strategy s
// does not declare: its cells are the same whatever their value.
func (p *Plan) forStrategy(pt map[string]string, s string) map[string]string {
	d, _ := strategies.Lookup(s)
	out := maps.Clone(pt)
	for name := range pt {
		if _, own := planSweeps[name]; own || p.workloadParam(name) {
			continue
		}
		if _, ok := params.Find(d.Params, name); !ok {
			delete(out, name)
		}
	}
	return out
}

func (p *Plan) workloadParam(name string) bool {
	d, ok := workloads.Lookup(p.Spec.Name)
	if !ok {
		return false
	}
	_, ok = params.Find(d.Params, name)
	return ok
}

// At returns the plan of one cell: its swept values set where they
// belong (the workload's parameters, the strategies', or the plan's own
// settings), and no sweep. The plan itself is not modified. A value that
// no one declares, or that its owner refuses, is a *ValueError or a
// *params.Error naming the flag.
func (p *Plan) At(c Cell) (*Plan, error) {
	q := *p
	q.Sweeps = nil
	if c.Params == "" {
		return &q, nil
	}
	q.Spec.Params = p.Spec.Params.Clone()
	q.StrategyParams = p.StrategyParams.Clone()
	for name, v := range c.Swept() {
		switch set, own := planSweeps[name]; {
		case own:
			if err := set(&q, v); err != nil {
				return nil, err
			}
		case p.workloadParam(name):
			q.Spec.Params = q.Spec.Params.Set(name, v)
		case slices.ContainsFunc(p.Strategies, func(s string) bool {
			d, _ := strategies.Lookup(s)
			_, ok := params.Find(d.Params, name)
			return ok
		}):
			q.StrategyParams = q.StrategyParams.Set(name, v)
		default:
			return nil, &ValueError{name, v, fmt.Sprintf("not a parameter of --workload %s, of the strategies run, or of the plan", p.Spec.Name)}
		}
	}
	return &q, nil
}

// validateSweeps checks every sweep and every combination of their
// values: each cell's plan must be valid on its own.
func (p *Plan) validateSweeps() error {
	seen := map[string]bool{}
	for _, s := range p.Sweeps {
		if seen[s.Name] {
			return &ValueError{s.Name, strings.Join(s.Values, ","), "swept twice"}
		}
		seen[s.Name] = true
		if len(s.Values) == 0 {
			return &ValueError{s.Name, "", "no value given"}
		}
		for _, v := range s.Values {
			if v == "" || strings.ContainsAny(v, " =") {
				return &ValueError{s.Name, v, "a swept value may not be empty or hold a space or '='"}
			}
		}
	}
	for _, pt := range p.points() {
		q, err := p.At(Cell{Params: pointOf(pt)})
		if err != nil {
			return err
		}
		if err := q.Validate(); err != nil {
			return err
		}
	}
	return nil
}
