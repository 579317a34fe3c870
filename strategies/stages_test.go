package strategies

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseStages(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Stage
		err  string // a part of the error, "" for none
	}{
		{in: "30s:100/s,1m:1000/s,30s:0/s", want: []Stage{{30 * time.Second, 100}, {time.Minute, 1000}, {30 * time.Second, 0}}},
		{in: "1.5s:2.5", want: []Stage{{1500 * time.Millisecond, 2.5}}},
		{in: "", err: "no stage"},
		{in: "30s", err: `stage "30s": want DURATION:RATE`},
		{in: "30s:100/s,0s:5/s", err: `stage "0s:5/s": duration`},
		{in: "-1s:5/s", err: "duration"},
		{in: "30s:-5/s", err: "rate"},
		{in: "30s:NaN/s", err: "rate"},
		{in: "30s:1e9/s", err: "rate"},
		{in: "48h:1/s", err: "duration"},
		{in: "30s:fast", err: `rate "fast"`},
	} {
		got, err := ParseStages(tc.in, 1e8)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseStages(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Fatalf("ParseStages(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("ParseStages(%q)[%d] = %v, want %v", tc.in, i, got[i], tc.want[i])
			}
		}
		if back, err := ParseStages(FormatStages(got), 1e8); err != nil || len(back) != len(got) {
			t.Errorf("FormatStages(%v) = %q does not read back: %v", got, FormatStages(got), err)
		}
	}
}

// dueTimesOf walks a schedule to its end (or n arrivals) and returns the
// due times.
func dueTimesOf(a Arrivals, n int) []time.Duration {
	s := newSchedule(a, Shard{})
	var out []time.Duration
	for len(out) < n {
		d := s.due()
		if d == never {
			break
		}
		out = append(out, d)
		s.advance()
	}
	return out
}

// TestRampFollowsItsIntegral checks the ramp's schedule against the
// integral of its rate, per interval: uniform arrivals within max(2%, 1
// arrival) of it, Poisson ones within 3 standard deviations (√expected),
// and the arrivals end with the last stage.
func TestRampFollowsItsIntegral(t *testing.T) {
	stages := []Stage{{3 * time.Second, 2000}, {2 * time.Second, 2000}, {3 * time.Second, 300}, {2 * time.Second, 0}}
	const start = 100.0
	r := newRamp(start, stages)
	// Λ at the end, by hand: (100+2000)/2·3 + 2000·2 + (2000+300)/2·3 + 300/2·2
	if want := 3150.0 + 4000 + 3450 + 300; math.Abs(r.total-want) > 1e-6 {
		t.Fatalf("Λ(end) = %v, want %v", r.total, want)
	}
	end := StagesLength(stages)
	const step = 250 * time.Millisecond
	for _, poisson := range []bool{false, true} {
		due := dueTimesOf(Arrivals{Rate: start, Poisson: poisson, Seed: 7, Stages: stages}, 1e6)
		if last := due[len(due)-1]; last >= end {
			t.Errorf("poisson=%v: an arrival due at %v, after the ramp's end %v", poisson, last, end)
		}
		k := 0
		for from := time.Duration(0); from < end; from += step {
			n := 0
			for k < len(due) && due[k] < from+step {
				if k > 0 && due[k] < due[k-1] {
					t.Fatalf("poisson=%v: arrival %d due at %v, before arrival %d at %v", poisson, k, due[k], k-1, due[k-1])
				}
				n++
				k++
			}
			want := r.expected(from+step) - r.expected(from)
			tol := max(0.02*want, 1)
			if poisson {
				tol = max(3*math.Sqrt(want), 1)
			}
			if math.Abs(float64(n)-want) > tol {
				t.Errorf("poisson=%v: [%v, %v): %d arrivals, the rate's integral is %.1f (tolerance %.1f)", poisson, from, from+step, n, want, tol)
			}
		}
		if !poisson && len(due) != int(math.Ceil(r.total)) {
			t.Errorf("uniform: %d arrivals, want ⌈Λ(end)⌉ = %v", len(due), math.Ceil(r.total))
		}
	}
}

