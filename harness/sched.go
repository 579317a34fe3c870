package harness

import (
	"math"
	"runtime/metrics"

	"github.com/concbench/concbench/results"
)

// The runtime's scheduler metrics (Go 1.26): OS threads, goroutines in
// system calls or cgo, and the time goroutines wait runnable.
const (
	metricThreads = "/sched/threads/total:threads"
	metricNotInGo = "/sched/goroutines/not-in-go:goroutines"
	metricLatency = "/sched/latencies:seconds"
)

// schedPeaks samples the scheduler metrics for a probe. It is read by the
// probe's goroutine while the run goes on and by the caller after stop,
// never both at once.
type schedPeaks struct {
	samples  []metrics.Sample // threads, not in Go, latencies
	threads0 int              // threads as the run started
	latency0 []uint64         // the latency histogram's counts then
	peakThr  int
	peakNIG  int
}

func (s *schedPeaks) start() {
	s.samples = []metrics.Sample{{Name: metricThreads}, {Name: metricNotInGo}, {Name: metricLatency}}
	metrics.Read(s.samples)
	if s.samples[0].Value.Kind() == metrics.KindUint64 {
		s.threads0 = int(s.samples[0].Value.Uint64())
	}
	if s.samples[2].Value.Kind() == metrics.KindFloat64Histogram {
		s.latency0 = append([]uint64(nil), s.samples[2].Value.Float64Histogram().Counts...)
	}
}

// read samples the peaks; the latency histogram is cumulative and needs
// reading at the start and the end only.
func (s *schedPeaks) read() {
	lat := s.samples[2]
	metrics.Read(s.samples[:2])
	s.samples[2] = lat
	if v := s.samples[0].Value; v.Kind() == metrics.KindUint64 {
		s.peakThr = max(s.peakThr, int(v.Uint64()))
	}
	if v := s.samples[1].Value; v.Kind() == metrics.KindUint64 {
		s.peakNIG = max(s.peakNIG, int(v.Uint64()))
	}
}

// stop fills m's scheduler figures; those the runtime does not give stay
// nil (unknown).
func (s *schedPeaks) stop(m *results.Memory) {
	s.read()
	if s.samples[0].Value.Kind() == metrics.KindUint64 {
		peak, at := s.peakThr, s.threads0
		m.PeakThreads, m.ThreadsAtStart = &peak, &at
	}
	if s.samples[1].Value.Kind() == metrics.KindUint64 {
		nig := s.peakNIG
		m.PeakNotInGo = &nig
	}
	metrics.Read(s.samples[2:])
	if v := s.samples[2].Value; v.Kind() == metrics.KindFloat64Histogram && s.latency0 != nil {
		m.SchedLatency = latencyOver(v.Float64Histogram(), s.latency0)
	}
}

// latencyOver summarises the latencies recorded since the counts before,
// nil if there were none. Each quantile is its bucket's upper bound (its
// lower one for the open-ended last bucket).
func latencyOver(h *metrics.Float64Histogram, before []uint64) *results.SchedLatency {
	counts := make([]uint64, len(h.Counts))
	var total uint64
	for i, c := range h.Counts {
		if i < len(before) {
			c -= before[i]
		}
		counts[i] = c
		total += c
	}
	if total == 0 {
		return nil
	}
	bound := func(i int) float64 {
		if up := h.Buckets[i+1]; !math.IsInf(up, 1) {
			return up
		}
		return h.Buckets[i]
	}
	quantile := func(q float64) float64 {
		rank := uint64(math.Ceil(q * float64(total)))
		var seen uint64
		for i, c := range counts {
			seen += c
			if seen >= max(rank, 1) {
				return bound(i)
			}
		}
		return bound(len(counts) - 1)
	}
	return &results.SchedLatency{P50: quantile(0.5), P99: quantile(0.99), Max: quantile(1)}
}
