package harness

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
)

func TestGeneratorLimit(t *testing.T) {
	procs := time.Duration(runtime.GOMAXPROCS(0))
	ok := results.Outcomes{OK: 1000}
	for _, c := range []struct {
		name      string
		asked, at float64
		tally     results.Tally
		wall, cpu time.Duration
		want      string // "" for not limited
		host      bool
	}{
		{"on rate", 300, 300, results.Tally{Outcomes: ok}, time.Second, 100 * time.Millisecond, "", false},
		{"1% short is fine", 300, 297.5, results.Tally{Outcomes: ok}, time.Second, -1, "", false},
		{"short of the rate", 300, 194, results.Tally{Outcomes: ok}, time.Second, -1, "released 194/s of 300/s asked", true},
		{"drops", 300, 300, results.Tally{Outcomes: results.Outcomes{OK: 572, Dropped: 428}}, time.Second, -1, "428 of 1000 arrivals dropped", false},
		{"cpu saturated", 300, 300, results.Tally{Outcomes: ok}, time.Second, procs * 950 * time.Millisecond, "the process used 95% of its CPUs", true},
		{"cpu unknown", 300, 300, results.Tally{Outcomes: ok}, time.Second, -1, "", false},
		{"local failures", 300, 300, results.Tally{Outcomes: ok, Errors: map[string]results.ErrorKind{"local": {Count: 3, Example: "too many open files"}}}, time.Second, -1, "3 tasks failed on the generator's host (too many open files)", true},
		{"slots too few", 300, 300, results.Tally{Outcomes: ok}, time.Second, -1, "tasks started at 280/s of 300/s asked: the slots set the pace", false},
		// send lateness p99: 1.4 ms at 20,000/s is 28 arrivals in a burst;
		// at 300/s it is under one arrival's spacing, and 0.9 ms at
		// 30,000/s is under a millisecond
		{"bursts", 20000, 20000, results.Tally{Outcomes: ok}, time.Second, -1, "arrivals released 1.40ms late at p99, 28 arrivals' spacing", true},
		{"late at a slow rate", 300, 300, results.Tally{Outcomes: ok}, time.Second, -1, "", false},
		{"under a millisecond", 30000, 30000, results.Tally{Outcomes: ok}, time.Second, -1, "", false},
	} {
		o := &results.OpenLoop{RateAsked: c.asked, RateAchieved: c.at, RateStarted: c.at}
		switch c.name {
		case "slots too few":
			o.RateStarted = 280
		case "bursts", "late at a slow rate":
			o.SendLateness = &results.Percentiles{P99: 0.0014}
		case "under a millisecond":
			o.SendLateness = &results.Percentiles{P99: 0.0009}
		}
		got, host := generatorLimit(o, c.tally, c.wall, c.cpu)
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) || host != c.host {
			t.Errorf("%s: %q host %v, want %q host %v", c.name, got, host, c.want, c.host)
		}
	}
}
