package harness

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/strategies"
)

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestBarrier: shards arriving in any order (the last ones before shard
// 0 listens) are all released once the last arrives, none before; a
// missing shard makes shard 0 fail naming it; a shard of another plan is
// turned away.
func TestBarrier(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		absent  int      // a shard that never comes, or -1
		plan    []string // per shard
		want    string   // in shard 0's error; "" for none
		timeout time.Duration
	}{
		{"all", 4, -1, []string{"p", "p", "p", "p"}, "", time.Minute},
		{"missing", 3, 2, []string{"p", "p", "p"}, "missing shards: 2", 500 * time.Millisecond},
		{"other plan", 3, -1, []string{"p", "q", "p"}, "missing shards: 1", 500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := freeAddr(t)
			var wg sync.WaitGroup
			released := make([]time.Time, tc.n)
			errs := make([]error, tc.n)
			var lastArrival time.Time
			var mu sync.Mutex
			// Shards n-1 .. 1 first, shard 0 last: followers must retry.
			for i := tc.n - 1; i >= 0; i-- {
				if i == tc.absent {
					continue
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					mu.Lock()
					lastArrival = time.Now()
					mu.Unlock()
					released[i], errs[i] = Barrier(context.Background(), addr, strategies.Shard{Index: i, Count: tc.n}, tc.plan[i], tc.timeout)
				}()
			}
			wg.Wait()
			if tc.want == "" {
				for i, err := range errs {
					if err != nil {
						t.Fatalf("shard %d: %v", i, err)
					}
					if released[i].Before(lastArrival) {
						t.Errorf("shard %d released at %v, before the last shard arrived at %v", i, released[i], lastArrival)
					}
				}
				return
			}
			var be *BarrierError
			if err := errs[0]; !errors.As(err, &be) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--barrier") || strings.Contains(err.Error(), "\n") {
				t.Errorf("shard 0: %v, want one line saying %q", err, tc.want)
			}
			for i := 1; i < tc.n; i++ {
				if i != tc.absent && errs[i] == nil {
					t.Errorf("shard %d released though shard 0 was not", i)
				}
			}
		})
	}
}

// TestBarrierCanceled: an interrupt ends the wait with ctx's error.
func TestBarrierCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := Barrier(ctx, freeAddr(t), strategies.Shard{Index: 0, Count: 2}, "p", time.Minute)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("canceled barrier: %v", err)
	}
}
