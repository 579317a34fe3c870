package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

// TestDefaultsALoadTesterExpects: a flag only one workload declares names
// it (--addr: tcp), two such flags of different workloads are refused,
// and a closed-loop --duration run leaves unbounded out of "all", saying
// so, unless it is asked for by name.
func TestDefaultsALoadTesterExpects(t *testing.T) {
	r := concbench(t, "run", "--addr", "127.0.0.1:1", "--fsync", "--tasks", "5")
	if r.code != 2 || !strings.Contains(r.stderr, "--addr") || !strings.Contains(r.stderr, "--fsync") {
		t.Errorf("flags of two workloads: exit %d %q", r.code, r.stderr)
	}
	// --addr alone makes a tcp run: it gets as far as checking the
	// address (nothing listens on port 1), not a usage error.
	r = concbench(t, "run", "--addr", "127.0.0.1:1", "--tasks", "1", "--strategies", "sequential")
	if r.code != 1 || !strings.Contains(r.stderr, "127.0.0.1:1 is unreachable") {
		t.Errorf("--addr alone: exit %d %q; want a tcp run refused at its unreachable address", r.code, r.stderr)
	}

	var doc results.Document
	r = concbench(t, "run", "--duration", "200ms", "--latency", "5ms", "--concurrency", "2", "-q", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v: %s", r.code, err, r.stderr)
	}
	for _, s := range doc.Runs {
		if s.Strategy == "unbounded" {
			t.Error("unbounded ran in a --duration run it was not named in")
		}
	}
	if !strings.Contains(r.stderr, "unbounded left out") {
		t.Errorf("no note: %q", r.stderr)
	}
	r = concbench(t, "run", "--duration", "100ms", "--latency", "5ms", "--strategies", "unbounded", "-q", "--format", "json")
	if r.code != 0 || strings.Contains(r.stderr, "left out") || !strings.Contains(r.stdout, `"strategy": "unbounded"`) {
		t.Errorf("unbounded by name: exit %d %q", r.code, r.stderr)
	}
}

// TestNetworkCellsWarmUp: a closed-loop cell of a workload that talks to
// a server warms up once unless --warmup says otherwise, and the file and
// the table say so; open-loop cells and other workloads do not.
func TestNetworkCellsWarmUp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"--workload", "http", "--latency", "1ms", "--tasks", "20"}, 1},
		{[]string{"--workload", "http", "--latency", "1ms", "--tasks", "20", "--warmup", "0"}, 0},
		{[]string{"--workload", "http", "--latency", "1ms", "--tasks", "5", "--rate", "200"}, 0},
		{[]string{"--latency", "1ms", "--tasks", "20"}, 0},
	} {
		out := filepath.Join(t.TempDir(), "r.json")
		r := concbench(t, append(append([]string{"run"}, tc.args...), "--strategies", "pool", "--concurrency", "4", "--out", out)...)
		doc, err := results.ReadFile(out)
		if r.code != 0 || err != nil {
			t.Fatalf("%v: exit %d, %v: %s", tc.args, r.code, err, r.stderr)
		}
		if got := doc.Runs[0].Warmups; got != tc.want || strings.Contains(r.stdout, "warmed up") != (tc.want > 0) {
			t.Errorf("%v: %d warm-up runs (want %d); table:\n%s", tc.args, got, tc.want, r.stdout)
		}
	}
}
