// Package bare holds the bare Go twins of concbench's strategies: the same
// scheduling written as a Go developer would write it with no harness at
// all (no recording, no wrappers, no probes). Benchmarks and
// scripts/million.sh run a strategy and its twin on the same sleeps and
// report the ratio, so the harness's own cost is measured, not assumed.
package bare

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/alitto/pond/v2"
	"github.com/panjf2000/ants/v2"
	"golang.org/x/sync/errgroup"
)

// Twins lists the strategies that have a twin here, in the order "all"
// runs them. sequential needs none; the process strategy's twin is a pipe
// echo worker (process_bench_test.go).
var Twins = []string{"unbounded", "pool", "semaphore", "threads", "errgroup", "ants", "pond"}

// Run sleeps durs[i] for every i under the twin of strategy with conc
// slots (ignored by unbounded), and returns the wall time. It blocks until
// every sleep has ended; it returns an error only for an unknown strategy
// or a library that refuses the pool. Safe for concurrent use.
func Run(strategy string, durs []time.Duration, conc int) (time.Duration, error) {
	start := time.Now()
	var wg sync.WaitGroup
	switch strategy {
	case "unbounded":
		for _, d := range durs {
			wg.Go(func() { time.Sleep(d) })
		}
	case "pool", "threads":
		jobs := make(chan time.Duration, conc)
		for range conc {
			wg.Go(func() {
				if strategy == "threads" {
					runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
				}
				for d := range jobs {
					time.Sleep(d)
				}
			})
		}
		for _, d := range durs {
			jobs <- d
		}
		close(jobs)
	case "semaphore":
		sem := make(chan struct{}, conc)
		for _, d := range durs {
			sem <- struct{}{}
			wg.Go(func() {
				time.Sleep(d)
				<-sem
			})
		}
	case "errgroup":
		var g errgroup.Group
		g.SetLimit(conc)
		for _, d := range durs {
			g.Go(func() error { time.Sleep(d); return nil })
		}
		_ = g.Wait() // the sleeps return no error
	case "ants":
		p, err := ants.NewPool(conc)
		if err != nil {
			return 0, fmt.Errorf("bare ants: %w", err)
		}
		defer p.Release()
		for _, d := range durs {
			wg.Add(1)
			if err := p.Submit(func() { defer wg.Done(); time.Sleep(d) }); err != nil {
				wg.Done()
				return 0, fmt.Errorf("bare ants: %w", err)
			}
		}
	case "pond":
		// A queue as long as the pool, as the strategy has: Go blocks when
		// it is full instead of queueing every task at once.
		p := pond.NewPool(conc, pond.WithQueueSize(conc))
		for _, d := range durs {
			if err := p.Go(func() { time.Sleep(d) }); err != nil {
				return 0, fmt.Errorf("bare pond: %w", err)
			}
		}
		p.StopAndWait()
	default:
		return 0, fmt.Errorf("no bare twin for strategy %q; have %v", strategy, Twins)
	}
	wg.Wait()
	return time.Since(start), nil
}
