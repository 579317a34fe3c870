package process

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/concbench/concbench/internal/worker"
)

// A lean worker is a binary built from the same source as the parent that
// links the worker (internal/worker) and fewer other packages (no
// strategies, no charts, no HTTP engines), so that it starts in a fraction
// of the time: Go runs every linked package's initialisation before main,
// and a binary that links the net package with cgo is also linked
// dynamically. concbench's is cmd/concbench-worker. A lean worker refuses
// a parent of another build, and a workload it does not link.

// lean is what UseLean set: the lean worker of the strategies built from
// the registry.
var lean atomic.Pointer[leanWorker]

type leanWorker struct {
	argv   []string
	serves func(workload string) bool
}

// UseLean makes the process strategies built from the registry (as
// concbench run builds them) start their workers from argv, a lean worker
// binary, for the workloads serves accepts (every one if serves is nil),
// and from this executable for the others or where the lean worker
// refuses. A nil argv stops it. A main calls it before anything runs
// (concbench's when cmd/concbench-worker sits beside it). Safe for
// concurrent use.
func UseLean(argv []string, serves func(workload string) bool) {
	if len(argv) == 0 {
		lean.Store(nil)
		return
	}
	worker.Build() // read once here, not while a run starts its workers
	lean.Store(&leanWorker{argv: append([]string(nil), argv...), serves: serves})
}

// leanFor returns the lean worker UseLean set for workload name, or nil.
func leanFor(name string) []string {
	l := lean.Load()
	if l == nil || l.serves != nil && !l.serves(name) {
		return nil
	}
	return l.argv
}

// refused remembers the lean workers that refused a workload (key:
// leanKey), so that later runs start from Command at once.
var refused sync.Map

func leanKey(argv []string, workload string) string {
	return strings.Join(append(append([]string(nil), argv...), workload), "\x00")
}

// startAll starts every worker at once, from the lean worker if p has one
// that has not refused this workload, and otherwise (or if that fails)
// from Command. It returns the Process they started from, which starts
// their replacements too, and the procs that started beside the errors
// of those that did not.
func (p Process) startAll(ctx context.Context, n int, stats *ChildStats) (Process, []*proc, []error) {
	if len(p.Lean) > 0 {
		key := leanKey(p.Lean, p.Spec.Name)
		if _, no := refused.Load(key); !no {
			l := p
			l.Command, l.lean = p.Lean, true
			procs, errs := l.startEach(ctx, n)
			err := firstOf(errs)
			if err == nil || ctx.Err() != nil {
				return l, procs, errs
			}
			// A lean worker that cannot serve costs its start, once: the
			// workers start again from Command. Those that did start (if
			// one failed alone) ran no task: their CPU counts, not their
			// memory.
			var lost ChildStats
			killAll(procs, &lost)
			stats.UserCPU += lost.UserCPU
			stats.SysCPU += lost.SysCPU
			if errors.Is(err, worker.ErrRefused) {
				refused.Store(key, true)
			}
		}
	}
	procs, errs := p.startEach(ctx, n)
	return p, procs, errs
}

// startEach starts n workers at once and waits for them all.
func (p Process) startEach(ctx context.Context, n int) ([]*proc, []error) {
	procs := make([]*proc, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for id := range procs {
		wg.Go(func() { procs[id], errs[id] = p.start(ctx, id) })
	}
	wg.Wait()
	return procs, errs
}

// killAll kills and reaps the workers that started, adding what they cost
// to stats.
func killAll(procs []*proc, stats *ChildStats) {
	var mu sync.Mutex
	for _, w := range procs {
		if w != nil {
			w.kill()
			w.wait(&mu, stats)
		}
	}
}
