package workloads

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/concbench/concbench/results"
)

// Task runs the tasks of one workload with the wrappers of its Spec applied:
// per-attempt timeout, injected failures, retries with exponential backoff
// and panic recovery. A Task is immutable and safe for concurrent use.
type Task struct {
	spec    Spec
	doer    Doer
	counted CountedDoer                            // doer, if it counts its sends; else nil
	fn      func(ctx context.Context, i int) error // doer's function, if it is a FuncDoer; else nil
	panicAt map[int]bool
}

// New builds the tasks a spec describes. It returns a *ParamError if the
// spec is invalid.
func New(spec Spec) (*Task, error) {
	d, ok := Lookup(spec.Name)
	if !ok {
		return nil, spec.Validate() // names the workload
	}
	if err := spec.validateWrappers(); err != nil {
		return nil, err
	}
	spec.Params = spec.Params.Clone()
	t := &Task{spec: spec}
	doer, err := t.spec.build(d)
	if err != nil {
		return nil, err
	}
	t.doer = doer
	t.counted, _ = doer.(CountedDoer)
	if f, ok := doer.(FuncDoer); ok {
		t.fn = f.Func()
	}
	if len(spec.PanicAt) > 0 {
		t.panicAt = make(map[int]bool, len(spec.PanicAt))
		for _, i := range spec.PanicAt {
			t.panicAt[i] = true
		}
	}
	return t, nil
}

// Close releases what the workload keeps between tasks: a network
// client's idle connections. It is meant for when no task runs: the h1
// engine also closes the connections of tasks still running as they end,
// the other clients may keep them. It does not block and may be called
// more than once.
func (t *Task) Close() error {
	if c, ok := t.doer.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// Spec returns the spec the task was built from.
func (t *Task) Spec() Spec { return t.spec }

// ErrInjected is the error of an attempt failed by --fail-rate.
var ErrInjected = &KindError{Kind: "injected", Msg: "injected failure"}

// KindError is an error that carries the kind it is counted under in a
// summary. Workloads return it for classified failures, and it is how a
// failure crosses a process boundary.
type KindError struct {
	Kind string
	Msg  string
	Err  error // the error it wraps, if any (not carried to another process)
}

func (e *KindError) Error() string { return e.Msg }

// Unwrap returns the wrapped error, if any.
func (e *KindError) Unwrap() error { return e.Err }

// PanicError is the error of an attempt that panicked.
type PanicError struct{ Value any }

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Kind returns the kind an error is counted under: the Kind of a *KindError
// in its chain, "panic", "timeout", "canceled", or "error".
func Kind(err error) string {
	var ke *KindError
	var pe *PanicError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ke):
		return ke.Kind
	case errors.As(err, &pe):
		return "panic"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "error"
}

// Run runs task i to completion in the calling goroutine: every attempt,
// and the backoff between them. It blocks, never panics, and returns the
// task's sample with Start (measured from t0), Service, Attempts, Outcome
// and Err set. Due is left for the caller.
func (t *Task) Run(ctx context.Context, i int, t0 time.Time) results.Sample {
	var s results.Sample
	t.RunInto(ctx, i, t0, &s)
	return s
}

// RunInto is Run writing the sample to *s, whose Due it keeps: the form
// for a caller that records the sample by pointer, which then holds one
// Sample while the task runs rather than two.
//
// RunInto is the frame every task's goroutine holds while the workload
// runs: a task goroutine starts with a 2 KiB stack, and each byte of this
// chain is a byte less for the workload before the runtime copies the
// stack to a bigger one (about a microsecond a task). So RunInto keeps the
// attempt inline, with the panic recovery that ends the task (a panic is
// never retried) as its one deferred call holding as little as it can,
// and leaves the rare wrappers to functions of their own.
func (t *Task) RunInto(ctx context.Context, i int, t0 time.Time, s *results.Sample) {
	// One clock reading (time.Now would take the wall clock too). Service
	// holds minus the start's reading until the task ends, so that the
	// deferred recovery needs nothing but s and ctx, and the time since
	// t0 is Start+Service+mono().
	origin, m := since(t0)
	s.Start, s.Service, s.Bytes, s.Attempts, s.Outcome, s.Err = m-origin, -m, 0, 0, results.NotRun, nil
	defer recovered(ctx, s)
	for a := 0; ; a++ {
		if err := ctx.Err(); err != nil {
			s.Err, s.Outcome = err, results.Canceled
			break
		}
		if t.spec.StallFor > 0 {
			t.stall(ctx, s.Start+s.Service+mono())
		}
		var (
			n     int64
			sends = 1 // each send reached the wire: an attempt of its own
			err   error
		)
		switch {
		case t.panicAt != nil && t.panicAt[i]:
			injectPanic(i)
		case t.spec.Timeout > 0:
			n, sends, err = t.timed(ctx, i)
		case t.fn != nil:
			err = t.fn(ctx, i)
		case t.counted != nil:
			n, sends, err = t.counted.DoCounted(ctx, i)
			sends = max(sends, 1)
		default:
			n, err = t.doer.Do(ctx, i)
		}
		s.Attempts += int32(sends)
		s.Bytes += n
		// A failing call still costs its full latency, so failures are
		// decided after the work, as they are for a real request that
		// returns an error.
		if err == nil && t.failed(i, a) {
			err = ErrInjected
		}
		s.Err = err
		s.Outcome = classify(ctx, err)
		if s.Outcome != results.Error && s.Outcome != results.Timeout || a >= t.spec.Retries {
			break
		}
		if Sleep(ctx, t.backoff(a)) != nil {
			s.Err, s.Outcome = ctx.Err(), results.Canceled
			break
		}
	}
	s.Service += mono()
}

