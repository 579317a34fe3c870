package strategies

import (
	"context"
	"sync"
	"time"

	"github.com/concbench/concbench/results"
)

// Paced is an open-loop source: task i is due at a set time whatever the
// earlier tasks are doing (Arrivals), so slow tasks cannot thin out the
// arrivals (no coordinated omission). There is no pacer goroutine to hand
// tasks over: a strategy's goroutine that asks for a task when none is
// overdue takes the next arrival and sleeps until it is due (Clock: on
// Linux to within tens of microseconds), then runs it itself, so no
// wake-up of a parked goroutine stands between the due time and the
// start. Arrivals that fall due while every goroutine is busy wait in a
// FIFO queue (queue wait); with MaxQueue set, one that arrives to a full
// queue is dropped and reported through Drop. The queue is brought up to
// date at each Next, which is exact: between two Nexts it only grows.
//
// Fill the fields, then use the source for one run. Safe for concurrent
// use.
type Paced struct {
	Rate     float64       // tasks per second, > 0; with Stages, the start rate (may be 0)
	Poisson  bool          // exponential gaps instead of even ones
	Seed     int64         // for Poisson gaps
	Stages   []Stage       // a ramp from Rate (Arrivals.Stages); the arrivals end with it
	Tasks    int           // the most tasks to issue
	Duration time.Duration // issue tasks due before this offset; 0: no limit
	MaxQueue int           // the most tasks waiting; 0: no limit
	// Shard, if set, issues that shard's arrivals of the schedule only,
	// as indices 0, 1, ... of its own (Tasks counts them): the shards'
	// due times together are the whole schedule's.
	Shard Shard
	// Drop records a task dropped at arrival; called with the source's
	// lock held, so it must not call the source back (Forget excepted).
	Drop func(i int, due time.Duration)
	// Clock, if set, replaces the wall clock (a PreciseClock spinning at
	// most 5% of a core).
	Clock Clock

	t0       time.Time
	init     sync.Once
	mu       sync.Mutex
	sched    schedule
	queue    []int // ring buffer of waiting task indices
	head     int
	n        int  // tasks waiting
	over     bool // no arrival is left to issue
	due      dueTimes
	maxWait  int           // the deepest the queue got
	last     time.Duration // release time of the latest arrival
	gap      time.Duration // the mean gap between recent arrivals (moving); 0: unknown
	first    time.Duration // due time of the first arrival
	lateness *results.Durations
}

var _ Source = (*Paced)(nil)

// PacerStats is what the source saw.
type PacerStats struct {
	Issued      int           // arrivals, dropped ones included
	FirstDue    time.Duration // when the first arrival was due (a shard's is not 0)
	LastRelease time.Duration // when the last arrival was released
	MaxQueue    int           // the deepest the queue got
	// Lateness is the send lateness of the arrivals a goroutine slept
	// for: when it woke minus when the arrival was due (Waited of them).
	// Arrivals that fell due while every goroutine was busy are not in
	// it: their wait is the strategy's, counted as queue wait.
	Lateness results.Percentiles
	Waited   int
}

// Start sets the time the arrivals are scheduled from. It may be called
// again until the first Next (a strategy's set-up may move t0).
func (p *Paced) Start(t0 time.Time) { p.t0 = t0 }

func (p *Paced) setup() {
	p.queue = make([]int, max(min(p.MaxQueue, 1<<20), 1024))
	p.sched = newSchedule(Arrivals{Rate: p.Rate, Poisson: p.Poisson, Seed: p.Seed, Stages: p.Stages}, p.Shard)
	if p.first = p.sched.due(); p.first == never {
		p.first = 0
	}
	p.lateness = results.NewDurations()
	if p.Clock == nil {
		p.Clock = PreciseClock{Spin: spinFor(p.sched.peakRate())}
	}
	if p.t0.IsZero() {
		p.t0 = p.Clock.Now()
	}
}

