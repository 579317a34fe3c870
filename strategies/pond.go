package strategies

import (
	"context"

	"github.com/alitto/pond/v2"
)

func init() {
	Register(Definition{
		Name:    "pond",
		Usage:   "github.com/alitto/pond/v2: a pool of at most the limit goroutines with a task queue of the limit; Go blocks while it is full",
		Bounded: true,
		Rank:    90,
		Library: "github.com/alitto/pond/v2",
		New: func(c Config) (Strategy, error) {
			return Pond{Limit: c.Concurrency}, nil
		},
	})
}

// Pond runs the tasks on a pond.Pool of at most Limit workers, one pool per
// run. Its queue holds Limit tasks and Go blocks while it is full: pond's
// default queue is unbounded, and would hold a closure for every task of a
// run not yet started (a million-task run queues them all at once), a
// memory cost that grows with the run rather than the limit. A zero or
// negative Limit means one.
type Pond struct {
	Limit int
}

var _ Strategy = Pond{}

// Name returns "pond".
func (Pond) Name() string { return "pond" }

// Slots returns the limit, capped at n.
func (p Pond) Slots(n int) int { return min(max(p.Limit, 1), n) }

// Run submits the tasks in index order, then stops the pool and waits for
// its workers. Once ctx is done it submits no more (a blocked Go returns),
// and a queued task returns at once.
func (p Pond) Run(ctx context.Context, job *Job) error {
	slots := p.Slots(job.Tasks)
	pool := pond.NewPool(slots, pond.WithQueueSize(slots), pond.WithContext(ctx))
	submitAll(ctx, job, func(task func()) {
		pool.Go(task) // an error means ctx is done: the task is left unrecorded
	})
	pool.StopAndWait()
	return ctx.Err()
}
