package results

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestShardHistogramsMergeExactly: merging the histograms of the shards'
// samples (task k in shard k mod n) gives the histogram of all the
// samples, bucket for bucket, for several shard counts.
func TestShardHistogramsMergeExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	samples := make([]time.Duration, 50_000)
	for i := range samples {
		samples[i] = time.Duration(r.ExpFloat64() * float64(3*time.Millisecond))
	}
	whole := newHistRecorder()
	for _, d := range samples {
		whole.record(d)
	}
	want := whole.export()
	for _, n := range []int{1, 2, 3, 7} {
		var merged *Histogram
		for i := range n {
			h := newHistRecorder()
			for k := i; k < len(samples); k += n {
				h.record(samples[k])
			}
			merged = h.export().Merge(merged)
		}
		if !slices.Equal(merged.Buckets, want.Buckets) {
			t.Errorf("%d shards: merged histogram has %d buckets (total %d), the union's %d (total %d)", n, len(merged.Buckets), merged.Total(), len(want.Buckets), want.Total())
		}
		q, w := merged.Quantiles(0.5, 0.99), want.Quantiles(0.5, 0.99)
		if !slices.Equal(q, w) {
			t.Errorf("%d shards: p50, p99 %v, want %v", n, q, w)
		}
	}
}

// shardDoc is shard i of n of plan, one open-loop cell that started at
// t0+off, ran wall, and finished ok tasks at rate per second.
func shardDoc(plan string, i, n int, off time.Duration, ok int, rate float64) *Document {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := newHistRecorder()
	for k := range ok {
		h.record(time.Duration(k+1) * time.Microsecond)
	}
	d := NewDocument(Environment{GOOS: "linux"})
	d.Plan, d.Shard = plan, &ShardOf{Index: i, Count: n}
	set := 1e-3 // a shard's own set mean, which a merge must not pass for the plan's
	d.Runs = []Summary{{
		Strategy: "pool", Workload: "http", Params: map[string]string{"url": "http://127.0.0.1:" + string(rune('0'+i))},
		ExpectedServiceSeconds: &set,
		Tasks:                  ok, Concurrency: 10, Slots: 10, WallSeconds: 1, Outcomes: Outcomes{OK: ok}, Attempts: ok,
		LatencyHistogram: h.export(), IntervalSeconds: 0.5, Latency: Percentiles{Max: float64(ok) * 1e-6, Mean: float64(ok+1) / 2 * 1e-6},
		Timeline: []Step{{StartSeconds: 0, Arrivals: ok / 2, Completed: ok / 2}, {StartSeconds: 0.5, Arrivals: ok / 2, Completed: ok / 2}},
		OpenLoop: &OpenLoop{RateAsked: rate, RateAchieved: rate, CorrectedHistogram: h.export(), Late: 1},
		Shard: &ShardRun{Index: i, Count: n, CellTasks: 1000, Started: t0.Add(off),
			FirstDueSeconds: float64(i) / (rate * float64(n)), LastReleaseSeconds: float64(ok-1)/rate + float64(i)/(rate*float64(n))},
	}}
	return d
}