// TestRampEdges covers a ramp that starts at 0, a stage at rate 0 in the
// middle (nothing due in it) and a ramp with no arrival at all.
func TestRampEdges(t *testing.T) {
	due := dueTimesOf(Arrivals{Stages: []Stage{{time.Second, 10}, {time.Second, 0}, {time.Second, 0}, {time.Second, 10}}}, 100)
	// Λ is 5 by 1 s and 10 by 2 s, stays there until 3 s, and reaches 15
	// at 4 s.
	if len(due) != 15 || due[0] != 0 || due[10] != 2*time.Second {
		t.Fatalf("due times %v: want 15, the first at 0, the 11th at 2s", due)
	}
	for i, d := range due {
		if d > 2*time.Second && d < 3*time.Second {
			t.Errorf("arrival %d due at %v, inside the stage at rate 0", i, d)
		}
	}
	// Λ(t) = 5t² on [0,1]: arrival k is due at √(k/5) s.
	for k := 1; k < 5; k++ {
		if want := seconds(math.Sqrt(float64(k) / 5)); due[k] != want {
			t.Errorf("arrival %d due at %v, want %v", k, due[k], want)
		}
	}
	if d := dueTimesOf(Arrivals{Stages: []Stage{{time.Second, 0}}}, 10); len(d) != 0 {
		t.Errorf("a ramp at rate 0 issued %v", d)
	}
}

// TestPacedFollowsARamp runs a paced source over a ramp on a fake clock:
// it issues exactly the ramp's arrivals, each released at its due time,
// and ends with the ramp without sleeping past it.
func TestPacedFollowsARamp(t *testing.T) {
	stages := []Stage{{time.Second, 200}, {time.Second, 0}}
	want := dueTimesOf(Arrivals{Stages: stages}, 1e6)
	clock := &fakeClock{now: time.Unix(0, 0)}
	p := &Paced{Stages: stages, Tasks: 1e6, Clock: clock}
	p.Start(clock.Now())
	n := 0
	for {
		i, ok := p.Next(context.Background())
		if !ok {
			break
		}
		if i != n || p.Due(i) != want[i] {
			t.Fatalf("task %d (want %d) due %v, want %v", i, n, p.Due(i), want[i])
		}
		n++
	}
	p.Stop()
	if n != len(want) || n != 200 {
		t.Errorf("issued %d arrivals, want %d (Λ = 200)", n, len(want))
	}
	if st := p.Stats(); st.LastRelease != want[len(want)-1] {
		t.Errorf("last release %v, want the last due time %v", st.LastRelease, want[len(want)-1])
	}
}

// TestPoissonRampIsPoisson checks over many seeds that a Poisson ramp's
// count in each interval has the mean and the variance of a Poisson
// variable of the rate's integral there (the first interval holds the
// arrival every schedule has at 0 on top).
func TestPoissonRampIsPoisson(t *testing.T) {
	stages := []Stage{{600 * time.Millisecond, 500}, {300 * time.Millisecond, 500}, {600 * time.Millisecond, 0}}
	const seeds, step = 1000, 100 * time.Millisecond
	r := newRamp(0, stages)
	n := int(StagesLength(stages) / step)
	sum, sq := make([]float64, n), make([]float64, n)
	for seed := range int64(seeds) {
		k := make([]float64, n)
		for _, d := range dueTimesOf(Arrivals{Poisson: true, Seed: seed, Stages: stages}, 1e6) {
			k[d/step]++
		}
		for i := range k {
			sum[i] += k[i]
			sq[i] += k[i] * k[i]
		}
	}
	for i := range n {
		want := r.expected(time.Duration(i+1)*step) - r.expected(time.Duration(i)*step)
		if i == 0 {
			want++
		}
		mean := sum[i] / seeds
		variance := sq[i]/seeds - mean*mean
		// The mean's standard error is √(λ/seeds): 4 of them; the sample
		// variance of a Poisson count is within 15% of λ at these sizes.
		if math.Abs(mean-want) > 4*math.Sqrt(want/seeds) || i > 0 && math.Abs(variance/want-1) > 0.15 {
			t.Errorf("interval %d: mean %.2f, variance %.2f; want both %.2f", i, mean, variance, want)
		}
	}
}
