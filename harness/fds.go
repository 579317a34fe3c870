package harness

import (
	"fmt"

	"github.com/concbench/concbench/strategies"
)

// fdReserve is the file descriptors a run needs besides its connections:
// the binary, pipes, the target's listeners, results files.
const fdReserve = 64

// fdNote warns, before a network run, when the connections its cells may
// hold at once cannot fit in the open-file limit (ulimit -n): connections
// past it fail, as counted errors, and the figures would show the limit,
// not the strategy. Worker processes have a limit each and are left out.
func (p *Plan) fdNote() string {
	if networkOf(&p.Spec) == nil {
		return ""
	}
	limit, ok := openFileLimit()
	if !ok {
		return ""
	}
	conns := 0
	for _, c := range p.Cells() {
		if c.Strategy == "process" {
			continue
		}
		s, err := strategies.New(c.Strategy, max(c.Concurrency, 1))
		if err != nil {
			continue
		}
		n := c.Tasks
		if p.Duration > 0 {
			n = MaxTasks
		}
		conns = max(conns, min(s.Slots(n), maxConns))
	}
	need := conns
	if p.Target == TargetInproc && needsTarget(&p.Spec) {
		need *= 2 // the target in this process holds the other end
	}
	if uint64(need+fdReserve) <= limit {
		return ""
	}
	past := "connections past it fail as counted errors"
	if needsTarget(&p.Spec) {
		past = fmt.Sprintf("the client keeps to %d connections to the embedded target, and tasks wait for one", targetConns(p, true))
	}
	return fmt.Sprintf("warning: up to %d connections at once need about %d file descriptors, over the open-file limit of %d (ulimit -n): %s; raise the limit or lower --concurrency",
		conns, need+fdReserve, limit, past)
}

// targetConns caps the client's connections to an embedded target so that
// both ends fit in the open-file limit: past it the target cannot accept,
// and a connection left in the kernel's backlog would wait for an answer
// forever. Tasks then wait for a free connection instead (fdNote warns).
// An outside target gets no cap: a dial past the limit fails, counted.
func targetConns(p *Plan, embedded bool) int {
	limit, ok := openFileLimit()
	if !ok || !embedded {
		return maxConns
	}
	free := max(int(min(limit, uint64(maxConns)*2))-fdReserve, 2)
	if p.Target == TargetInproc {
		free /= 2 // the target in this process holds the other end
	}
	return max(free, 1)
}
