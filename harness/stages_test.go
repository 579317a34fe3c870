package harness

import (
	"math"
	"testing"
	"time"

	"github.com/concbench/concbench/strategies"
)

// TestStagesTimelineFollowsTheRamp runs a ramp up, a plateau and a ramp
// down, and reads the timeline against the rate's integral in each
// interval: the arrivals due in it within max(2%, 1 arrival) for uniform
// arrivals, within 3√expected for Poisson ones; the asked rate is the
// ramp's mean, and every arrival is accounted for. The Poisson arrivals
// are those of seed 1, the CLI's default (a pure function of the seed:
// 3σ per interval fails by chance for about 4% of seeds over 15
// intervals; the schedule's mean and variance per interval are checked
// over many seeds in the strategies package).
func TestStagesTimelineFollowsTheRamp(t *testing.T) {
	stages := []strategies.Stage{{Duration: 600 * ms, Target: 500}, {Duration: 300 * ms, Target: 500}, {Duration: 600 * ms, Target: 0}}
	length := strategies.StagesLength(stages)
	for _, poisson := range []bool{false, true} {
		spec := sleepSpec(0)
		spec.Seed = 1
		p := &Plan{Spec: spec, Strategies: []string{"pool"}, Concurrency: []int{8}, Stages: stages, Duration: length,
			Poisson: poisson, Interval: 100 * time.Millisecond}
		s := openRun(t, p)
		o := s.OpenLoop
		total := strategies.ExpectedArrivals(p.Arrivals(0), length)
		if want := total / length.Seconds(); math.Abs(o.RateAsked-want) > 1e-9 || o.Stages != "600ms:500/s,300ms:500/s,600ms:0/s" {
			t.Errorf("poisson=%v: asked %v/s (want the mean %v/s), stages %q", poisson, o.RateAsked, want, o.Stages)
		}
		if len(s.Timeline) < 14 {
			t.Fatalf("poisson=%v: %d steps, want 15 of 100ms", poisson, len(s.Timeline))
		}
		arrivals := 0
		for _, st := range s.Timeline {
			arrivals += st.Arrivals
			tol := max(0.02*st.Asked, 1)
			if poisson {
				tol = max(3*math.Sqrt(st.Asked), 1)
			}
			if math.Abs(float64(st.Arrivals)-st.Asked) > tol {
				t.Errorf("poisson=%v: step at %.1fs: %d arrivals, the ramp asks %.1f (tolerance %.1f)", poisson, st.StartSeconds, st.Arrivals, st.Asked, tol)
			}
		}
		if n := s.Outcomes.Total(); arrivals != n || n != s.Tasks || s.Outcomes.OK != n {
			t.Errorf("poisson=%v: %d arrivals in the timeline, %d accounted for (%+v), %d tasks", poisson, arrivals, n, s.Outcomes, s.Tasks)
		}
		if !poisson && s.Tasks != int(math.Ceil(total)) {
			t.Errorf("uniform: %d tasks, want ⌈%v⌉", s.Tasks, total)
		}
	}
}

func TestStagesValidate(t *testing.T) {
	p := &Plan{Spec: sleepSpec(0), Strategies: []string{"pool"}, Concurrency: []int{8},
		Stages: []strategies.Stage{{Duration: time.Second, Target: 10}}, Duration: 2 * time.Second}
	if err := p.Validate(); err == nil {
		t.Error("a plan whose duration is not its stages' length validated")
	}
	p.Duration = time.Second
	if err := p.Validate(); err != nil {
		t.Errorf("a ramp of 1s: %v", err)
	}
}
