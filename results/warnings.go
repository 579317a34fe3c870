package results

import (
	"fmt"
	"math"
	"strings"
)

// NoisyShare is the widest wall-time interval, as a share of the median,
// that Warnings lets pass: past it a difference between strategies may be
// the machine's (hyperfine warns on outliers for the same reason).
const NoisyShare = 0.10

// Warnings returns, one line each, what a reader should doubt in doc, as
// hyperfine does: repetitions too noisy to trust, and speedups of
// CPU-bound tasks (cpuBound reports a workload's, by name; nil: none)
// past the cores the run had, which no schedule can give: the sequential
// run was slowed; open-loop cells whose generator's host was at its
// limit; and cells whose tasks ran longer than set (LateShare). It
// returns none for a document without any.
func Warnings(doc *Document, cpuBound func(workload string) bool) []string {
	var out []string
	var noisy []*Summary
	var widest *Summary
	share := func(s *Summary) float64 { return (s.WallCI.Hi - s.WallCI.Lo) / s.WallSeconds }
	for i := range doc.Runs {
		s := &doc.Runs[i]
		if s.WallCI == nil || s.WallSeconds <= 0 || s.Partial || share(s) <= NoisyShare {
			continue
		}
		noisy = append(noisy, s)
		if widest == nil || share(s) > share(widest) {
			widest = s
		}
	}
	if len(noisy) > 0 {
		out = append(out, fmt.Sprintf("%d of %d cells have a wall-time interval wider than %.0f%% of the median (widest: %s, %s..%s, %s of %s): other programs or the machine's state may be in the figures; close them, add --warmup, or repeat more",
			len(noisy), len(doc.Runs), 100*NoisyShare, cellName(widest), Seconds(widest.WallCI.Lo), Seconds(widest.WallCI.Hi), percent(share(widest)), Seconds(widest.WallSeconds)))
	}
	for i := range doc.Runs {
		s := &doc.Runs[i]
		cores := doc.Environment.GOMAXPROCS
		if s.Processes != nil { // each worker process has the machine's cores
			cores = doc.Environment.NumCPU
		}
		if cpuBound == nil || !cpuBound(s.Workload) || s.Speedup == nil || cores <= 0 || *s.Speedup <= float64(cores)*1.05 || math.IsInf(*s.Speedup, 0) {
			continue
		}
		out = append(out, fmt.Sprintf("%s measured a speedup of %s with %d cores, more than CPU-bound tasks can reach: the sequential run was slowed (noise, frequency scaling), so every speedup of this group is overstated",
			cellName(s), times(*s.Speedup), cores))
	}
	if w := saturatedGenerators(doc.Runs); w != "" {
		out = append(out, w)
	}
	if w := lateTasks(doc.Runs); w != "" {
		out = append(out, w)
	}
	return out
}

// LateShare is how much longer than they were set to take, on average, a
// cell's tasks may run before Warnings says so: past it a tenth of eff
// is soon not the strategy's. Sleeps of 10 ms ran 2-11% long on a 2-core
// Linux VM (2026-12-03) under every strategy, sequential included.
const LateShare = 0.05

// lateTasks warns of the cells whose tasks ran LateShare or more longer
// than set, naming the most, or returns "". A task's wait ending late is
// not the strategy's doing: an idle Go process wakes its sleepers up to
// 1 ms late (on Linux its timers wait in the network poller, in whole
// milliseconds), and busy CPUs delay them too; a schedule can only add
// to that, so eff and speedup are read against each other, not 100%.
func lateTasks(runs []Summary) string {
	over := func(s *Summary) float64 { return s.Latency.Mean / *s.ExpectedServiceSeconds }
	var n, of int
	var most, least *Summary
	for i := range runs {
		s := &runs[i]
		if s.Partial || s.ExpectedServiceSeconds == nil || *s.ExpectedServiceSeconds <= 0 || s.Latency.Mean <= 0 {
			continue
		}
		of++
		if over(s) < 1+LateShare {
			continue
		}
		n++
		if most == nil || over(s) > over(most) {
			most = s
		}
		if least == nil || over(s) < over(least) {
			least = s
		}
	}
	if n == 0 {
		return ""
	}
	span := fmt.Sprintf("%.0f%%", 100*(over(most)-1))
	if least != most {
		span = fmt.Sprintf("%.0f-%s", 100*(over(least)-1), span)
	}
	return fmt.Sprintf("%d of %d cells' tasks ran %s longer than set (most: %s, %s for %s), which eff counts against the strategy: an idle Go process wakes its sleepers up to 1 ms late (on Linux) and busy CPUs delay them; compare cells with each other (sequential's eff included) or set longer tasks",
		n, of, span, cellName(most), Seconds(most.Latency.Mean), Seconds(*most.ExpectedServiceSeconds))
}

// Past these, an open-loop cell's generator host was at its limit: its
// CPUs all but saturated, or its pacer releasing arrivals a millisecond
// late at p99 (the pacer's goal is 200 µs): the arrivals the target saw
// were burstier than asked. Its corrected latency still counts from the
// due times; what it measured is the pair of hosts, not the target alone.
const (
	saturatedHost   = 0.9
	lateSendSeconds = 1e-3
)

// saturatedGenerators warns of the open-loop cells whose generator's host
// was at its limit, naming the worst, or returns "".
func saturatedGenerators(runs []Summary) string {
	var n, most int
	var worst *Summary
	var why string
	for i := range runs {
		s := &runs[i]
		o := s.OpenLoop
		if o == nil || s.Partial || o.GeneratorLimited != "" { // marked already
			continue
		}
		var reasons []string
		if b := s.HostCPUBusy; b != nil && *b >= saturatedHost {
			reasons = append(reasons, fmt.Sprintf("the host's CPUs %s busy", percent(*b)))
		}
		if l := o.SendLateness; l != nil && l.P99 >= lateSendSeconds {
			reasons = append(reasons, fmt.Sprintf("arrivals released %s late at p99", Seconds(l.P99)))
		}
		if len(reasons) == 0 {
			continue
		}
		n++
		if len(reasons) > most {
			worst, why, most = s, strings.Join(reasons, ", "), len(reasons)
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d open-loop cells ran with their generator's host at its limit (%s: %s): the target saw burstier arrivals than asked; give the target a host of its own, or shard the plan over more hosts (--shard)",
		n, cellName(worst), why)
}
