// Command concbench-worker is concbench's lean worker process: the process
// strategy's worker without the strategies, the charts, the HTTP engines
// and the command line, so that it starts in a fraction of the time
// concbench takes (Go initialises every package a binary links before
// main runs).
//
// concbench run starts its workers from it when it sits beside the
// concbench binary (go install github.com/concbench/concbench/cmd/...
// installs both) and the workload is one it links: every built-in one
// but those that talk to a server (http, tcp). Otherwise, or if it is of
// another build, concbench re-executes itself as before. It is not meant
// to be run by hand.
package main

import (
	"fmt"
	"os"

	"github.com/concbench/concbench/internal/worker"
)

func main() {
	worker.ServeIfWorker() // as a worker, it never returns
	fmt.Fprintln(os.Stderr, "concbench-worker: concbench run starts this binary as its worker processes (--strategies process); it does nothing by hand")
	os.Exit(2)
}
