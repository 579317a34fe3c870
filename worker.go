package concbench

import (
	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/process"
)

// hint is what a process started as a worker says when it was not made to
// serve: the binary runs its tests or its main instead.
const hint = process.ServeHint

// ServeWorkers serves and exits if this process is a worker: the binary
// re-executed by the process strategy (it then runs the tasks its parent
// sends, rebuilding them by the names they were defined under) or the
// embedded loopback target of a network workload. Otherwise it returns at
// once. Call it first in TestMain of every test binary that runs Run or
// Benchmark, and first in main of a program that does:
//
//	func TestMain(m *testing.M) {
//		concbench.ServeWorkers()
//		os.Exit(m.Run())
//	}
//
// Without it a worker would run the test suite (or main) instead of tasks;
// Run and Benchmark panic in such a worker, and the parent fails the cell
// with the same hint.
func ServeWorkers() { harness.ServeIfChild() }

// mustNotBeWorker panics in a process started as a worker: one that got
// here did not call ServeWorkers, and running the tasks again in it would
// start workers of its own.
func mustNotBeWorker(fn string) {
	if harness.IsChild() {
		panic("concbench." + fn + " called in a worker process: " + hint)
	}
}
