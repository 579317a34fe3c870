package strategies

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Paced is an open-loop source: task i is due at a set time whatever the
// earlier tasks are doing, at Rate per second, evenly spaced or as a
// seeded Poisson process. A pacer goroutine releases each task into a FIFO
// queue when it is due, and every overdue task at once when it falls
// behind; it never waits for a task, so slow tasks cannot thin out the
// arrivals (no coordinated omission). Strategies take tasks from the
// queue; tasks waiting there count as queue wait. With MaxQueue set, a
// task that arrives to a full queue is dropped and reported through Drop.
//
// Fill the fields, then use the source for one run; Stop waits for the
// pacer. Safe for concurrent use.
type Paced struct {
	Rate     float64       // tasks per second, > 0
	Poisson  bool          // exponential gaps instead of even ones
	Seed     int64         // for Poisson gaps
	Tasks    int           // the most tasks to issue
	Duration time.Duration // issue tasks due before this offset; 0: no limit
	MaxQueue int           // the most tasks waiting; 0: no limit
	// Drop records a task dropped at arrival; called from the pacer.
	Drop func(i int, due time.Duration)

	t0      time.Time
	start   sync.Once
	mu      sync.Mutex
	cond    *sync.Cond
	queue   []int // ring buffer of waiting task indices
	head    int
	n       int // tasks waiting
	closed  bool
	issued  int
	due     dueTimes
	maxWait int           // the deepest the queue got
	last    atomic.Int64  // release time of the latest arrival, ns after t0
	done    chan struct{} // closed when the pacer has exited
	quit    chan struct{}
	stopped sync.Once
}

var _ Source = (*Paced)(nil)

// PacerStats is what the pacer saw.
type PacerStats struct {
	Issued      int           // arrivals, dropped ones included
	LastRelease time.Duration // when the last arrival was released
	MaxQueue    int           // the deepest the queue got
}

// Start sets the time the arrivals are scheduled from. The pacer starts
// with the first Next, so a strategy's set-up may move t0 until then.
func (p *Paced) Start(t0 time.Time) { p.t0 = t0 }

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
	return p.issued
}

// Stats returns the pacer's figures; call it after Stop.
func (p *Paced) Stats() PacerStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return PacerStats{Issued: p.issued, LastRelease: time.Duration(p.last.Load()), MaxQueue: p.maxWait}
}

// Next returns the oldest waiting task, blocking until one arrives, or
// false once the arrivals are over and the queue is empty, or ctx is done.
func (p *Paced) Next(ctx context.Context) (int, bool) {
	p.start.Do(func() { p.run(ctx) })
	if ctx.Err() != nil {
		return 0, false
	}
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.n == 0 && !p.closed && ctx.Err() == nil {
		p.cond.Wait()
	}
	if p.n == 0 || ctx.Err() != nil {
		return 0, false
	}
	i := p.queue[p.head]
	p.head = (p.head + 1) % len(p.queue)
	p.n--
	return i, true
}

// Stop ends the arrivals and waits for the pacer to exit.
func (p *Paced) Stop() {
	p.stopped.Do(func() {
		if p.quit != nil {
			close(p.quit)
			<-p.done
		}
	})
}

func (p *Paced) run(ctx context.Context) {
	p.cond = sync.NewCond(&p.mu)
	p.queue = make([]int, max(min(p.MaxQueue, 1<<20), 1024))
	p.quit = make(chan struct{})
	p.done = make(chan struct{})
	if p.t0.IsZero() {
		p.t0 = time.Now()
	}
	go p.pace(ctx)
}

// pace releases the arrivals. It is the one goroutine that writes due
// times and pushes onto the queue.
func (p *Paced) pace(ctx context.Context) {
	defer close(p.done)
	defer func() {
		p.mu.Lock()
		p.closed = true
		p.cond.Broadcast()
		p.mu.Unlock()
	}()
	gap := float64(time.Second) / p.Rate
	var at float64 // due time of the next arrival, ns after t0
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for i := 0; i < p.Tasks; i++ {
		if p.Poisson {
			if i > 0 {
				at += -math.Log(1-unitDraw(p.Seed, i)) * gap
			}
		} else {
			at = float64(i) * gap
		}
		due := time.Duration(at)
		if p.Duration > 0 && due >= p.Duration {
			return
		}
		if wait := time.Until(p.t0.Add(due)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			case <-p.quit:
				return
			}
		} else if ctx.Err() != nil {
			return
		}
		p.due.set(i, due)
		p.release(i, due)
	}
}

func (p *Paced) release(i int, due time.Duration) {
	p.mu.Lock()
	p.issued = i + 1
	p.last.Store(int64(time.Since(p.t0)))
	if p.MaxQueue > 0 && p.n >= p.MaxQueue {
		p.mu.Unlock()
		if p.Drop != nil {
			p.Drop(i, due)
		}
		return
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
	p.cond.Signal()
	p.mu.Unlock()
}

// unitDraw is a uniform draw in [0, 1) from (seed, i): the Poisson gaps
// are the same for every strategy.
func unitDraw(seed int64, i int) float64 {
	x := uint64(seed)*0x9e3779b97f4a7c15 + uint64(i)*0xbf58476d1ce4e5b9 + 0x94d049bb133111eb
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// duePage is the number of due times in a page of them.
const duePage = 1 << 16

// dueTimes stores due offsets per task index in lazily allocated pages;
// written by the pacer before it releases a task, read after.
type dueTimes struct {
	pages [1 << 12]atomic.Pointer[[duePage]int64] // up to 2^28 tasks
}

func (d *dueTimes) set(i int, due time.Duration) {
	slot := &d.pages[i/duePage]
	pg := slot.Load()
	if pg == nil {
		pg = new([duePage]int64)
		slot.Store(pg) // only the pacer writes
	}
	pg[i&(duePage-1)] = int64(due)
}

func (d *dueTimes) get(i int) time.Duration {
	if pg := d.pages[i/duePage].Load(); pg != nil {
		return time.Duration(pg[i&(duePage-1)])
	}
	return 0
}
