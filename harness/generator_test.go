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
	} {
		o := &results.OpenLoop{RateAsked: c.asked, RateAchieved: c.at, RateStarted: c.at}
		if c.name == "slots too few" {
			o.RateStarted = 280
		}
		got, host := generatorLimit(o, c.tally, c.wall, c.cpu)
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) || host != c.host {
			t.Errorf("%s: %q host %v, want %q host %v", c.name, got, host, c.want, c.host)
		}
	}
}
