package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

// TestStagesRun runs a ramp from the command line: its cells are open
// loop with the ramp's mean as the asked rate and the ramp's arrivals per
// interval in the timeline; --resume takes the same ramp and refuses
// another.
func TestStagesRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "ramp.json")
	plan := []string{"run", "--stages", "400ms:300/s,400ms:0/s", "--latency", "0s", "--strategies", "pool", "--concurrency", "4", "--interval", "200ms"}
	if r := concbench(t, append(plan, "-q", "--out", out)...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	doc, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Runs[0]
	if s.OpenLoop == nil || s.OpenLoop.Stages != "400ms:300/s,400ms:0/s" || math.Abs(s.OpenLoop.RateAsked-150) > 1e-9 || s.Tasks != 120 {
		t.Fatalf("open loop %+v, %d tasks: want the ramp, 150/s asked, 120 tasks", s.OpenLoop, s.Tasks)
	}
	// Λ(t) = 375 t² up to 0.4 s: 15 then 45 arrivals; then 45 and 15.
	var got []int
	for _, st := range s.Timeline {
		got = append(got, st.Arrivals)
	}
	if want := []int{15, 45, 45, 15}; len(got) < 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Errorf("arrivals per 200ms: %v, want %v", got, want)
	}
	if r := concbench(t, append(plan, "-q", "--resume", out, "--out", filepath.Join(dir, "again.json"))...); r.code != 0 {
		t.Errorf("resume of the same ramp: exit %d: %s", r.code, r.stderr)
	}
	other := append(plan[:2:2], "400ms:200/s,400ms:0/s")
	other = append(other, plan[3:]...)
	if r := concbench(t, append(other, "-q", "--resume", out, "--out", filepath.Join(dir, "x.json"))...); r.code != 2 || !strings.Contains(r.stderr, "another plan") {
		t.Errorf("resume with another ramp: exit %d %q", r.code, r.stderr)
	}
}
