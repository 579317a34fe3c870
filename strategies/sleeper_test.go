package strategies

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestEarly checks single steps of the learnt margin, worked out by
// hand: a sixteenth of spin less the busy wait left, none for a wake-up
// past the time, clamped to [0, earlyMax].
func TestEarly(t *testing.T) {
	us := time.Microsecond
	for _, tc := range []struct {
		name             string
		from, spin, spun time.Duration
		want             time.Duration
	}{
		{name: "busy-wait-as-budgeted", from: 45 * us, spin: 50 * us, spun: 50 * us, want: 45 * us},
		{name: "short-busy-wait", from: 45 * us, spin: 50 * us, spun: 18 * us, want: 47 * us},
		{name: "long-busy-wait", from: 45 * us, spin: 50 * us, spun: 66 * us, want: 44 * us},
		{name: "woke-past-the-time", from: 45 * us, spin: 50 * us, spun: -3 * time.Millisecond, want: 45*us + 50*us/16},
		{name: "floor", from: 0, spin: 50 * us, spun: 90 * us, want: 0},
		{name: "ceiling", from: time.Duration(earlyMax), spin: 50 * us, spun: 0, want: time.Duration(earlyMax)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e early
			e.ns.Store(int64(tc.from))
			if e.add(tc.spin, tc.spun); e.get() != tc.want {
				t.Errorf("margin %v, want %v", e.get(), tc.want)
			}
		})
	}
}

// TestTurns checks who sleeps in the OS when: the first comes in at
// once; later-due callers wait and are let in earliest due first as each
// one passes; a caller due before the holder does not wait behind it; a
// caller whose ctx ends while waiting leaves without the turn and is
// skipped.
func TestTurns(t *testing.T) {
	base := time.Unix(1000, 0)
	at := func(ms int) time.Time { return base.Add(time.Duration(ms) * time.Millisecond) }
	var q turns
	if held, err := q.take(context.Background(), at(10)); !held || err != nil {
		t.Fatalf("first take: held %v, %v", held, err)
	}
	type got struct {
		due  int
		held bool
		err  error
	}
	in := make(chan got)
	wait := func(ctx context.Context, due int) {
		go func() {
			held, err := q.take(ctx, at(due))
			in <- got{due, held, err}
		}()
	}
	waiting := func(n int) { // until n callers queue: no sleep, the queue itself says
		for {
			q.mu.Lock()
			k := len(q.waiting)
			q.mu.Unlock()
			if k == n {
				return
			}
			runtime.Gosched()
		}
	}
	canceled, cancel := context.WithCancel(context.Background())
	wait(context.Background(), 30)
	waiting(1)
	wait(context.Background(), 20)
	waiting(2)
	wait(canceled, 25)
	waiting(3)
	if held, err := q.take(context.Background(), at(5)); held || err != nil {
		t.Errorf("a caller due before the holder: held %v, %v; want to go on without the turn", held, err)
	}
	select {
	case g := <-in:
		t.Fatalf("caller due at %d ms got in while the holder sleeps", g.due)
	default:
	}
	cancel()
	if g := <-in; g.due != 25 || g.held || g.err != context.Canceled {
		t.Errorf("canceled caller: %+v, want due 25 without the turn and context.Canceled", g)
	}
	for _, want := range []int{20, 30} {
		q.pass()
		if g := <-in; g.due != want || !g.held || g.err != nil {
			t.Errorf("after a pass: %+v, want due %d with the turn", g, want)
		}
	}
	q.pass()
	if q.busy || len(q.waiting) != 0 {
		t.Errorf("after the last pass: busy %v, %d waiting", q.busy, len(q.waiting))
	}
}

// fakeOS is a sleeper's clock and OS sleep: each reading of the time
// costs tick (a busy wait's iteration), and an OS sleep ends late by
// over.
type fakeOS struct {
	now        time.Time
	tick, over time.Duration
	slept      []time.Time // the times asked of the OS
	woke       time.Time
	heldReads  int // readings of the clock after the OS sleep with the turn held
	q          *turns
}

func (f *fakeOS) sleeper() *sleeper {
	s := &sleeper{takeTurns: true,
		now: func() time.Time {
			f.now = f.now.Add(f.tick)
			if !f.woke.IsZero() && f.q.busy {
				f.heldReads++
			}
			return f.now
		},
		sleep: func(t time.Time) {
			f.slept = append(f.slept, t)
			f.now = t.Add(f.over)
			f.woke = f.now
		},
	}
	f.q = &s.turn
	return s
}

