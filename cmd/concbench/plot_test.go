package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

// TestPlotWithoutFigures: a results file whose memory figures are all 0
// (a system without /proc) made plot and report spin at 100% CPU; now
// the chart is skipped with its reason on one line, and -q silences the
// list of charts and the skipped ones alike (exit 0 either way).
func TestPlotWithoutFigures(t *testing.T) {
	doc, err := results.ReadFile(filepath.Join("testdata", "sleep-uniform-v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	more := doc.Runs
	for _, tasks := range []int{10, 100} { // two task counts: the memory chart is drawn
		for _, s := range more {
			s.Tasks = tasks
			s.Memory = results.Memory{}
			s.Processes = nil
			doc.Runs = append(doc.Runs, s)
		}
	}
	doc.Runs = doc.Runs[len(more):]
	dir := t.TempDir()
	in := filepath.Join(dir, "zero.json")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	results.Write(f, "json", doc)
	f.Close()
	for _, tc := range []struct {
		args           []string
		stdout, stderr string // substrings; "" wants nothing
	}{
		{[]string{"plot", in, "--out", filepath.Join(dir, "loud")}, ".png", "memory-vs-tasks skipped"},
		{[]string{"report", in, "--out", filepath.Join(dir, "quiet"), "-q"}, "", ""},
	} {
		r := concbench(t, tc.args...)
		for _, s := range []struct{ got, want, name string }{{r.stdout, tc.stdout, "stdout"}, {r.stderr, tc.stderr, "stderr"}} {
			if tc.stdout == "" && tc.stderr == "" && s.got != "" || !strings.Contains(s.got, s.want) {
				t.Errorf("%v: exit %d, %s %q, want %q", tc.args, r.code, s.name, s.got, s.want)
			}
		}
		if r.code != 0 {
			t.Errorf("%v: exit %d", tc.args, r.code)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "quiet", "report.md")); err != nil {
		t.Errorf("report -q wrote no report.md: %v", err)
	}
}

// TestPlotWithoutRenderer: without concbench-plot, every command that
// would draw fails before it does anything else, with one line saying
// what asked for charts, where it looked and how to install it (exit 2),
// and a --plot run measures nothing and writes no --out file.
func TestPlotWithoutRenderer(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join("testdata", "sleep-uniform-v2.json")
	out := filepath.Join(dir, "r.json")
	for _, tc := range []struct {
		args []string
		what string
	}{
		{[]string{"run", "--tasks", "5", "--plot", filepath.Join(dir, "p"), "--out", out, "-q"}, "--plot"},
		{[]string{"search", "--latency", "1ms", "--threshold", "p99<1s", "--plot", filepath.Join(dir, "s"), "--out", out, "-q"}, "--plot"},
		{[]string{"plot", in, "--out", filepath.Join(dir, "q")}, "plot"},
		{[]string{"report", in, "--out", filepath.Join(dir, "q")}, "report"},
	} {
		t.Run("cmd="+tc.args[0], func(t *testing.T) {
			cmd := command(tc.args...)
			cmd.Env = append(cmd.Env, "CONCBENCH_PLOT=", "PATH="+dir)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, stderr.String())
			}
			line := stderr.String()
			if strings.Count(line, "\n") != 1 || !strings.HasPrefix(line, "concbench: "+tc.what+": charts are drawn by concbench-plot") || !strings.Contains(line, "CONCBENCH_PLOT") {
				t.Errorf("stderr %q: want one line naming %s and how to install concbench-plot", line, tc.what)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written", out)
			}
		})
	}
}
