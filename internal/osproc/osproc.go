// Package osproc holds what concbench asks of the operating system about
// child processes: that a child dies with its parent, and what a child's
// peak memory was. Each operating system answers in its own file; where
// one has no answer, the figure is unknown (ok false), never 0.
package osproc

import (
	"context"
	"os"
	"sync"
	"time"
)

// KillSelf ends this process at once, as SIGKILL would, for fault
// injection: no deferred calls, no exit handlers.
func KillSelf() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Kill()
	}
	// Kill of oneself does not return where it works; where it does not,
	// exiting abruptly is the closest.
	os.Exit(137)
}

// ExitWithParent makes this process (a child started with ChildAttr) end
// when its parent dies, where the kernel does not already see to it. It
// returns a function that stops watching and waits for the watcher.
// On Linux and FreeBSD the kernel kills the child (Pdeathsig); on other
// unix systems the child polls its parent's pid, which changes when it is
// re-parented; on Windows the child relies on its stdin reaching EOF.
func ExitWithParent() (stop func()) {
	if pollParent <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(pollParent)
		defer t.Stop()
		watchParent(ctx, os.Getppid, t.C, KillSelf)
	})
	return func() { cancel(); wg.Wait() }
}

// watchParent calls gone once ppid differs from its first answer, checking
// at every tick, and returns then or when ctx ends.
func watchParent(ctx context.Context, ppid func() int, tick <-chan time.Time, gone func()) {
	first := ppid()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			if ppid() != first {
				gone()
				return
			}
		}
	}
}
