package worker

import (
	"testing"
	"time"
)

// TestClockMapping: a time passed as a CLOCK_MONOTONIC reading comes
// back as the same time, within the readings' own spread.
func TestClockMapping(t *testing.T) {
	t0 := time.Now().Add(-time.Second)
	back := timeAt(MonoAt(t0))
	// The two mappings each bracket a reading by two of Go's clock; on a
	// busy machine a bracket may be wide, so the bound is the spread of
	// the same readings taken here.
	a := time.Now()
	monoRaw()
	spread := time.Since(a)
	if d := back.Sub(t0); d < -100*time.Microsecond-spread || d > 100*time.Microsecond+spread {
		t.Errorf("t0 came back %v off (one reading takes %v)", d, spread)
	}
}
