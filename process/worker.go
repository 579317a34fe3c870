package process

import "github.com/concbench/concbench/internal/worker"

// IsWorker reports whether the parent started this process as a Process
// worker (whether or not it serves as one).
func IsWorker() bool { return worker.IsWorker() }

// ServeIfWorker turns this process into a Process worker and exits if the
// parent started it as one; otherwise it returns at once. Call it first in
// main, and in TestMain of any test binary that runs the process strategy,
// so that re-executing the binary yields a worker.
func ServeIfWorker() { worker.ServeIfWorker() }
