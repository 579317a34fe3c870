package harness

import (
	"context"
	"fmt"
	"math"

	"github.com/concbench/concbench/results"
)

// Search finds, for one cell, the highest open-loop arrival rate at which
// every threshold holds: rates grow by a factor until one fails, then the
// bracket is bisected until its width is within Precision of its lower
// end, and the best point is measured again before it is believed.
type Search struct {
	Thresholds []results.Threshold
	Start      float64 // first rate probed, tasks/s; 0 means 10
	Max        float64 // no rate above this is probed; 0 means 1e6
	Precision  float64 // relative width of the final bracket; 0 means 0.05
	Growth     float64 // factor between probes before the first failure; 0 means 2
	MaxProbes  int     // at most this many probes; 0 means 40
}

// Probe is one measured rate of a search.
type Probe struct {
	Rate    float64
	Pass    bool
	Reason  string // why it failed: the first failed check, or the generator's limit
	Limited bool   // the generator, not the target, was the limit
	Summary results.Summary
}

// SearchResult is what a search found for one cell. MaxRate is the
// highest rate that passed (0 if none did), MinFailing the lowest that
// failed (0 if none did: the answer is then at least MaxRate).
type SearchResult struct {
	Cell       Cell
	MaxRate    float64
	MinFailing float64
	Probes     []Probe
	// GeneratorLimited is set when the search stopped because the
	// generator could not offer the load: MinFailing then bounds what
	// this machine can send, not what the target can take.
	GeneratorLimited bool
	Note             string
}

// ProbeFunc measures one rate. It blocks for the probe's length.
type ProbeFunc func(ctx context.Context, rate float64) (results.Summary, error)

func (s *Search) defaults() Search {
	d := *s
	if d.Start <= 0 {
		d.Start = 10
	}
	if d.Max <= 0 {
		d.Max = 1e6
	}
	if d.Precision <= 0 {
		d.Precision = 0.05
	}
	if d.Growth <= 1 {
		d.Growth = 2
	}
	if d.MaxProbes <= 0 {
		d.MaxProbes = 40
	}
	return d
}

// Run searches one cell with probe. It blocks until the bracket is
// narrow enough, the probes run out, or ctx ends (then it returns what it
// found so far and ctx's error); a probe that fails to run ends it with
// that error.
func (s *Search) Run(ctx context.Context, cell Cell, probe ProbeFunc) (SearchResult, error) {
	p := s.defaults()
	res := SearchResult{Cell: cell}
	measure := func(rate float64) (Probe, error) {
		sum, err := probe(ctx, rate)
		if err != nil {
			return Probe{}, err
		}
		pr := p.judge(rate, sum)
		res.Probes = append(res.Probes, pr)
		return pr, ctx.Err()
	}
	lo, hi := 0.0, 0.0 // highest pass, lowest failure
	rate := math.Min(p.Start, p.Max)
	// Grow until a rate fails.
	for hi == 0 && len(res.Probes) < p.MaxProbes {
		pr, err := measure(rate)
		if err != nil {
			return res.finish(lo, hi), err
		}
		if !pr.Pass {
			if pr.Limited {
				res.GeneratorLimited = true
				res.Note = fmt.Sprintf("the generator was the limit at %s: %s", results.Rate(rate), pr.Reason)
				return res.finish(lo, rate), nil
			}
			hi = rate
			break
		}
		lo = rate
		if rate >= p.Max {
			res.Note = fmt.Sprintf("every rate up to --max-rate %s passed", results.Rate(p.Max))
			return res.finish(lo, 0), nil
		}
		rate = math.Min(rate*p.Growth, p.Max)
	}
	// Bisect, geometrically, until the bracket is narrow; then measure the
	// best point again, and go on below it if it does not hold.
	for hi > 0 && len(res.Probes) < p.MaxProbes {
		if lo > 0 && (hi-lo)/lo <= p.Precision {
			pr, err := measure(lo)
			if err != nil {
				return res.finish(lo, hi), err
			}
			if pr.Pass {
				break
			}
			if pr.Limited {
				res.GeneratorLimited = true
				res.Note = "the generator was the limit when rechecking: " + pr.Reason
				return res.finish(0, lo), nil
			}
			// The best point did not hold twice: it is a failure now, and
			// the answer lies below it.
			hi, lo = lo, lo/p.Growth
			continue
		}
		mid := hi / 2
		if lo > 0 {
			mid = math.Sqrt(lo * hi)
		}
		pr, err := measure(mid)
		if err != nil {
			return res.finish(lo, hi), err
		}
		switch {
		case pr.Pass:
			lo = mid
		case pr.Limited:
			res.GeneratorLimited = true
			res.Note = fmt.Sprintf("the generator was the limit at %s: %s", results.Rate(mid), pr.Reason)
			return res.finish(lo, mid), nil
		default:
			hi = mid
		}
		if lo == 0 && hi < p.Start/1e6 {
			res.Note = "no rate passed"
			break
		}
	}
	if len(res.Probes) >= p.MaxProbes && res.Note == "" {
		res.Note = fmt.Sprintf("stopped after %d probes", p.MaxProbes)
	}
	return res.finish(lo, hi), nil
}

func (r SearchResult) finish(lo, hi float64) SearchResult {
	r.MaxRate, r.MinFailing = lo, hi
	return r
}

// judge decides a probe: every threshold must hold (a generator-limited
// cell fails every threshold, and is marked so that the search never
// calls it a knee), and its latency must have reached a steady state.
func (p *Search) judge(rate float64, s results.Summary) Probe {
	pr := Probe{Rate: rate, Pass: true, Summary: s}
	// Slots that could not keep up are the searched configuration's own
	// limit, a failure like any other; a host that could not offer the
	// load says nothing of the target.
	if s.OpenLoop != nil && s.OpenLoop.HostLimited {
		return Probe{Rate: rate, Reason: "generator-limited: " + s.OpenLoop.GeneratorLimited, Limited: true, Summary: s}
	}
	for _, t := range p.Thresholds {
		if c := t.Eval(&s); !c.Pass {
			pr.Pass, pr.Reason = false, c.Threshold+": "+c.Reason
			break
		}
	}
	if pr.Pass {
		if why := rising(s); why != "" {
			pr.Pass, pr.Reason = false, why
		}
	}
	pr.Summary.Thresholds = nil
	for _, t := range p.Thresholds {
		pr.Summary.Thresholds = append(pr.Summary.Thresholds, t.Eval(&s))
	}
	return pr
}

// rising says why a probe's latency had not settled: over capacity the
// queue, and with it the corrected latency, grows for as long as arrivals
// come, so the last full interval's median is far above the first's.
func rising(s results.Summary) string {
	var full []results.Step
	for _, st := range s.Timeline {
		if st.Completed > 0 {
			full = append(full, st)
		}
	}
	if len(full) < 3 {
		return ""
	}
	first, last := full[0].LatencyP50, full[len(full)-2].LatencyP50 // the very last may be cut short
	if last > 2*first && last-first > 0.005 {
		return fmt.Sprintf("latency still rising (median %s at the start, %s at the end): no steady state", results.Seconds(first), results.Seconds(last))
	}
	return ""
}
