package results

import (
	"errors"
	"fmt"
	"math"
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

// TestRecorderCountsLikeCount writes samples from four goroutines into
// recorders and checks that their streamed tallies add up to what Count
// makes of the same samples, that only the unwritten tasks are counted as
// canceled (at their due times), that Forget is told of exactly the whole
// pages recorded, and that samples are kept only for runs within Keep.
func TestRecorderCountsLikeCount(t *testing.T) {
	const n = 3*PageLen + 1234 // three whole pages and a part
	samples := foldSamples(n)
	opt := CountOptions{OpenLoop: true, Timeline: true, LateAfter: time.Millisecond, Interval: 100 * time.Millisecond}
	for _, tc := range []struct {
		name      string
		keep      int
		unwritten []int // tasks never recorded
		forgotten int   // pages whose range Forget is told
	}{
		{name: "tail-canceled/kept", keep: n, unwritten: []int{n - 3, n - 2, n - 1}, forgotten: 3},
		{name: "tail-canceled", keep: 0, unwritten: []int{n - 3, n - 2, n - 1}, forgotten: 3},
		{name: "holes", keep: n - 1, unwritten: []int{0, 7, PageLen + 5, 2*PageLen - 1}, forgotten: 1},
		{name: "all-written", keep: 0, forgotten: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cause := errors.New("canceled")
			due := func(i int) time.Duration { return samples[i].Due }
			expected := slices.Clone(samples)
			for _, i := range tc.unwritten {
				expected[i] = Sample{Due: due(i), Outcome: Canceled, Err: cause}
			}
			want := CountWith(expected, errKind, opt)

			var mu sync.Mutex
			var forgot [][2]int
			r := NewRecorder(16*PageLen, RecorderOptions{Count: opt, Kind: errKind, Keep: tc.keep, Due: due, Forget: func(from, to int) {
				mu.Lock()
				defer mu.Unlock()
				forgot = append(forgot, [2]int{from, to})
			}})
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := w; i < n; i += 4 {
						if !slices.Contains(tc.unwritten, i) {
							r.Set(i, &samples[i])
						}
					}
				})
			}
			wg.Wait()
			got, kept := r.Finish(n, cause)
			if wantKept := n <= tc.keep; wantKept != (kept != nil) {
				t.Fatalf("Finish returned %d samples, want them kept: %v", len(kept), wantKept)
			} else if wantKept && !reflect.DeepEqual(kept, expected) {
				t.Error("kept samples differ from those written")
			}
			if len(forgot) != tc.forgotten {
				t.Errorf("Forget told of %d pages (%v), want %d", len(forgot), forgot, tc.forgotten)
			}
			for _, f := range forgot {
				if f[0]%PageLen != 0 || f[1]-f[0] != PageLen {
					t.Errorf("Forget(%d, %d) is not one page", f[0], f[1])
				}
			}
			sameTally(t, got, want)
			if b := r.PeakBytes(); b == 0 || b > 16<<20 {
				t.Errorf("recorder peak %d bytes, want some, under 16 MiB", b)
			}
		})
	}
}

