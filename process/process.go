package process

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concbench/concbench/internal/worker"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// MaxWorkers is the most worker processes Process accepts: 64 per core,
// four times over. More is a typo, not a benchmark.
func MaxWorkers() int { return 4 * runtime.NumCPU() * 64 }

// Process runs the tasks in Workers OS processes, each the running binary
// re-executed as a worker (see ServeIfWorker), each running up to
// PerProcess tasks at once. Task indices go to a worker over its stdin as
// soon as it has a free slot; results come back over its stdout. Workers
// with one slot running a closed loop of a set count claim the indices
// themselves instead, from memory shared with the parent, where the OS
// allows (Linux): in the same order, each to the first worker free, and
// their results come back over stdout in batches (see Pipe).
//
// A worker that dies fails the tasks it held (outcome error, the cause
// and its stderr in the message) and is replaced; a replacement that dies
// before finishing a task is not, and if no worker is left for the tasks
// remaining, Spawn fails. Zero values: one worker, one task per
// worker, this executable, a 10 s start timeout.
type Process struct {
	// Spec is the workload each worker rebuilds (its Conns is set to
	// PerProcess).
	Spec         workloads.Spec
	Workers      int
	PerProcess   int
	Command      []string      // the worker command line; nil means this executable
	StartTimeout time.Duration // for a worker's start and handshake
	// Lean, if set, is the command line of a lean worker (see UseLean),
	// tried before Command: a binary of the same build that links less
	// and so starts faster. Where it refuses (another build, or a
	// workload it does not link) or fails to start, the workers start
	// from Command, and a refusal is remembered for later runs. A lean
	// worker with one slot (PerProcess of 0 or 1) runs with
	// GOMAXPROCS=1 unless the environment sets GOMAXPROCS.
	Lean []string
	// Pipe sends every task index over the worker's stdin. Without it,
	// workers with one task in flight claim a closed loop's tasks from
	// memory they share with the parent, where the OS allows (Linux):
	// the same order and list scheduling, without a round trip through
	// the parent per task. Pipe is for comparing the two.
	Pipe bool

	lean   bool           // Command is the lean worker: it is told the parent's build
	claims *worker.Claims // where the workers claim their tasks; nil: over the pipe
}

var _ strategies.Spawner = Process{}

// ChildStats is what the worker processes of one run cost.
type ChildStats = strategies.ChildStats

// Name returns "process".
func (Process) Name() string { return "process" }

// Slots returns workers times tasks per worker, capped at n.
func (p Process) Slots(n int) int { return min(p.workers()*p.perProcess(), n) }

func (p Process) workers() int    { return max(p.Workers, 1) }
func (p Process) perProcess() int { return max(p.PerProcess, 1) }

// Run is Spawn without the workers' figures.
func (p Process) Run(ctx context.Context, job *strategies.Job) error {
	_, err := p.Spawn(ctx, job)
	return err
}

// Spawn starts the workers, calls job.Ready, dispatches every task,
// records each result with job.Record, and returns what the workers
// cost (what was measured so far if it fails). It blocks
// until every worker has exited. It fails if a first-generation worker
// cannot start; once running, dead workers only fail their own tasks. If
// ctx ends, workers get SIGINT (their tasks end as canceled), then SIGKILL
// after a grace period.
func (p Process) Spawn(ctx context.Context, job *strategies.Job) (ChildStats, error) {
	if job.Record == nil {
		return ChildStats{}, errors.New("process strategy: the job has no Record function")
	}
	// A worker starts a goroutine per slot: no more than tasks can use.
	p.PerProcess = min(p.perProcess(), max(job.Tasks, 1))
	nw := min(p.workers(), job.Tasks)
	stats := &ChildStats{Workers: nw, PerProcess: p.perProcess()}
	if nw == 0 {
		return *stats, ctx.Err()
	}
	start := time.Now()
	if claims := p.claim(ctx, job, nw); claims != nil {
		defer claims.Close()
		p.claims = claims
		stop := context.AfterFunc(ctx, claims.Stop)
		defer stop()
	}
	// p becomes what the workers started from: a lean worker's
	// replacement is lean too.
	p, procs, errs := p.startAll(ctx, nw, stats)
	stats.Startup = time.Since(start)
	if err := firstOf(errs); err != nil {
		killAll(procs, stats)
		return *stats, fmt.Errorf("process strategy: %w", err)
	}
	var wg sync.WaitGroup

	d := &dispatch{job: job, t0: time.Now(), stats: stats, mayWait: mayWait(job.Source), claims: p.claims}
	if job.Ready != nil {
		d.t0 = job.Ready()
	}
	if d.claims != nil {
		d.mono = worker.MonoAt(d.t0)
	}
	for _, w := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.drive(ctx, d, w)
		}()
	}
	wg.Wait()
	if d.claims != nil && ctx.Err() == nil {
		d.settle()
	}
	if ctx.Err() == nil && d.remaining() {
		// Every worker died and none could take its place: the tasks
		// left never ran, and that is this run's failure, not theirs.
		loss := d.loss
		if loss == nil {
			loss = errors.New("every worker exited") // signalled apart from the parent
		}
		return *stats, fmt.Errorf("no worker left for the remaining tasks: %w", loss)
	}
	return *stats, ctx.Err()
}