// TestSleeperUntil checks where a sleeper asks the OS to wake, how long
// it busy-waits and what it learns, on a fake clock whose readings cost
// tick (160 ns, so a sixteenth of it is 10 ns): with the margin learnt it
// wakes spin before the time and spins spin; woken later, it spins less
// and learns a sixteenth of the shortfall; with the time too close for
// the margin it sleeps to spin before it (and is late by the rest of the
// OS's lateness rather than spin longer) and learns nothing; within spin
// it only spins. The turn is passed before the busy wait.
func TestSleeperUntil(t *testing.T) {
	us := time.Microsecond
	const tick = 160 * time.Nanosecond
	for _, tc := range []struct {
		name             string
		ahead, over      time.Duration // the time from now; the OS's lateness
		margin           time.Duration // learnt already
		spin             time.Duration
		wantSleep        time.Duration // asked of the OS, before the time; -1: none
		wantSpun, wantAt time.Duration // busy wait; return minus the time
		wantMargin       time.Duration
	}{
		// The busy wait measured is a tick short of the wake-up's: the
		// reading that measures it costs one.
		{name: "learnt", ahead: time.Millisecond, over: 45 * us, margin: 45 * us, spin: 50 * us,
			wantSleep: 95 * us, wantSpun: 50 * us, wantAt: 0, wantMargin: 45*us + 10},
		{name: "learning", ahead: time.Millisecond, over: 45 * us, margin: 10 * us, spin: 50 * us,
			wantSleep: 60 * us, wantSpun: 15 * us, wantAt: 0, wantMargin: 10*us + (35*us+tick)/16},
		{name: "woke-later-than-learnt", ahead: time.Millisecond, over: 80 * us, margin: 45 * us, spin: 50 * us,
			wantSleep: 95 * us, wantSpun: 15 * us, wantAt: 0, wantMargin: 45*us + (35*us+tick)/16},
		{name: "woke-past-the-time", ahead: time.Millisecond, over: 200 * us, margin: 45 * us, spin: 50 * us,
			wantSleep: 95 * us, wantSpun: 0, wantAt: 105 * us, wantMargin: 45*us + 50*us/16},
		{name: "too-close-for-the-margin", ahead: 70 * us, over: 45 * us, margin: 45 * us, spin: 50 * us,
			wantSleep: 50 * us, wantSpun: 5 * us, wantAt: 0, wantMargin: 45 * us},
		{name: "too-close-and-late", ahead: 70 * us, over: 80 * us, margin: 45 * us, spin: 50 * us,
			wantSleep: 50 * us, wantSpun: 0, wantAt: 30 * us, wantMargin: 45 * us},
		{name: "within-spin", ahead: 40 * us, over: 45 * us, margin: 45 * us, spin: 50 * us,
			wantSleep: -1, wantSpun: 40 * us, wantAt: 0, wantMargin: 45 * us},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeOS{now: time.Unix(1000, 0), tick: tick, over: tc.over}
			s := f.sleeper()
			s.early.ns.Store(int64(tc.margin))
			due := f.now.Add(tc.ahead)
			if err := s.until(context.Background(), due, tc.spin); err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.wantSleep < 0 && len(f.slept) > 0:
				t.Errorf("slept in the OS until %v before the time, want no OS sleep", due.Sub(f.slept[0]))
			case tc.wantSleep >= 0 && (len(f.slept) != 1 || due.Sub(f.slept[0]) != tc.wantSleep):
				t.Errorf("OS sleeps %v, want one until %v before the time", f.slept, tc.wantSleep)
			}
			spun := max(due.Sub(f.woke), 0)
			if f.woke.IsZero() {
				spun = tc.ahead
			}
			if spun != tc.wantSpun {
				t.Errorf("busy wait %v, want %v", spun, tc.wantSpun)
			}
			// The busy wait ends at the first reading at or after the
			// time: within a tick of it, or two past a late wake-up.
			if d := f.now.Sub(due) - tc.wantAt; d < 0 || d > 2*tick {
				t.Errorf("returned %v after the time, want %v", f.now.Sub(due), tc.wantAt)
			}
			if got := s.early.get(); got != tc.wantMargin {
				t.Errorf("margin learnt %v, want %v", got, tc.wantMargin)
			}
			// One reading after the OS sleep measures its busy wait; the
			// turn is passed on before the busy wait's.
			if f.heldReads > 1 || s.turn.busy {
				t.Errorf("turn held for %d readings after the OS sleep, busy after %v; want passed before the busy wait", f.heldReads, s.turn.busy)
			}
		})
	}
}

