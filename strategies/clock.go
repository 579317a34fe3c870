package strategies

import (
	"context"
	"time"
)

// Clock is the time an open-loop source releases arrivals by. Tests
// inject one that needs no wall clock.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// SleepUntil blocks until t, or until ctx is done, and then returns
	// ctx's error. Safe for concurrent use.
	SleepUntil(ctx context.Context, t time.Time) error
}

// PreciseClock is the wall clock, sleeping as close to the asked time as
// the OS allows: a Go timer for all but the last coarseMargin (Go's timers
// may fire up to a millisecond late), then the OS's own sleep (on Linux
// clock_nanosleep to an absolute time, with the thread's timer slack at
// 1 ns), then a busy wait. The OS wakes a thread late (here 50 µs at
// p50, hundreds at p99), so the OS sleep ends earlier than Spin before the
// time by a margin learnt as it goes, the largest that keeps the busy
// waits at Spin on average (see early); and on Linux only one goroutine of
// the process sleeps in the OS at a time (see osSleeper). The busy waits
// cost Spin of CPU per sleep on average: keep Spin under 5% of the gap
// between sleeps.
type PreciseClock struct {
	Spin time.Duration
}

// coarseMargin is how long before the time a PreciseClock stops using Go
// timers.
const coarseMargin = 2 * time.Millisecond

// Now returns time.Now().
func (PreciseClock) Now() time.Time { return time.Now() }

// SleepUntil sleeps until t; see PreciseClock.
func (c PreciseClock) SleepUntil(ctx context.Context, t time.Time) error {
	if d := time.Until(t) - coarseMargin; d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return osSleeper.until(ctx, t, c.Spin)
}

// spinFor returns the busy wait that keeps a source of rate arrivals per
// second under 5% of a core: at most 100 µs.
func spinFor(rate float64) time.Duration {
	return min(100*time.Microsecond, time.Duration(0.05*float64(time.Second)/rate))
}