// dispatch is the state the workers of one run share.
type dispatch struct {
	job       *strategies.Job
	mayWait   bool // job.Next may block until a task is due
	t0        time.Time
	exhausted atomic.Bool // the source said no more
	claims    *worker.Claims
	mono      int64      // t0 as a CLOCK_MONOTONIC reading, for claims
	mu        sync.Mutex // guards stats and loss; Wall is the latest answer's offset from t0
	stats     *ChildStats
	loss      error      // why the latest worker not replaced ended
	accounted int        // claims: tasks answered or failed by reaped workers
	unlogged  []unlogged // claims: indices workers were taking as they died
}

// reaped notes, for a run whose workers claim their tasks, what a reaped
// worker accounted for (its answers and the held tasks failed for it), and
// the index it was taking if it died doing so.
func (d *dispatch) reaped(w *proc, held int) {
	cl, ok := d.claims.Unlogged(w.id)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.accounted += w.finished + held
	if ok {
		d.unlogged = append(d.unlogged, unlogged{cl, w.cause})
	}
}

// settle fails the tasks that workers took as they died, before they could
// log them: once every worker has exited, the claims not accounted for
// are theirs, when there are as many as the indices they were taking. (A
// worker killed between its claim and its log of it, a few instructions,
// is the only way to lose one. Two such deaths of which one took its
// index and the other did not, in one run, would leave the one task
// unrecorded, counted as canceled.)
func (d *dispatch) settle() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if missing := d.claims.Claimed() - d.accounted; missing == 0 || missing != len(d.unlogged) {
		return
	}
	for _, u := range d.unlogged {
		d.job.Record(u.Index, results.Sample{Start: u.Start, Attempts: 1, Outcome: results.Error, Err: u.cause})
	}
}

// unlogged is an index a worker was taking when it died.
type unlogged struct {
	worker.Claim
	cause error
}

// gaveUp notes why a worker that died was not replaced.
func (d *dispatch) gaveUp(err error) {
	d.mu.Lock()
	d.loss = err
	d.mu.Unlock()
}

// ended notes the latest answer of a worker that was reaped: the run's
// wall time is the latest of all.
func (d *dispatch) ended(w *proc) {
	d.mu.Lock()
	d.stats.Wall = max(d.stats.Wall, w.last)
	d.mu.Unlock()
}

// mayWait reports whether src's Next may block until a task is due: any
// source but the closed loops', whose tasks are all due at once.
func mayWait(src strategies.Source) bool {
	switch src.(type) {
	case nil, *strategies.Count, *strategies.Until:
		return false
	}
	return true
}

func (d *dispatch) take(ctx context.Context) (int, bool) {
	i, ok := d.job.Next(ctx)
	if !ok {
		d.exhausted.Store(true)
	}
	return i, ok
}

// remaining reports whether the source may still hand out tasks.
func (d *dispatch) remaining() bool {
	if d.claims != nil {
		return d.claims.Left()
	}
	return !d.exhausted.Load()
}

// claim returns the memory from which the workers will claim the job's
// tasks, holding all of them, where they can: one task in flight per
// worker, a closed loop of a set count and an OS that shares memory
// (see worker.Claims). Otherwise it returns nil and the tasks go over
// the pipe.
func (p Process) claim(ctx context.Context, job *strategies.Job, workers int) *worker.Claims {
	if p.perProcess() != 1 || p.Pipe {
		return nil
	}
	c, err := worker.NewClaims(workers)
	if err != nil {
		return nil
	}
	from, to, ok := job.TakeAll(ctx) // a source that is not a closed loop of a set count gives none
	if !ok {
		c.Close()
		return nil
	}
	c.Give(from, to)
	return c
}

// drive keeps a worker slot busy until no task is left, replacing the
// worker if it dies while tasks remain.
func (p Process) drive(ctx context.Context, d *dispatch, w *proc) {
	for {
		crashed := p.serve(ctx, d, w)
		if !crashed || ctx.Err() != nil || !d.remaining() {
			return
		}
		if w.finished == 0 && w.gen > 0 {
			d.gaveUp(w.cause) // a crash loop
			return
		}
		next, err := p.start(ctx, w.id)
		if err != nil {
			d.gaveUp(err)
			return // the surviving workers take the remaining tasks
		}
		next.gen = w.gen + 1
		d.mu.Lock()
		d.stats.Restarts++
		d.mu.Unlock()
		w = next
	}
}

// firstOf returns the first non-nil error, noting how many others there
// were, so that the message stays on one line.
func firstOf(errs []error) error {
	var first error
	n := 0
	for _, err := range errs {
		if err != nil {
			if first == nil {
				first = err
			}
			n++
		}
	}
	if n > 1 {
		return fmt.Errorf("%w (and %d more workers)", first, n-1)
	}
	return first
}
