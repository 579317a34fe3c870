package strategies

import (
	"context"
	"sync"
)

func init() {
	Register(Definition{
		Name:    "pool",
		Usage:   "--concurrency long-lived goroutines draining a queue of task indices",
		Bounded: true,
		Rank:    20,
		New:     func(c Config) (Strategy, error) { return Pool{Workers: c.Concurrency}, nil },
	})
}

// Pool runs Workers long-lived goroutines that drain the job's queue of
// task indices, each taking the next index as soon as it is free. A zero
// or negative Workers means one worker.
type Pool struct {
	Workers int
}

var _ Strategy = Pool{}

// Name returns "pool".
func (Pool) Name() string { return "pool" }

// Slots returns the number of workers, capped at n.
func (p Pool) Slots(n int) int { return min(max(p.Workers, 1), n) }

// Run starts the workers and waits for them. A worker stops when the queue
// is empty or ctx is done.
func (p Pool) Run(ctx context.Context, job *Job) error {
	return drain(ctx, job, p.Slots(job.Tasks), nil)
}

// drain runs n workers that take task indices from the job's source until
// it is empty or ctx is done, calling start (if not nil) first on each
// worker's goroutine, and waits for them.
func drain(ctx context.Context, job *Job, n int, start func()) error {
	// The queue is the job's source: for a closed loop taking an index is
	// one atomic add, with no channel and no lock.
	var wg sync.WaitGroup
	for range n {
		if ctx.Err() != nil {
			break // starting a million workers takes a while: stop on Ctrl-C
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if start != nil {
				start()
			}
			for {
				i, ok := job.Next(ctx)
				if !ok {
					return
				}
				job.Exec(ctx, i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
