package results

import (
	"math"
	"time"
	"unsafe"
)

// HDRPercentileMethod names how percentiles are computed for runs with
// more samples than CountOptions.ExactLimit.
const HDRPercentileMethod = "HDR histogram at 3 significant figures (at most 0.1% relative error); max, mean and stddev exact"

// DefaultExactLimit is the number of started tasks up to which a Counter
// keeps every value and computes exact percentiles (16 bytes a task, 24
// in an open loop: at most 2.4 MB); beyond it, percentiles come from the
// HDR histograms alone, so memory stays bounded however long a run goes
// on.
const DefaultExactLimit = 100_000

// Tally is what the samples of one run add up to.
type Tally struct {
	Latency   Percentiles          // service time of the tasks that started
	QueueWait Percentiles          // start minus due time of the tasks that started
	Outcomes  Outcomes             //
	Errors    map[string]ErrorKind // by kind, for tasks that did not end OK
	Attempts  int                  // attempts over all tasks
	Bytes     int64                // received over all tasks
	Histogram *Histogram           // service times of the tasks that started
	Method    string               // how the percentiles were computed: PercentileMethod or HDRPercentileMethod

	// Open loop only (CountOptions.OpenLoop):
	Corrected          Percentiles // end minus due time of the tasks that ran
	CorrectedHistogram *Histogram
	Late               int // started more than LateAfter after due

	Timeline []Step // with CountOptions.Timeline: by completion time
}

// Step is one interval of a run's timeline.
type Step struct {
	StartSeconds float64 `json:"start_seconds"`   // offset of the interval from the run's start
	Arrivals     int     `json:"arrivals"`        // tasks due in the interval (open loop)
	Asked        float64 `json:"asked,omitempty"` // arrivals a ramp expects in the interval (--stages)
	Completed    int     `json:"completed"`       // tasks that ended in it
	Errors       int     `json:"errors"`          // of those, not OK
	LatencyP50   float64 `json:"latency_p50_seconds"`
	LatencyP99   float64 `json:"latency_p99_seconds"`
}

// CountOptions say what Count computes beyond the basics.
type CountOptions struct {
	OpenLoop  bool          // corrected latency and lateness
	Timeline  bool          // per-interval figures: corrected latency if OpenLoop, else service time
	LateAfter time.Duration // a task is late when it starts this long after due
	Interval  time.Duration // timeline step; 0 means 1s
	// ExactLimit is the number of started tasks up to which percentiles
	// are exact; 0 means DefaultExactLimit.
	ExactLimit int
	// Tasks is the run's task count when known before it starts (0: not
	// known, as in a duration run). Past ExactLimit, the Counter keeps
	// no value from the first: they would be dropped anyway, and held
	// until then (1.6 MB at the default limit) they raise the heap the
	// collector lets the run grow to by twice that.
	Tasks int
}

// Count summarises samples. kind classifies a failed task's error (for
// example workloads.Kind). It does not modify samples.
func Count(samples []Sample, kind func(error) string) Tally {
	return CountWith(samples, kind, CountOptions{})
}

// CountWith is Count with options.
func CountWith(samples []Sample, kind func(error) string, opt CountOptions) Tally {
	c := NewCounter(kind, opt)
	for i := range samples {
		c.Add(&samples[i])
	}
	return c.Tally()
}

// Counter adds samples up one at a time, in any order, in memory bounded
// by the run's length in timeline steps, not its tasks (once past
// ExactLimit). It is not safe for concurrent use.
type Counter struct {
	kind func(error) string
	opt  CountOptions
	t    Tally

	started          int
	lat, wait, corr  series
	tl               timeline
	exactLimitPassed bool
	added            int            // samples Add counted, the index of the next
	exampleAt        map[string]int // the task index each kind's example is from
}

// series is one measure of the started tasks: its exact values while the
// counter keeps them, its HDR histogram and its exact moments always.
type series struct {
	xs             chunks // seconds
	hist           histRecorder
	n              float64
	mean, m2, peak float64 // Welford's running moments, and the maximum
}

func newSeries() series { return series{hist: newHistRecorder()} }

