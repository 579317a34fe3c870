package workloads

import (
	"context"
	"strconv"
	"sync/atomic"

	"github.com/concbench/concbench/params"
)

func init() {
	Register(Definition{
		Name:     "cpu",
		Usage:    "CPU-bound work: --work rounds of mixing per task",
		CPUBound: true,
		Params: []params.Param{
			{Name: "work", Type: "int", Default: "1000000", Sweep: true, Usage: "mixing rounds per task (about 1 ns each)"},
		},
		Validate: func(p params.Values) error { _, err := newCPU(Config{Params: p}); return err },
		New:      func(c Config) (Doer, error) { return newCPU(c) },
		Describe: func(p params.Values) map[string]string {
			c, err := newCPU(Config{Params: p})
			if err != nil {
				return map[string]string(p.Clone())
			}
			return map[string]string{"work": strconv.Itoa(c.work)}
		},
	})
}

// cpu is a CPU-bound task: work rounds of xorshift mixing seeded by (seed,
// i). Safe for concurrent use.
type cpu struct {
	work int
	seed int64
}

func newCPU(c Config) (cpu, error) {
	w, err := c.Params.Int("work", 0, MaxWork)
	if err != nil {
		return cpu{}, err
	}
	if w <= 0 {
		return cpu{}, bad("work", c.Params.String("work"), "must be a positive number of rounds")
	}
	return cpu{work: w, seed: c.Seed}, nil
}

// Do runs task i's rounds. It blocks, and returns ctx.Err() if ctx ended
// them early.
func (w cpu) Do(ctx context.Context, i int) (int64, error) {
	return 0, spin(ctx, draw(w.seed, i, 0, streamCPU), w.work)
}

// sink receives every task's result so the compiler cannot drop the loop.
var sink atomic.Uint64

// checkEvery is how many rounds run between looks at ctx; about 50 µs here.
const checkEvery = 1 << 16

// spin runs rounds of xorshift mixing from x, looking at ctx every
// checkEvery rounds, and returns ctx.Err() if it ended the work early.
func spin(ctx context.Context, x uint64, rounds int) error {
	x |= 1
	for done := 0; done < rounds; {
		n := min(checkEvery, rounds-done)
		for range n {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
		done += n
		if done < rounds {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	sink.Add(x)
	return nil
}