// epoch is the origin of mono.
var epoch = time.Now()

// mono reads the monotonic clock, as an offset from epoch.
func mono() time.Duration { return time.Since(epoch) }

// since returns t0 as an offset from epoch and the time now (mono).
// Not inlined: the call to time.Time.Sub takes six words of spill space in
// its caller's frame, which RunInto holds for as long as the task runs.
//
//go:noinline
func since(t0 time.Time) (origin, now time.Duration) { return t0.Sub(epoch), mono() }

// recovered turns a panic of the attempt under way into the task's end: a
// *PanicError counted as one more attempt. RunInto defers it (recover works
// only when called by the deferred function itself).
func recovered(ctx context.Context, s *results.Sample) {
	v := recover()
	if v == nil {
		return
	}
	s.Attempts++
	s.Err = &PanicError{Value: v}
	s.Outcome = classify(ctx, s.Err)
	s.Service += mono()
}

// injectPanic panics as --panic-at asks. Not inlined: formatting the
// value takes stack in RunInto's frame, which every task holds.
//
//go:noinline
func injectPanic(i int) {
	panic(fmt.Sprintf("injected panic in task %d", i))
}

// stall blocks while the injected stall window is open; now is the time
// since the run's start.
func (t *Task) stall(ctx context.Context, now time.Duration) {
	if until := t.spec.StallAt + t.spec.StallFor; now >= t.spec.StallAt && now < until {
		Sleep(ctx, until-now)
	}
}

// timed runs one attempt of task i under the per-attempt timeout. sends
// is how many times it put its request on the wire (1 unless the workload
// is a CountedDoer that resent it).
func (t *Task) timed(ctx context.Context, i int) (n int64, sends int, err error) {
	ctx, cancel := context.WithTimeout(ctx, t.spec.Timeout)
	defer cancel()
	if t.fn != nil {
		return 0, 1, t.fn(ctx, i)
	}
	if t.counted != nil {
		n, sends, err = t.counted.DoCounted(ctx, i)
		return n, max(sends, 1), err
	}
	n, err = t.doer.Do(ctx, i)
	return n, 1, err
}

func (t *Task) failed(i, a int) bool {
	return t.spec.FailRate > 0 && unit(draw(t.spec.Seed, i, a, streamFail)) < t.spec.FailRate
}

// classify returns the outcome of an attempt that returned err.
func classify(ctx context.Context, err error) results.Outcome {
	if err == nil {
		return results.OK
	}
	if ctx.Err() != nil {
		return results.Canceled
	}
	// Run sets a *PanicError unwrapped; a type assertion, unlike
	// errors.As, costs no allocation on this per-task path.
	if _, ok := err.(*PanicError); ok {
		return results.Panic
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return results.Timeout
	}
	return results.Error
}

// backoff returns the wait before the retry that follows attempt a (0-based).
func (t *Task) backoff(a int) time.Duration {
	d := t.spec.Backoff << min(a, 20)
	if d < 0 || d > MaxDuration {
		return MaxDuration
	}
	return d
}

// Expected returns how long task i takes with no scheduling delay at all,
// retries and backoffs included, and whether that is known: it is when the
// workload is an Estimator (sleep, where durations are parameters).
func (t *Task) Expected(i int) (time.Duration, bool) {
	e, ok := t.doer.(Estimator)
	if !ok || t.panicAt[i] {
		return 0, ok && t.panicAt[i]
	}
	return t.expected(i, e.Expected)
}

// Uniform returns the duration every task of t takes with no scheduling
// delay, and true, when it is the same for all: the workload says its
// attempts are (UniformEstimator) and nothing varies it by index (no
// injected failures or panics, no timeout to cut it short). Otherwise it
// returns false, and Expected is to be asked task by task.
func (t *Task) Uniform() (time.Duration, bool) {
	u, ok := t.doer.(UniformEstimator)
	if !ok || len(t.panicAt) > 0 || t.spec.FailRate > 0 {
		return 0, false
	}
	d, ok := u.Uniform()
	if !ok || t.spec.Timeout > 0 && d >= t.spec.Timeout {
		return 0, false
	}
	return d, true
}

// expected adds the wrappers' effect (timeouts, injected failures and
// retries with backoff) to one attempt's duration.
func (t *Task) expected(i int, one func(int) (time.Duration, bool)) (time.Duration, bool) {
	d, ok := one(i)
	if !ok {
		return 0, false
	}
	var total time.Duration
	for a := 0; ; a++ {
		fails := false
		if t.spec.Timeout > 0 && d >= t.spec.Timeout {
			total += t.spec.Timeout
			fails = true
		} else {
			total += d
			fails = t.failed(i, a)
		}
		if !fails || a >= t.spec.Retries {
			return total, true
		}
		total += t.backoff(a)
	}
}

// ExpectedAll returns Expected for tasks 0..n-1, or nil if any is unknown.
func (t *Task) ExpectedAll(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		d, ok := t.Expected(i)
		if !ok {
			return nil
		}
		out[i] = d
	}
	return out
}
