package results

import (
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
