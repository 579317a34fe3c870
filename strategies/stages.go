package strategies

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Stage is one piece of a ramp, as k6's stages: over Duration the arrival
// rate moves in a straight line from where the previous stage ended (the
// first stage from the start rate) to Target arrivals per second.
type Stage struct {
	Duration time.Duration
	Target   float64 // arrivals per second at the end of the stage
}

// Limits of a ramp, checked by ParseStages: enough pieces for any ramp a
// person writes, and no stage longer than a day.
const (
	MaxStages        = 1000
	MaxStageDuration = 24 * time.Hour
)

// ParseStages reads "30s:100/s,1m:1000/s,30s:0/s": comma-separated
// DURATION:RATE pieces, the rate with an optional "/s". It returns an error
// that names the piece at fault. maxRate bounds every target.
func ParseStages(s string, maxRate float64) ([]Stage, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("no stage given; want e.g. 30s:100/s,1m:1000/s,30s:0/s")
	}
	parts := strings.Split(s, ",")
	if len(parts) > MaxStages {
		return nil, fmt.Errorf("%d stages, over the limit of %d", len(parts), MaxStages)
	}
	out := make([]Stage, 0, len(parts))
	for _, part := range parts {
		d, r, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("stage %q: want DURATION:RATE, e.g. 30s:100/s", part)
		}
		dur, err := time.ParseDuration(d)
		if err != nil || dur <= 0 || dur > MaxStageDuration {
			return nil, fmt.Errorf("stage %q: duration %q: want a positive Go duration up to %v, e.g. 30s", part, d, MaxStageDuration)
		}
		rate, err := strconv.ParseFloat(strings.TrimSuffix(r, "/s"), 64)
		if err != nil || rate < 0 || rate > maxRate || math.IsNaN(rate) {
			return nil, fmt.Errorf("stage %q: rate %q: want a number of arrivals per second in [0, %g], e.g. 100/s", part, r, maxRate)
		}
		out = append(out, Stage{Duration: dur, Target: rate})
	}
	return out, nil
}

// FormatStages writes stages as ParseStages reads them.
func FormatStages(stages []Stage) string {
	parts := make([]string, len(stages))
	for i, s := range stages {
		parts[i] = s.Duration.String() + ":" + strconv.FormatFloat(s.Target, 'g', -1, 64) + "/s"
	}
	return strings.Join(parts, ",")
}

// StagesLength returns the time the stages take together.
func StagesLength(stages []Stage) time.Duration {
	var t time.Duration
	for _, s := range stages {
		t += s.Duration
	}
	return t
}

// ramp is a piecewise-linear rate r(t) with its integral Λ(t), the
// arrivals expected by t. Arrival k of a uniform schedule is due when
// Λ(t) = k; for Poisson arrivals, when Λ(t) reaches the k-th point of a
// unit-rate Poisson process (time rescaling), so both follow the ramp
// exactly in expectation and are pure functions of k and the seed.
type ramp struct {
	pieces []piece
	total  float64 // Λ at the end
	peak   float64 // the highest rate
}

// piece is one stage: starting at t0 seconds with Λ(t0) = lam0, rate a at
// its start, slope b (per second per second), for dur seconds.
type piece struct {
	t0, lam0, a, b, dur float64
}

func newRamp(start float64, stages []Stage) *ramp {
	r := &ramp{peak: start}
	t, lam, rate := 0.0, 0.0, start
	for _, s := range stages {
		d := s.Duration.Seconds()
		p := piece{t0: t, lam0: lam, a: rate, b: (s.Target - rate) / d, dur: d}
		r.pieces = append(r.pieces, p)
		lam += (rate + s.Target) / 2 * d
		t += d
		rate = s.Target
		r.peak = max(r.peak, rate)
	}
	r.total = lam
	return r
}

// expected returns Λ(t): the arrivals a ramp expects in [0, t).
func (r *ramp) expected(t time.Duration) float64 {
	x := t.Seconds()
	for _, p := range r.pieces {
		if x <= p.t0+p.dur {
			tau := max(x-p.t0, 0)
			return p.lam0 + p.a*tau + p.b*tau*tau/2
		}
	}
	return r.total
}

// at returns the time t with Λ(t) = y, and false when the ramp ends
// first (at y = Λ(end) too: an arrival due as the ramp ends is past it,
// as one due at --duration is). Pieces are searched from *hint on (the schedule asks for y in
// increasing order, so the search is amortised O(1)).
func (r *ramp) at(y float64, hint *int) (time.Duration, bool) {
	if y >= r.total {
		return 0, false
	}
	for k := *hint; k < len(r.pieces); k++ {
		p := r.pieces[k]
		need := y - p.lam0
		end := p.lam0 + (p.a+p.a+p.b*p.dur)/2*p.dur
		if y > end && k < len(r.pieces)-1 {
			continue
		}
		*hint = k
		if need <= 0 {
			return seconds(p.t0), true
		}
		// Solve a·τ + b·τ²/2 = need in the form that stays exact when b
		// is 0 and when a is 0: τ = 2·need / (a + √(a² + 2·b·need)).
		disc := max(p.a*p.a+2*p.b*need, 0)
		den := p.a + math.Sqrt(disc)
		if den <= 0 { // a stage at rate 0 throughout: nothing arrives in it
			continue
		}
		return seconds(p.t0 + min(2*need/den, p.dur)), true
	}
	return 0, false
}

func seconds(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }

// ExpectedArrivals returns how many arrivals a's schedule expects in
// [0, t): the integral of its rate (a ramp's, or the constant Rate's).
func ExpectedArrivals(a Arrivals, t time.Duration) float64 {
	if len(a.Stages) > 0 {
		return newRamp(a.Rate, a.Stages).expected(t)
	}
	return a.Rate * max(t, 0).Seconds()
}
