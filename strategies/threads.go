package strategies

import (
	"context"
	"runtime"
)

func init() {
	Register(Definition{
		Name:    "threads",
		Usage:   "W OS threads, each a goroutine locked to its thread (runtime.LockOSThread) draining the queue: threads versus goroutines",
		Bounded: true,
		Rank:    60,
		New: func(c Config) (Strategy, error) {
			return Threads{Workers: c.Concurrency}, nil
		},
	})
}

// Threads runs Workers goroutines, each locked to an OS thread of its own
// for the whole run (runtime.LockOSThread), draining the job's queue as
// Pool's workers do: the Go form of a thread pool, where a task that waits
// keeps its thread waiting too instead of handing it to other goroutines.
// A zero or negative Workers means one.
//
// The workers never unlock: a goroutine that exits while locked takes its
// thread with it, so a run ends with the threads it created gone. Unlocked,
// they would stay in the runtime's list of idle threads for the rest of the
// process, and later cells would inherit them.
type Threads struct {
	Workers int
}

var _ Strategy = Threads{}

// Name returns "threads".
func (Threads) Name() string { return "threads" }

// Slots returns the number of threads, capped at n.
func (t Threads) Slots(n int) int { return min(max(t.Workers, 1), n) }

// Run starts the threads and waits for them. A thread stops when the queue
// is empty or ctx is done; its OS thread exits with it, shortly after Run
// has returned.
func (t Threads) Run(ctx context.Context, job *Job) error {
	// Locked for good: see the type's comment.
	return drain(ctx, job, t.Slots(job.Tasks), runtime.LockOSThread)
}
