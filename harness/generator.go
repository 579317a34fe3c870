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
	minRateShare  = 0.99 // arrivals released over the rate asked
	minStartShare = 0.95 // tasks started per second over the rate asked
	maxCPUShare   = 0.9  // process CPU over wall, per GOMAXPROCS
	// The pacer released its arrivals in bursts: at p99 at least this
	// late, and later than burstGaps arrivals' spacing (20,000/s 1.4 ms
	// late: 28 arrivals leave together). Both, so that a slow rate's
	// millisecond of timer noise is no burst.
	maxSendLate = time.Millisecond
	burstGaps   = 20
)

// localKinds are error kinds that the generator's own host caused: out of
// file descriptors or ephemeral ports.
var localKinds = []string{"local"}

// generatorLimit returns why an open-loop run's generator, not its target,
// set the pace ("" when nothing says so), and whether the generator's host
// was the limit (the pacer fell behind or released its arrivals in bursts,
// the CPUs were saturated, or the host
// ran out of descriptors or ports) rather than the strategy's own slots
// (arrivals dropped or waiting for a free slot). cpu is the process CPU
// time over the run, or negative when unknown.
func generatorLimit(o *results.OpenLoop, t results.Tally, wall, cpu time.Duration) (why string, host bool) {
	var slots, hosts []string
	if o.RateAsked > 0 && o.RateAchieved < minRateShare*o.RateAsked {
		hosts = append(hosts, fmt.Sprintf("released %s of %s asked", results.Rate(o.RateAchieved), results.Rate(o.RateAsked)))
	}
	arrivals := t.Outcomes.Total()
	if t.Outcomes.Dropped > 0 {
		slots = append(slots, fmt.Sprintf("%d of %d arrivals dropped for want of a free slot", t.Outcomes.Dropped, arrivals))
	}
	if o.RateAsked > 0 && o.RateStarted > 0 && o.RateStarted < minStartShare*o.RateAsked {
		slots = append(slots, fmt.Sprintf("tasks started at %s of %s asked: the slots set the pace", results.Rate(o.RateStarted), results.Rate(o.RateAsked)))
	}
	if l := o.SendLateness; l != nil && o.RateAsked > 0 && l.P99 >= maxSendLate.Seconds() && l.P99*o.RateAsked >= burstGaps {
		hosts = append(hosts, fmt.Sprintf("arrivals released %s late at p99, %.0f arrivals' spacing: they left in bursts", results.Seconds(l.P99), l.P99*o.RateAsked))
	}
	if cpu >= 0 && wall > 0 {
		if share := cpu.Seconds() / wall.Seconds() / float64(runtime.GOMAXPROCS(0)); share >= maxCPUShare {
			hosts = append(hosts, fmt.Sprintf("the process used %.0f%% of its CPUs", 100*share))
		}
	}
	for _, k := range localKinds {
		if e, ok := t.Errors[k]; ok && e.Count > 0 {
			hosts = append(hosts, fmt.Sprintf("%d tasks failed on the generator's host (%s)", e.Count, e.Example))
		}
	}
	return strings.Join(append(hosts, slots...), "; "), len(hosts) > 0
}