// Forget releases the due times of tasks from to to-1 (whole pages of
// them only), once their samples are recorded and Due will not be asked
// for them again, so that a long run's memory does not grow with its
// tasks. Safe for concurrent use with Next and Due of other tasks.
func (p *Paced) Forget(from, to int) {
	for k := (from + duePage - 1) / duePage; (k+1)*duePage <= to && k < len(p.due.pages); k++ {
		p.due.pages[k].Store(nil)
	}
}

// Due returns task i's due time as an offset from t0.
func (p *Paced) Due(i int) time.Duration { return p.due.get(i) }

// Issued returns the number of arrivals so far, dropped ones included.
func (p *Paced) Issued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sched.next
}

// Stats returns the source's figures; call it after Stop.
func (p *Paced) Stats() PacerStats {
	p.init.Do(p.setup)
	p.mu.Lock()
	defer p.mu.Unlock()
	return PacerStats{Issued: p.sched.next, FirstDue: p.first, LastRelease: p.last, MaxQueue: p.maxWait, Lateness: p.lateness.Describe(), Waited: int(p.lateness.Count())}
}

// Next returns the oldest waiting task, or sleeps until the next arrival
// is due and returns it; false once the arrivals are over and the queue
// is empty, or ctx is done (a task taken and not yet due when ctx ends is
// issued, and stays unrecorded: canceled).
func (p *Paced) Next(ctx context.Context) (int, bool) {
	p.init.Do(p.setup)
	if ctx.Err() != nil {
		return 0, false
	}
	p.mu.Lock()
	p.catchUp(p.Clock.Now().Sub(p.t0))
	if p.n > 0 {
		i := p.queue[p.head]
		p.head = (p.head + 1) % len(p.queue)
		p.n--
		p.mu.Unlock()
		return i, true
	}
	if p.over {
		p.mu.Unlock()
		return 0, false
	}
	i, due := p.sched.next, p.sched.due()
	p.issue()
	gap := p.gap
	p.mu.Unlock()
	at := p.t0.Add(due)
	if p.Clock.SleepUntil(ctx, at, gap) != nil {
		return 0, false
	}
	woke := p.Clock.Now().Sub(p.t0)
	p.mu.Lock()
	p.lateness.Record(woke - due)
	p.last = max(p.last, woke)
	p.mu.Unlock()
	return i, true
}

// issue hands out arrival sched.next, recording its due time, moves the
// mean gap towards the one to the next arrival (by a sixteenth: it
// follows a ramp and smooths Poisson gaps), and marks the arrivals over
// if the next one would be past Tasks or Duration. The caller holds p.mu.
func (p *Paced) issue() {
	this := p.sched.due()
	p.due.set(p.sched.next, this)
	p.sched.advance()
	due := p.sched.due()
	if due != never {
		if g := due - this; p.gap == 0 {
			p.gap = max(g, 1)
		} else {
			p.gap = max(p.gap+(g-p.gap)/16, 1)
		}
	}
	p.over = p.sched.next >= p.Tasks || due == never || p.Duration > 0 && due >= p.Duration
}

// catchUp queues (or drops) every arrival due by now, released at its due
// time. The caller holds p.mu.
func (p *Paced) catchUp(now time.Duration) {
	if p.sched.next == 0 {
		p.over = p.Tasks <= 0 || p.sched.due() == never
	}
	for !p.over && p.sched.due() <= now {
		i, due := p.sched.next, p.sched.due()
		p.issue()
		p.last = max(p.last, due)
		if p.MaxQueue > 0 && p.n >= p.MaxQueue {
			if p.Drop != nil {
				p.Drop(i, due)
			}
			continue
		}
		if p.n == len(p.queue) { // grow the ring, keeping order
			q := make([]int, 2*len(p.queue))
			for k := range p.n {
				q[k] = p.queue[(p.head+k)%len(p.queue)]
			}
			p.queue, p.head = q, 0
		}
		p.queue[(p.head+p.n)%len(p.queue)] = i
		p.n++
		p.maxWait = max(p.maxWait, p.n)
	}
}

// Stop ends the arrivals. Those already due are issued, so that a run cut
// short accounts for them (as canceled); later ones never are.
func (p *Paced) Stop() {
	p.init.Do(p.setup)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.catchUp(p.Clock.Now().Sub(p.t0))
	p.over = true
}
