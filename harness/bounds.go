package harness

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/concbench/concbench/workloads"
)

// Bounds on a plan, checked by Validate before anything runs, so that a
// typo is a one-line error and never an out-of-memory crash, an overflow
// or a start-up that takes longer than the run (README, "Limits").
const (
	// MaxConcurrency bounds --concurrency, and workers times
	// --per-process: the goroutines (or worker slots) one run may start,
	// about 2.5 GiB of stacks at most. Duration-mode runs have no task
	// count to bound them by.
	MaxConcurrency = 1 << 20
	// MaxRepeat bounds --repeat and --warmup.
	MaxRepeat = 1000
	// MaxRate bounds --rate: arrivals 10 ns apart, finer than any timer.
	MaxRate = 1e8
	// MinRate bounds --rate from below: one arrival every 1000 s.
	MinRate = 1e-3
	// MinInterval bounds --interval from below.
	MinInterval = time.Millisecond
	// MaxSteps bounds the timeline's steps (the run's span over
	// --interval), each of which holds a histogram.
	MaxSteps = 100_000
)

// MaxSpan bounds how long a plan may run: --duration, and the span of an
// open-loop run's arrivals (its tasks over --rate).
const MaxSpan = workloads.MaxDuration

// checkBounds reports the first count, size or rate of p out of its bound.
func (p *Plan) checkBounds() error {
	over := func(flag string, v any, why string) error { return &ValueError{flag, fmt.Sprint(v), why} }
	if p.Duration > MaxSpan {
		return over("duration", p.Duration, "must be at most "+MaxSpan.String())
	}
	if p.Duration == 0 {
		for _, n := range p.Tasks {
			if n > MaxTasks {
				return over("tasks", n, fmt.Sprintf("must be at most %d", MaxTasks))
			}
		}
	}
	for _, c := range p.Concurrency {
		if c > MaxConcurrency {
			return over("concurrency", c, fmt.Sprintf("must be at most %d", MaxConcurrency))
		}
	}
	if slices.Contains(p.Strategies, "process") {
		pp := p.tasksPerWorker()
		if pp > MaxConcurrency {
			return over("per-process", pp, fmt.Sprintf("must be at most %d", MaxConcurrency))
		}
		for _, c := range p.Concurrency {
			if c*pp > MaxConcurrency {
				return over("per-process", pp, fmt.Sprintf("times --concurrency %d is %d tasks at once, over the limit of %d", c, c*pp, MaxConcurrency))
			}
		}
	}
	for _, r := range []struct {
		flag string
		n    int
	}{{"repeat", p.Repeat}, {"warmup", p.Warmup}} {
		if r.n > MaxRepeat {
			return over(r.flag, r.n, fmt.Sprintf("must be at most %d", MaxRepeat))
		}
	}
	if p.MaxQueue > MaxTasks {
		return over("max-queue", p.MaxQueue, fmt.Sprintf("must be at most %d", MaxTasks))
	}
	if p.LateAfter > MaxSpan {
		return over("late-after", p.LateAfter, "must be at most "+MaxSpan.String())
	}
	span := p.Duration // what the timeline covers; 0: no timeline
	if p.Rate != 0 {
		rate := strconv.FormatFloat(p.Rate, 'g', -1, 64) + "/s"
		if p.Rate < MinRate || p.Rate > MaxRate {
			return over("rate", rate, fmt.Sprintf("must be within [%g, %g] tasks per second", MinRate, MaxRate))
		}
		if span == 0 {
			// The arrivals of the largest task count: n-1 gaps of 1/rate.
			n := slices.Max(p.Tasks)
			gaps := float64(n-1) / p.Rate
			if gaps > MaxSpan.Seconds() {
				return over("rate", rate, fmt.Sprintf("issues --tasks %d over %.3gs, longer than the limit of %s", n, gaps, MaxSpan))
			}
			span = time.Duration(gaps * float64(time.Second))
		}
	}
	if p.Interval != 0 {
		if p.Interval < MinInterval {
			return over("interval", p.Interval, "must be at least "+MinInterval.String())
		}
		if steps := math.Ceil(float64(span) / float64(p.Interval)); steps > MaxSteps {
			return over("interval", p.Interval, fmt.Sprintf("cuts a run of %s into %.0f steps, over the limit of %d", span, steps, MaxSteps))
		}
	}
	return nil
}
