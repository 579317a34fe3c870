// Package concbench measures a Go function of your own under several
// concurrency strategies, task for task, and reports the difference:
// sequential (one after another), unbounded (a goroutine each), pool (K
// workers draining a queue), semaphore (a goroutine each, K at once) and
// process (K worker processes, the binary re-executed).
//
// Define the task at package level, serve workers first in TestMain, and
// benchmark it:
//
//	var hash = concbench.Define("hash", func(ctx context.Context, i int) error {
//		sha256.Sum256(payload(i)) // task i depends on i alone
//		return nil
//	})
//
//	func TestMain(m *testing.M) {
//		concbench.ServeWorkers() // in a worker process: serve tasks, exit
//		os.Exit(m.Run())
//	}
//
//	func BenchmarkHash(b *testing.B) {
//		concbench.Benchmark(b, hash, concbench.Strategies("all"), concbench.Concurrency(4, 64), concbench.Tasks(1000))
//	}
//
// Then `go test -bench . -count 6 > x.txt && go tool benchstat -col
// /strategy x.txt` sets the strategies side by side, one row per task
// count and concurrency. Or, from code, Run returns the results document
// that `concbench run --out` writes, for `concbench report`, `plot` and
// `compare`:
//
//	doc, err := concbench.Run(ctx, hash, concbench.Strategies("pool", "semaphore"), concbench.Concurrency(8))
//
// Timeouts, retries with backoff and panic recovery apply to a defined
// task as to the built-in workloads; its errors are counted by kind (see
// Errorf); DefineWith gives it per-process state such as a client.
//
// The command is cmd/concbench; the packages below are workloads (what a
// task does), strategies (when and where it runs), harness (running a
// plan), results (samples, summaries, the results document and its
// formats) and plots (charts). This package imports neither plots nor the
// HTTP engines, so a test binary and its worker processes stay lean.
// bench_test.go holds the Go benchmarks, each beside a bare hand-written
// twin.
package concbench
