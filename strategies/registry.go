package strategies

import (
	"cmp"
	"fmt"
	"slices"
	"sync"

	"github.com/concbench/concbench/params"
)

// Config is what a strategy is built from.
type Config struct {
	// Concurrency is the limit asked for. Bounded strategies require it to
	// be positive; the others are given it too and ignore it.
	Concurrency int
	// Params are the strategy's own declared parameters (every one, the
	// user's value or the declared default), e.g. process's per-process.
	Params params.Values
	// Workload is the run's workload spec, for strategies that rebuild the
	// tasks elsewhere (worker processes); its type belongs to the caller
	// (a workloads.Spec) and in-process strategies ignore it, so that they
	// depend on the scheduling contract alone.
	Workload any
}

// Definition is a registered strategy. Register it from an init function,
// one file per strategy.
type Definition struct {
	Name  string
	Usage string // one line for --help
	// Bounded reports whether the strategy takes a concurrency limit; the
	// others ignore it, so a sweep over concurrency runs them once per
	// task count.
	Bounded bool
	// Rank orders the strategies in listings and in "all" (lower first;
	// ties by name). The built-in ones use 0-99.
	Rank int
	// MaxConcurrency, if positive, is the highest concurrency New accepts;
	// a sweep leaves out the cells above it, with a note.
	MaxConcurrency int
	// Params are the strategy's own flags.
	Params []params.Param
	// Library is the module path of the library the strategy is a thin
	// use of, if any; its version goes in the results' environment
	// (LibraryVersions).
	Library string
	// New builds the strategy; errors name the strategy and the flag.
	New func(c Config) (Strategy, error)
}

var (
	registryMu sync.RWMutex
	registry   = map[string]*Definition{}
)

// Register makes a strategy available by its name. It panics if the name
// is empty or already taken, or if New is nil: call it from an init
// function. Safe for concurrent use.
func Register(d Definition) {
	if d.Name == "" || d.New == nil {
		panic("strategies: Register needs a name and a New function")
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[d.Name]; dup {
		panic(fmt.Sprintf("strategies: Register called twice for %q", d.Name))
	}
	registry[d.Name] = &d
}

// Lookup returns the strategy registered under name.
func Lookup(name string) (*Definition, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	d, ok := registry[name]
	return d, ok
}

// Registered returns every strategy name New accepts, in the order "all"
// runs them: by rank (sequential 0, unbounded 10, pool 20, semaphore 30,
// process 50, ...), ties by name.
func Registered() []string {
	registryMu.RLock()
	defs := make([]*Definition, 0, len(registry))
	for _, d := range registry {
		defs = append(defs, d)
	}
	registryMu.RUnlock()
	slices.SortFunc(defs, func(a, b *Definition) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.Name, b.Name))
	})
	out := make([]string, 0, len(defs))
	for _, d := range defs {
		out = append(out, d.Name)
	}
	return out
}