func TestMergeShards(t *testing.T) {
	ms := time.Millisecond
	t.Run("figures", func(t *testing.T) {
		// Two shards of 500 arrivals at 500/s each, the second started
		// 10 ms later: 1000 tasks over a 1.01 s window.
		docs := []*Document{shardDoc("p", 1, 2, 10*ms, 500, 500), shardDoc("p", 0, 2, 0, 500, 500)}
		m, err := MergeShards(docs, []string{"a", "b"})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Runs) != 1 || m.Partial || m.Plan != "p" || m.Shard != nil || len(m.Sources) != 2 {
			t.Fatalf("merged: %d runs, partial %v, plan %q, shard %+v, %d sources", len(m.Runs), m.Partial, m.Plan, m.Shard, len(m.Sources))
		}
		s := m.Runs[0]
		if s.Tasks != 1000 || s.Outcomes.OK != 1000 || s.Attempts != 1000 || s.Slots != 20 || s.Concurrency != 10 {
			t.Errorf("tasks %d, ok %d, attempts %d, slots %d, concurrency %d", s.Tasks, s.Outcomes.OK, s.Attempts, s.Slots, s.Concurrency)
		}
		if s.LatencyHistogram.Total() != 1000 || s.OpenLoop.CorrectedHistogram.Total() != 1000 || s.OpenLoop.Late != 2 {
			t.Errorf("histograms hold %d and %d values, late %d", s.LatencyHistogram.Total(), s.OpenLoop.CorrectedHistogram.Total(), s.OpenLoop.Late)
		}
		if want := 1.01; !within(s.WallSeconds, want, 1e-9) || !within(s.ThroughputPerS, 1000/want, 1e-6) {
			t.Errorf("wall %v, throughput %v; want %v s, %v/s", s.WallSeconds, s.ThroughputPerS, want, 1000/want)
		}
		// Arrivals, each shard's from its own start: the first due at 0,
		// the last released at 499/500 s + 1/1000 s: 1000/s. The 10 ms
		// between the starts is over 1% of that: generator-limited.
		span := 499.0/500 + 1.0/1000
		if s.OpenLoop.RateAsked != 1000 || !within(s.OpenLoop.RateAchieved, 999/span, 1e-6) {
			t.Errorf("rate %v of %v asked, want %v of 1000", s.OpenLoop.RateAchieved, s.OpenLoop.RateAsked, 999/span)
		}
		if !strings.Contains(s.OpenLoop.GeneratorLimited, "the shards started 10.0ms apart over 999ms") {
			t.Errorf("generator-limited %q, want the skew named", s.OpenLoop.GeneratorLimited)
		}
		if s.Shard == nil || *s.Shard.SkewSeconds != 0.010 || !slices.Equal(s.Shard.Merged, []int{0, 1}) || s.Shard.Missing != nil {
			t.Errorf("shard %+v", s.Shard)
		}
		if s.Speedup != nil || s.IdealSeconds != nil || s.Efficiency != nil || s.ExpectedServiceSeconds != nil {
			t.Error("speedup, ideal, efficiency or expected service given for a sharded plan")
		}
		// 10 ms is nearer 0 than 0.5 s: the steps add up in place.
		if len(s.Timeline) != 2 || s.Timeline[0].Arrivals != 500 || s.Timeline[1].Completed != 500 {
			t.Errorf("timeline %+v", s.Timeline)
		}
		if s.Latency.Max != 500e-6 || !within(s.Latency.Mean, 250.5e-6, 1e-12) || !within(s.Latency.P50, 250e-6, 0.25e-6) {
			t.Errorf("latency %+v", s.Latency)
		}
	})
	t.Run("swept", func(t *testing.T) {
		// Cells of a swept plan differ only in their swept values: each
		// merges with its own.
		var docs []*Document
		for i := range 2 {
			d := shardDoc("p", i, 2, 0, 100, 100)
			r := d.Runs[0]
			r.Swept = map[string]string{"rate": "200"}
			d.Runs[0].Swept = map[string]string{"rate": "100"}
			d.Runs = append(d.Runs, r)
			docs = append(docs, d)
		}
		m, err := MergeShards(docs, nil)
		if err != nil || len(m.Runs) != 2 || m.Runs[0].Tasks != 200 || m.Runs[1].Swept["rate"] != "200" {
			t.Fatalf("%v: %d runs", err, len(m.Runs))
		}
	})
	t.Run("missing", func(t *testing.T) {
		docs := []*Document{shardDoc("p", 0, 3, 0, 500, 500), shardDoc("p", 2, 3, 0, 500, 500)}
		m, err := MergeShards(docs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Partial || !m.Runs[0].Partial || !slices.Equal(m.Runs[0].Shard.Missing, []int{1}) || !slices.Equal(Missing(docs), []int{1}) {
			t.Errorf("partial %v/%v, missing %v, %v", m.Partial, m.Runs[0].Partial, m.Runs[0].Shard.Missing, Missing(docs))
		}
	})
	for _, tc := range []struct {
		name string
		docs []*Document
		want string
	}{
		{"different plans", []*Document{shardDoc("p", 0, 2, 0, 5, 5), shardDoc("q", 1, 2, 0, 5, 5)}, "different plans"},
		{"duplicate", []*Document{shardDoc("p", 1, 2, 0, 5, 5), shardDoc("p", 0, 2, 0, 5, 5), shardDoc("p", 1, 2, 0, 5, 5)}, "shard 1/2 given twice: a and c"},
		{"counts", []*Document{shardDoc("p", 0, 2, 0, 5, 5), shardDoc("p", 1, 3, 0, 5, 5)}, "one shard count"},
		{"not a shard", []*Document{shardDoc("p", 0, 2, 0, 5, 5), NewDocument(Environment{})}, "not every input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MergeShards(tc.docs, []string{"a", "b", "c"})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line saying %q", err, tc.want)
			}
		})
	}
}

func within(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }
