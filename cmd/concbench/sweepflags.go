package main

import (
	"slices"
	"strings"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
	"github.com/spf13/pflag"
)

// sweepFlag is a harness flag that a comma list sweeps (--rate 100,200):
// one checks each item and holds the first, which a plan of one value
// reads as before.
type sweepFlag struct {
	one   pflag.Value
	items []string
	// list: one value is itself a list (--crash-at 3,17): the flag is
	// swept by repeating it, each occurrence one value.
	list bool
}

var _ pflag.Value = (*sweepFlag)(nil)

func (s *sweepFlag) String() string { return s.one.String() }
func (s *sweepFlag) Type() string   { return s.one.Type() }
func (s *sweepFlag) Set(v string) error {
	parts, err := splitList(v)
	if err != nil {
		return err
	}
	if s.list {
		parts = append(slices.Clone(s.items), strings.TrimSpace(v))
	}
	for _, p := range parts {
		if err := s.one.Set(p); err != nil {
			return err
		}
	}
	s.items = parts
	return s.one.Set(parts[0])
}

// sweeping reports whether the flag was given several values.
func (s *sweepFlag) sweeping() bool { return len(s.items) > 1 }

// addSweepFlag adds a harness flag that a comma list sweeps; its name must
// be one of harness.PlanSweeps.
func (f *runFlags) addSweepFlag(one pflag.Value, name, usage string) {
	f.addSweep(&sweepFlag{one: one}, name, usage+"; a comma list sweeps")
}

// addListSweepFlag adds a harness flag whose one value is a list, swept by
// repeating the flag; its name must be one of harness.PlanSweeps.
func (f *runFlags) addListSweepFlag(one pflag.Value, name, usage string) {
	f.addSweep(&sweepFlag{one: one, list: true}, name, usage+"; repeat the flag to sweep")
}

func (f *runFlags) addSweep(s *sweepFlag, name, usage string) {
	if !slices.Contains(harness.PlanSweeps(), name) {
		panic("concbench: the plan cannot sweep --" + name)
	}
	if f.sweeps == nil {
		f.sweeps = map[string]*sweepFlag{}
	}
	f.sweeps[name] = s
	f.fs.Var(s, name, usage)
}

// sweepsOf returns the plan's sweeps in the order their flags were first
// given (the first varies slowest), and sets spec's and the strategies'
// parameters of one value. wp and sp are the workload's and strategies'
// parameters given (paramFlags.values).
func (f *runFlags) sweepsOf(spec *workloads.Spec, stratParams *params.Values, wp, sp map[string][]string) []harness.Sweep {
	var out []harness.Sweep
	f.fs.Visit(func(fl *pflag.Flag) {
		name := fl.Name
		if s, ok := f.sweeps[name]; ok && s.sweeping() {
			out = append(out, harness.Sweep{Name: name, Values: slices.Clone(s.items)})
		}
		for _, m := range []struct {
			given map[string][]string
			set   func(v string)
		}{
			{wp, func(v string) { spec.Params = spec.Params.Set(name, v) }},
			{sp, func(v string) { *stratParams = stratParams.Set(name, v) }},
		} {
			vs, ok := m.given[name]
			switch {
			case !ok:
			case len(vs) == 1:
				m.set(vs[0])
			case !slices.ContainsFunc(out, func(s harness.Sweep) bool { return s.Name == name }):
				out = append(out, harness.Sweep{Name: name, Values: vs})
			}
		}
	})
	return out
}

// defaultTasks returns the task count that the workload's parameters
// imply when no --tasks is given (sleep's --durations), 0 for none. When
// the swept values imply different counts, --tasks must say.
func defaultTasks(d *workloads.Definition, spec workloads.Spec, sweeps []harness.Sweep) (int, error) {
	if d.Tasks == nil {
		return 0, nil
	}
	n := d.Tasks(spec.Params)
	for _, s := range sweeps {
		for _, v := range s.Values {
			m := d.Tasks(spec.Params.Clone().Set(s.Name, v))
			if m != n && m > 0 && n > 0 {
				return 0, usagef("--%s %s: the swept values imply different task counts (%d, %d): give --tasks", s.Name, strings.Join(s.Values, " "), n, m)
			}
			n = max(n, m)
		}
	}
	return n, nil
}