// chunkLen is the number of values in one chunk of a series' exact
// values: 16 KiB, a small allocation.
const chunkLen = 2048

// chunks holds a series' exact values in fixed-size chunks, so that
// keeping one more value never copies the ones before it: a slice grown
// by append would copy and re-zero the whole series at each doubling,
// on the folder's goroutine, while the run's tasks compete for the same
// cores. The zero value is empty and ready to use.
type chunks struct {
	full [][]float64
	last []float64
}

func (c *chunks) add(x float64) {
	if len(c.last) == cap(c.last) {
		if c.last != nil {
			c.full = append(c.full, c.last)
		}
		select {
		case k := <-spareChunks:
			c.last = k[:0]
		default:
			c.last = new(chunk)[:0]
		}
	}
	c.last = append(c.last, x)
}

type chunk [chunkLen]float64

// spareChunks holds the chunks of counters that are done for the next
// one, up to the exact values of one run at DefaultExactLimit (2.4 MB):
// like the recorder's batches (spareBatches), chunks allocated while a
// run's tasks go on would bring the collector's cycles sooner.
var spareChunks = make(chan *chunk, 3*DefaultExactLimit/chunkLen)

// release gives the chunks to spareChunks and empties c; nothing may
// hold a slice that all returned.
func (c *chunks) release() {
	if c.last != nil {
		c.full = append(c.full, c.last)
	}
	for _, f := range c.full {
		select {
		case spareChunks <- (*chunk)(f[:chunkLen]):
		default:
		}
	}
	*c = chunks{}
}

// all returns every value in one slice (a new one unless there is a
// single chunk), for sorting.
func (c *chunks) all() []float64 {
	if len(c.full) == 0 {
		return c.last
	}
	xs := make([]float64, 0, len(c.full)*chunkLen+len(c.last))
	for _, f := range c.full {
		xs = append(xs, f...)
	}
	return append(xs, c.last...)
}

func (c *chunks) bytes() int64 { return int64(len(c.full)*chunkLen+cap(c.last)) * 8 }

func (s *series) add(d time.Duration, exact bool) {
	x := d.Seconds()
	if exact {
		s.xs.add(x)
	}
	s.hist.record(d)
	s.n++
	delta := x - s.mean
	s.mean += delta / s.n
	s.m2 += delta * (x - s.mean)
	if s.n == 1 || x > s.peak {
		s.peak = x
	}
}

// describe returns exact percentiles from the kept values, or the
// histogram's when they were dropped; max, mean and stddev are exact.
func (s *series) describe(exact bool) Percentiles {
	if s.n == 0 {
		return Percentiles{}
	}
	if exact {
		p := Describe(s.xs.all())
		s.xs.release() // Describe keeps no slice of them
		return p
	}
	at := func(q float64) float64 { return time.Duration(s.hist.h.ValueAtPercentile(q)).Seconds() }
	return Percentiles{
		P50: at(50), P90: at(90), P99: at(99), P999: at(99.9),
		Max: s.peak, Mean: s.mean, StdDev: math.Sqrt(s.m2 / s.n),
	}
}

// NewCounter returns an empty Counter; kind classifies failed tasks'
// errors.
func NewCounter(kind func(error) string, opt CountOptions) *Counter {
	if opt.ExactLimit <= 0 {
		opt.ExactLimit = DefaultExactLimit
	}
	c := &Counter{kind: kind, opt: opt, lat: newSeries(), wait: newSeries(), exactLimitPassed: opt.Tasks > opt.ExactLimit}
	c.tl = timeline{step: opt.Interval, corrected: opt.OpenLoop}
	if c.tl.step <= 0 {
		c.tl.step = time.Second
	}
	if opt.OpenLoop {
		c.corr = newSeries()
	}
	return c
}

// Add counts one sample, that of the task whose index is the number of
// samples added before it (the order of Count's slice).
func (c *Counter) Add(s *Sample) {
	c.AddAt(c.added, s)
}

