package strategies

import (
	"context"
	"sync"
)

func init() {
	Register(Definition{
		Name:  "unbounded",
		Usage: "a goroutine per task as soon as it is due, as asyncio.gather (ignores --concurrency)",
		Rank:  10,
		New:   func(Config) (Strategy, error) { return Unbounded{}, nil },
	})
}

// Unbounded starts one goroutine per task as soon as it is due: the Go
// form of asyncio.gather. The zero value is ready to use.
type Unbounded struct{}

var _ Strategy = Unbounded{}

// Name returns "unbounded".
func (Unbounded) Name() string { return "unbounded" }

// Slots returns n: every task may run at once.
func (Unbounded) Slots(n int) int { return n }

// Run starts a goroutine for each task and waits for all of them. Once ctx
// is done it starts no more.
func (Unbounded) Run(ctx context.Context, job *Job) error {
	var wg sync.WaitGroup
	for {
		i, ok := job.Next(ctx)
		if !ok {
			break
		}
		wg.Add(1)
		go func() {
			job.Exec(ctx, i) // never panics: no defer, a smaller frame under the task
			wg.Done()
		}()
	}
	wg.Wait()
	return ctx.Err()
}
