package strategies

import (
	"context"

	"golang.org/x/sync/errgroup"
)

func init() {
	Register(Definition{
		Name:    "errgroup",
		Usage:   "golang.org/x/sync/errgroup with SetLimit: one goroutine per task, at most the limit at once",
		Bounded: true,
		Rank:    70,
		Library: "golang.org/x/sync",
		New: func(c Config) (Strategy, error) {
			return ErrGroup{Limit: c.Concurrency}, nil
		},
	})
}

// ErrGroup runs the tasks through an errgroup.Group with SetLimit(Limit),
// as its users write it: Go blocks while Limit tasks run, then starts a
// goroutine for the next. A zero or negative Limit means one.
type ErrGroup struct {
	Limit int
}

var _ Strategy = ErrGroup{}

// Name returns "errgroup".
func (ErrGroup) Name() string { return "errgroup" }

// Slots returns the limit, capped at n.
func (e ErrGroup) Slots(n int) int { return min(max(e.Limit, 1), n) }

// Run submits the tasks in index order and waits for the group. Once ctx
// is done it submits no more, and a submitted task that has not started
// returns at once.
func (e ErrGroup) Run(ctx context.Context, job *Job) error {
	var g errgroup.Group
	g.SetLimit(e.Slots(job.Tasks))
	submitAll(ctx, job, func(task func()) {
		g.Go(func() error { task(); return nil })
	})
	g.Wait() // the tasks return no error: a failed task is a recorded sample
	return ctx.Err()
}
