package strategies

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/panjf2000/ants/v2"
)

func init() {
	Register(Definition{
		Name:    "ants",
		Usage:   "github.com/panjf2000/ants/v2: a pool of at most the limit goroutines, reused; Submit blocks while all are busy",
		Bounded: true,
		Rank:    80,
		Library: "github.com/panjf2000/ants/v2",
		New: func(c Config) (Strategy, error) {
			return Ants{Size: c.Concurrency}, nil
		},
	})
}

// antsReleaseTimeout bounds the wait for an ants pool's own goroutines
// (workers, purger, ticker) after the last task has finished; they exit
// within a tick of Release, so reaching it means a bug in the library.
const antsReleaseTimeout = 10 * time.Second

// Ants runs the tasks on an ants.Pool of Size workers, one pool per run,
// with the library's defaults (blocking Submit, idle workers purged after
// a second). A zero or negative Size means one.
type Ants struct {
	Size int
}

var _ Strategy = Ants{}

// Name returns "ants".
func (Ants) Name() string { return "ants" }

// Slots returns the pool size, capped at n.
func (a Ants) Slots(n int) int { return min(max(a.Size, 1), n) }

// Run submits the tasks in index order, waits for them, then releases the
// pool and waits for its goroutines to exit. Once ctx is done it submits
// no more, and a submitted task that has not started returns at once. It
// returns an error if the pool cannot be made or its goroutines outlive
// the release by antsReleaseTimeout.
func (a Ants) Run(ctx context.Context, job *Job) error {
	pool, err := ants.NewPool(a.Slots(job.Tasks))
	if err != nil {
		return fmt.Errorf("strategy ants: %w", err)
	}
	var wg sync.WaitGroup
	var submitErr error
	submitAll(ctx, job, func(task func()) {
		if submitErr != nil {
			return
		}
		wg.Add(1)
		if err := pool.Submit(func() { defer wg.Done(); task() }); err != nil {
			wg.Done()
			submitErr = fmt.Errorf("strategy ants: %w", err)
		}
	})
	wg.Wait()
	if err := pool.ReleaseTimeout(antsReleaseTimeout); err != nil && submitErr == nil {
		submitErr = fmt.Errorf("strategy ants: releasing the pool: %w", err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return submitErr
}
