// Package strategies decides when and where each task of a run executes.
//
// A Strategy receives a Job and calls Job.Exec(ctx, i) for the task indices
// in its own order and on its own goroutines (or, for Process, hands them to
// worker processes). Exec runs the task, recovers its panics and records
// its sample, so a strategy never sees a task fail: it only schedules.
//
// Every strategy honours ctx: once ctx is done it starts no further task
// and returns after the running ones have stopped; the tasks it did not
// start stay unrecorded, and the caller accounts for them as canceled
// (results.Recorder.Finish).
package strategies

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/concbench/concbench/results"
)

// Func runs task i in the calling goroutine and records its sample. It
// blocks until the task ends, never panics, and is safe for concurrent use
// with distinct indices.
type Func func(ctx context.Context, i int)

// Job is the work a strategy schedules. Strategies take task indices from
// Next, in order, and run each where they choose: in-process strategies
// call Exec; strategies that run tasks elsewhere rebuild them from the
// workload they were built with (Config.Workload) and store what comes
// back with Record.
type Job struct {
	// Tasks bounds the indices: every index is below it. With a nil
	// Source it is also the number of tasks, all due at once.
	Tasks  int
	Source Source
	Exec   Func

	// Record stores the sample of task i measured in another process;
	// Start must be an offset from the time Ready returned. Safe for
	// concurrent use with distinct i.
	Record func(i int, s results.Sample)
	// Ready, if set, is called by a strategy with a set-up phase (worker
	// processes) once set-up is done, before the first task; it returns
	// the time task offsets count from.
	Ready func() time.Time

	count Count // the source when Source is nil
}

// Next returns the next task index from the job's source, blocking until
// it is due, or false when none is left or ctx is done. Safe for
// concurrent use.
func (j *Job) Next(ctx context.Context) (int, bool) {
	if j.Source != nil {
		return j.Source.Next(ctx)
	}
	if ctx.Err() != nil {
		return 0, false
	}
	i := j.count.next.Add(1) - 1
	return int(i), i < int64(j.Tasks)
}

// TakeAll takes every index the job has left when its source is a
// closed loop of a set count (nil or a *Count): [from, to), to be handed
// out by the strategy's own means, in order, each to the first slot
// free (the process strategy's workers claim them from memory they
// share). For any other source, or once ctx is done, it takes nothing
// and returns ok false. Safe for concurrent use with Next.
func (j *Job) TakeAll(ctx context.Context) (from, to int, ok bool) {
	c, n := &j.count, j.Tasks
	switch src := j.Source.(type) {
	case nil:
	case *Count:
		c, n = src, src.N
	default:
		return 0, 0, false
	}
	if ctx.Err() != nil {
		return 0, 0, false
	}
	from, to = c.takeAll(n)
	return from, to, true
}

// Strategy schedules the tasks of a Job.
type Strategy interface {
	// Name returns the strategy's name, as used in flags and tables.
	Name() string
	// Slots returns how many tasks may run at once for a job of n tasks.
	Slots(n int) int
	// Run calls job.Exec once for each task index it starts. It blocks
	// until every started task has finished, and returns ctx's error if
	// ctx ended the run early, nil otherwise.
	Run(ctx context.Context, job *Job) error
}

// Spawner is a Strategy that runs the tasks in other processes: Spawn is
// its Run, also returning what those processes cost (as far as measured
// when it fails).
type Spawner interface {
	Strategy
	Spawn(ctx context.Context, job *Job) (ChildStats, error)
}

// ChildStats is what the worker processes of one run cost.
type ChildStats struct {
	Workers, PerProcess int
	Startup             time.Duration // until every first-generation worker answered
	Wall                time.Duration // from the end of start-up to the last task's answer
	PeakRSS             []uint64      // per worker process, replacements included (rusage); nil where the OS gives none
	UserCPU, SysCPU     time.Duration // summed over the workers
	Restarts            int
}

// Names lists the strategies of this package's own files, in the order
// "all" runs them; Registered lists every registered strategy.
var Names = []string{"sequential", "unbounded", "pool", "semaphore"}

// Bounded reports whether a registered strategy takes a concurrency limit;
// the others ignore it, so a sweep over concurrency runs them once per
// task count.
func Bounded(name string) bool {
	d, ok := Lookup(name)
	return ok && d.Bounded
}

// New returns the strategy called name with concurrency limit conc (used by
// the bounded strategies only) and its declared defaults. It returns an
// error naming the strategy if it is unknown or conc is out of range.
func New(name string, conc int) (Strategy, error) {
	return NewWith(name, Config{Concurrency: conc})
}

// NewWith returns the strategy called name built from c, whose Params
// are the user's (the declared defaults fill the rest). It returns an
// error naming the strategy (and the flag, as a *params.Error) if it is
// unknown or c is out of range.
func NewWith(name string, c Config) (Strategy, error) {
	if Bounded(name) && c.Concurrency <= 0 {
		return nil, fmt.Errorf("strategy %s: concurrency %d must be positive", name, c.Concurrency)
	}
	if d, ok := Lookup(name); ok {
		c.Params = c.Params.WithDefaults(d.Params)
		return d.New(c)
	}
	return nil, fmt.Errorf("unknown strategy %q; want one of %s or all", name, strings.Join(Registered(), ", "))
}
