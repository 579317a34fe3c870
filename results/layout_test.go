package results

import (
	"strings"
	"testing"
)

// layoutRuns is a group as a sweep of every mode would give: long
// strategy names, failures of every kind, a sweep, worker processes.
func layoutRuns(mode string) []Summary {
	var runs []Summary
	for i, name := range []string{"sequential", "semaphore", "process", "errgroup-limited"} {
		s := repeatedRun(name, 1.234, 1.5, 2.3456)
		s.Concurrency, s.Tasks = 1000, 100000
		s.ThroughputPerS, s.Latency = 81234.5, Percentiles{P50: 0.0123, P90: 0.2, P99: 1.234, Max: 12.3}
		s.Outcomes = Outcomes{OK: 99000 - i, Error: 500 + i, Timeout: 300, Panic: 1, Canceled: 199}
		s.Swept = map[string]string{"latency": "10ms", "rate": "1000"}
		s.Memory.PeakRSSBytes = KnownBytes(1 << 30)
		if name == "process" {
			s.Processes = &Processes{Workers: 1000, PerProcess: 1, ChildRSSSumBytes: KnownBytes(40 << 30)}
		}
		switch mode {
		case "duration":
			s.DurationSeconds = 30
		case "open loop":
			s.DurationSeconds = 30
			s.OpenLoop = &OpenLoop{RateAsked: 100000, RateAchieved: 99876.5, Corrected: Percentiles{P50: 0.5, P99: 12.5}, Late: 12345, MaxQueueDepth: 99999}
			s.Outcomes.Dropped = 1234
		}
		runs = append(runs, s)
	}
	FillSpeedups(runs)
	return runs
}

// TestCompactTableFits: the default table of every mode fits 100
// columns, footer and notes included, and keeps the figures a reader
// compares on; --wide shows every column some row has; --columns picks
// and orders them by name.
func TestCompactTableFits(t *testing.T) {
	for _, tc := range []struct {
		mode string
		want []string // heads the compact table keeps
	}{
		{"count", []string{"strategy", "wall", "p99", "err"}},
		{"duration", []string{"strategy", "tasks/s", "p99", "err"}},
		{"open loop", []string{"strategy", "rate got/asked", "corr p99", "err"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			doc := &Document{Schema: Schema, Runs: layoutRuns(tc.mode), PercentileMethod: PercentileMethod}
			var compact, wide strings.Builder
			Write(&compact, "table", doc)
			WriteWith(&wide, "table", doc, TableOptions{Wide: true})
			for _, line := range strings.Split(compact.String(), "\n") {
				if n := len([]rune(line)); n > TableWidth {
					t.Errorf("a line of %d characters:\n%s", n, compact.String())
				}
			}
			head := strings.Split(compact.String(), "\n")[1]
			for _, h := range tc.want {
				if !strings.Contains(head, h) {
					t.Errorf("compact head %q lacks %q", head, h)
				}
			}
			wideHead := strings.Split(wide.String(), "\n")[1]
			for _, c := range visibleColumns(groups(doc.Runs)[0]) {
				if !strings.Contains(wideHead, c.head) {
					t.Errorf("--wide lacks %q: %s", c.head, wideHead)
				}
			}
			if len(wideHead) <= TableWidth {
				t.Errorf("--wide is %d wide: not every column?", len(wideHead))
			}
		})
	}
	doc := &Document{Schema: Schema, Runs: layoutRuns("count")}
	var b strings.Builder
	WriteWith(&b, "table", doc, TableOptions{Columns: []string{"p99", "strategy", "rss"}})
	if head := strings.Fields(strings.Split(b.String(), "\n")[1]); strings.Join(head, " ") != "p99 strategy rss" {
		t.Errorf("--columns p99,strategy,rss gave %q", head)
	}
	if err := CheckColumns([]string{"wall", "nonsense"}); err == nil || !strings.Contains(err.Error(), `"nonsense"`) {
		t.Errorf("an unknown column: %v", err)
	}
}
