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
// asleep in the OS at once for 95% of its sleeps: on 2 cores, both Ps.
// So the goroutines take turns, earliest due first.
var osSleeper = &sleeper{now: time.Now, sleep: sleepOS, takeTurns: sleepOSHoldsP}

// sleeper sleeps the last stretch before a time: in the OS until spin
// and a learnt margin before it, then a busy wait. Safe for concurrent
// use.
type sleeper struct {
	now   func() time.Time
	sleep func(until time.Time) // in the OS, without waking early
	// takeTurns: one goroutine at a time sleeps in the OS (where that
	// sleep holds a P); the others wait in turn.
	takeTurns bool
	turn      turns
	early     early // how much earlier than spin the OS sleep ends
}

// until returns at t, or at once with ctx's error if ctx is done while
// it waits for its turn. Its busy waits last spin on average.
func (s *sleeper) until(ctx context.Context, t time.Time, spin time.Duration) error {
	if wake, _ := s.wake(t, spin); s.now().Before(wake) {
		held := false
		if s.takeTurns {
			var err error
			if held, err = s.turn.take(ctx, t); err != nil {
				return err
			}
		}
		// Waiting for the turn took time: the wake-up is reckoned anew.
		if wake, learn := s.wake(t, spin); s.now().Before(wake) {
			s.sleep(wake)
			if learn {
				s.early.add(spin, t.Sub(s.now()))
			}
		}
		if held {
			s.turn.pass() // before the busy wait: the next sleeper's wake-up overlaps it
		}
	}
	for s.now().Before(t) {
	}
	return nil
}

// wake returns when an OS sleep for t should end: spin and early before
// t, and true (the busy wait it leaves tells early what to learn); or,
// when that is already past, only spin before t (a longer busy wait would
// break its CPU budget).
func (s *sleeper) wake(t time.Time, spin time.Duration) (time.Time, bool) {
	if w := t.Add(-spin - s.early.get()); s.now().Before(w) {
		return w, true
	}
	return t.Add(-spin), false
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

// early learns how much more than spin before the time an OS sleep
// should end: after each sleep it moves by a sixteenth of spin less the
// busy wait that sleep left (none if it woke past the time). It settles
// where the busy waits average spin, whatever the OS's lateness: as early
// as their CPU budget allows, so that the wake-ups that budget can absorb
// are absorbed, and it moves by at most spin/16 for a wake-up however
// late. At least 0, at most earlyMax. Safe for concurrent use.
type early struct{ ns atomic.Int64 }

// earlyMax bounds early: a Go timer hands over coarseMargin before the
// time.
const earlyMax = int64(coarseMargin / 2)

func (e *early) get() time.Duration { return time.Duration(e.ns.Load()) }

// add learns from a sleep that left a busy wait of spun.
func (e *early) add(spin, spun time.Duration) {
	for {
		old := e.ns.Load()
		v := min(max(old+int64(spin-max(spun, 0))/16, 0), earlyMax)
		if v == old || e.ns.CompareAndSwap(old, v) {
			return
		}
	}
}
