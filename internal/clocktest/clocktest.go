// Package clocktest measures how late this machine's timers fire now, so
// that timing tests can bound wall times by the lateness measured in the
// same test rather than by a figure that holds only on an idle machine.
package clocktest

import (
	"slices"
	"time"
)

// probe is the sleep whose overshoot is measured.
const probe = 2 * time.Millisecond

// Overshoot returns the 90th percentile of how much later than asked n
// sleeps of 2 ms end on this machine now. It blocks for about 2n ms.
func Overshoot(n int) time.Duration {
	xs := make([]time.Duration, n)
	for i := range xs {
		xs[i] = sleepLate()
	}
	return of(xs).P90
}

// Lateness is the distribution of timer overshoots a test measured.
type Lateness struct {
	P90, P99 time.Duration
	N        int // sleeps measured
}

// During runs f and returns how much later than asked 2 ms sleeps ended
// while f ran (at least one), on a goroutine of its own: the machine's
// lateness during f itself, which a figure taken before f misses when
// other programs come and go. It blocks until f returns; the goroutine
// ends before During returns, also when f ends its goroutine (t.Fatal).
func During(f func()) (l Lateness) {
	done := make(chan struct{})
	got := make(chan []time.Duration)
	go func() {
		var xs []time.Duration
		for {
			// At least one sleep, however soon f returns.
			xs = append(xs, sleepLate())
			select {
			case <-done:
				got <- xs
				return
			default:
			}
		}
	}()
	defer func() {
		close(done)
		l = of(<-got)
	}()
	f()
	return l
}

func sleepLate() time.Duration {
	t0 := time.Now()
	time.Sleep(probe)
	return time.Since(t0) - probe
}

// of sorts xs and returns its percentiles; zero when xs is empty.
func of(xs []time.Duration) Lateness {
	if len(xs) == 0 {
		return Lateness{}
	}
	slices.Sort(xs)
	return Lateness{P90: xs[len(xs)*9/10], P99: xs[len(xs)*99/100], N: len(xs)}
}
