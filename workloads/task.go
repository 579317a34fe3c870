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
	counted CountedDoer // doer, if it counts its sends; else nil
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
	start := time.Now()
	var (
		err     error
		outcome results.Outcome
		a       int
		resent  int // sends beyond one per attempt
		bytes   int64
	)
	for a = 0; ; a++ {
		if ctx.Err() != nil {
			err, outcome = ctx.Err(), results.Canceled
			break
		}
		var n int64
		if t.spec.StallFor > 0 {
			t.stall(ctx, t0)
		}
		var sends int
		n, sends, err = t.attempt(ctx, i, a)
		resent += sends - 1 // resends inside the attempt: each reached the wire
		bytes += n
		outcome = t.classify(ctx, err)
		if outcome != results.Error && outcome != results.Timeout || a >= t.spec.Retries {
			a++
			break
		}
		if Sleep(ctx, t.backoff(a)) != nil {
			a++
			err, outcome = ctx.Err(), results.Canceled
			break
		}
	}
	end := time.Now()
	return results.Sample{
		Start:    start.Sub(t0),
		Service:  end.Sub(start),
		Bytes:    bytes,
		Attempts: int32(a + resent),
		Outcome:  outcome,
		Err:      err,
	}
}

// stall blocks while the injected stall window is open.
func (t *Task) stall(ctx context.Context, t0 time.Time) {
	from := t0.Add(t.spec.StallAt)
	until := from.Add(t.spec.StallFor)
	if now := time.Now(); !now.Before(from) && now.Before(until) {
		Sleep(ctx, until.Sub(now))
	}
}

// attempt runs one attempt, turning a panic into a *PanicError. sends is
// how many times the attempt put its request on the wire (1 unless the
// workload is a CountedDoer that resent it).
func (t *Task) attempt(ctx context.Context, i, a int) (n int64, sends int, err error) {
	sends = 1
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v}
		}
	}()
	if t.spec.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.spec.Timeout)
		defer cancel()
	}
	if t.panicAt[i] {
		panic(fmt.Sprintf("injected panic in task %d", i))
	}
	if t.counted != nil {
		n, sends, err = t.counted.DoCounted(ctx, i)
		sends = max(sends, 1)
	} else {
		n, err = t.doer.Do(ctx, i)
	}
	if err != nil {
		return n, sends, err
	}
	// A failing call still costs its full latency, so failures are decided
	// after the work, as they are for a real request that returns an error.
	if t.failed(i, a) {
		return n, sends, ErrInjected
	}
	return n, sends, nil
}

func (t *Task) failed(i, a int) bool {
	return t.spec.FailRate > 0 && unit(draw(t.spec.Seed, i, a, streamFail)) < t.spec.FailRate
}

func (t *Task) classify(ctx context.Context, err error) results.Outcome {
	if err == nil {
		return results.OK
	}
	if ctx.Err() != nil {
		return results.Canceled
	}
	// attempt returns a *PanicError unwrapped; a type assertion, unlike
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
