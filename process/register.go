// Package process is the process strategy: tasks run in worker processes,
// the running binary re-executed, each rebuilding the workload by its
// registered name from the spec it is sent. Importing it registers the
// strategy as "process"; a binary that runs it calls ServeIfWorker first
// in main (or TestMain).
package process

import (
	"fmt"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// MaxPerProcess bounds --per-process: tasks one worker runs at once.
const MaxPerProcess = 1 << 16

func init() {
	strategies.Register(strategies.Definition{
		Name:           "process",
		Usage:          "--concurrency worker processes (this binary re-executed, or its lean worker), each running --per-process tasks at once",
		Bounded:        true,
		Rank:           50,
		MaxConcurrency: MaxWorkers(),
		Params: []params.Param{
			{Name: "per-process", Type: "int", Default: "1", Sweep: true, Usage: "tasks each worker process runs at once (hybrid when above 1)"},
		},
		New: newProcess,
	})
}

func newProcess(c strategies.Config) (strategies.Strategy, error) {
	if c.Concurrency > MaxWorkers() {
		return nil, fmt.Errorf("strategy process: %d worker processes is over the limit of %d (64 per core, 4 times over)", c.Concurrency, MaxWorkers())
	}
	per, err := c.Params.Int("per-process", 1, MaxPerProcess)
	if err != nil {
		return nil, err
	}
	p := Process{Workers: c.Concurrency, PerProcess: per}
	if c.Workload != nil {
		spec, ok := c.Workload.(workloads.Spec)
		if !ok {
			return nil, fmt.Errorf("strategy process: the workload is a %T, not a workloads.Spec", c.Workload)
		}
		p.Spec = spec
		p.Lean = leanFor(spec.Name)
	}
	return p, nil
}

// spec is the workload as a worker rebuilds it: its client pools hold one
// connection per task the worker runs at once.
func (p Process) spec() workloads.Spec {
	s := p.Spec
	s.Conns = p.perProcess()
	return s
}
