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
	// ctx's error. gap is the mean time between the arrivals around t
	// (when they are dense a clock may sleep more cheaply); 0: unknown.
	// Safe for concurrent use.
	SleepUntil(ctx context.Context, t time.Time, gap time.Duration) error
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
//
// Arrivals closer together than denseGap are slept for with a Go timer
// to Spin before the time, then the busy wait, and no OS sleep: see
// denseGap.
type PreciseClock struct {
	Spin time.Duration
}

// coarseMargin is how long before the time a PreciseClock stops using Go
// timers.
const coarseMargin = 2 * time.Millisecond

// denseGap is the gap between arrivals under which a PreciseClock sleeps
// in the Go runtime only. An OS sleep costs a system call, a timer
// interrupt and two context switches: on the 2-core VM of 2026-12-02,
// 30-40 µs of CPU each, and the OS woke 50-70 µs late at p50, hundreds
// at p99. At gaps under 200 µs it wakes after the next arrival is due
// (at 20,000/s three arrivals in four were overdue when a goroutine
// asked for one, and went out from the queue), while the Ps are busy
// enough that Go's timers, checked at every scheduling, fire close to
// their time. At 20,000/s against nginx (pool 64, 5 s, three alternated
// runs) the OS sleeps took the generator from 35-40 µs of CPU per request
// to 60-62, for a send lateness p50 of 54-65 µs against 52-80 and a
// corrected p50 of 310-484 µs against 236-316. Where nothing else wakes
// the process, those timers are up to a millisecond late: an idle Go
// process waits for timers in its network poller, on Linux in whole
// milliseconds (README, "Open-loop load").
const denseGap = 200 * time.Microsecond

// Now returns time.Now().
func (PreciseClock) Now() time.Time { return time.Now() }

// SleepUntil sleeps until t; see PreciseClock.
func (c PreciseClock) SleepUntil(ctx context.Context, t time.Time, gap time.Duration) error {
	dense := gap > 0 && gap < denseGap
	margin := coarseMargin
	if dense {
		margin = c.Spin
	}
	if d := time.Until(t) - margin; d > 0 {
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
	if dense {
		for time.Now().Before(t) {
		}
		return nil
	}
	return osSleeper.until(ctx, t, c.Spin)
}

// spinFor returns the busy wait that keeps a source of rate arrivals per
// second under 5% of a core: at most 100 µs.
func spinFor(rate float64) time.Duration {
	return min(100*time.Microsecond, time.Duration(0.05*float64(time.Second)/rate))
}
