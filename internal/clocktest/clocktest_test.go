package clocktest

import (
	"runtime"
	"testing"
	"time"
)

func TestPercentiles(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name string
		xs   []time.Duration
		want Lateness
	}{
		{name: "none", xs: nil, want: Lateness{}},
		{name: "one", xs: []time.Duration{3 * ms}, want: Lateness{P90: 3 * ms, P99: 3 * ms, N: 1}},
		{name: "1..100 ms reversed", xs: func() []time.Duration {
			var xs []time.Duration
			for i := 100; i >= 1; i-- {
				xs = append(xs, time.Duration(i)*ms)
			}
			return xs
		}(), want: Lateness{P90: 91 * ms, P99: 100 * ms, N: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := of(tc.xs); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// During measures at least once however soon f returns.
func TestDuringMeasuresWhileFRuns(t *testing.T) {
	if l := During(func() {}); l.N < 1 {
		t.Errorf("%+v: no measurement", l)
	}
}

// During waits for its probe also when f ends the calling goroutine, as
// t.Fatal does: no goroutine of During's outlives it.
func TestDuringWhenFExits(t *testing.T) {
	before := runtime.NumGoroutine()
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		During(runtime.Goexit)
	}()
	<-ended
	// The goroutine above may still be exiting; a probe left running
	// would keep the count above before for good.
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines, %d before During", runtime.NumGoroutine(), before)
		}
		runtime.Gosched()
	}
}
