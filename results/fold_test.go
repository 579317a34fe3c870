package results

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// foldSamples makes n samples of every outcome, with errors of two kinds.
func foldSamples(n int) []Sample {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]Sample, n)
	for i := range out {
		s := Sample{
			Due:      time.Duration(i) * 50 * time.Microsecond,
			Service:  time.Duration(1+rng.IntN(20_000)) * time.Microsecond,
			Bytes:    int64(rng.IntN(100)),
			Attempts: int32(1 + rng.IntN(2)),
			Outcome:  OK,
		}
		s.Start = s.Due + time.Duration(rng.IntN(3000))*time.Microsecond
		switch rng.IntN(20) {
		case 0:
			s.Outcome, s.Err = Error, errors.New("refused")
		case 1:
			s.Outcome, s.Err = Timeout, fmt.Errorf("attempt %d: timeout", i)
		case 2:
			s.Outcome, s.Attempts, s.Start, s.Service = Dropped, 0, s.Due, 0
		}
		out[i] = s
	}
	return out
}

func errKind(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()[:3]
}

// TestFoldingRecorderCountsLikeCount writes samples from four goroutines
// into folding recorders and checks that their counters add up to exactly
// what Count makes of the same samples, whether the recorder keeps its
// pages (a short run) or frees them as it goes (a long one), and that only
// the unwritten tail is counted as canceled.
func TestFoldingRecorderCountsLikeCount(t *testing.T) {
	const n = 3*PageLen + 1234 // three full pages folded during the run, one at Finish
	samples := foldSamples(n)
	opt := CountOptions{OpenLoop: true, Timeline: true, LateAfter: time.Millisecond, Interval: 100 * time.Millisecond}
	for _, tc := range []struct {
		keep      int
		wantKept  bool
		forgotten int // pages whose range forget was told
	}{
		{keep: 8 * PageLen, wantKept: true},
		{keep: PageLen, wantKept: false, forgotten: 4},
		{keep: 0, wantKept: false, forgotten: 4},
	} {
		t.Run(fmt.Sprintf("keep=%d", tc.keep), func(t *testing.T) {
			const unwritten = 17 // the last few tasks never ran: canceled
			written := samples[:n-unwritten]
			cause := errors.New("canceled")
			want := CountWith(append(append([]Sample(nil), written...), canceledSamples(unwritten, cause)...), errKind, opt)

			r := NewGrowingRecorder(16 * PageLen)
			c := NewCounter(errKind, opt)
			var mu sync.Mutex
			var forgot [][2]int
			r.Fold(c, tc.keep, func(from, to int) {
				mu.Lock()
				defer mu.Unlock()
				forgot = append(forgot, [2]int{from, to})
			})
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := w; i < len(written); i += 4 {
						r.Set(i, written[i])
					}
				})
			}
			wg.Wait()
			got := r.Finish(n, cause)
			if kept := got != nil; kept != tc.wantKept || kept && len(got) != n {
				t.Fatalf("Finish returned %d samples, want them kept: %v", len(got), tc.wantKept)
			}
			if len(forgot) != tc.forgotten {
				t.Errorf("forget told of %d pages (%v), want %d", len(forgot), forgot, tc.forgotten)
			}
			for _, f := range forgot {
				if f[0]%PageLen != 0 || f[1]-f[0] != PageLen {
					t.Errorf("forget(%d, %d) is not one page", f[0], f[1])
				}
			}
			if tally := c.Tally(); !reflect.DeepEqual(tally, want) {
				t.Errorf("folded tally differs from Count's:\n got %+v\nwant %+v", tally, want)
			}
		})
	}
}

func canceledSamples(n int, cause error) []Sample {
	out := make([]Sample, n)
	for i := range out {
		out[i] = Sample{Outcome: Canceled, Err: cause}
	}
	return out
}

// TestCounterPastExactLimit checks that a counter that dropped its raw
// values reports the histogram's percentiles within the HDR error, exact
// max, mean and stddev, and says which method it used.
func TestCounterPastExactLimit(t *testing.T) {
	samples := foldSamples(20_000)
	exact := CountWith(samples, errKind, CountOptions{OpenLoop: true})
	hdr := CountWith(samples, errKind, CountOptions{OpenLoop: true, ExactLimit: 1000})
	if exact.Method != PercentileMethod || hdr.Method != HDRPercentileMethod {
		t.Fatalf("methods %q, %q", exact.Method, hdr.Method)
	}
	for _, m := range []struct {
		name       string
		exact, hdr Percentiles
	}{{"latency", exact.Latency, hdr.Latency}, {"wait", exact.QueueWait, hdr.QueueWait}, {"corrected", exact.Corrected, hdr.Corrected}} {
		// The histogram's value is its bucket's top; with 20k values the
		// exact interpolated percentile may sit a few buckets lower.
		for _, p := range []struct {
			name   string
			ex, hd float64
		}{{"p50", m.exact.P50, m.hdr.P50}, {"p90", m.exact.P90, m.hdr.P90}, {"p99", m.exact.P99, m.hdr.P99}} {
			if d := (p.hd - p.ex) / p.ex; d < -0.002 || d > 0.005 {
				t.Errorf("%s %s: HDR %.6fs, exact %.6fs", m.name, p.name, p.hd, p.ex)
			}
		}
		if m.hdr.Max != m.exact.Max || !near(m.hdr.Mean, m.exact.Mean) || !near(m.hdr.StdDev, m.exact.StdDev) {
			t.Errorf("%s: max/mean/stddev %v/%v/%v, exact %v/%v/%v", m.name, m.hdr.Max, m.hdr.Mean, m.hdr.StdDev, m.exact.Max, m.exact.Mean, m.exact.StdDev)
		}
	}
	if hdr.Outcomes != exact.Outcomes || hdr.Late != exact.Late || hdr.Attempts != exact.Attempts {
		t.Errorf("counts differ: %+v vs %+v", hdr.Outcomes, exact.Outcomes)
	}
}

func near(a, b float64) bool { return a == b || (a-b)/b < 1e-9 && (b-a)/b < 1e-9 }

// BenchmarkRecorder writes samples from four goroutines into a growing
// recorder that keeps them all (mode=keep) or folds them as pages fill
// (mode=fold), and reports the cost per sample and the heap held once
// Finish has returned: for keep, the slots and the samples; for fold, the
// counter (exact values up to DefaultExactLimit, then histograms only).
func BenchmarkRecorder(b *testing.B) {
	const n = 64 * PageLen // 4Mi samples
	s := Sample{Service: 10 * time.Millisecond, Start: time.Millisecond, Attempts: 1, Outcome: OK}
	for _, mode := range []string{"keep", "fold"} {
		b.Run(fmt.Sprintf("mode=%s/samples=%d", mode, n), func(b *testing.B) {
			var held []float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				r := NewGrowingRecorder(n)
				c := NewCounter(errKind, CountOptions{Timeline: true})
				if mode == "fold" {
					r.Fold(c, 0, nil)
				}
				var wg sync.WaitGroup
				for w := range 4 {
					wg.Go(func() {
						for i := w; i < n; i += 4 {
							s := s
							s.Due = time.Duration(i) * time.Microsecond
							r.Set(i, s)
						}
					})
				}
				wg.Wait()
				kept := r.Finish(n, nil)
				runtime.GC()
				runtime.ReadMemStats(&after)
				held = append(held, float64(after.HeapAlloc)-float64(before.HeapAlloc))
				runtime.KeepAlive(r)
				runtime.KeepAlive(kept)
				runtime.KeepAlive(c)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sample")
			b.ReportMetric(slices.Max(held)/n, "held-B/sample")
		})
	}
}
