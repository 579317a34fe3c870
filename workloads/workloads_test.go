package workloads

import (
	"context"
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
)

func mustNew(t testing.TB, s Spec) *Task {
	t.Helper()
	task, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func TestDurationsDeterministicAndDistributed(t *testing.T) {
	const n = 200_000
	const l = 10 * time.Millisecond
	for _, tc := range []struct {
		dist         string
		jitter       time.Duration
		mean, stddev float64 // expected, in units of l
	}{
		{"fixed", 0, 1, 0},
		{"uniform", l / 2, 1, 0.5 / math.Sqrt(3)},
		{"normal", l / 4, 1, 0.25},
		{"exp", 0, 1, 1},
	} {
		t.Run("dist="+tc.dist, func(t *testing.T) {
			p := params.Values{"latency": l.String(), "dist": tc.dist}
			if tc.jitter > 0 {
				p["jitter"] = tc.jitter.String()
			}
			w, again, other := mustSleep(t, 7, p), mustSleep(t, 7, p), mustSleep(t, 8, p)
			var sum, sq float64
			same := 0
			for i := range n {
				d := w.duration(i)
				if d != again.duration(i) {
					t.Fatalf("task %d: %v then %v with the same seed", i, d, again.duration(i))
				}
				if d == other.duration(i) {
					same++
				}
				x := float64(d) / float64(l)
				sum += x
				sq += x * x
			}
			mean := sum / n
			sd := math.Sqrt(sq/n - mean*mean)
			// 200k draws: the standard error of the mean is at most 0.0023.
			if math.Abs(mean-tc.mean) > 0.01 || math.Abs(sd-tc.stddev) > 0.01 {
				t.Errorf("mean %.4f sd %.4f, want %.4f and %.4f", mean, sd, tc.mean, tc.stddev)
			}
			if tc.dist != "fixed" && same > n/100 {
				t.Errorf("seed 8 repeats %d of seed 7's durations", same)
			}
		})
	}
}

// mustSleep builds the sleep workload's Doer as New does.
func mustSleep(t *testing.T, seed int64, p params.Values) *sleep {
	t.Helper()
	d, _ := Lookup("sleep")
	s, err := newSleep(Config{Params: p.WithDefaults(d.Params), Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSleepDefaultJitter: without --jitter, uniform spreads over half the
// latency either side and normal has a quarter of it as its deviation.
func TestSleepDefaultJitter(t *testing.T) {
	for _, tc := range []struct {
		dist string
		want float64
	}{{"uniform", 0.5}, {"normal", 0.25}, {"fixed", 0}, {"exp", 0}} {
		s := mustSleep(t, 1, params.Values{"latency": "8ms", "dist": tc.dist})
		if got := s.jitter / float64(8*time.Millisecond); got != tc.want {
			t.Errorf("%s: jitter %v of the latency, want %v", tc.dist, got, tc.want)
		}
	}
}

func TestDurationsListCycles(t *testing.T) {
	w := mustSleep(t, 0, params.Values{"durations": "1ns,2ns,3ns"})
	for i, want := range []time.Duration{1, 2, 3, 1, 2, 3, 1} {
		if got := w.duration(i); got != want {
			t.Errorf("task %d: %v, want %v", i, got, want)
		}
	}
}

func TestFailuresDeterministicAndNearRate(t *testing.T) {
	const n, p = 100_000, 0.2
	a := mustNew(t, Spec{Name: "sleep", Seed: 3, FailRate: p})
	b := mustNew(t, Spec{Name: "sleep", Seed: 3, FailRate: p})
	fails := 0
	for i := range n {
		if a.failed(i, 0) != b.failed(i, 0) {
			t.Fatalf("task %d: failure differs between equal specs", i)
		}
		if a.failed(i, 0) {
			fails++
		}
	}
	// Binomial: sd = sqrt(n p (1-p)) = 126; allow 5 sd.
	if math.Abs(float64(fails)-n*p) > 5*math.Sqrt(n*p*(1-p)) {
		t.Errorf("%d failures in %d, want about %v", fails, n, n*p)
	}
}

func TestRunOutcomes(t *testing.T) {
	ms := time.Millisecond
	t0 := time.Now()
	for _, tc := range []struct {
		name     string
		spec     Spec
		task     int
		outcome  results.Outcome
		attempts int32
		kind     string
		minTime  time.Duration
	}{
		{"ok", Spec{Name: "sleep", Params: params.Values{"durations": "5ms"}}, 0, results.OK, 1, "", 5 * ms},
		{"timeout", Spec{Name: "sleep", Params: params.Values{"durations": "1s"}, Timeout: 5 * ms}, 0, results.Timeout, 1, "timeout", 5 * ms},
		{"timeout retried with backoff", Spec{Name: "sleep", Params: params.Values{"durations": "1s"}, Timeout: 5 * ms, Retries: 2, Backoff: 2 * ms}, 0, results.Timeout, 3, "timeout", 15*ms + 2*ms + 4*ms},
		{"always failing", Spec{Name: "sleep", Params: params.Values{"durations": "1ms"}, FailRate: 1, Retries: 3}, 0, results.Error, 4, "injected", 4 * ms},
		{"panic is not retried", Spec{Name: "cpu", Params: params.Values{"work": "10"}, PanicAt: []int{2}, Retries: 3}, 2, results.Panic, 1, "panic", 0},
		{"other tasks do not panic", Spec{Name: "cpu", Params: params.Values{"work": "10"}, PanicAt: []int{2}}, 1, results.OK, 1, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := mustNew(t, tc.spec)
			s := task.Run(context.Background(), tc.task, t0)
			if s.Outcome != tc.outcome || s.Attempts != tc.attempts || Kind(s.Err) != tc.kind {
				t.Fatalf("got %v after %d attempts (kind %q, err %v), want %v after %d (kind %q)",
					s.Outcome, s.Attempts, Kind(s.Err), s.Err, tc.outcome, tc.attempts, tc.kind)
			}
			if s.Service < tc.minTime {
				t.Errorf("service %v, want at least %v", s.Service, tc.minTime)
			}
			if exp, ok := task.Expected(tc.task); ok && tc.spec.Name == "sleep" && exp != tc.minTime {
				t.Errorf("Expected = %v, want %v", exp, tc.minTime)
			}
		})
	}
}

func TestRetriesRecoverSomeFailures(t *testing.T) {
	// With p = 0.5 and 3 retries, each attempt's fate is fixed by (seed, i,
	// attempt): the attempt count must be the first non-failing attempt.
	task := mustNew(t, Spec{Name: "cpu", Params: params.Values{"work": "1"}, FailRate: 0.5, Retries: 3, Seed: 11})
	for i := range 200 {
		s := task.Run(context.Background(), i, time.Now())
		want := int32(1)
		for a := 0; a < 3 && task.failed(i, a); a++ {
			want++
		}
		if s.Attempts != want {
			t.Fatalf("task %d: %d attempts, want %d", i, s.Attempts, want)
		}
		if (s.Outcome == results.OK) == task.failed(i, int(want)-1) {
			t.Fatalf("task %d: outcome %v disagrees with attempt %d's draw", i, s.Outcome, want-1)
		}
	}
}

func TestRunCanceled(t *testing.T) {
	for _, spec := range []Spec{
		{Name: "sleep", Params: params.Values{"durations": "10s"}},
		{Name: "cpu", Params: params.Values{"work": strconv.Itoa(math.MaxInt32 * 16)}},
		{Name: "sleep", Params: params.Values{"durations": "1ms"}, FailRate: 1, Retries: 5, Backoff: 10 * time.Second},
	} {
		task := mustNew(t, spec)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		s := task.Run(ctx, 0, time.Now())
		cancel()
		if s.Outcome != results.Canceled || !errors.Is(s.Err, context.DeadlineExceeded) {
			t.Errorf("%s: outcome %v err %v, want canceled", spec.Name, s.Outcome, s.Err)
		}
		if s.Service > time.Second {
			t.Errorf("%s: took %v to notice cancellation", spec.Name, s.Service)
		}
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	s := mustNew(t, Spec{Name: "cpu", Params: params.Values{"work": "1"}}).Run(done, 0, time.Now())
	if s.Outcome != results.Canceled || s.Attempts != 0 {
		t.Errorf("already canceled: %v after %d attempts", s.Outcome, s.Attempts)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		spec  Spec
		param string
	}{
		{Spec{Name: "disk"}, "workload"},
		{Spec{Name: "sleep", Params: params.Values{"latency": "-1ns"}}, "latency"},
		{Spec{Name: "sleep", Params: params.Values{"latency": "25h"}}, "latency"},
		{Spec{Name: "sleep", Params: params.Values{"jitter": "1ms"}}, "jitter"},
		{Spec{Name: "sleep", Params: params.Values{"durations": "1ms", "latency": "1ms"}}, "latency"},
		{Spec{Name: "sleep", Params: params.Values{"dist": "pareto"}}, "dist"},
		{Spec{Name: "sleep", Params: params.Values{"durations": "1ns,-1ns"}}, "durations"},
		{Spec{Name: "cpu", Params: params.Values{"work": "0"}}, "work"},
		{Spec{Name: "sleep", FailRate: 1.5}, "fail-rate"},
		{Spec{Name: "sleep", FailRate: math.NaN()}, "fail-rate"},
		{Spec{Name: "sleep", Retries: -1}, "retries"},
		{Spec{Name: "sleep", Timeout: -time.Second}, "timeout"},
		{Spec{Name: "sleep", PanicAt: []int{-2}}, "panic-at"},
	} {
		var pe *ParamError
		if err := tc.spec.Validate(); !errors.As(err, &pe) || pe.Param != tc.param {
			t.Errorf("%+v: got %v, want an error about --%s", tc.spec, err, tc.param)
		}
	}
	if err := (&Spec{Name: "sleep", Params: params.Values{"latency": "1ms"}}).Validate(); err != nil {
		t.Errorf("valid spec rejected: %v", err)
	}
}

// lateCtx has a deadline that has passed but a Done channel that has not
// closed yet: what a task sees when the machine ran its sleep's timer
// before the goroutine that cancels the context at its deadline.
type lateCtx struct {
	context.Context
	deadline time.Time
}

func (c lateCtx) Deadline() (time.Time, bool) { return c.deadline, true }
func (c lateCtx) Done() <-chan struct{}       { return nil }
func (c lateCtx) Err() error                  { return nil }

// TestSleepHonoursAnEarlierDeadline checks that a sleep whose deadline came
// first times out however late the machine ran either: on a busy machine
// both may be due by the time the task runs, and the outcome must not
// then depend on which the runtime noticed first.
func TestSleepHonoursAnEarlierDeadline(t *testing.T) {
	for _, tc := range []struct {
		name     string
		d, until time.Duration // the sleep, and the deadline from now
		want     error
	}{
		{name: "deadline first", d: 30 * time.Millisecond, until: time.Millisecond, want: context.DeadlineExceeded},
		{name: "deadline at the end", d: 30 * time.Millisecond, until: 30 * time.Millisecond, want: context.DeadlineExceeded},
		{name: "short sleep, deadline first", d: 5 * time.Millisecond, until: time.Millisecond, want: context.DeadlineExceeded},
		{name: "deadline after", d: 30 * time.Millisecond, until: time.Hour, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := lateCtx{Context: context.Background(), deadline: time.Now().Add(tc.until)}
			if err := Sleep(ctx, tc.d); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("Sleep(%v) with a deadline %v away: %v, want %v", tc.d, tc.until, err, tc.want)
			}
		})
	}
}

// TestUniform checks which tasks report one duration for all: a fixed
// sleep (or a list of one) with nothing that varies it by index, and not
// a distribution, a list of several, injected failures or panics, or a
// timeout that cuts it short; where it says so, every task's Expected is
// that duration.
func TestUniform(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Spec
		want time.Duration // 0: not uniform
	}{
		{"fixed", Spec{Name: "sleep", Params: params.Values{"latency": "7ms"}}, 7 * time.Millisecond},
		{"list of one", Spec{Name: "sleep", Params: params.Values{"durations": "3ms"}}, 3 * time.Millisecond},
		{"timeout after it", Spec{Name: "sleep", Params: params.Values{"latency": "7ms"}, Timeout: 8 * time.Millisecond}, 7 * time.Millisecond},
		{"list of two", Spec{Name: "sleep", Params: params.Values{"durations": "3ms,4ms"}}, 0},
		{"uniform dist", Spec{Name: "sleep", Params: params.Values{"latency": "7ms", "dist": "uniform"}}, 0},
		{"failures", Spec{Name: "sleep", Params: params.Values{"latency": "7ms"}, FailRate: 0.1, Retries: 2}, 0},
		{"timeout cuts it", Spec{Name: "sleep", Params: params.Values{"latency": "7ms"}, Timeout: 7 * time.Millisecond}, 0},
		{"panics", Spec{Name: "sleep", Params: params.Values{"latency": "7ms"}, PanicAt: []int{3}}, 0},
		{"cpu", Spec{Name: "cpu"}, 0},
	} {
		task, err := New(tc.spec)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		d, ok := task.Uniform()
		if ok != (tc.want > 0) || d != tc.want {
			t.Errorf("%s: Uniform %v, %v; want %v", tc.name, d, ok, tc.want)
		}
		for i := range 50 {
			if e, _ := task.Expected(i); ok && e != d {
				t.Errorf("%s: task %d expected %v, Uniform said %v", tc.name, i, e, d)
			}
		}
		task.Close()
	}
}
