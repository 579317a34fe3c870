package strategies

import "context"

func init() {
	Register(Definition{
		Name:  "sequential",
		Usage: "one task after another, in index order, on one goroutine (ignores --concurrency)",
		Rank:  0,
		New:   func(Config) (Strategy, error) { return Sequential{}, nil },
	})
}

// Sequential runs the tasks one after another in index order, on the
// calling goroutine. The zero value is ready to use.
type Sequential struct{}

var _ Strategy = Sequential{}

// Name returns "sequential".
func (Sequential) Name() string { return "sequential" }

// Slots returns 1.
func (Sequential) Slots(int) int { return 1 }

// Run runs the tasks in order and stops before the next one once ctx is done.
func (Sequential) Run(ctx context.Context, job *Job) error {
	for {
		i, ok := job.Next(ctx)
		if !ok {
			return ctx.Err()
		}
		job.Exec(ctx, i)
	}
}
