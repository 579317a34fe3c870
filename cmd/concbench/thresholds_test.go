package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

func TestThresholdsSetTheExitCode(t *testing.T) {
	base := []string{"run", "--latency", "1ms", "--tasks", "20", "--strategies", "pool", "--concurrency", "4", "-q"}
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"every task fails", []string{"--fail-rate", "1", "--threshold", "errors<1%"}, exitThreshold, "errors<1% (errors is 100%"},
		{"thresholds hold", []string{"--threshold", "errors<1%", "--threshold", "p99<10s"}, exitOK, ""},
		{"failures without thresholds", []string{"--fail-rate", "1"}, exitOK, ""},
		{"unknown metric", []string{"--threshold", "p98<1s"}, exitUsage, `unknown metric "p98"`},
		{"bad value", []string{"--threshold", "p99<soon"}, exitUsage, "--threshold"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.json")
			o := concbench(t, append(append(append([]string{}, base...), c.args...), "--out", out)...)
			if o.code != c.code || !strings.Contains(o.stderr, c.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", o.code, o.stderr, c.code, c.stderr)
			}
			if c.code == exitUsage {
				return
			}
			doc, err := results.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			wantChecks := strings.Count(strings.Join(c.args, " "), "--threshold")
			if got := len(doc.Runs[0].Thresholds); got != wantChecks {
				b, _ := json.Marshal(doc.Runs[0].Thresholds)
				t.Errorf("%d checks in the results, want %d: %s", got, wantChecks, b)
			}
		})
	}
}
