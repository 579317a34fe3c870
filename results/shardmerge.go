package results

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sharded reports whether every document holds a shard of a plan (one
// written with --shard or --shards), so that MergeShards applies.
func Sharded(docs []*Document) bool {
	for _, d := range docs {
		if d.Plan == "" || d.Shard == nil {
			return false
		}
	}
	return len(docs) > 0
}

// MergeShards combines the shards of one plan into the results one
// machine would have written: one run per cell, counts summed, HDR
// histograms merged (their percentiles exact to the histogram's
// precision), throughput over the union of the shards' windows, timelines
// aligned on the earliest start. names name the documents in errors. It
// refuses documents of different plans or shard counts, and a shard given
// twice; a missing shard is named in each run's Shard.Missing, and the
// document and its runs are then partial. Speedup, ideal and efficiency
// stay nil: a sharded plan has none.
func MergeShards(docs []*Document, names []string) (*Document, error) {
	if !Sharded(docs) {
		return nil, fmt.Errorf("not every input is a shard of a plan (run with --shard or --shards)")
	}
	name := func(i int) string {
		if i < len(names) {
			return names[i]
		}
		return "input " + strconv.Itoa(i+1)
	}
	first := docs[0]
	byIndex := map[int]int{}
	for i, d := range docs {
		switch {
		case d.Plan != first.Plan:
			return nil, fmt.Errorf("%s and %s are shards of different plans (%s, %s): merge the shards of one plan", name(0), name(i), first.Plan, d.Plan)
		case d.Shard.Count != first.Shard.Count:
			return nil, fmt.Errorf("%s is shard %d/%d and %s shard %d/%d: one plan has one shard count", name(0), first.Shard.Index, first.Shard.Count, name(i), d.Shard.Index, d.Shard.Count)
		}
		if j, dup := byIndex[d.Shard.Index]; dup {
			return nil, fmt.Errorf("shard %d/%d given twice: %s and %s", d.Shard.Index, d.Shard.Count, name(j), name(i))
		}
		byIndex[d.Shard.Index] = i
	}
	order := slices.Sorted(maps.Keys(byIndex))
	count := first.Shard.Count
	head := docs[byIndex[order[0]]]
	out := NewDocument(head.Environment)
	out.Plan = first.Plan
	// Cells in the order of the lowest shard that has them; each cell's
	// parts by shard index.
	var keys []string
	parts := map[string][]Summary{}
	for _, k := range order {
		d := docs[byIndex[k]]
		out.Sources = append(out.Sources, d.Environment)
		out.Partial = out.Partial || d.Partial
		for _, s := range d.Runs {
			key := cellKey(&s)
			if _, ok := parts[key]; !ok {
				keys = append(keys, key)
			}
			parts[key] = append(parts[key], s)
		}
	}
	for _, key := range keys {
		s := mergeCell(parts[key], count)
		out.Partial = out.Partial || s.Partial
		out.Runs = append(out.Runs, s)
	}
	return out, nil
}

// Missing returns the shards of count that are not among docs.
func Missing(docs []*Document) []int {
	if !Sharded(docs) {
		return nil
	}
	var out []int
	for i := range docs[0].Shard.Count {
		if !slices.ContainsFunc(docs, func(d *Document) bool { return d.Shard.Index == i }) {
			out = append(out, i)
		}
	}
	return out
}

// cellKey identifies a shard's cell: what the plan asked of it, whatever
// the shard ran of it. The embedded target's address, which differs from
// shard to shard, is left out.
func cellKey(s *Summary) string {
	p := maps.Clone(s.Params)
	delete(p, "url")
	delete(p, "addr")
	tasks := s.Tasks
	if s.Shard != nil {
		tasks = s.Shard.CellTasks
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%d|%d|%g|%s", s.Strategy, s.Concurrency, tasks, s.DurationSeconds, s.Workload)
	for _, k := range slices.Sorted(maps.Keys(p)) {
		fmt.Fprintf(&b, "|%s=%s", k, p[k])
	}
	for _, k := range slices.Sorted(maps.Keys(s.Swept)) { // --rate and the plan's own sweeps
		fmt.Fprintf(&b, "|swept %s=%s", k, s.Swept[k])
	}
	return b.String()
}

// mergeCell combines the parts of one cell, one per shard present, in
// shard order.
func mergeCell(parts []Summary, count int) Summary {
	out := parts[0]
	out.Source = 0
	out.Tasks, out.Slots, out.Attempts, out.BytesReceived = 0, 0, 0, 0
	out.Outcomes, out.Errors = Outcomes{}, nil
	out.WallCI, out.Repetitions = nil, nil
	out.IdealSeconds, out.Efficiency, out.Speedup, out.ExpectedServiceSeconds = nil, nil, nil, nil
	out.Thresholds = nil
	out.Processes = nil
	out.PercentileMethod = HDRPercentileMethod
	var lat, corr *Histogram
	var startMin, endMax time.Time
	present := make([]int, 0, len(parts))
	for i := range parts {
		s := &parts[i]
		out.Tasks += s.Tasks
		out.Slots += s.Slots
		out.Attempts += s.Attempts
		out.BytesReceived += s.BytesReceived
		out.Partial = out.Partial || s.Partial
		if b := s.HostCPUBusy; b != nil && (out.HostCPUBusy == nil || *b > *out.HostCPUBusy) {
			out.HostCPUBusy = b // the busiest shard's host
		}
		addOutcomes(&out.Outcomes, s.Outcomes)
		for k, e := range s.Errors {
			if out.Errors == nil {
				out.Errors = map[string]ErrorKind{}
			}
			m := out.Errors[k]
			m.Count += e.Count
			if m.Example == "" {
				m.Example = e.Example
			}
			out.Errors[k] = m
		}
		if s.LatencyHistogram != nil {
			lat = s.LatencyHistogram.Merge(lat)
		}
		if s.OpenLoop != nil && s.OpenLoop.CorrectedHistogram != nil {
			corr = s.OpenLoop.CorrectedHistogram.Merge(corr)
		}
		if sh := s.Shard; sh != nil {
			present = append(present, sh.Index)
			end := sh.Started.Add(time.Duration(s.WallSeconds * float64(time.Second)))
			if startMin.IsZero() || sh.Started.Before(startMin) {
				startMin = sh.Started
			}
			if end.After(endMax) {
				endMax = end
			}
		}
	}
	finished := func(s *Summary) float64 { return float64(s.Outcomes.Finished()) }
	out.LatencyHistogram = lat
	out.Latency = mergePercentiles(parts, lat, func(s *Summary) Percentiles { return s.Latency }, finished)
	out.QueueWait = mergePercentiles(parts, nil, func(s *Summary) Percentiles { return s.QueueWait }, finished)
	out.WallSeconds = endMax.Sub(startMin).Seconds()
	out.ThroughputPerS = 0
	if out.WallSeconds > 0 {
		out.ThroughputPerS = float64(out.Outcomes.Finished()) / out.WallSeconds
	}
	out.Memory = mergeMemory(parts)
	out.Target = mergeTarget(parts)
	if out.OpenLoop != nil {
		out.OpenLoop = mergeOpenLoop(parts, corr, count, startMin)
	}
	out.Timeline = mergeTimeline(parts, startMin)
	sh := &ShardRun{Count: count, Started: startMin, Merged: present}
	if p := parts[0].Shard; p != nil {
		sh.CellTasks = p.CellTasks
	}
	var latest time.Time
	for _, p := range parts {
		if p.Shard != nil && p.Shard.Started.After(latest) {
			latest = p.Shard.Started
		}
	}
	skew := latest.Sub(startMin).Seconds()
	sh.SkewSeconds = &skew
	for i := range count {
		if !slices.Contains(present, i) {
			sh.Missing = append(sh.Missing, i)
		}
	}
	out.Partial = out.Partial || len(sh.Missing) > 0
	out.Shard = sh
	return out
}

func addOutcomes(o *Outcomes, x Outcomes) {
	o.OK += x.OK
	o.Error += x.Error
	o.Timeout += x.Timeout
	o.Panic += x.Panic
	o.Canceled += x.Canceled
	o.Dropped += x.Dropped
}

// mergePercentiles combines the parts' distributions: from the merged
// histogram h where there is one (exact to its precision), max the
// largest, mean and standard deviation pooled over the parts' weights
// (exact); without a histogram each percentile is the largest of the
// parts', an upper bound.
func mergePercentiles(parts []Summary, h *Histogram, get func(*Summary) Percentiles, weight func(*Summary) float64) Percentiles {
	var out Percentiles
	var n, sum float64
	for i := range parts {
		p, w := get(&parts[i]), weight(&parts[i])
		out.Max = max(out.Max, p.Max)
		n += w
		sum += w * p.Mean
		if h == nil {
			out.P50, out.P90, out.P99, out.P999 = max(out.P50, p.P50), max(out.P90, p.P90), max(out.P99, p.P99), max(out.P999, p.P999)
		}
	}
	if n == 0 {
		return out
	}
	out.Mean = sum / n
	var ss float64
	for i := range parts {
		p, w := get(&parts[i]), weight(&parts[i])
		ss += w * (p.StdDev*p.StdDev + (p.Mean-out.Mean)*(p.Mean-out.Mean))
	}
	out.StdDev = math.Sqrt(ss / n)
	if h != nil {
		q := h.Quantiles(0.5, 0.9, 0.99, 0.999)
		out.P50, out.P90, out.P99, out.P999 = q[0], q[1], q[2], q[3]
	}
	return out
}

// Quantiles returns the values (seconds) at fractions qs of h, as an HDR
// histogram reports them: the highest value of the bucket holding the
// value of that rank.
func (h *Histogram) Quantiles(qs ...float64) []float64 {
	r := newHistRecorder()
	for _, b := range h.Buckets {
		r.h.RecordValues(min(max(b[0], histLowest), histHighest), b[1])
	}
	out := make([]float64, len(qs))
	for i, q := range qs {
		out[i] = time.Duration(r.h.ValueAtPercentile(100 * q)).Seconds()
	}
	return out
}

// mergeMemory adds up what the shards' processes held: the generators'
// total. A figure one shard does not know is unknown.
func mergeMemory(parts []Summary) Memory {
	var m Memory
	var rss uint64
	known := true
	var tasks float64
	for _, p := range parts {
		x := p.Memory
		m.PeakHeapBytes += x.PeakHeapBytes
		m.TotalAllocBytes += x.TotalAllocBytes
		m.PeakGoroutines += x.PeakGoroutines
		m.RecorderBytes += x.RecorderBytes
		m.AllocsPerTask += x.AllocsPerTask * float64(p.Tasks)
		tasks += float64(p.Tasks)
		if x.PeakRSSBytes == nil {
			known = false
		} else {
			rss += *x.PeakRSSBytes
		}
	}
	if tasks > 0 {
		m.AllocsPerTask /= tasks
	}
	if known {
		m.PeakRSSBytes = &rss
	}
	return m
}

// mergeTarget adds up the embedded targets' counters, if every shard has them.
func mergeTarget(parts []Summary) *TargetUse {
	var t TargetUse
	for _, p := range parts {
		if p.Target == nil {
			return nil
		}
		t.Mode = p.Target.Mode
		t.HTTPConns += p.Target.HTTPConns
		t.HTTPRequests += p.Target.HTTPRequests
		t.TCPConns += p.Target.TCPConns
	}
	return &t
}

// mergeOpenLoop combines the shards' open-loop figures: the rate asked is
// the plan's, the rate achieved the arrivals over the union of the
// shards' windows of arrivals, aligned on the common start (each shard's
// schedule runs from its own start). Shards that started further apart
// than 1% of that window did not load the target together: the run is
// generator-limited, saying so.
func mergeOpenLoop(parts []Summary, corr *Histogram, count int, t0 time.Time) *OpenLoop {
	o := *parts[0].OpenLoop
	o.RateAsked *= float64(count)
	o.CorrectedHistogram = corr
	o.Late, o.MaxQueueDepth, o.RateStarted, o.SendWaited = 0, 0, 0, 0
	o.SendLateness = nil
	o.GeneratorLimited, o.HostLimited = "", false
	var why []string
	var first, last time.Duration = math.MaxInt64, 0
	var skew time.Duration
	arrivals := 0
	for _, p := range parts {
		x := p.OpenLoop
		if x == nil || p.Shard == nil {
			continue
		}
		arrivals += p.Outcomes.Total()
		o.Late += x.Late
		o.MaxQueueDepth = max(o.MaxQueueDepth, x.MaxQueueDepth)
		o.RateStarted += x.RateStarted
		o.SendWaited += x.SendWaited
		if x.GeneratorLimited != "" {
			why = append(why, fmt.Sprintf("shard %d: %s", p.Shard.Index, x.GeneratorLimited))
		}
		o.HostLimited = o.HostLimited || x.HostLimited
		first = min(first, time.Duration(p.Shard.FirstDueSeconds*float64(time.Second)))
		last = max(last, time.Duration(p.Shard.LastReleaseSeconds*float64(time.Second)))
		skew = max(skew, p.Shard.Started.Sub(t0))
	}
	finished := func(s *Summary) float64 { return float64(s.Outcomes.Finished()) }
	o.Corrected = mergePercentiles(parts, corr, func(s *Summary) Percentiles {
		if s.OpenLoop == nil {
			return Percentiles{}
		}
		return s.OpenLoop.Corrected
	}, finished)
	span := last - first
	if arrivals > 1 && span > 0 {
		o.RateAchieved = float64(arrivals-1) / span.Seconds()
	}
	if span > 0 && skew > span/100 {
		why = append(why, fmt.Sprintf("the shards started %s apart over %s of arrivals", Seconds(skew.Seconds()), Seconds(span.Seconds())))
	}
	if o.RateAsked > 0 && o.RateAchieved < 0.99*o.RateAsked {
		why = append(why, fmt.Sprintf("the shards released %s of %s asked", Rate(o.RateAchieved), Rate(o.RateAsked)))
	}
	o.GeneratorLimited = strings.Join(why, "; ")
	return &o
}

// mergeTimeline aligns the shards' timelines on t0, each step moved to
// the step of the merged timeline nearest its start, and adds them up.
// A step's latency percentiles are the largest of the shards' (the steps
// keep no histograms): an upper bound.
func mergeTimeline(parts []Summary, t0 time.Time) []Step {
	step := parts[0].IntervalSeconds
	if step <= 0 {
		return nil
	}
	var out []Step
	for _, p := range parts {
		if p.Shard == nil {
			continue
		}
		off := p.Shard.Started.Sub(t0).Seconds()
		for _, s := range p.Timeline {
			k := int(math.Round((s.StartSeconds + off) / step))
			for len(out) <= k {
				out = append(out, Step{StartSeconds: float64(len(out)) * step})
			}
			m := &out[k]
			m.Arrivals += s.Arrivals
			m.Completed += s.Completed
			m.Errors += s.Errors
			m.LatencyP50 = max(m.LatencyP50, s.LatencyP50)
			m.LatencyP99 = max(m.LatencyP99, s.LatencyP99)
		}
	}
	return out
}
