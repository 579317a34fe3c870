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
// run was slowed; and open-loop cells whose generator's host was at its
// limit. It returns none for a document without any.
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
	return out
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
