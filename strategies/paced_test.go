package strategies

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestForgetReleasesWholePagesOnly issues two pages and a bit of paced
// tasks, forgets ranges that cover pages partly and wholly, and checks that
// only the due times of whole pages inside a range are released.
func TestForgetReleasesWholePagesOnly(t *testing.T) {
	const n = 2*duePage + 10
	p := &Paced{Rate: 1e9, Tasks: n} // all due at once, in order
	p.Start(time.Now())
	for range n {
		if _, ok := p.Next(context.Background()); !ok {
			t.Fatal("source ended early")
		}
	}
	p.Stop()
	last := p.Due(n - 1)
	if last <= 0 {
		t.Fatalf("task %d due at %v", n-1, last)
	}
	p.Forget(1, duePage+5)         // page 0 only in part, page 1 in part: nothing
	p.Forget(duePage, 2*duePage+3) // page 1 whole, page 2 in part
	if p.Due(duePage-1) <= 0 || p.Due(2*duePage-1) != 0 || p.Due(n-1) != last {
		t.Errorf("due times after Forget: page 0 %v, page 1 %v, page 2 %v", p.Due(duePage-1), p.Due(2*duePage-1), p.Due(n-1))
	}
	p.Forget(0, 1<<40) // past the last page: no panic
	if p.Due(duePage-1) != 0 || p.Due(n-1) != 0 {
		t.Error("a range over every page should release them all")
	}
}

// fakeClock is a clock that moves only when told: SleepUntil jumps to the
// asked time plus late (a wake-up that late), never backwards.
type fakeClock struct {
	mu   sync.Mutex
	now  time.Time
	late time.Duration
	gaps []time.Duration // as SleepUntil was told, in order
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) SleepUntil(ctx context.Context, t time.Time, gap time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gaps = append(c.gaps, gap)
	if t = t.Add(c.late); t.After(c.now) {
		c.now = t
	}
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestPacedOneWorker drives a paced source with one worker whose tasks
// take a set time on a fake clock, and checks which arrivals run, which
// are dropped, each one's wait and the send lateness against hand-worked
// schedules: under capacity every arrival after the first is waited for
// and released exactly late after due; over capacity task i starts at i*service; with
// a queue of one, gap 10 ms and service 25 ms, arrivals 2, 4 and 5 find
// it full.
func TestPacedOneWorker(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name             string
		rate             float64
		tasks, maxQueue  int
		service, late    time.Duration
		wantRun, wantDrp []int
		wantWait         func(i int) time.Duration
		wantWaited       int
		wantMaxQueue     int
	}{
		{name: "under-capacity", rate: 100, tasks: 50, service: 4 * ms, late: 7 * time.Microsecond,
			// arrival 0 is due at t0: overdue at the first Next
			wantRun: seq(50), wantWait: func(i int) time.Duration { return min(time.Duration(i), 1) * 7 * time.Microsecond }, wantWaited: 49, wantMaxQueue: 1},
		{name: "overload", rate: 100, tasks: 20, service: 25 * ms,
			wantRun: seq(20), wantWait: func(i int) time.Duration { return time.Duration(i) * 15 * ms }, wantWaited: 0, wantMaxQueue: 12},
		{name: "queue-of-one", rate: 100, tasks: 6, maxQueue: 1, service: 25 * ms,
			wantRun: []int{0, 1, 3}, wantDrp: []int{2, 4, 5},
			wantWait: func(i int) time.Duration { return map[int]time.Duration{0: 0, 1: 15 * ms, 3: 20 * ms}[i] }, wantMaxQueue: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(1000, 0), late: tc.late}
			var dropped []int
			p := &Paced{Rate: tc.rate, Tasks: tc.tasks, MaxQueue: tc.maxQueue, Clock: clock,
				Drop: func(i int, _ time.Duration) { dropped = append(dropped, i) }}
			t0 := clock.Now()
			p.Start(t0)
			var ran []int
			for {
				i, ok := p.Next(context.Background())
				if !ok {
					break
				}
				ran = append(ran, i)
				if wait := clock.Now().Sub(t0) - p.Due(i); wait != tc.wantWait(i) {
					t.Errorf("task %d waited %v, want %v", i, wait, tc.wantWait(i))
				}
				clock.advance(tc.service)
			}
			p.Stop()
			st := p.Stats()
			if !slices.Equal(ran, tc.wantRun) || !slices.Equal(dropped, tc.wantDrp) {
				t.Errorf("ran %v, dropped %v; want %v, %v", ran, dropped, tc.wantRun, tc.wantDrp)
			}
			if st.Issued != tc.tasks || st.Waited != tc.wantWaited || st.MaxQueue != tc.wantMaxQueue {
				t.Errorf("issued %d, waited for %d, max queue %d; want %d, %d, %d", st.Issued, st.Waited, st.MaxQueue, tc.tasks, tc.wantWaited, tc.wantMaxQueue)
			}
			if tc.wantWaited > 0 {
				if d := st.Lateness.P50/tc.late.Seconds() - 1; d < -0.001 || d > 0.001 || st.Lateness.Max != tc.late.Seconds() {
					t.Errorf("send lateness p50 %v max %v, want %v", st.Lateness.P50, st.Lateness.Max, tc.late)
				}
			}
		})
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestPacedBounds checks where the arrivals end: before Duration, at
// Tasks, and, for a run cut short, at the arrivals due when it stopped
// (issued, so they are accounted for), with a sleep for an arrival not
// yet due ended by ctx.
func TestPacedBounds(t *testing.T) {
	for _, tc := range []struct {
		name       string
		p          *Paced
		wantIssued int
	}{
		{name: "duration", p: &Paced{Rate: 100, Tasks: 1 << 20, Duration: time.Second}, wantIssued: 100},
		{name: "poisson-duration", p: &Paced{Rate: 1000, Poisson: true, Seed: 3, Tasks: 1 << 20, Duration: time.Second}, wantIssued: poissonBefore(Arrivals{Rate: 1000, Poisson: true, Seed: 3}, time.Second)},
		{name: "tasks", p: &Paced{Rate: 100, Tasks: 7}, wantIssued: 7},
		{name: "none", p: &Paced{Rate: 100, Tasks: 0}, wantIssued: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(1000, 0)}
			p := tc.p
			p.Clock = clock
			p.Start(clock.Now())
			n := 0
			for _, ok := p.Next(context.Background()); ok; _, ok = p.Next(context.Background()) {
				n++
			}
			if p.Stop(); n != tc.wantIssued || p.Issued() != tc.wantIssued {
				t.Errorf("%d tasks handed out, %d issued; want %d", n, p.Issued(), tc.wantIssued)
			}
		})
	}
	t.Run("interrupted", func(t *testing.T) {
		clock := &fakeClock{now: time.Unix(1000, 0)}
		p := &Paced{Rate: 100, Tasks: 1000, Clock: clock}
		p.Start(clock.Now())
		ctx, cancel := context.WithCancel(context.Background())
		p.Next(ctx) // arrival 0
		cancel()
		if _, ok := p.Next(ctx); ok {
			t.Fatal("Next handed out a task after ctx ended")
		}
		clock.advance(95 * time.Millisecond) // arrivals 1..9 fall due unseen
		p.Stop()
		if p.Issued() != 10 || p.Due(9) != 90*time.Millisecond {
			t.Errorf("issued %d (want 10), arrival 9 due %v", p.Issued(), p.Due(9))
		}
	})
}

