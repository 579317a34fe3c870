// Package concbench is a concurrency benchmark and load-testing harness: it
// runs the same workload, task for task, under several concurrency
// strategies and reports the difference.
//
// The command is cmd/concbench; the packages are workloads (what a task
// does), strategies (when and where it runs), harness (running a plan),
// results (samples, summaries, tables) and plots (charts). bench_test.go
// holds the Go benchmarks, each beside a bare hand-written twin.
package concbench
