package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

// TestSweepAnyParameter is #15 item 3's acceptance: --rate 100,200,400
// --latency 5ms,20ms runs six cells, each carrying its values; an
// interrupted sweep resumes without measuring its finished cells again;
// compare matches all six; plot and report draw latency against each
// swept parameter.
func TestSweepAnyParameter(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "a.json")
	plan := []string{"run", "--rate", "100,200,400", "--latency", "5ms,20ms", "--duration", "300ms", "--strategies", "pool", "--concurrency", "50"}
	first := interruptAfter(t, append(plan, "--out", out), "cell 2/6 done", out, true)
	if len(first.Runs) < 2 || first.Runs[0].Swept["rate"] != "100" || first.Runs[0].Swept["latency"] != "5ms" || first.Runs[1].Swept["latency"] != "20ms" {
		t.Fatalf("interrupted file: %d runs, first swept %v", len(first.Runs), first.Runs[0].Swept)
	}

	out2 := filepath.Join(dir, "b.json")
	r := concbench(t, append(plan, "--resume", out, "--out", out2, "--format", "csv")...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "rate=100 wall") || strings.Count(r.stderr, "done:") != 6-countFinished(first) {
		t.Errorf("resume measured finished cells again: %s", r.stderr)
	}
	all, err := results.ReadFile(out2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range all.Runs {
		got = append(got, results.SweptText(&s))
		asked, lat := s.OpenLoop.RateAsked, s.Params["latency"]
		if results.SweptText(&s) != "latency="+lat+" rate="+strings.TrimSuffix(results.Rate(asked), "/s") {
			t.Errorf("cell %s ran at rate %v, latency %s", results.SweptText(&s), asked, lat)
		}
	}
	want := []string{"latency=5ms rate=100", "latency=20ms rate=100", "latency=5ms rate=200", "latency=20ms rate=200", "latency=5ms rate=400", "latency=20ms rate=400"}
	if !slices.Equal(got, want) {
		t.Errorf("cells %q, want %q", got, want)
	}
	if !strings.Contains(r.stdout, "latency=20ms rate=400") {
		t.Errorf("the table rows do not show the swept values:\n%s", r.stdout)
	}

	c := concbench(t, "compare", out2, out2)
	if c.code != 0 || strings.Count(c.stdout, "BenchmarkConcbench/") != 6 {
		t.Errorf("compare: exit %d, want six cells matched:\n%s%s", c.code, c.stdout, c.stderr)
	}
	rep := filepath.Join(dir, "report")
	if p := concbench(t, "report", out2, "--out", rep); p.code != 0 {
		t.Fatalf("report: exit %d: %s", p.code, p.stderr)
	}
	md, err := os.ReadFile(filepath.Join(rep, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, chart := range []string{"sweep-rate.png", "sweep-latency.png"} {
		if st, err := os.Stat(filepath.Join(rep, chart)); err != nil || st.Size() == 0 || !strings.Contains(string(md), chart) {
			t.Errorf("%s: %v, in report.md: %v", chart, err, strings.Contains(string(md), chart))
		}
	}
	if !strings.Contains(string(md), "corrected latency at each value of --rate") {
		t.Errorf("the rate chart does not show the corrected latency against the offered rate")
	}
}

func countFinished(doc *results.Document) int {
	n := 0
	for _, s := range doc.Runs {
		if !s.Partial {
			n++
		}
	}
	return n
}

// TestSweepFlags: a comma list sweeps a sweepable flag, a List flag is
// swept by repeating it, and a sweep of a flag the workload or strategies
// do not declare is refused before anything runs.
func TestSweepFlags(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		code  int
		swept []string // each run's, in order; or the flag the error names
	}{
		{[]string{"--workload", "cpu", "--work", "1000,2000", "--tasks", "4", "--strategies", "pool", "--concurrency", "2"}, 0, []string{"work=1000", "work=2000"}},
		{[]string{"--durations", "1ms,2ms", "--durations", "3ms", "--tasks", "2", "--strategies", "sequential"}, 0, []string{"durations=1ms,2ms", "durations=3ms"}},
		{[]string{"--timeout", "1ms,1s", "--latency", "3ms", "--tasks", "2", "--strategies", "sequential"}, 0, []string{"timeout=1ms", "timeout=1s"}},
		{[]string{"--per-process", "1,2", "--tasks", "4", "--strategies", "pool,process", "--concurrency", "2"}, 0, []string{"-", "per-process=1", "per-process=2"}},
		{[]string{"--workload", "tcp", "--size", "8,64", "--tasks", "4", "--strategies", "pool", "--concurrency", "2"}, 0, []string{"size=8", "size=64"}},
		{[]string{"--stages", "200ms:100/s", "--stages", "200ms:200/s", "--strategies", "pool", "--concurrency", "4"}, 0, []string{"stages=200ms:100/s", "stages=200ms:200/s"}},
		{[]string{"--crash-at", "1", "--crash-at", "2,3", "--latency", "1ms", "--tasks", "4", "--strategies", "process", "--concurrency", "2"}, 0, []string{"crash-at=1", "crash-at=2,3"}},
		{[]string{"--workload", "http", "--http-engine", "h1,std", "--latency", "1ms", "--tasks", "4", "--strategies", "pool", "--concurrency", "2"}, 0, []string{"http-engine=h1", "http-engine=std"}},
		{[]string{"--workload", "cpu", "--latency", "1ms,2ms"}, 2, []string{"--latency"}},
		{[]string{"--crash-at", "1", "--crash-at", "-2", "--strategies", "process"}, 2, []string{"--crash-at"}},
		{[]string{"--per-process", "1,2", "--strategies", "pool"}, 2, []string{"--per-process"}},
		{[]string{"--durations", "1ms,2ms", "--durations", "3ms"}, 2, []string{"--tasks"}},
		{[]string{"--latency", "5ms,-1ms"}, 2, []string{"--latency"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := concbench(t, append([]string{"run", "-q", "--format", "csv"}, tc.args...)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tc.code, r.stderr)
			}
			if tc.code != 0 {
				if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], tc.swept[0]) {
					t.Errorf("stderr %q: want one line naming %s", r.stderr, tc.swept[0])
				}
				return
			}
			rows := strings.Split(strings.TrimSpace(r.stdout), "\n")[1:]
			var got []string
			for _, row := range rows {
				f := strings.SplitN(row, ",", 2)[1]
				if strings.HasPrefix(f, `"`) {
					got = append(got, strings.SplitN(f[1:], `"`, 2)[0])
				} else {
					got = append(got, strings.SplitN(f, ",", 2)[0])
				}
			}
			if !slices.Equal(got, tc.swept) {
				t.Errorf("swept %q, want %q", got, tc.swept)
			}
		})
	}
}