// AddAt counts the sample of task i, for samples added in any order: each
// error kind's example is that of the lowest index of its kind, whatever
// the order, so that it is the same in every run of the same tasks.
func (c *Counter) AddAt(i int, s *Sample) {
	c.added++
	t := &c.t
	t.Outcomes.add(s.Outcome)
	t.Attempts += int(s.Attempts)
	t.Bytes += s.Bytes
	if c.opt.Timeline {
		c.tl.add(s)
	}
	if s.Outcome != OK && s.Outcome != Canceled && s.Outcome != Dropped {
		if t.Errors == nil {
			t.Errors = map[string]ErrorKind{}
		}
		k := c.kind(s.Err)
		e := t.Errors[k]
		if at, seen := c.exampleAt[k]; s.Err != nil && (!seen || i < at) {
			if c.exampleAt == nil {
				c.exampleAt = map[string]int{}
			}
			e.Example, c.exampleAt[k] = s.Err.Error(), i
		}
		e.Count++
		t.Errors[k] = e
	}
	if s.Attempts == 0 {
		return
	}
	c.started++
	if !c.exactLimitPassed && c.started > c.opt.ExactLimit {
		// From here on the histograms alone describe the run.
		c.exactLimitPassed = true
		c.lat.xs.release()
		c.wait.xs.release()
		c.corr.xs.release()
	}
	exact := !c.exactLimitPassed
	c.lat.add(s.Service, exact)
	c.wait.add(s.Wait(), exact)
	if c.opt.OpenLoop {
		c.corr.add(s.Start+s.Service-s.Due, exact)
		if s.Start-s.Due > c.opt.LateAfter {
			t.Late++
		}
	}
}

// Tally returns what the samples added so far add up to. The Counter may
// not be used after.
func (c *Counter) Tally() Tally {
	t := c.t
	exact := !c.exactLimitPassed
	t.Method = PercentileMethod
	if !exact {
		t.Method = HDRPercentileMethod
	}
	t.Latency = c.lat.describe(exact)
	t.QueueWait = c.wait.describe(exact)
	t.Histogram = c.lat.hist.export()
	if c.opt.OpenLoop {
		t.Corrected = c.corr.describe(exact)
		t.CorrectedHistogram = c.corr.hist.export()
	}
	if c.opt.Timeline {
		t.Timeline = c.tl.intervals()
	}
	return t
}

// Bytes returns an estimate of the memory the counter holds: histograms,
// exact values and timeline steps.
func (c *Counter) Bytes() int64 {
	var b int64
	for _, s := range []*series{&c.lat, &c.wait, &c.corr} {
		b += s.xs.bytes()
		if s.hist.h != nil {
			b += int64(s.hist.h.ByteSize())
		}
	}
	for _, st := range c.tl.steps {
		b += int64(unsafe.Sizeof(st)) + st.hist.bytes()
	}
	return b
}

// timeline buckets tasks into fixed steps: arrivals by due time,
// completions, errors and corrected latency by end time. Each step keeps an
// HDR histogram, so memory grows with the run's length, not its tasks.
type timeline struct {
	step      time.Duration
	corrected bool // latency from the due time, not the start
	steps     []step
}

type step struct {
	arrivals, completed, errors int
	hist                        stepHist
}

func (tl *timeline) at(d time.Duration) *step {
	k := max(int(d/tl.step), 0)
	for len(tl.steps) <= k {
		tl.steps = append(tl.steps, step{})
	}
	return &tl.steps[k]
}

func (tl *timeline) add(s *Sample) {
	tl.at(s.Due).arrivals++
	if s.Attempts == 0 {
		return
	}
	end := s.Start + s.Service
	st := tl.at(end)
	st.completed++
	if s.Outcome != OK {
		st.errors++
	}
	from := s.Start
	if tl.corrected {
		from = s.Due
	}
	st.hist.record(end - from)
}

func (tl *timeline) intervals() []Step {
	out := make([]Step, len(tl.steps))
	for k, st := range tl.steps {
		out[k] = Step{StartSeconds: (time.Duration(k) * tl.step).Seconds(), Arrivals: st.arrivals, Completed: st.completed, Errors: st.errors}
		if st.hist.total > 0 {
			q := st.hist.quantiles(0.50, 0.99)
			out[k].LatencyP50, out[k].LatencyP99 = q[0].Seconds(), q[1].Seconds()
		}
	}
	return out
}
