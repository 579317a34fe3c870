package harness

import (
	"context"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

// queueModel answers probes as a single server of capacity c would: under
// capacity every request takes its service time; over it the queue, and
// the latency, grow for the whole probe.
func queueModel(c, service, probe float64, limitAbove float64, calls *int) ProbeFunc {
	return func(_ context.Context, rate float64) (results.Summary, error) {
		*calls++
		p99 := service
		if rate > c {
			p99 += (rate - c) / c * probe // the backlog at the end of the probe, in seconds of work
		}
		s := results.Summary{Latency: results.Percentiles{P50: service, P99: p99}, Outcomes: results.Outcomes{OK: int(rate * probe)},
			OpenLoop: &results.OpenLoop{RateAsked: rate, RateAchieved: rate, Corrected: results.Percentiles{P99: p99}}}
		if limitAbove > 0 && rate > limitAbove {
			s.OpenLoop.GeneratorLimited, s.OpenLoop.HostLimited = "the process used 97% of its CPUs", true
		}
		return s, nil
	}
}

func TestSearchFindsTheKnee(t *testing.T) {
	th, err := results.ParseThreshold("p99<50ms")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		capacity float64
		start    float64
	}{
		{"190/s from 10/s", 190, 10},
		{"190/s from above", 190, 1000},
		{"37k/s", 37000, 10},
		{"below the start", 3, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			s := &Search{Thresholds: []results.Threshold{th}, Start: c.start, Precision: 0.05}
			// Over capacity by x the p99 after a 5 s probe is 5 s·x: it
			// fails p99<50ms from about 1% over, so the answer lies within
			// 5% below the capacity, or 1% above it.
			r, err := s.Run(context.Background(), Cell{Strategy: "pool"}, queueModel(c.capacity, 0.005, 5, 0, &calls))
			if err != nil {
				t.Fatal(err)
			}
			if r.MaxRate < c.capacity/1.05/1.01 || r.MaxRate > c.capacity*1.01 || r.MinFailing <= r.MaxRate || (r.MinFailing-r.MaxRate)/r.MaxRate > 0.05 {
				t.Errorf("bracket [%g, %g], capacity %g", r.MaxRate, r.MinFailing, c.capacity)
			}
			if calls != len(r.Probes) || calls > 25 || r.GeneratorLimited {
				t.Errorf("%d calls, %d probes, generator-limited %v", calls, len(r.Probes), r.GeneratorLimited)
			}
			// The best point was measured twice: its last probe passed.
			last := r.Probes[len(r.Probes)-1]
			if last.Rate != r.MaxRate || !last.Pass {
				t.Errorf("last probe %+v is not a recheck of %g", last, r.MaxRate)
			}
		})
	}
}

func TestSearchNeverCallsTheGeneratorsLimitAKnee(t *testing.T) {
	th, _ := results.ParseThreshold("p99<50ms")
	calls := 0
	s := &Search{Thresholds: []results.Threshold{th}}
	r, err := s.Run(context.Background(), Cell{Strategy: "pool"}, queueModel(1000, 0.005, 5, 300, &calls))
	if err != nil {
		t.Fatal(err)
	}
	if !r.GeneratorLimited || r.MaxRate > 300 || !strings.Contains(r.Note, "generator") {
		t.Errorf("%+v", r)
	}
	for _, p := range r.Probes {
		if p.Rate > 300 && (p.Pass || !p.Limited) {
			t.Errorf("probe at %g: pass %v limited %v", p.Rate, p.Pass, p.Limited)
		}
	}
}

func TestSearchStopsAtMax(t *testing.T) {
	th, _ := results.ParseThreshold("p99<50ms")
	calls := 0
	s := &Search{Thresholds: []results.Threshold{th}, Max: 500}
	r, _ := s.Run(context.Background(), Cell{}, queueModel(1e9, 0.005, 5, 0, &calls))
	if r.MaxRate != 500 || r.MinFailing != 0 || !strings.Contains(r.Note, "max-rate") {
		t.Errorf("%+v", r)
	}
}

func TestRisingLatencyIsNoSteadyState(t *testing.T) {
	steps := func(p50s ...float64) results.Summary {
		var s results.Summary
		for _, p := range p50s {
			s.Timeline = append(s.Timeline, results.Step{Completed: 10, LatencyP50: p})
		}
		return s
	}
	if why := rising(steps(0.005, 0.030, 0.060, 0.090, 0.100)); why == "" {
		t.Error("a growing queue passed as steady")
	}
	if why := rising(steps(0.005, 0.006, 0.005, 0.007, 0.030)); why != "" {
		t.Errorf("steady latency (last interval cut short) judged rising: %s", why)
	}
}
