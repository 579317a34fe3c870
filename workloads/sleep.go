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

func (w sleep) do(ctx context.Context, i int) error { return Sleep(ctx, w.duration(i)) }

// Sleep waits for d or until ctx is done. It blocks, and returns ctx.Err()
// if ctx ends first, nil otherwise. Safe for concurrent use.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
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
