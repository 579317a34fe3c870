package main

import (
	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/strategies"
	"github.com/spf13/pflag"
)

// stagesFlag is --stages: a ramp of the open-loop arrival rate, as k6's
// stages ("30s:100/s,1m:1000/s,30s:0/s"), starting from --rate (default 0).
type stagesFlag struct{ v []strategies.Stage }

var _ pflag.Value = (*stagesFlag)(nil)

func (s *stagesFlag) String() string { return strategies.FormatStages(s.v) }
func (s *stagesFlag) Type() string   { return "stages" }
func (s *stagesFlag) Set(text string) error {
	v, err := strategies.ParseStages(text, harness.MaxRate)
	if err != nil {
		return err
	}
	s.v = v
	return nil
}

const stagesUsage = "open loop: ramp the arrival rate in straight lines, from --rate (default 0) through DURATION:RATE stages, e.g. 30s:100/s,1m:1000/s,30s:0/s; the run lasts as long as the stages"

// applyStages puts --stages into the plan: the run lasts the stages'
// length, so --duration and --tasks are refused with it.
func applyStages(f *runFlags, p *harness.Plan, set func(string) bool) error {
	if !set("stages") {
		return nil
	}
	for _, name := range []string{"duration", "tasks"} {
		if set(name) {
			return usagef("--stages sets the run's length (%s): give no --%s with it", strategies.StagesLength(f.stages.v), name)
		}
	}
	p.Stages = f.stages.v
	p.Duration = strategies.StagesLength(f.stages.v)
	return nil
}
