package workloads

import (
	"context"
	"math"
	"time"
)

// sleep simulates an I/O-bound task: it waits, cancellably, for a
// duration that depends only on (seed, i).
type sleep struct{ spec *Spec }

func (w sleep) duration(i int) time.Duration {
	s := w.spec
	if n := len(s.Durations); n > 0 {
		return s.Durations[i%n]
	}
	l := float64(s.Latency)
	var d float64
	switch s.dist() {
	case "fixed":
		d = l
	case "uniform":
		d = l + (2*unit(draw(s.Seed, i, 0, streamDuration))-1)*float64(s.Jitter)
	case "normal":
		d = l + normal(s.Seed, i)*float64(s.Jitter)
	case "exp":
		d = -math.Log(1-unit(draw(s.Seed, i, 0, streamDuration))) * l
	}
	return time.Duration(min(max(d, 0), float64(MaxDuration)))
}

func (w sleep) do(ctx context.Context, i int) (int64, error) { return 0, Sleep(ctx, w.duration(i)) }

// ShortSleep is the longest sleep that Sleep does not interrupt on
// cancellation. Selecting on a timer costs a goroutine about twice what
// time.Sleep does (a timer and channel allocated, and the timer code run on
// the goroutine's stack, which often outgrows its first 2 KiB), so short
// sleeps use time.Sleep and a canceled run waits at most this long for them.
const ShortSleep = 25 * time.Millisecond

// Sleep waits for d, or until ctx is done if that comes first and d is
// longer than ShortSleep. A deadline on ctx is always honoured exactly. It
// blocks, and returns ctx.Err() if ctx ended the sleep early, nil
// otherwise. Safe for concurrent use.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if d <= ShortSleep && ctx.Err() == nil {
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > d {
			time.Sleep(d)
			return nil
		}
	}
	t := time.NewTimer(d)
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	}
}
