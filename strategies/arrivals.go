package strategies

import (
	"math"
	"sync/atomic"
	"time"
)

// Arrivals is an open-loop arrival schedule: Rate per second, evenly
// spaced or as a seeded Poisson process, or a ramp through Stages from
// Rate. Its times are pure functions of the task index and the seed, so
// every strategy, worker process and test sees the same ones, with no
// clock involved.
type Arrivals struct {
	Rate    float64 // arrivals per second, > 0; with Stages, the start rate (may be 0)
	Poisson bool    // exponential gaps instead of even ones
	Seed    int64   // for Poisson gaps
	Stages  []Stage // a piecewise-linear ramp from Rate; the arrivals end with the last stage
}

// Gap returns the time from arrival i-1 to arrival i in nanoseconds (0
// for the first).
func (a Arrivals) Gap(i int) float64 {
	gap := float64(time.Second) / a.Rate
	switch {
	case i == 0:
		return 0
	case a.Poisson:
		return unitGap(a.Seed, i) * gap
	}
	return gap
}

// unitGap is gap i of a unit-rate Poisson process: an exponential draw of
// mean 1 from (seed, i).
func unitGap(seed int64, i int) float64 { return -math.Log(1 - unitDraw(seed, i)) }

// schedule walks an Arrivals in index order, a shard's arrivals only:
// next is the shard's first arrival not yet issued, k its index in the
// whole schedule, due its due time (ns after t0, exact for even spacing:
// k times the gap, not a running sum). A shard's due times are the whole
// schedule's, bit for bit: Poisson sums run over every gap of the plan,
// in the same order, whichever shard adds them.
type schedule struct {
	Arrivals
	shard Shard
	next  int
	k     int
	at    float64 // Poisson: ns after t0; on a ramp, the unit-rate process's point
	ramp  *ramp   // with Stages
	hint  int     // the ramp's piece of the latest due time
}

// newSchedule returns the schedule of shard's arrivals of a (the zero
// Shard: all of them).
func newSchedule(a Arrivals, shard Shard) schedule {
	s := schedule{Arrivals: a, shard: shard}
	if len(a.Stages) > 0 {
		s.ramp = newRamp(a.Rate, a.Stages)
	}
	for range shard.Global(0) {
		s.step()
	}
	return s
}

// never is the due time of an arrival past the end of a ramp.
const never = time.Duration(math.MaxInt64)

// due returns the due time of arrival s.k, or never.
func (s *schedule) due() time.Duration {
	switch {
	case s.ramp != nil:
		y := float64(s.k)
		if s.Poisson {
			y = s.at
		}
		if t, ok := s.ramp.at(y, &s.hint); ok {
			return t
		}
		return never
	case s.Poisson:
		return time.Duration(s.at)
	}
	return time.Duration(float64(s.k) * (float64(time.Second) / s.Rate))
}

// advance moves to the shard's next arrival.
func (s *schedule) advance() {
	s.next++
	for range max(s.shard.Count, 1) {
		s.step()
	}
}

// step moves k to the schedule's next arrival.
func (s *schedule) step() {
	s.k++
	switch {
	case s.Poisson && s.ramp != nil:
		s.at += unitGap(s.Seed, s.k)
	case s.Poisson:
		s.at += s.Gap(s.k)
	}
}

// peakRate returns the highest rate the schedule reaches.
func (s *schedule) peakRate() float64 {
	if s.ramp != nil {
		return s.ramp.peak
	}
	return s.Rate
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
// written under the source's lock before a task is handed out, read after.
type dueTimes struct {
	pages [1 << 12]atomic.Pointer[[duePage]int64] // up to 2^28 tasks
}

func (d *dueTimes) set(i int, due time.Duration) {
	slot := &d.pages[i/duePage]
	pg := slot.Load()
	if pg == nil {
		pg = new([duePage]int64)
		slot.Store(pg) // writers hold the source's lock
	}
	pg[i&(duePage-1)] = int64(due)
}

func (d *dueTimes) get(i int) time.Duration {
	if pg := d.pages[i/duePage].Load(); pg != nil {
		return time.Duration(pg[i&(duePage-1)])
	}
	return 0
}
