package workloads

import "math"

// Deterministic randomness: every draw is a pure function of (seed, task,
// attempt, stream), so no generator state is shared between goroutines or
// processes and task i draws the same values under every strategy.

// Streams keep independent draws for the same task apart.
const (
	streamDuration uint64 = iota + 1
	streamDuration2
	streamFail
	streamCPU
)

// mix is the splitmix64 finaliser: a bijection with good avalanche.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func draw(seed int64, task, attempt int, stream uint64) uint64 {
	h := mix(uint64(seed))
	h = mix(h ^ uint64(task))
	h = mix(h ^ uint64(attempt)<<32 ^ stream)
	return h
}

// unit maps a draw to [0, 1) with 53 bits of precision.
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// normal returns a standard normal variate (Box-Muller).
func normal(seed int64, task int) float64 {
	u1 := 1 - unit(draw(seed, task, 0, streamDuration)) // (0, 1]
	u2 := unit(draw(seed, task, 0, streamDuration2))
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// Draw returns a pseudo-random value that depends only on (seed, task, k):
// the same in every process and under every strategy. A workload draws
// what is random about task i from it; distinct k give independent values.
func Draw(seed int64, task, k int) uint64 { return draw(seed, task, k, streamCPU) }
