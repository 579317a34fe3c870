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
		conns = max(conns, p.connsOf(c))
	}
	need := p.fdsFor(conns)
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

// connsOf is the most connections a cell's client may open in this
// process: none for worker processes, which have clients (and limits)
// of their own.
func (p *Plan) connsOf(c Cell) int {
	if c.Strategy == "process" {
		return 0
	}
	s, err := strategies.New(c.Strategy, max(c.Concurrency, 1))
	if err != nil {
		return 0
	}
	n := c.Tasks
	if p.Duration > 0 {
		n = MaxTasks
	}
	return min(s.Slots(n), maxConns)
}

// fdsFor is the file descriptors conns connections take in this process.
func (p *Plan) fdsFor(conns int) int {
	if p.Target == TargetInproc && needsTarget(&p.Spec) {
		return 2 * conns // the target in this process holds the other end
	}
	return conns
}

// Interleaved reports whether Execute runs the plan's repetitions in
// rounds across its cells: with Repeat over 1, unless NoInterleave is
// set or the plan is a shard's part (the shards of a plan keep one
// schedule, each cell's repetitions in turn, which merge pairs). A
// network plan keeps each cell's client, and its warm connections, open
// from its first round to its last; when those of all its cells at once
// would not fit in the open-file limit, it runs cell by cell and says so.
func (p *Plan) Interleaved() (bool, string) {
	if p.Repeat <= 1 || p.NoInterleave || p.Shard.Sharded() {
		return false, ""
	}
	if networkOf(&p.Spec) == nil {
		return true, ""
	}
	limit, ok := openFileLimit()
	if !ok {
		return true, ""
	}
	conns := 0
	for _, c := range p.Cells() {
		conns += p.connsOf(c)
	}
	if need := p.fdsFor(conns) + fdReserve; uint64(need) > limit {
		return false, fmt.Sprintf("repetitions run cell by cell, not interleaved: the cells' connections held open across rounds would need about %d file descriptors, over the open-file limit of %d (ulimit -n)", need, limit)
	}
	return true, ""
}
