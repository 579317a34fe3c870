package workloads

import (
	"context"
	"sync/atomic"
)

// cpu is a CPU-bound task: Work rounds of xorshift mixing seeded by (seed, i).
type cpu struct{ spec *Spec }

// sink receives every task's result so the compiler cannot drop the loop.
var sink atomic.Uint64

// checkEvery is how many rounds run between looks at ctx; about 50 µs here.
const checkEvery = 1 << 16

func (w cpu) do(ctx context.Context, i int) (int64, error) {
	return 0, spin(ctx, draw(w.spec.Seed, i, 0, streamCPU), w.spec.Work)
}

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