// sameTally compares tallies of the same samples added in different
// orders: counts, exact percentiles, histograms and timelines are equal;
// running means may differ in the last bits; error examples may be any.
func sameTally(t *testing.T, got, want Tally) {
	t.Helper()
	if got.Outcomes != want.Outcomes || got.Attempts != want.Attempts || got.Bytes != want.Bytes || got.Late != want.Late || got.Method != want.Method {
		t.Errorf("counts: got %+v/%d/%d/%d %q, want %+v/%d/%d/%d %q", got.Outcomes, got.Attempts, got.Bytes, got.Late, got.Method, want.Outcomes, want.Attempts, want.Bytes, want.Late, want.Method)
	}
	if len(got.Errors) != len(want.Errors) {
		t.Errorf("error kinds %v, want %v", got.Errors, want.Errors)
	}
	for k, e := range want.Errors {
		if got.Errors[k].Count != e.Count {
			t.Errorf("errors of kind %q: %d, want %d", k, got.Errors[k].Count, e.Count)
		}
	}
	for _, p := range []struct {
		name      string
		got, want Percentiles
	}{{"latency", got.Latency, want.Latency}, {"wait", got.QueueWait, want.QueueWait}, {"corrected", got.Corrected, want.Corrected}} {
		g, w := p.got, p.want
		if !near(g.Mean, w.Mean) || !near(g.StdDev, w.StdDev) {
			t.Errorf("%s mean/stddev %v/%v, want %v/%v", p.name, g.Mean, g.StdDev, w.Mean, w.StdDev)
		}
		g.Mean, g.StdDev, w.Mean, w.StdDev = 0, 0, 0, 0
		if g != w {
			t.Errorf("%s: got %+v, want %+v", p.name, g, w)
		}
	}
	if !reflect.DeepEqual(got.Histogram, want.Histogram) || !reflect.DeepEqual(got.CorrectedHistogram, want.CorrectedHistogram) || !reflect.DeepEqual(got.Timeline, want.Timeline) {
		t.Error("histograms or timeline differ")
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

// TestCounterKnownTasks checks that a counter told its run's task count
// keeps no exact value when the count is past ExactLimit (the values
// would be dropped at the limit: held until then they only raise the
// collector's goal), and reports the same tally as one that dropped them
// on the way; at or under the limit it keeps them as before.
func TestCounterKnownTasks(t *testing.T) {
	const limit = 1000
	samples := foldSamples(3 * limit)
	for _, tc := range []struct {
		tasks  int
		method string
	}{{limit, PercentileMethod}, {limit + 1, HDRPercentileMethod}, {len(samples), HDRPercentileMethod}} {
		t.Run(fmt.Sprintf("tasks=%d", tc.tasks), func(t *testing.T) {
			c := NewCounter(errKind, CountOptions{OpenLoop: true, ExactLimit: limit, Tasks: tc.tasks})
			blank := NewCounter(errKind, CountOptions{OpenLoop: true, ExactLimit: limit})
			for i := range samples[:limit] {
				c.Add(&samples[i])
				blank.Add(&samples[i])
			}
			held, exact := c.Bytes(), blank.Bytes()
			if tc.method == HDRPercentileMethod && held >= exact-int64(3*8*limit) {
				t.Errorf("%d bytes held after %d samples, against %d keeping exact values: want 24 B a sample less", held, limit, exact)
			}
			if tc.method == PercentileMethod && held != exact {
				t.Errorf("%d bytes held, %d without the task count: want the same", held, exact)
			}
			// What a counter that passed its limit at once reports: the
			// histograms and exact moments, which every counter keeps.
			ref := CountOptions{OpenLoop: true, ExactLimit: limit}
			if tc.method == HDRPercentileMethod {
				ref.ExactLimit = 1
			}
			want := CountWith(samples[:tc.tasks], errKind, ref)
			for i := range samples[limit:tc.tasks] {
				c.Add(&samples[limit+i])
			}
			if got := c.Tally(); got.Method != tc.method || !reflect.DeepEqual(got, want) {
				t.Errorf("method %q, tally %+v; want %q, %+v", got.Method, got, tc.method, want)
			}
		})
	}
}

func near(a, b float64) bool { return a == b || (a-b)/b < 1e-9 && (b-a)/b < 1e-9 }

// BenchmarkRecorder writes samples from four goroutines into a recorder
// and reports the cost per sample and the most memory the recorder held
// (as it estimates it, and as the heap grew), per sample: it must not
// grow with the sample count.
func BenchmarkRecorder(b *testing.B) {
	s := Sample{Service: 10 * time.Millisecond, Start: time.Millisecond, Attempts: 1, Outcome: OK}
	for _, n := range []int{1 << 18, 1 << 22} {
		b.Run(fmt.Sprintf("samples=%d", n), func(b *testing.B) {
			var held, grown []float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				r := NewRecorder(n, RecorderOptions{Count: CountOptions{Timeline: true}, Kind: errKind})
				var wg sync.WaitGroup
				for w := range 4 {
					wg.Go(func() {
						for i := w; i < n; i += 4 {
							s := s
							s.Due = time.Duration(i) * time.Microsecond
							r.Set(i, &s)
						}
					})
				}
				wg.Wait()
				r.Finish(n, nil)
				runtime.ReadMemStats(&after)
				held = append(held, float64(r.PeakBytes()))
				grown = append(grown, float64(after.HeapSys)-float64(before.HeapSys))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sample")
			b.ReportMetric(slices.Max(held), "recorder-B")
			b.ReportMetric(slices.Max(grown), "heap-grown-B")
		})
	}
}

// TestStepHistWithinPrecision checks the timeline's small histogram: every
// value lies in its bucket (above the previous bucket's top, at most its
// own), and its quantiles are within the stated 1/128 of the exact order
// statistic of the same rank.
func TestStepHistWithinPrecision(t *testing.T) {
	for _, v := range []int64{1, 2, 127, 128, 129, 255, 256, 1000, 1 << 20, 123456789, int64(time.Hour)} {
		b := stepBucket(v)
		if top := stepTop(b); top < v || b > 0 && stepTop(b-1) >= v {
			t.Errorf("value %d in bucket %d: top %d, previous top %d", v, b, top, stepTop(b-1))
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 10, 1000, 50_000} {
		var h stepHist
		xs := make([]int64, n)
		for i := range xs {
			xs[i] = int64(rng.ExpFloat64() * 1e6)
			h.record(time.Duration(xs[i]))
		}
		slices.Sort(xs)
		qs := []float64{0.5, 0.9, 0.99}
		for j, got := range h.quantiles(qs...) {
			want := xs[max(int(math.Ceil(qs[j]*float64(n))), 1)-1]
			if d := float64(int64(got)-want) / float64(max(want, 1)); d < 0 || d > 1.0/128 {
				t.Errorf("n=%d q=%v: %d, exact %d", n, qs[j], got, want)
			}
		}
	}
}

// TestRecorderBytesDropExtraBatches: a batch the free list has no room
// for is left to the collector, and the recorder's bytes stop counting
// it (they counted every batch ever allocated: 21 MB reported for a run
// of 64-entry batches whose process held a few).
func TestRecorderBytesDropExtraBatches(t *testing.T) {
	r := NewRecorder(1<<20, RecorderOptions{})
	extra := 10
	bs := make([]*batch, cap(r.free)+extra)
	for k := range bs {
		bs[k] = r.batch()
		bs[k].e = append(bs[k].e, entry{i: int32(k), attempts: 1, outcome: OK})
	}
	if got := r.batches.Load(); got != int64(len(bs)) {
		t.Fatalf("%d batches counted after allocating %d", got, len(bs))
	}
	for _, b := range bs { // the folder's work, done here: nothing was sent to it
		r.add(b)
	}
	if got, want := r.batches.Load(), int64(cap(r.free)); got != want {
		t.Errorf("%d batches counted once %d had no room on the free list, want %d", got, extra, want)
	}
	if tally, _ := r.Finish(len(bs), nil); tally.Outcomes.OK != len(bs) {
		t.Errorf("%d tasks counted OK, want %d", tally.Outcomes.OK, len(bs))
	}
}
