package workloads

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/concbench/concbench/params"
)

// Doer runs one attempt of task i, with no wrapper (timeout, retries,
// injected failures and panic recovery are the Task's), and returns the
// bytes it moved. It blocks until the attempt ends, honours ctx, and is
// safe for concurrent use with any indices. What it does must depend only
// on i (and the workload's parameters and seed): every strategy, worker
// process and shard runs task i and must run the same task.
//
// A Doer may also implement io.Closer (released after a cell, when no task
// runs) and Estimator.
type Doer interface {
	Do(ctx context.Context, i int) (bytes int64, err error)
}

// DoerFunc adapts a function to a Doer.
type DoerFunc func(ctx context.Context, i int) (int64, error)

// Do calls f(ctx, i).
func (f DoerFunc) Do(ctx context.Context, i int) (int64, error) { return f(ctx, i) }

// CountedDoer is implemented by a Doer whose attempt may put its request
// on the wire more than once: a resend on a connection found dead, or
// redirects followed. DoCounted is Do, and also returns sends (at least 1):
// each counts as an attempt, so that attempts equal the requests the
// server received.
type CountedDoer interface {
	DoCounted(ctx context.Context, i int) (bytes int64, sends int, err error)
}

// FuncDoer is implemented by a Doer whose attempt is a function that
// moves no bytes, as a task defined with concbench.Define is: the Task
// calls the function itself rather than Do, one frame less under the
// function on the stack of each task (a task goroutine starts with 2 KiB).
type FuncDoer interface {
	Doer
	Func() func(ctx context.Context, i int) error
}

// Estimator is implemented by a Doer that knows how long task i takes with
// no scheduling delay at all (one attempt); the harness then reports the
// ideal makespan and efficiency.
type Estimator interface {
	Expected(i int) (d time.Duration, ok bool)
}

// UniformEstimator is an Estimator that may know that every task takes
// the same time: Uniform returns it and true then. The harness then works
// out a cell's ideal makespan in one step instead of asking each task (a
// million-task cell's summary took 22 ms asking).
type UniformEstimator interface {
	Estimator
	Uniform() (d time.Duration, ok bool)
}

// Config is what a workload is built from: its own parameters (every
// declared one, the user's value or the declared default), the run's seed,
// and how many tasks one process may run at once (the size of a network
// client's connection pool).
type Config struct {
	Params params.Values
	Seed   int64
	Conns  int
}

// Definition is a registered workload: its name, its parameters and how to build
// its Doer. Register it from an init function, one file per workload.
type Definition struct {
	Name  string
	Usage string // one line for --help
	// Params are the workload's own flags. A name may be shared with other
	// workloads (e.g. "latency", "size"); its meaning is then the same.
	Params []params.Param
	// New validates c.Params (errors are *params.Error naming the flag) and
	// builds the workload. It is called once per process and cell: in the
	// parent and in every worker process.
	New func(c Config) (Doer, error)
	// Validate, if set, checks p (every declared parameter set, defaults
	// filled in) the way New does, but builds nothing that outlasts it:
	// Spec.Validate calls it, so that a bad value is reported before
	// anything runs. Errors are *params.Error.
	Validate func(p params.Values) error
	// Describe, if set, returns the parameters that describe a run in
	// tables and results (e.g. leaving out what does not apply). The
	// default is every set parameter.
	Describe func(p params.Values) map[string]string
	// Tasks, if set, returns the task count the parameters imply when the
	// run gives none (sleep's --durations: one task per duration); 0 for
	// none.
	Tasks func(p params.Values) int
	// CPUBound reports that a task keeps a CPU busy throughout: at most
	// GOMAXPROCS run at once, whatever the strategy (progress estimates).
	CPUBound bool
	// Network, if set, says that the workload talks to a server: Target
	// reports whether p names none, so that concbench starts its embedded
	// loopback target and calls Point to aim p at it; Address returns the
	// host:port that p names, for a reachability check before the run.
	Network *Network
}

// Network describes a workload that talks to a server.
type Network struct {
	Target  func(p params.Values) bool
	Point   func(p params.Values, httpAddr, tcpAddr string) params.Values
	Address func(p params.Values) (string, error)
}

var (
	registryMu sync.RWMutex
	registry   = map[string]*Definition{}
)

// Register makes a workload available by its name. It panics if the name
// is empty or already registered, or if New is nil, as flag redefinition
// does: call it from an init function or at package level. Safe for
// concurrent use.
func Register(k Definition) {
	if k.Name == "" || k.New == nil {
		panic("workloads: Register needs a name and a New function")
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[k.Name]; dup {
		panic(fmt.Sprintf("workloads: Register called twice for %q", k.Name))
	}
	registry[k.Name] = &k
}

// Lookup returns the workload registered under name.
func Lookup(name string) (*Definition, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	k, ok := registry[name]
	return k, ok
}

// Registered returns the names of the registered workloads: the built-in
// ones in their usual order, then the others sorted.
func Registered() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	rank := func(n string) int {
		if i := slices.Index(builtinOrder, n); i >= 0 {
			return i
		}
		return len(builtinOrder)
	}
	sort.Slice(out, func(a, b int) bool {
		ra, rb := rank(out[a]), rank(out[b])
		if ra != rb {
			return ra < rb
		}
		return out[a] < out[b]
	})
	return out
}

// builtinOrder is the order of the built-in workloads in listings.
var builtinOrder = []string{"sleep", "cpu", "http", "tcp", "file", "mixed"}
