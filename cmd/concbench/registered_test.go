package main

import (
	"strings"
	"testing"

	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// TestRunHelpListsTheRegistries: run --help names every registered
// workload and strategy with its usage line and its own parameters.
func TestRunHelpListsTheRegistries(t *testing.T) {
	r := concbench(t, "run", "--help")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var want []string
	for _, name := range workloads.Registered() {
		want = append(want, "  "+name)
		if d, ok := workloads.Lookup(name); ok {
			want = append(want, d.Usage)
			for _, p := range d.Params {
				want = append(want, "--"+p.Name)
			}
		}
	}
	for _, name := range strategies.Registered() {
		d, _ := strategies.Lookup(name)
		want = append(want, "  "+name, d.Usage)
		for _, p := range d.Params {
			want = append(want, "--"+p.Name)
		}
	}
	for _, w := range want {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("run --help lacks %q", w)
		}
	}
	// "all" runs the strategies in the order listed.
	last := -1
	for _, name := range strategies.Registered() {
		i := strings.Index(r.stdout, "\n  "+name+" ")
		if i < last {
			t.Errorf("%s listed out of rank order", name)
		}
		last = i
	}
}
