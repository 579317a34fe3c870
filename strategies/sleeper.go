package strategies

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// osSleeper is the process's one OS sleeper. A goroutine asleep in the OS
// holds its P (the scheduler's right to run Go code) until sysmon takes it
// back (20 µs to 10 ms later), and one that wakes to find its P taken
// waits for another. A pool of 8 at 1000/s had 2 (up to 6) goroutines
// asleep in the OS at once for 95% of its sleeps: on 2 cores, both Ps,
// and its p99 arrival was released 1-8 ms late. So the goroutines take
// turns, earliest due first.
var osSleeper = &sleeper{now: time.Now, sleep: sleepOS, takeTurns: sleepOSHoldsP}

// sleeper sleeps the last stretch before a time: in the OS until about
// spin plus its usual lateness before it, then a busy wait. Safe for
// concurrent use.
type sleeper struct {
	now   func() time.Time
	sleep func(until time.Time) // in the OS, without waking early
	// takeTurns: one goroutine at a time sleeps in the OS (where that
	// sleep holds a P); the others wait in turn.
	takeTurns bool
	turn      turns
	late      median // how late the OS wakes, measured
}

// until returns at t, or at once with ctx's error if ctx is done while
// it waits for its turn. It busy-waits for spin, or for spin plus the
// OS's usual lateness when the OS woke on time.
func (s *sleeper) until(ctx context.Context, t time.Time, spin time.Duration) error {
	if wake := s.wake(t, spin); s.now().Before(wake) {
		held := false
		if s.takeTurns {
			var err error
			if held, err = s.turn.take(ctx, t); err != nil {
				return err
			}
		}
		// Waiting for the turn took time: the wake-up is reckoned anew.
		if wake = s.wake(t, spin); s.now().Before(wake) {
			s.sleep(wake)
			s.late.add(s.now().Sub(wake))
		}
		if held {
			s.turn.pass() // before the busy wait: the next sleeper's wake-up overlaps it
		}
	}
	for s.now().Before(t) {
	}
	return nil
}

// wake returns when an OS sleep for t should end: spin plus the OS's
// usual lateness before t, or only spin before it when that is already
// past (a busy wait longer than spin would break its CPU budget).
func (s *sleeper) wake(t time.Time, spin time.Duration) time.Time {
	if w := t.Add(-spin - s.late.get()); s.now().Before(w) {
		return w
	}
	return t.Add(-spin)
}

// turns hands the OS sleep to one goroutine at a time, the one due first.
// Safe for concurrent use.
type turns struct {
	mu      sync.Mutex
	busy    bool
	due     time.Time // the holder's
	waiting []turnWaiter
}

type turnWaiter struct {
	due   time.Time
	ready chan struct{}
}

// take blocks until the caller, due at t, has the turn, and reports true;
// or returns false at once when the holder is due after t (the caller
// sleeps beside it rather than wait past its own time); or returns ctx's
// error, without the turn, once ctx is done.
func (q *turns) take(ctx context.Context, t time.Time) (bool, error) {
	q.mu.Lock()
	if !q.busy {
		q.busy, q.due = true, t
		q.mu.Unlock()
		return true, nil
	}
	if t.Before(q.due) {
		q.mu.Unlock()
		return false, nil
	}
	w := turnWaiter{due: t, ready: make(chan struct{})}
	k, _ := slices.BinarySearchFunc(q.waiting, t, func(w turnWaiter, t time.Time) int { return w.due.Compare(t) })
	q.waiting = slices.Insert(q.waiting, k, w)
	q.mu.Unlock()
	select {
	case <-w.ready:
		return true, nil
	case <-ctx.Done():
	}
	q.mu.Lock()
	k = slices.IndexFunc(q.waiting, func(x turnWaiter) bool { return x.ready == w.ready })
	if k >= 0 {
		q.waiting = slices.Delete(q.waiting, k, k+1)
		q.mu.Unlock()
		return false, ctx.Err()
	}
	q.mu.Unlock()
	q.pass() // given the turn as ctx ended: hand it on
	return false, ctx.Err()
}

// pass hands the turn to the waiter due first, if any.
func (q *turns) pass() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiting) == 0 {
		q.busy = false
		return
	}
	w := q.waiting[0]
	q.waiting = slices.Delete(q.waiting, 0, 1)
	q.due = w.due
	close(w.ready)
}

// median estimates the median of a stream of durations (frugal
// streaming: a step of medianStep towards each new value), so that one
// wake-up milliseconds late, on a machine busy for a moment, moves it by
// a microsecond only. Never negative, at most medianMax. Safe for
// concurrent use.
type median struct{ ns atomic.Int64 }

const (
	medianStep = int64(time.Microsecond)
	medianMax  = int64(coarseMargin / 2)
)

func (m *median) get() time.Duration { return time.Duration(m.ns.Load()) }

func (m *median) add(d time.Duration) {
	for {
		old := m.ns.Load()
		v := old
		switch {
		case int64(d) > old:
			v = min(old+medianStep, medianMax)
		case int64(d) < old:
			v = max(old-medianStep, 0)
		}
		if v == old || m.ns.CompareAndSwap(old, v) {
			return
		}
	}
}
