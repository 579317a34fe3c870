package bare

import (
	"testing"
	"time"
)

// TestTwinsRespectTheirSlots checks each twin against the makespan its
// slots allow: with conc slots, n equal sleeps of d cannot end before
// ceil(n/conc)·d, and a twin that ran them one at a time would take n·d
// (4x that: sleeps long enough that a busy machine's late wake-ups, tens
// of milliseconds for a locked thread, stay well under the difference).
func TestTwinsRespectTheirSlots(t *testing.T) {
	const n, conc, d = 8, 4, 100 * time.Millisecond
	durs := make([]time.Duration, n)
	for i := range durs {
		durs[i] = d
	}
	for _, s := range Twins {
		slots := conc
		if s == "unbounded" {
			slots = n
		}
		lower := time.Duration((n+slots-1)/slots) * d
		wall, err := Run(s, durs, conc)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if wall < lower || wall >= n*d {
			t.Errorf("%s: wall %v, want in [%v, %v): the makespan of %d slots", s, wall, lower, n*d, slots)
		}
	}
	if _, err := Run("nosuch", durs, conc); err == nil {
		t.Error("an unknown strategy ran")
	}
}