// TestSweepShardsMerge: the shards of a swept plan merge cell by cell, on
// the swept values: one run per value, with every task of each.
func TestSweepShardsMerge(t *testing.T) {
	dir := t.TempDir()
	plan := []string{"run", "-q", "--latency", "1ms,3ms", "--tasks", "20", "--strategies", "pool", "--concurrency", "4"}
	var files []string
	for _, shard := range []string{"0/2", "1/2"} {
		f := filepath.Join(dir, strings.ReplaceAll(shard, "/", "-")+".json")
		if r := concbench(t, append(plan, "--shard", shard, "--out", f)...); r.code != 0 {
			t.Fatalf("shard %s: exit %d: %s", shard, r.code, r.stderr)
		}
		files = append(files, f)
	}
	out := filepath.Join(dir, "m.json")
	if r := concbench(t, append([]string{"merge", "--out", out}, files...)...); r.code != 0 {
		t.Fatalf("merge: exit %d: %s", r.code, r.stderr)
	}
	doc, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range doc.Runs {
		got = append(got, results.SweptText(&s))
		if s.Outcomes.OK != 20 || s.Params["latency"] != s.Swept["latency"] {
			t.Errorf("%s: %+v, params %v", results.SweptText(&s), s.Outcomes, s.Params)
		}
	}
	if !slices.Equal(got, []string{"latency=1ms", "latency=3ms"}) {
		t.Errorf("merged cells %q", got)
	}
}
