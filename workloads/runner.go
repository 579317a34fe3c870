package workloads

import (
	"context"
	"time"

	"github.com/concbench/concbench/results"
)

// Runner runs the tasks of one run of a Task and records each task's
// sample: RunInto for the goroutines of an in-process run, written for
// the least stack under the workload.
//
// Why: a goroutine asleep in its workload (10 ms, say) finds its stack
// gone from the CPU's caches when it wakes, and each 64 bytes of frames
// between its top and the workload cost a cache miss then. On 2026-12-03
// a bare goroutine-per-task program of 1M 10 ms sleeps ran 8% slower
// with 512 bytes more stack held across the sleep; the harness held 290
// (its caller's Sample, RunInto's frame). A Runner holds no Sample while
// the task runs, only what the sample needs after it, and builds the
// sample in a frame below, on stack the wake-up has just touched: 200
// bytes, and the unbounded run's wall against its bare twin went from
// 1.170x to 1.144x (8 alternated rounds).
//
// A Runner is safe for concurrent use once made.
type Runner struct {
	task *Task
	t0   time.Time
	from time.Duration // t0 as an offset from epoch
	// A recorder, not an interface: a Sample handed to an interface's
	// method escapes, one allocation a task.
	rec *results.Recorder
	due func(i int) time.Duration
	// lean: one attempt, no timeout, stall, injected panic or counted
	// sends, so Run may take its short path.
	lean bool
}

// Runner returns a Runner whose samples' Start is measured from t0, and
// which records each in rec, with Due set by due (if not nil).
func (t *Task) Runner(t0 time.Time, rec *results.Recorder, due func(i int) time.Duration) *Runner {
	return &Runner{
		task: t, t0: t0, from: t0.Sub(epoch), rec: rec, due: due,
		lean: t.spec.Retries == 0 && t.spec.Timeout == 0 && t.spec.StallFor == 0 && t.panicAt == nil && t.counted == nil,
	}
}

// Run runs task gi to its end in the calling goroutine and records its
// sample as task i's: the sample RunInto(ctx, gi, t0, s) writes, with
// Due set. It blocks, and never panics.
func (r *Runner) Run(ctx context.Context, i, gi int) {
	if !r.lean || ctx.Err() != nil {
		r.runInto(ctx, i, gi)
		return
	}
	// Field by field: a literal would be built in a temporary first,
	// a second running on the frame.
	var p running
	p.r, p.ctx, p.i, p.gi = r, ctx, i, gi
	p.start = mono()
	defer p.recovered()
	var (
		n   int64
		err error
	)
	if f := r.task.fn; f != nil {
		err = f(ctx, gi)
	} else {
		n, err = r.task.doer.Do(ctx, gi)
	}
	p.end(n, err)
}

// runInto is Run for every other case, through RunInto. Not inlined: its
// Sample would take room in Run's frame.
//
//go:noinline
func (r *Runner) runInto(ctx context.Context, i, gi int) {
	var s results.Sample
	r.task.RunInto(ctx, gi, r.t0, &s)
	r.set(i, &s)
}

// running is what Run keeps of a task while it runs; it is all that its
// deferred recovery and its end need.
type running struct {
	r     *Runner
	ctx   context.Context
	i, gi int
	start time.Duration // since epoch
	// ended: the sample is being recorded, so a panic from here on is
	// not the task's and goes on up.
	ended bool
}

// end records the sample of the task's one attempt, which returned n and
// err. Not inlined: the Sample it builds is on its frame, below Run's.
//
//go:noinline
func (p *running) end(n int64, err error) {
	// As in RunInto: a failing call still costs its full latency.
	if err == nil && p.r.task.failed(p.gi, 0) {
		err = ErrInjected
	}
	p.record(n, err)
}

// recovered turns a panic of the attempt into the task's sample, as
// RunInto's recovery does: a *PanicError, one attempt.
func (p *running) recovered() {
	if p.ended {
		return
	}
	if v := recover(); v != nil {
		p.record(0, &PanicError{Value: v})
	}
}

// record records the sample of the task's one attempt, ended now.
func (p *running) record(n int64, err error) {
	p.ended = true
	s := results.Sample{Start: p.start - p.r.from, Service: mono() - p.start, Bytes: n, Attempts: 1, Outcome: classify(p.ctx, err), Err: err}
	p.r.set(p.i, &s)
}

// set records s as task i's sample.
func (r *Runner) set(i int, s *results.Sample) {
	if r.due != nil {
		s.Due = r.due(i)
	}
	r.rec.Set(i, s)
}