// poissonBefore counts the arrivals of a due before d, summing its gaps.
func poissonBefore(a Arrivals, d time.Duration) int {
	at := 0.0
	for i := 0; ; i++ {
		at += a.Gap(i)
		if at >= float64(d) {
			return i
		}
	}
}

// TestArrivalsArePure checks that a schedule is a function of the index
// and seed alone, and that Poisson gaps average 1/rate (100,000 draws: the
// mean's standard error is 0.3%, so 1.5% is five of them).
func TestArrivalsArePure(t *testing.T) {
	a := Arrivals{Rate: 2000, Poisson: true, Seed: 42}
	b := a
	sum := 0.0
	const n = 100_000
	for i := 1; i <= n; i++ {
		g := a.Gap(i)
		if g != b.Gap(i) || g < 0 {
			t.Fatalf("gap %d: %v then %v", i, g, b.Gap(i))
		}
		sum += g
	}
	if mean := sum / n; math.Abs(mean/5e5-1) > 0.015 {
		t.Errorf("mean gap %.0f ns, want 500000 within 1.5%%", mean)
	}
	if (Arrivals{Rate: 2000, Poisson: true, Seed: 43}).Gap(5) == a.Gap(5) {
		t.Error("another seed gave the same gap")
	}
	if u := (Arrivals{Rate: 4}); u.Gap(0) != 0 || u.Gap(9) != 2.5e8 {
		t.Errorf("uniform gaps %v, %v; want 0, 250 ms", u.Gap(0), u.Gap(9))
	}
}

// TestPacedTellsTheGap checks the gap a paced source tells its clock with
// each sleep: for even arrivals exactly 1/rate from the first sleep on
// (the gap to the next arrival is known once one is issued), and for a
// ramp from 100/s to 10,000/s, then 10,000/s for a second, a moving mean
// that starts at the first gap and ends at 100 µs (the mean has long settled
// on a second of even gaps; 200 µs allows for the float rounding of the
// ramp's due times).
func TestPacedTellsTheGap(t *testing.T) {
	for _, rate := range []float64{100, 20_000} {
		c := &fakeClock{now: time.Unix(0, 0)}
		p := &Paced{Rate: rate, Tasks: 50, Clock: c}
		p.Start(c.Now())
		for {
			if _, ok := p.Next(context.Background()); !ok {
				break
			}
		}
		want := time.Duration(float64(time.Second) / rate)
		if len(c.gaps) != 49 { // the first arrival is due at the start: none slept for it
			t.Fatalf("rate %v: %d sleeps, want 49", rate, len(c.gaps))
		}
		for i, g := range c.gaps {
			if g != want {
				t.Fatalf("rate %v: sleep %d told a gap of %v, want %v", rate, i, g, want)
			}
		}
	}
	c := &fakeClock{now: time.Unix(0, 0)}
	p := &Paced{Rate: 100, Stages: []Stage{{Duration: time.Second, Target: 10_000}, {Duration: time.Second, Target: 10_000}}, Tasks: 20_000, Clock: c}
	p.Start(c.Now())
	for {
		if _, ok := p.Next(context.Background()); !ok {
			break
		}
	}
	first, last := c.gaps[0], c.gaps[len(c.gaps)-1]
	// The ramp's arrivals by time t are 100t + 4950t², one at 7.33 ms.
	if first < 7*time.Millisecond || first > 7500*time.Microsecond || last > 200*time.Microsecond || last < 100*time.Microsecond {
		t.Errorf("ramp from 100/s to 10,000/s told gaps from %v to %v; want 7.33 ms, then 100-200 µs", first, last)
	}
}
