package osproc

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

func TestWatchParent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ppids []int // answers of ppid, first the one at start
		ticks int
		gone  bool
	}{
		{"parent stays", []int{7, 7, 7, 7}, 3, false},
		{"re-parented at the second tick", []int{7, 7, 1}, 2, true},
		{"re-parented to a subreaper", []int{7, 42}, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			ppid := func() int { calls++; return tc.ppids[min(calls, len(tc.ppids))-1] }
			tick := make(chan time.Time)
			ctx, cancel := context.WithCancel(context.Background())
			gone := false
			done := make(chan struct{})
			go func() { defer close(done); watchParent(ctx, ppid, tick, func() { gone = true }) }()
			for range tc.ticks {
				select {
				case tick <- time.Time{}:
				case <-done:
				}
			}
			cancel()
			<-done
			if gone != tc.gone {
				t.Errorf("gone %v, want %v", gone, tc.gone)
			}
		})
	}
}

// TestPeakRSS checks a child's peak against the memory it touched: a
// child that holds 64 MiB must report at least that where the OS reports
// peaks, and nothing (not 0) where it does not.
func TestPeakRSS(t *testing.T) {
	if os.Getenv("OSPROC_TOUCH") == "1" {
		b := make([]byte, 64<<20)
		for i := range b {
			b[i] = 1
		}
		runtime.KeepAlive(b)
		os.Exit(0)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestPeakRSS$")
	cmd.Env = append(os.Environ(), "OSPROC_TOUCH=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v %s", err, out)
	}
	rss, ok := PeakRSS(cmd.ProcessState)
	if ok != ChildRSS {
		t.Fatalf("ok %v on %s, want %v", ok, runtime.GOOS, ChildRSS)
	}
	if ok && (rss < 64<<20 || rss > 1<<30) {
		t.Errorf("peak RSS %d bytes for a child that touched 64 MiB", rss)
	}
	if !ok && rss != 0 {
		t.Errorf("unknown peak carries %d", rss)
	}
}
