package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

// TestResumeFilesOfEarlierVersions: results files written before sleep
// and cpu became registered workloads (testdata/*-v2.json, made with the
// flags in their environment.command, and the v1 fixture of results) hold
// their parameters as text under the same names: the same flags today
// resume them whole (no cell run again) and compare matches every cell.
func TestResumeFilesOfEarlierVersions(t *testing.T) {
	for _, name := range []string{"sleep-uniform-v2.json", "cpu-v2.json", "durations-v2.json"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			old, err := results.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			args := commandArgs(old.Environment.Command)
			out := filepath.Join(t.TempDir(), "r.json")
			r := concbench(t, append(args, "--resume", path, "--out", out, "--format", "json")...)
			if r.code != 0 {
				t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
			}
			if strings.Contains(r.stderr, "cell ") {
				t.Errorf("a cell ran again: %s", r.stderr)
			}
			doc, err := results.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Runs) != len(old.Runs) {
				t.Fatalf("%d runs, want the file's %d", len(doc.Runs), len(old.Runs))
			}
			for i := range doc.Runs {
				if doc.Runs[i].WallSeconds != old.Runs[i].WallSeconds {
					t.Errorf("run %d measured again: wall %v, the file's %v", i, doc.Runs[i].WallSeconds, old.Runs[i].WallSeconds)
				}
			}
			if c := concbench(t, "compare", path, out); c.code != 0 || strings.Count(c.stdout, "BenchmarkConcbench") < len(old.Runs) {
				t.Errorf("compare: exit %d, want every one of %d cells matched:\n%s%s", c.code, len(old.Runs), c.stdout, c.stderr)
			}
		})
	}
}

// commandArgs returns the run flags of a recorded command line, without
// the program, -q and --out.
func commandArgs(command string) []string {
	f := strings.Fields(command)[1:]
	var out []string
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case "-q":
		case "--out":
			i++
		default:
			out = append(out, f[i])
		}
	}
	return out
}
