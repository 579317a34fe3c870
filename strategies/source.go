package strategies

import (
	"context"
	"math"
	"sync/atomic"
	"time"
)

// Source hands out task indices 0, 1, 2, ... in order, each once. It
// decides how many tasks a run has and when each is due; strategies only
// decide where the task runs. Implementations are safe for concurrent use.
type Source interface {
	// Start sets the time the run starts from. The harness calls it before
	// the first Next, and again if a strategy's set-up moved the start.
	Start(t0 time.Time)
	// Next returns the next task index once it is due, or false when no
	// task is left or ctx is done. It may block until the task is due.
	Next(ctx context.Context) (int, bool)
	// Issued returns how many indices Next has handed out so far.
	Issued() int
	// Due returns the time task i became due, as an offset from the run's
	// start (0 for a closed loop, where every task is ready at once).
	Due(i int) time.Duration
	// Stop ends the source's own work, if any, and waits for it.
	Stop()
}

// Count is a closed-loop source of N tasks, all due at the start. Taking
// an index is one atomic add. The zero value has no tasks.
type Count struct {
	N    int
	next atomic.Int64
}

var _ Source = (*Count)(nil)

// Next returns the next index below N.
func (c *Count) Next(ctx context.Context) (int, bool) {
	if ctx.Err() != nil {
		return 0, false
	}
	i := c.next.Add(1) - 1
	return int(i), i < int64(c.N)
}

// takeAll takes every index left below n: [from, to).
func (c *Count) takeAll(n int) (from, to int) {
	for {
		i := c.next.Load()
		if i >= int64(n) {
			return n, n
		}
		if c.next.CompareAndSwap(i, int64(n)) {
			return int(i), n
		}
	}
}

// Start does nothing: every task is due at once.
func (*Count) Start(time.Time) {}

// Issued returns the number of indices handed out.
func (c *Count) Issued() int { return int(min(c.next.Load(), int64(c.N))) }

// Due returns 0: every task is due at once.
func (*Count) Due(int) time.Duration { return 0 }

// Stop does nothing.
func (*Count) Stop() {}

// Until is a closed-loop source that hands out indices until a deadline
// (or Max indices, a memory bound), all due at once: a load test of a set
// duration. Create it with NewUntil.
type Until struct {
	Count
	d       time.Duration
	expired atomic.Bool
	timer   *time.Timer
}

// NewUntil returns a source that stops handing out indices d after Start,
// or after max of them. Stop releases its timer.
func NewUntil(d time.Duration, max int) *Until {
	u := &Until{Count: Count{N: max}, d: d}
	u.timer = time.AfterFunc(time.Duration(math.MaxInt64), func() { u.expired.Store(true) })
	return u
}

// Start arms the deadline d after t0.
func (u *Until) Start(t0 time.Time) { u.timer.Reset(time.Until(t0.Add(u.d))) }

// Next returns the next index while time is left.
func (u *Until) Next(ctx context.Context) (int, bool) {
	if u.expired.Load() {
		return 0, false
	}
	return u.Count.Next(ctx)
}

// Stop releases the timer; Next hands out nothing more.
func (u *Until) Stop() {
	u.timer.Stop()
	u.expired.Store(true)
}
