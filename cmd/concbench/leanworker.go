package main

import (
	"os"
	"path/filepath"

	"github.com/concbench/concbench/process"
	"github.com/concbench/concbench/workloads"
)

// leanWorkerName is the lean worker's file name beside concbench (with
// concbench's own extension, .exe on Windows).
const leanWorkerName = "concbench-worker"

// useLeanWorker has the process strategy start its workers from
// cmd/concbench-worker where that binary sits beside this one: it links
// no charts and no HTTP engines, and starts several times faster. It
// serves the workloads that do not talk to a server (workloads/network's
// are not linked, and they are what makes a worker slow to start).
func useLeanWorker() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	if argv := leanBeside(exe); argv != nil {
		process.UseLean(argv, leanServes)
	}
}

// leanBeside returns the lean worker's command line if it is a file
// beside exe, else nil.
func leanBeside(exe string) []string {
	lean := filepath.Join(filepath.Dir(exe), leanWorkerName+filepath.Ext(exe))
	if fi, err := os.Stat(lean); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	return []string{lean}
}

// leanServes reports whether the lean worker links workload name.
func leanServes(name string) bool {
	d, ok := workloads.Lookup(name)
	return ok && d.Network == nil
}
