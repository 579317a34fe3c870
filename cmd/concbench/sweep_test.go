package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
	"golang.org/x/perf/benchfmt"
)

func TestProgressGoesToStderrOnly(t *testing.T) {
	args := []string{"run", "--durations", "2ms", "--tasks", "10", "--strategies", "sequential,pool", "--concurrency", "2,4", "--format", "json"}
	r := concbench(t, args...)
	var doc results.Document
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Runs) != 3 {
		t.Fatalf("stdout is not just the JSON document: %v", err)
	}
	if n := strings.Count(r.stderr, "concbench: cell "); n != 3 || !strings.Contains(r.stderr, "cell 3/3 done") {
		t.Errorf("want a line per finished cell on stderr (not a terminal), got %q", r.stderr)
	}
	// --quiet drops the progress, not the warnings (2 ms sleeps may run
	// long enough for one): whatever stays on stderr is a warning.
	q := concbench(t, append(args, "--quiet")...)
	if q.code != 0 || strings.Contains(q.stderr, "concbench: cell") || q.stderr != "" && !strings.HasPrefix(q.stderr, "concbench: warning: ") {
		t.Errorf("--quiet: exit %d, stderr %q", q.code, q.stderr)
	}
}

// TestProgressWeighsCellsByCost checks that the sweep's share done counts
// each run by its cell's estimated cost, not as one run of n: a
// sequential run of 100 sleeps is most of a sweep whose other cell is 100
// sleeps at once; a cell skipped by --resume counts for nothing, and one
// resumed with a repetition recorded only for those it still needs.
func TestProgressWeighsCellsByCost(t *testing.T) {
	plan := &harness.Plan{Spec: workloads.Spec{Name: "sleep"}, Strategies: []string{"sequential", "unbounded", "pool"},
		Tasks: []int{100}, Concurrency: []int{10}, Repeat: 2}
	seq, unb := harness.Cell{Strategy: "sequential", Tasks: 100}, harness.Cell{Strategy: "unbounded", Tasks: 100}
	p := newProgress(io.Discard, false, plan)
	defer p.Stop()
	h := p.hooks(func(c harness.Cell) bool { return c.Strategy == "pool" }, map[harness.Cell][]results.Summary{unb: {{}}})
	src := &strategies.Count{N: 100}
	const total = 2*100 + 1*1 // sequential: 2 runs of 100 rounds; unbounded: 1 run (of 2) of one round
	for _, tc := range []struct {
		step func()
		run  float64
		want float64
	}{
		{func() { h.CellStart(0, 2, seq); h.RunStart(0, 2, src) }, 0, 0},
		{func() {}, 0.5, 50.0 / total},
		{func() { h.RunStart(1, 2, src) }, 0, 100.0 / total},
		{func() { h.CellStart(1, 2, unb); h.RunStart(0, 1, src) }, 0, 200.0 / total},
		{func() {}, 1, 1},
	} {
		tc.step()
		if got := p.share(tc.run); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s run %d, %.0f%% of it: share %v, want %v", p.cell.Strategy, p.run, 100*tc.run, got, tc.want)
		}
	}
}

// TestInterruptThenResume stops a sweep with SIGINT from the test, checks
// the results file holds the finished cells, then completes it with
// --resume, which must not measure those cells again.
func TestInterruptThenResume(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.json")
	plan := []string{"run", "--latency", "40ms", "--tasks", "10", "--strategies", "sequential,pool,semaphore", "--concurrency", "2"}
	// sequential takes ~400ms, pool and semaphore ~200ms each
	first := interruptAfter(t, append(plan, "--out", out), "cell 1/3 done", out, false)
	finished := 0
	for _, s := range first.Runs {
		if !s.Partial {
			finished++
		}
	}
	if !first.Partial || finished == 0 || finished == 3 || first.Runs[0].Strategy != "sequential" || first.Runs[0].Partial {
		t.Fatalf("interrupted file: partial=%v, %d of %d runs finished", first.Partial, finished, len(first.Runs))
	}

	out2 := filepath.Join(dir, "r2.json")
	r := concbench(t, append(plan, "-q", "--resume", out, "--out", out2)...)
	if r.code != 0 {
		t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
	}
	all, err := results.ReadFile(out2)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Runs) != 3 || all.Partial {
		t.Fatalf("resumed: %d runs, partial %v", len(all.Runs), all.Partial)
	}
	for i, s := range all.Runs {
		if s.Partial || s.Outcomes.OK != 10 {
			t.Errorf("run %d (%s): partial %v, %+v", i, s.Strategy, s.Partial, s.Outcomes)
		}
	}
	if all.Runs[0].WallSeconds != first.Runs[0].WallSeconds {
		t.Error("the finished sequential cell was measured again")
	}

	other := concbench(t, "run", "--latency", "5ms", "--tasks", "10", "--resume", out, "--out", filepath.Join(dir, "x.json"))
	if other.code != 2 || !strings.Contains(other.stderr, "another plan") {
		t.Errorf("resume with another plan: exit %d %q", other.code, other.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
		t.Error("a refused resume wrote its --out")
	}
}

