package network

import (
	"context"
	"io"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/concbench/concbench/target"
)

// BenchmarkHTTP runs each engine against the embedded target's "/" in this
// process, 64 requests in flight, as scripts/vs-wrk.sh does across
// processes. ns/op is client and server together, so the difference
// between engines is their clients' cost; allocs/op counts both sides.
func BenchmarkHTTP(b *testing.B) {
	srv, err := target.Start("", "")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close(context.Background())
	const inFlight = 64
	for _, engine := range Engines {
		b.Run("engine="+engine, func(b *testing.B) {
			task, err := newHTTP(&spec{URL: "http://" + srv.HTTPAddr + "/", Engine: engine, Conns: inFlight})
			if err != nil {
				b.Fatal(err)
			}
			defer task.(io.Closer).Close()
			b.SetParallelism(max(inFlight/runtime.GOMAXPROCS(0), 1))
			b.ReportAllocs()
			var failed atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := task.Do(context.Background(), 0); err != nil {
						failed.Add(1)
					}
				}
			})
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d requests failed", n, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}
