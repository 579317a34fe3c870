package workloads

import (
	"context"
	"time"

	"github.com/concbench/concbench/params"
)

// MaxWork bounds --work for the mixed workload: about 20 minutes of
// mixing per task.
const MaxWork = 1 << 40

func init() {
	Register(Definition{
		Name:  "mixed",
		Usage: "an I/O wait (--latency) then CPU work (--work rounds) in each task",
		Params: []params.Param{
			{Name: "latency", Type: "duration", Default: "10ms", Usage: "the wait before the CPU work, as for an I/O call", Sweep: true},
			{Name: "work", Type: "int", Default: "2000000", Usage: "mixing rounds after the wait (about 1 ns each)", Sweep: true},
		},
		Validate: func(p params.Values) error { _, err := newMixed(Config{Params: p}); return err },
		New:      func(c Config) (Doer, error) { return newMixed(c) },
	})
}

// mixed is the lessons' mixed case: a task waits, as for a response, then
// computes on what came back. Waits overlap under any concurrency; the
// CPU work overlaps only up to the cores (and GOMAXPROCS), so strategies
// differ on both axes at once. Safe for concurrent use.
type mixed struct {
	latency time.Duration
	work    int
	seed    int64
}

func newMixed(c Config) (mixed, error) {
	l, err := c.Params.Duration("latency")
	if err != nil {
		return mixed{}, err
	}
	if l > MaxDuration {
		return mixed{}, params.Errorf("latency", c.Params.String("latency"), "must be at most "+MaxDuration.String())
	}
	w, err := c.Params.Int("work", 0, MaxWork)
	if err != nil {
		return mixed{}, err
	}
	return mixed{latency: l, work: w, seed: c.Seed}, nil
}

// Do waits for the latency, then runs the rounds of task i. It blocks,
// and returns ctx.Err() if ctx ends either part early.
func (m mixed) Do(ctx context.Context, i int) (int64, error) {
	if err := Sleep(ctx, m.latency); err != nil {
		return 0, err
	}
	return 0, spin(ctx, draw(m.seed, i, 0, streamCPU), m.work)
}

// Expected is the latency when there is no CPU work. CPU time depends on
// the machine and on how many tasks share its cores, so with --work it is
// not known and the run reports no ideal makespan.
func (m mixed) Expected(int) (time.Duration, bool) { return m.latency, m.work == 0 }
