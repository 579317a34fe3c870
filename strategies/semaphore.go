package strategies

import (
	"context"
	"sync"
)

func init() {
	Register(Definition{
		Name:    "semaphore",
		Usage:   "a goroutine per task, at most --concurrency running at once (FIFO admission)",
		Bounded: true,
		Rank:    30,
		New:     func(c Config) (Strategy, error) { return Semaphore{Limit: c.Concurrency}, nil },
	})
}

// Semaphore starts one goroutine per task but lets at most Limit run at
// once: a due task waits for a free slot, in index order (FIFO admission),
// and its goroutine starts when it gets one, as with
// golang.org/x/sync/semaphore or errgroup's SetLimit. A zero or negative
// Limit means one.
type Semaphore struct {
	Limit int
}

var _ Strategy = Semaphore{}

// Name returns "semaphore".
func (Semaphore) Name() string { return "semaphore" }

// Slots returns the limit, capped at n.
func (s Semaphore) Slots(n int) int { return min(max(s.Limit, 1), n) }

// Run admits the tasks in order as slots free and waits for the admitted
// ones. Once ctx is done it admits no more.
func (s Semaphore) Run(ctx context.Context, job *Job) error {
	slots := make(chan struct{}, s.Slots(job.Tasks))
	var wg sync.WaitGroup
	for {
		i, ok := job.Next(ctx)
		if !ok {
			break
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		// Checked after the select too: when both cases are ready, select
		// picks at random, and a canceled run must not start a task.
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			job.Exec(ctx, i) // never panics: no defer, a smaller frame under the task
			<-slots
			wg.Done()
		}()
	}
	wg.Wait()
	return ctx.Err()
}
