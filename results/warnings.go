package results

import (
	"fmt"
	"math"
)

// NoisyShare is the widest wall-time interval, as a share of the median,
// that Warnings lets pass: past it a difference between strategies may be
// the machine's (hyperfine warns on outliers for the same reason).
const NoisyShare = 0.10

// Warnings returns, one line each, what a reader should doubt in doc, as
// hyperfine does: repetitions too noisy to trust, and speedups of
// CPU-bound tasks (cpuBound reports a workload's, by name; nil: none)
// past the cores the run had, which no schedule can give: the sequential
// run was slowed. It returns none for a document without either.
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
	return out
}
