package harness

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/clocktest"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

func openRun(t *testing.T, p *Plan) results.Summary {
	t.Helper()
	if len(p.Tasks) == 0 && p.Duration == 0 {
		t.Fatal("plan needs tasks or a duration")
	}
	runs, err := Execute(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := runs[0]
	if s.OpenLoop == nil {
		t.Fatal("no open-loop figures")
	}
	return s
}

func sleepSpec(d time.Duration) workloads.Spec {
	return workloads.Spec{Name: "sleep", Params: params.Values{"durations": d.String()}}
}

// Well under capacity (R*S = 1 much less than W = 16) nothing queues:
// the corrected latency is the service time and the pacer keeps the asked
// rate. What a task waits is then the machine's lateness alone, which an
// unbounded run of the same arrivals, with no slots to wait for, measures
// in the same attempt: the pool may be late no more often, nor by more,
// than it (with room for the 1% of wake-ups delayed past LateAfter on an
// idle machine). W leaves room for a busy machine's sleeps: with S grown
// fourfold the pool still drains a stall's backlog as fast as it came.
// Timing on a busy machine is noisy, so the best of three attempts must
// show it.
func TestOpenLoopUnderCapacity(t *testing.T) {
	const n, w, rate = 400, 16, 200.0
	var problems []string
	for range 3 {
		// How late a wake-up comes on this machine now: the bounds below
		// grow with it, so a busy machine loosens them and an idle one
		// keeps them tight.
		over := clocktest.Overshoot(40)
		run := func(strategy string) results.Summary {
			s := openRun(t, &Plan{Spec: sleepSpec(5 * ms), Strategies: []string{strategy}, Tasks: []int{n}, Concurrency: []int{w},
				Rate: rate, LateAfter: 10*ms + 3*over})
			if s.Outcomes.OK != n || len(s.Timeline) < 2 || s.Timeline[0].Arrivals != 200 || s.TimelineLatency != "corrected" {
				t.Fatalf("%s: ok %d, timeline %+v", strategy, s.Outcomes.OK, s.Timeline)
			}
			return s
		}
		s, u := run("pool"), run("unbounded")
		o := s.OpenLoop
		problems = problems[:0]
		// Nothing should start late but what the machine delayed (a pool
		// that queued would make nearly every task late).
		if o.Late > 4+2*u.OpenLoop.Late || math.Abs(o.RateAchieved-rate)/rate > 0.02 {
			problems = append(problems, fmt.Sprintf("late %d (unbounded %d) rate %.1f/s", o.Late, u.OpenLoop.Late, o.RateAchieved))
		}
		// The gap is the pacer's and the scheduler's lateness; it grows
		// with the timer overshoot this run's own sleeps show, and with
		// the gap of the run that has no queue.
		overshoot := max(s.Latency.P99-0.005, over.Seconds())
		ud := u.OpenLoop.Corrected.P99 - u.Latency.P99
		if d := o.Corrected.P99 - s.Latency.P99; d < 0 || d > 0.005+max(3*overshoot, 2*ud) {
			problems = append(problems, fmt.Sprintf("corrected p99 %.4fs vs service p99 %.4fs (unbounded: %.4fs vs %.4fs)",
				o.Corrected.P99, s.Latency.P99, u.OpenLoop.Corrected.P99, u.Latency.P99))
		}
		if len(problems) == 0 {
			return
		}
		t.Logf("attempt: %v (timer overshoot %v)", problems, over)
	}
	t.Errorf("in the best of three runs: %v", problems)
}

// Over capacity a pool is a deterministic D/D/W queue: with arrivals every
// 1/R and W servers taking S each, task n starts at n*S/W, so it waits
// n*(S/W - 1/R) and the corrected p99 is 0.99*N*(S/W - 1/R) + S. The
// service time stays S. Unbounded has no queue, so its corrected latency
// stays at its service time.
func TestOpenLoopOverloadIsADDWQueue(t *testing.T) {
	const n, w, rate = 300, 4, 300.0
	s := openRun(t, &Plan{Spec: sleepSpec(20 * ms), Strategies: []string{"pool"}, Tasks: []int{n}, Concurrency: []int{w}, Rate: rate})
	S := s.Latency.Mean // the real service time, timer overshoot included
	want := 0.99*n*(S/w-1/rate) + S
	if got := s.OpenLoop.Corrected.P99; math.Abs(got-want) > 0.1*want+0.025 {
		t.Errorf("corrected p99 %.3fs, queueing theory says %.3fs (S = %.4fs)", got, want, S)
	}
	// The service time excludes the queue: its p99 stays a small part of
	// the corrected p99 (about 0.5 s here), however busy the machine.
	if s.Latency.P99 > 0.25*s.OpenLoop.Corrected.P99 || s.OpenLoop.MaxQueueDepth < n/4 {
		t.Errorf("service p99 %.4fs (corrected %.4fs), max queue %d", s.Latency.P99, s.OpenLoop.Corrected.P99, s.OpenLoop.MaxQueueDepth)
	}
	// Unbounded has no queue: what its corrected latency adds to the
	// service time is the pacer's and the scheduler's lateness, a small
	// part of the pool's queueing delay measured in the same test.
	queueing := s.OpenLoop.Corrected.P99 - s.Latency.P99
	u := openRun(t, &Plan{Spec: sleepSpec(20 * ms), Strategies: []string{"unbounded"}, Tasks: []int{n}, Concurrency: []int{w}, Rate: rate})
	if d := u.OpenLoop.Corrected.P99 - u.Latency.P99; d > max(0.005, 0.1*queueing) {
		t.Errorf("unbounded: corrected p99 %.4fs vs service %.4fs", u.OpenLoop.Corrected.P99, u.Latency.P99)
	}
}

// A stall of T blocks every task; the backlog R*T then drains at W/S - R.
// Waits fall linearly from T to 0 over T + drain, so the corrected p99 is
// about T*(1 - 0.01*N/(R*(T+drain))) + S (S as measured), while only the few tasks caught
// in the stall (W of N, under 1%) see a longer service time: the service
// p99 stays at S, and below T however busy the machine. The bounds grow
// with the timer overshoot measured while the run goes on (a busy
// machine's lateness comes and goes), and the best of three runs must
// meet them.
func TestOpenLoopStallShowsInCorrectedLatencyOnly(t *testing.T) {
	const n, w, rate = 1000, 4, 500.0
	S, T := 0.005, 0.2
	var problems []string
	for range 3 {
		spec := sleepSpec(5 * ms)
		spec.StallAt, spec.StallFor = 300*ms, 200*ms
		var s results.Summary
		over := clocktest.During(func() {
			s = openRun(t, &Plan{Spec: spec, Strategies: []string{"pool"}, Tasks: []int{n}, Concurrency: []int{w}, Rate: rate})
		}).P99.Seconds()
		// The drain follows the real service time, timer overshoot
		// included (the median: the few stalled tasks stay out of it): a
		// 5 ms sleep taking 7 ms on a busy machine drains at 71/s, not 300.
		real := s.Latency.P50
		problems = problems[:0]
		if w/real <= rate {
			problems = append(problems, fmt.Sprintf("service time %.4fs: %d slots cannot keep %v/s, so the backlog never drains", real, w, rate))
			t.Logf("attempt: %s", problems[0])
			continue
		}
		drain := rate * T / (w/real - rate)
		want := T*(1-0.01*n/(rate*(T+drain))) + real
		if got := s.OpenLoop.Corrected.P99; math.Abs(got-want) > min(0.15*want+3*over, 0.5*want) {
			problems = append(problems, fmt.Sprintf("corrected p99 %.3fs, want about %.3fs (timer overshoot %.4fs)", got, want, over))
		}
		// A stalled task would take T = 200 ms; an unstalled one S plus
		// the machine's lateness.
		if s.Latency.P99 > min(3*S+3*over, T) {
			problems = append(problems, fmt.Sprintf("service p99 %.4fs (timer overshoot %.4fs): the stall should touch only the tasks running in it", s.Latency.P99, over))
		}
		if len(problems) == 0 {
			return
		}
		t.Logf("attempt: %s", strings.Join(problems, "; "))
	}
	t.Error(strings.Join(problems, "; "))
}

// With one worker busy 100 ms per task, arrivals every 1 ms and room for
// Q waiting, every arrival is dropped except the first, the Q that fill
// the queue and one for each task that ends before the arrivals stop.
func TestOpenLoopMaxQueueDropsExactly(t *testing.T) {
	const q = 10
	task, err := workloads.New(sleepSpec(100 * ms))
	if err != nil {
		t.Fatal(err)
	}
	p := &strategies.Paced{Rate: 1000, Tasks: MaxTasks, Duration: 500 * ms, MaxQueue: q}
	r, err := OncePaced(context.Background(), task, strategies.Pool{Workers: 1}, p)
	if err != nil {
		t.Fatal(err)
	}
	tally := results.Count(r.Samples, workloads.Kind)
	lastDue := r.Samples[len(r.Samples)-1].Due
	k := 0 // tasks that ended, freeing a slot, while arrivals still came
	for _, s := range r.Samples {
		if s.Attempts > 0 && s.Start+s.Service < lastDue {
			k++
		}
	}
	arrivals := len(r.Samples)
	if r.Pacer.MaxQueue != q || arrivals != 500 || k < 3 {
		t.Errorf("max queue depth %d (want %d), %d arrivals, k = %d", r.Pacer.MaxQueue, q, arrivals, k)
	}
	if want := arrivals - (1 + q + k); tally.Outcomes.Dropped != want {
		t.Errorf("%d of %d arrivals dropped, want %d (k = %d)", tally.Outcomes.Dropped, arrivals, want, k)
	}
	if tally.Outcomes.OK+tally.Outcomes.Dropped != arrivals {
		t.Errorf("ok %d + dropped %d != %d arrivals", tally.Outcomes.OK, tally.Outcomes.Dropped, arrivals)
	}
}

func TestPoissonArrivalsAreSeededAndAtRate(t *testing.T) {
	due := func(seed int64) []time.Duration {
		p := &strategies.Paced{Rate: 20000, Poisson: true, Seed: seed, Tasks: 5000}
		p.Start(time.Now())
		var out []time.Duration
		for {
			i, ok := p.Next(context.Background())
			if !ok {
				break
			}
			out = append(out, p.Due(i))
		}
		p.Stop()
		return out
	}
	a, b, c := due(1), due(1), due(2)
	if len(a) != 5000 || a[4999] != b[4999] || a[4999] == c[4999] {
		t.Fatalf("%d arrivals; last due %v %v %v", len(a), a[len(a)-1], b[len(b)-1], c[len(c)-1])
	}
	// 4999 exponential gaps of mean 50µs: the sum is within 5% (sd 1.4%)
	if mean := a[4999].Seconds() / 4999; math.Abs(mean-50e-6)/50e-6 > 0.05 {
		t.Errorf("mean gap %.1fµs, want 50µs", mean*1e6)
	}
}