// TestSleeperBudget runs a sleeper against an OS that wakes 40 µs late
// half the time and 400 µs the other half: the busy waits must average
// spin (50 µs), which by hand puts the margin where (50 + m - 40)/2 = 50,
// at m = 90 µs; the median of the lateness would not say where.
func TestSleeperBudget(t *testing.T) {
	const us = time.Microsecond
	const spin = 50 * us
	f := &fakeOS{now: time.Unix(1000, 0), tick: 10 * time.Nanosecond}
	s := f.sleeper()
	var spun time.Duration
	const n, settle = 4000, 2000
	for i := range n {
		f.over = []time.Duration{40 * us, 400 * us}[i%2]
		due := f.now.Add(time.Millisecond)
		if err := s.until(context.Background(), due, spin); err != nil {
			t.Fatal(err)
		}
		if i >= settle {
			spun += max(due.Sub(f.woke), 0)
		}
	}
	if mean := spun / (n - settle); mean < spin-2*us || mean > spin+2*us {
		t.Errorf("busy waits average %v, want %v within 2 µs", mean, spin)
	}
	if m := s.early.get(); m < 85*us || m > 95*us {
		t.Errorf("margin %v, want 90 µs within 5", m)
	}
}

// TestSleeperOneAtATime has two goroutines sleep for times 1 ms apart on
// a fake OS sleep that ends when the test says: the later one asks the OS
// only once the earlier one's sleep has ended.
func TestSleeperOneAtATime(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1000, 0)
	base := now
	entered := make(chan time.Time)
	release := make(chan struct{})
	s := &sleeper{takeTurns: true,
		now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(100 * time.Nanosecond)
			return now
		},
		sleep: func(t time.Time) {
			entered <- t
			<-release
			mu.Lock()
			now = later(now, t)
			mu.Unlock()
		},
	}
	var wg sync.WaitGroup
	sleep := func(due time.Time) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.until(context.Background(), due, 50*time.Microsecond); err != nil {
				t.Error(err)
			}
		}()
	}
	first, second := base.Add(time.Millisecond), base.Add(2*time.Millisecond)
	sleep(first)
	<-entered
	sleep(second)
	for { // until the second waits for its turn, or goes to the OS
		s.turn.mu.Lock()
		k := len(s.turn.waiting)
		s.turn.mu.Unlock()
		if k == 1 {
			break
		}
		select {
		case <-entered:
			release <- struct{}{}
			release <- struct{}{}
			wg.Wait()
			t.Fatal("the second sleeper went to the OS while the first slept there")
		default:
		}
		runtime.Gosched()
	}
	release <- struct{}{}
	if at := <-entered; !at.Before(second) || !at.After(first) {
		t.Errorf("second OS sleep until %v after base, want between %v and %v", at.Sub(base), first.Sub(base), second.Sub(base))
	}
	release <- struct{}{}
	wg.Wait()
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// TestPreciseClockDenseArrivals checks that a PreciseClock sleeps for
// arrivals closer together than denseGap without an OS sleep, and for
// others (or an unknown gap) with one, and that it never returns before
// the time. The OS sleep is taken for the last coarseMargin before the
// time, so a Go timer firing late on a busy machine may skip it: one
// sleep in five attempts is asked of the sparse cases, none of the dense.
func TestPreciseClockDenseArrivals(t *testing.T) {
	var slept sync.Map // attempt -> true once it slept in the OS
	sleep := osSleeper.sleep
	attempt := 0
	osSleeper.sleep = func(until time.Time) { slept.Store(attempt, true); sleep(until) }
	defer func() { osSleeper.sleep = sleep }()
	c := PreciseClock{Spin: 10 * time.Microsecond}
	for _, tc := range []struct {
		gap time.Duration
		os  bool
	}{
		{50 * time.Microsecond, false},
		{denseGap - 1, false},
		{denseGap, true},
		{time.Millisecond, true},
		{0, true},
	} {
		used := 0
		for range 5 {
			attempt++
			at := time.Now().Add(3 * time.Millisecond)
			if err := c.SleepUntil(context.Background(), at, tc.gap); err != nil {
				t.Fatal(err)
			}
			if late := time.Since(at); late < 0 {
				t.Errorf("gap %v: returned %v before the time", tc.gap, -late)
			}
			if _, ok := slept.Load(attempt); ok {
				used++
			}
		}
		if got := used > 0; got != tc.os {
			t.Errorf("gap %v: %d of 5 sleeps in the OS; want some: %v", tc.gap, used, tc.os)
		}
	}
}
