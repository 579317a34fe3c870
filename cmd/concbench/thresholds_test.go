package main

import (
	"encoding/json"
	"io"
	"math"
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

// scaled writes a copy of doc whose every repetition took k times as long.
func scaled(t *testing.T, doc *results.Document, k float64) string {
	t.Helper()
	b, _ := json.Marshal(doc)
	var c results.Document
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	for i := range c.Runs {
		c.Runs[i].WallSeconds *= k
		c.Runs[i].ThroughputPerS /= k
		for j := range c.Runs[i].Repetitions {
			r := &c.Runs[i].Repetitions[j]
			r.WallSeconds *= k
			r.ThroughputPerS /= k
		}
	}
	path := filepath.Join(t.TempDir(), "scaled.json")
	if err := results.WriteFileAtomic(path, func(w io.Writer) error { return results.Write(w, "json", &c) }); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCompareFailOn(t *testing.T) {
	old := filepath.Join(t.TempDir(), "old.json")
	if o := concbench(t, "run", "--latency", "5ms", "--tasks", "8", "--strategies", "pool", "--concurrency", "4", "--repeat", "6", "-q", "--out", old); o.code != 0 {
		t.Fatalf("run: %d %s", o.code, o.stderr)
	}
	doc, err := results.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	// 20% slower, or more where the repetitions themselves spread wider
	// (a busy machine): the two samples must not overlap for a test of six
	// repetitions a side to call the change significant.
	lo, hi := math.Inf(1), 0.0
	for _, r := range doc.Runs[0].Repetitions {
		lo, hi = min(lo, r.WallSeconds), max(hi, r.WallSeconds)
	}
	k := max(1.2, 1.05*hi/lo)
	slower, slightly := scaled(t, doc, k), scaled(t, doc, 1.03)
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"the same results", []string{old, old, "--fail-on", "5%"}, exitOK, ""},
		{"20% slower", []string{old, slower, "--fail-on", "5%"}, exitThreshold, "wall"},
		{"20% slower, throughput named", []string{old, slower, "--fail-on", "0.05", "--metrics", "throughput"}, exitThreshold, "throughput"},
		{"20% slower, only p99 watched", []string{old, slower, "--fail-on", "5%", "--metrics", "p99"}, exitOK, ""},
		{"3% slower", []string{old, slightly, "--fail-on", "5%"}, exitOK, ""},
		{"20% faster", []string{slower, old, "--fail-on", "5%"}, exitOK, ""},
		{"20% slower without --fail-on", []string{old, slower}, exitOK, ""},
		{"bad share", []string{old, slower, "--fail-on", "lots"}, exitUsage, "--fail-on"},
		{"metrics alone", []string{old, slower, "--metrics", "p99"}, exitUsage, "--metrics applies with --fail-on"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := concbench(t, append([]string{"compare"}, c.args...)...)
			if o.code != c.code || !strings.Contains(o.stderr, c.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", o.code, o.stderr, c.code, c.stderr)
			}
		})
	}
}