func TestGobenchForBenchstat(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"old.txt", "new.txt"} {
		r := concbench(t, "run", "--durations", "2ms,1ms", "--tasks", "12", "--strategies", "sequential,pool,semaphore", "--concurrency", "2,3", "--repeat", "4", "-q", "--format", "gobench")
		if r.code != 0 {
			t.Fatal(r.stderr)
		}
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(r.stdout), 0o644)
		files = append(files, path)
		rd := benchfmt.NewReader(strings.NewReader(r.stdout), name)
		n := 0
		for rd.Scan() {
			switch rec := rd.Result().(type) {
			case *benchfmt.SyntaxError:
				t.Fatalf("%s: %v", name, rec)
			case *benchfmt.Result:
				n++
				if _, ok := rec.Value("tasks/s"); !ok || len(rec.Values) != 2+len(results.BenchUnits) || rec.GetConfig("goos") == "" { // ns/op, the fixed units, peak-threads
					t.Errorf("%s: %+v", name, rec)
				}
			}
		}
		// 4 repetitions of 2 limits of 3 strategies: sequential ran once,
		// written under each limit
		if err := rd.Err(); err != nil || n != 24 {
			t.Fatalf("%s: %d results, %v", name, n, err)
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run benchstat with")
	}
	out, err := exec.Command(goBin, "tool", "benchstat", files[0], files[1]).CombinedOutput()
	if err != nil {
		t.Fatalf("benchstat: %v\n%s", err, out)
	}
	for _, want := range []string{"old.txt", "new.txt", "tasks/s", "strategy=pool", "sec/op"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("benchstat output lacks %q:\n%s", want, out)
		}
	}
	// Side by side: every strategy is a column of the rows tasks=12/conc=C.
	out, err = exec.Command(goBin, "tool", "benchstat", "-col", "/strategy", files[0]).CombinedOutput()
	if err != nil {
		t.Fatalf("benchstat -col /strategy: %v\n%s", err, out)
	}
	head := regexp.MustCompile(`(?m)^\s+│\s+sequential\s+│\s+pool\s+│\s+semaphore\s+│$`)
	row := regexp.MustCompile(`(?m)^Concbench/workload=sleep/tasks=12/conc=[23]-\d+(\s+\S+ ± \S+.*){3}$`)
	if !head.Match(out) || len(row.FindAll(out, -1)) < 2*(2+len(results.BenchUnits)) {
		t.Errorf("benchstat -col /strategy does not set the strategies side by side:\n%s", out)
	}
}

func TestCompareAndMerge(t *testing.T) {
	dir := t.TempDir()
	paths := map[string]string{}
	for name, d := range map[string]string{"a": "2ms", "b": "2ms", "c": "9ms"} {
		paths[name] = filepath.Join(dir, name+".json")
		r := concbench(t, "run", "--durations", d, "--tasks", "8", "--strategies", "pool", "--concurrency", "2", "--repeat", "5", "-q", "--out", paths[name], "--format", "csv")
		if r.code != 0 {
			t.Fatal(r.stderr)
		}
	}
	r := concbench(t, "compare", paths["a"], paths["b"])
	if r.code != 0 || !strings.Contains(r.stdout, "strategy=pool") || strings.Count(r.stdout, "\n") < 5 {
		t.Errorf("compare: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := concbench(t, "compare", paths["a"], paths["c"]); r.code != 2 || !strings.Contains(r.stderr, "no cell in common") {
		t.Errorf("compare without common cells: exit %d %q", r.code, r.stderr)
	}

	all := filepath.Join(dir, "all.json")
	if r := concbench(t, "merge", paths["a"], paths["c"], "-o", all); r.code != 0 {
		t.Fatalf("merge: %s", r.stderr)
	}
	m, err := results.ReadFile(all)
	if err != nil || len(m.Runs) != 2 || len(m.Sources) != 2 || m.Runs[1].Source != 2 {
		t.Fatalf("merged: %v %+v", err, m)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"schema": "concbench/results/v0"}`), 0o644)
	before, _ := os.ReadFile(all)
	if r := concbench(t, "merge", paths["a"], bad, "-o", all); r.code == 0 || !strings.Contains(r.stderr, "bad.json") {
		t.Errorf("merge with a foreign file: exit %d %q", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(all); !bytes.Equal(before, after) {
		t.Error("a failed merge clobbered its output")
	}
}
