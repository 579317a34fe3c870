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
	x := draw(w.spec.Seed, i, 0, streamCPU) | 1
	for done := 0; done < w.spec.Work; {
		n := min(checkEvery, w.spec.Work-done)
		for range n {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
		done += n
		if done < w.spec.Work {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
	}
	sink.Add(x)
	return 0, nil
}
