package concbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"

	"github.com/concbench/concbench/workloads"
)

// Task is a function registered under a name with Define or DefineWith:
// a workload that Run and Benchmark measure like the built-in ones. A
// Task is safe for concurrent use.
type Task struct {
	name  string
	setup func(ctx context.Context) (any, error) // nil: no state
	// bind returns task i's function for a state setup returned (nil
	// without setup), so that the typed state is captured once, not
	// asserted per task.
	bind func(state any) func(ctx context.Context, i int) error

	mu    sync.Mutex // guards refs and state, and serialises setup
	refs  int
	state any
}

// Name returns the name the task was defined under.
func (t *Task) Name() string { return t.name }

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Define registers fn under name and returns the task, for Run and
// Benchmark. Call it at package level (var t = concbench.Define(...)) so
// that it runs at initialisation: the process strategy re-executes the
// binary, and each worker process finds the task by its name. Define
// panics, as flag redefinition does, if name is taken (by another Define
// or a built-in workload) or is not letters, digits, '.', '_' and '-'.
//
// fn runs task i, blocks until it is done and honours ctx (which carries
// the Timeout option's deadline). It may run on many goroutines at once.
// Task i must be a deterministic function of i: every strategy, and every
// worker process, runs task i and must run the same task, or the
// strategies are not compared on the same work.
//
// An error returned by fn fails the task (after the Retries option's
// attempts) and is counted under its kind: the Kind of a *KindError in
// its chain (see Errorf), "timeout" for an exceeded deadline, else
// "error". A panic in fn fails the task with kind "panic"; it does not end
// the run.
func Define(name string, fn func(ctx context.Context, i int) error) *Task {
	if fn == nil {
		panic(fmt.Sprintf("concbench: Define(%q) with a nil function", name))
	}
	return define(&Task{name: name, bind: func(any) func(context.Context, int) error { return fn }})
}

// DefineWith is Define for a task that needs state, such as a database
// pool or a client. setup builds the state once per process: in the
// process that calls Run or Benchmark, before its first task (then kept
// until that call returns), and in each worker process of the process
// strategy before the worker answers its parent (setup must therefore
// finish within the 10 s a worker has to start). If S implements
// io.Closer, its Close runs after the last task of that process. fn is
// given the state with each task index; it may run on many goroutines at
// once, so the state must be safe for concurrent use.
//
// An error from setup fails the run (Run returns it, Benchmark fails).
func DefineWith[S any](name string, setup func(ctx context.Context) (S, error), fn func(ctx context.Context, state S, i int) error) *Task {
	if setup == nil || fn == nil {
		panic(fmt.Sprintf("concbench: DefineWith(%q) with a nil function", name))
	}
	return define(&Task{
		name:  name,
		setup: func(ctx context.Context) (any, error) { return setup(ctx) },
		bind: func(state any) func(context.Context, int) error {
			s := state.(S)
			return func(ctx context.Context, i int) error { return fn(ctx, s, i) }
		},
	})
}

func define(t *Task) *Task {
	if !validName.MatchString(t.name) {
		panic(fmt.Sprintf("concbench: task name %q: want letters, digits, '.', '_' and '-'", t.name))
	}
	if _, taken := workloads.Lookup(t.name); taken {
		panic(fmt.Sprintf("concbench: Define called twice for %q (or it names a built-in workload)", t.name))
	}
	workloads.Register(workloads.Definition{
		Name:  t.name,
		Usage: "a task defined with concbench.Define",
		New:   t.newDoer,
	})
	return t
}

// newDoer builds the task's Doer for one cell of one process. It holds
// the process's state until the Doer is closed.
func (t *Task) newDoer(workloads.Config) (workloads.Doer, error) {
	state, err := t.acquire(context.Background())
	if err != nil {
		return nil, err
	}
	return &doer{fn: t.bind(state), t: t}, nil
}

// acquire returns the process's state, running setup if no one holds it.
func (t *Task) acquire(ctx context.Context) (any, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.refs == 0 && t.setup != nil {
		s, err := t.setup(ctx)
		if err != nil {
			return nil, fmt.Errorf("concbench: setup of %s: %w", t.name, err)
		}
		t.state = s
	}
	t.refs++
	return t.state, nil
}

// release drops a hold on the state and tears it down after the last one.
func (t *Task) release() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refs--
	if t.refs > 0 {
		return nil
	}
	s := t.state
	t.state = nil
	if c, ok := s.(io.Closer); ok {
		if err := c.Close(); err != nil {
			return fmt.Errorf("concbench: teardown of %s: %w", t.name, err)
		}
	}
	return nil
}

var _ workloads.FuncDoer = (*doer)(nil)

// doer runs a defined task's function; it moves no bytes.
type doer struct {
	fn     func(ctx context.Context, i int) error
	t      *Task
	closed sync.Once
}

func (d *doer) Do(ctx context.Context, i int) (int64, error) { return 0, d.fn(ctx, i) }

// Func returns the task's function, which workloads.Task calls directly.
func (d *doer) Func() func(ctx context.Context, i int) error { return d.fn }

// Close releases the doer's hold on the state, once.
func (d *doer) Close() error {
	var err error
	d.closed.Do(func() { err = d.t.release() })
	return err
}

// KindError is a task error counted under its own Kind in results (the
// "errors" of a summary) rather than as "error". It keeps its kind across
// the process boundary of the process strategy; only the text of a
// wrapped error crosses it.
type KindError = workloads.KindError

// Errorf returns an error counted under kind, formatted as fmt.Errorf
// does (%w wraps, for errors.Is and errors.As in this process). An empty
// kind is "error".
func Errorf(kind, format string, args ...any) error {
	if kind == "" {
		kind = "error"
	}
	err := fmt.Errorf(format, args...)
	return &KindError{Kind: kind, Msg: err.Error(), Err: errors.Unwrap(err)}
}

// Kind returns the kind an error is counted under: the Kind of a
// *KindError in its chain, "panic", "timeout", "canceled" or "error"; ""
// for nil.
func Kind(err error) string { return workloads.Kind(err) }
