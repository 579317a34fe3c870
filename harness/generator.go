package harness

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/concbench/concbench/results"
)

// Limits past which an open-loop cell measures its generator rather than
// its target: a load test whose generator could not keep the asked rate
// tells nothing about the target's capacity.
const (
	minRateShare = 0.99 // achieved arrival rate over the rate asked
	maxLateShare = 0.01 // arrivals that waited past --late-after for a slot
	maxCPUShare  = 0.9  // process CPU over wall, per GOMAXPROCS
)

// localKinds are error kinds that the generator's own host caused: out of
// file descriptors or ephemeral ports.
var localKinds = []string{"local"}

// generatorLimit returns why an open-loop run's generator, not its target,
// set the pace ("" when nothing says so). cpu is the process CPU time over
// the run, or negative when unknown.
func generatorLimit(o *results.OpenLoop, t results.Tally, wall, cpu time.Duration) string {
	var why []string
	if o.RateAsked > 0 && o.RateAchieved < minRateShare*o.RateAsked {
		why = append(why, fmt.Sprintf("released %s of %s asked", results.Rate(o.RateAchieved), results.Rate(o.RateAsked)))
	}
	arrivals := t.Outcomes.Total()
	if t.Outcomes.Dropped > 0 {
		why = append(why, fmt.Sprintf("%d of %d arrivals dropped for want of a free slot", t.Outcomes.Dropped, arrivals))
	}
	if started := arrivals - t.Outcomes.Dropped; started > 0 && float64(t.Late) > maxLateShare*float64(started) {
		why = append(why, fmt.Sprintf("%d of %d tasks waited for a free slot", t.Late, started))
	}
	if cpu >= 0 && wall > 0 {
		if share := cpu.Seconds() / wall.Seconds() / float64(runtime.GOMAXPROCS(0)); share >= maxCPUShare {
			why = append(why, fmt.Sprintf("the process used %.0f%% of its CPUs", 100*share))
		}
	}
	for _, k := range localKinds {
		if e, ok := t.Errors[k]; ok && e.Count > 0 {
			why = append(why, fmt.Sprintf("%d tasks failed on the generator's host (%s)", e.Count, e.Example))
		}
	}
	return strings.Join(why, "; ")
}
