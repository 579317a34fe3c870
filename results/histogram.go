package results

import (
	"maps"
	"math"
	"math/bits"
	"slices"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// HDR histogram bounds: 1 ns to 1 h at 3 significant figures (0.1%
// relative error), whatever the number of samples.
const (
	histLowest  = 1
	histHighest = int64(time.Hour)
	histSigFigs = 3
)

// Histogram is a latency distribution with fixed relative error (an HDR
// histogram), stored sparsely: one [value, count] pair per non-empty
// bucket, value in nanoseconds. Histograms of runs measured anywhere merge
// exactly.
type Histogram struct {
	Unit               string     `json:"unit"` // always "ns"
	SignificantFigures int64      `json:"significant_figures"`
	Buckets            [][2]int64 `json:"buckets"` // [value ns, count], ascending
}

// Recorder of durations into an HDR histogram; not safe for concurrent use.
type histRecorder struct{ h *hdrhistogram.Histogram }

func newHistRecorder() histRecorder {
	return histRecorder{hdrhistogram.New(histLowest, histHighest, histSigFigs)}
}

func (r histRecorder) record(d time.Duration) {
	v := min(max(int64(d), histLowest), histHighest)
	r.h.RecordValue(v)
}

// export returns the sparse form, nil if nothing was recorded.
func (r histRecorder) export() *Histogram {
	if r.h.TotalCount() == 0 {
		return nil
	}
	out := &Histogram{Unit: "ns", SignificantFigures: histSigFigs}
	for _, b := range r.h.Distribution() {
		if b.Count > 0 {
			out.Buckets = append(out.Buckets, [2]int64{b.To, b.Count})
		}
	}
	return out
}

// Total returns the number of values in the histogram.
func (h *Histogram) Total() int64 {
	var n int64
	for _, b := range h.Buckets {
		n += b[1]
	}
	return n
}

// Merge returns the histogram of the values of both.
func (h *Histogram) Merge(o *Histogram) *Histogram {
	r := newHistRecorder()
	for _, src := range []*Histogram{h, o} {
		if src == nil {
			continue
		}
		for _, b := range src.Buckets {
			r.h.RecordValues(min(max(b[0], histLowest), histHighest), b[1])
		}
	}
	return r.export()
}

// CDF returns, for each bucket, its value in seconds and the fraction of
// values at or below it.
func (h *Histogram) CDF() (seconds, fraction []float64) {
	total := float64(h.Total())
	var cum int64
	for _, b := range h.Buckets {
		cum += b[1]
		seconds = append(seconds, time.Duration(b[0]).Seconds())
		fraction = append(fraction, float64(cum)/total)
	}
	return seconds, fraction
}

// stepHist is the small histogram of one timeline step: log-linear
// buckets of 1/128 of a power of two (under 0.8% relative error), kept
// sparsely, so that a long run's many steps cost what they hold, not an
// HDR histogram's fixed ~260 KiB each.
type stepHist struct {
	counts map[uint16]uint32
	total  int64
}

// stepSub is the number of linear sub-buckets per power of two.
const stepSubBits = 7

func stepBucket(v int64) uint16 {
	if v < 1<<stepSubBits {
		return uint16(max(v, 0))
	}
	e := bits.Len64(uint64(v)) - 1
	sub := (v >> (e - stepSubBits)) & (1<<stepSubBits - 1)
	return uint16((e-stepSubBits+1)<<stepSubBits) + uint16(sub)
}

// stepTop is the highest value of bucket b, as an HDR histogram reports a
// bucket by its highest equivalent value.
func stepTop(b uint16) int64 {
	if b < 1<<stepSubBits {
		return int64(b)
	}
	e := int(b>>stepSubBits) + stepSubBits - 1
	sub := int64(b & (1<<stepSubBits - 1))
	return (1<<stepSubBits+sub+1)<<(e-stepSubBits) - 1
}

func (h *stepHist) record(d time.Duration) {
	if h.counts == nil {
		h.counts = map[uint16]uint32{}
	}
	h.counts[stepBucket(min(max(int64(d), histLowest), histHighest))]++
	h.total++
}

// quantiles returns the values at each fraction qs (ascending), each the
// top of the bucket holding the value of that rank.
func (h *stepHist) quantiles(qs ...float64) []time.Duration {
	keys := slices.Sorted(maps.Keys(h.counts))
	out := make([]time.Duration, len(qs))
	var cum int64
	k := 0
	for j, q := range qs {
		rank := max(int64(math.Ceil(q*float64(h.total))), 1)
		for ; k < len(keys); k++ {
			if cum+int64(h.counts[keys[k]]) >= rank {
				break
			}
			cum += int64(h.counts[keys[k]])
		}
		out[j] = time.Duration(stepTop(keys[min(k, len(keys)-1)]))
	}
	return out
}

// bytes estimates the memory h holds.
func (h *stepHist) bytes() int64 { return 48 + int64(len(h.counts))*8 }

// Durations is a distribution of durations in an HDR histogram (0.1%
// relative error; values below 1 ns count as 1 ns), with its exact max
// and mean. It is not safe for concurrent use.
type Durations struct {
	s series
}

// NewDurations returns an empty Durations.
func NewDurations() *Durations { return &Durations{s: newSeries()} }

// Record adds d.
func (d *Durations) Record(x time.Duration) { d.s.add(x, false) }

// Count returns the number of durations recorded.
func (d *Durations) Count() int64 { return int64(d.s.n) }

// Describe returns the percentiles (from the histogram), max and mean.
func (d *Durations) Describe() Percentiles { return d.s.describe(false) }
