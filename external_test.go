package concbench_test

import (
	"bytes"
	"cmp"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"golang.org/x/perf/benchfmt"
)

// userModule is a module of a user's kind, outside this repository: two
// tasks of its own, ServeWorkers in TestMain, and a benchmark of each
// under every strategy. Every task records the pid of the process it ran
// in, and the benchmark binary its own, in $PIDS.
var userModule = map[string]string{
	"tasks.go": `package usertasks

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/concbench/concbench"
)

func record(task string, i int) error {
	return os.WriteFile(filepath.Join(os.Getenv("PIDS"), fmt.Sprintf("%s-%d-%d", task, i, os.Getpid())), nil, 0o644)
}

var Parse = concbench.Define("user-parse", func(ctx context.Context, i int) error {
	sum := sha256.Sum256([]byte(fmt.Sprint("document ", i)))
	if sum[0] == 0 && i < 0 {
		return concbench.Errorf("never", "task %d", i)
	}
	return record("user-parse", i)
})

var Query = concbench.Define("user-query", func(ctx context.Context, i int) error {
	select {
	case <-time.After(time.Millisecond):
	case <-ctx.Done():
		return ctx.Err()
	}
	return record("user-query", i)
})
`,
	"tasks_test.go": `package usertasks

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/concbench/concbench"
)

func TestMain(m *testing.M) {
	concbench.ServeWorkers()
	os.WriteFile(filepath.Join(os.Getenv("PIDS"), fmt.Sprintf("bench-%d", os.Getpid())), nil, 0o644)
	os.Exit(m.Run())
}

func BenchmarkParse(b *testing.B) {
	concbench.Benchmark(b, Parse, concbench.Strategies("all"), concbench.Concurrency(2), concbench.Tasks(20))
}

func BenchmarkQuery(b *testing.B) {
	concbench.Benchmark(b, Query, concbench.Strategies("all"), concbench.Concurrency(2), concbench.Tasks(20))
}
`,
	// forgot benchmarks the process strategy without ServeWorkers.
	"forgot/forgot_test.go": `package forgot

import (
	"testing"

	"example.com/usertasks"
	"github.com/concbench/concbench"
)

func BenchmarkForgot(b *testing.B) {
	concbench.Benchmark(b, usertasks.Query, concbench.Strategies("process"), concbench.Concurrency(1), concbench.Tasks(2))
}
`,
}

// writeUserModule writes userModule to a new directory, requiring this
// checkout through a replace directive and benchstat as a tool, with the
// requirements and sums of this module (so nothing is downloaded).
func writeUserModule(t *testing.T) string {
	t.Helper()
	checkout, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(checkout, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := gomod[bytes.Index(gomod, []byte("\nrequire")):]
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/usertasks\n\ngo 1.26.8\n\nrequire github.com/concbench/concbench v0.0.0\n\n" +
			"replace github.com/concbench/concbench => " + strconv.Quote(checkout) + "\n" + string(reqs),
	}
	if sum, err := os.ReadFile(filepath.Join(checkout, "go.sum")); err == nil {
		files["go.sum"] = string(sum)
	}
	for name, text := range userModule {
		files[name] = text
	}
	if err := os.Mkdir(filepath.Join(dir, "forgot"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestUserModule is the open core's acceptance test: a user's module runs
// its own tasks under every strategy with go test -bench, the process
// cells in worker processes (seen by pid), and benchstat sets the
// strategies side by side.
func TestUserModule(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build a user's module with")
	}
	if testing.Short() {
		t.Skip("builds and runs a module of its own")
	}
	dir := writeUserModule(t)
	pids := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	run := func(args ...string) ([]byte, []byte, error) {
		cmd := exec.CommandContext(ctx, goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PIDS="+pids, "GOFLAGS=-mod=mod", "GOPROXY=off", "CONCBENCH_WORKER=", "CONCBENCH_TARGET=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		return out, stderr.Bytes(), err
	}
	gocmd := func(args ...string) []byte {
		out, stderr, err := run(args...)
		if err != nil {
			t.Fatalf("go %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
		}
		return out
	}
	out := gocmd("test", "-run", "^$", "-bench", ".", "-benchtime", "1x", ".")
	bench := filepath.Join(dir, "bench.txt")
	if err := os.WriteFile(bench, out, 0o644); err != nil {
		t.Fatal(err)
	}

	// Every benchmark has a sub-benchmark per strategy, with the metrics.
	seen := map[string]bool{}
	rd := benchfmt.NewReader(bytes.NewReader(out), "bench.txt")
	for rd.Scan() {
		rec, ok := rd.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		name := string(rec.Name.Full())
		seen[regexp.MustCompile(`-\d+$`).ReplaceAllString(name, "")] = true
		var units []string
		for _, v := range rec.Values {
			units = append(units, cmp.Or(v.OrigUnit, v.Unit))
		}
		// go test writes the custom units sorted
		want := append([]string{"ns/op"}, results.BenchUnits...)
		slices.Sort(units)
		slices.Sort(want)
		if !slices.Equal(units, want) {
			t.Errorf("%s: units %v, want %v", name, units, want)
		}
	}
	for _, b := range []string{"Parse", "Query"} {
		for _, s := range []string{"sequential", "unbounded", "pool", "semaphore", "process"} {
			if name := b + "/tasks=20/conc=2/strategy=" + s; !seen[name] {
				t.Errorf("no sub-benchmark %s in:\n%s", name, out)
			}
		}
	}

	// Tasks ran in the benchmark binary and in worker processes, each
	// worker running its cell's task only.
	entries, err := os.ReadDir(pids)
	if err != nil {
		t.Fatal(err)
	}
	var benchPid string
	ran := map[string]map[string]int{} // pid -> task -> tasks run
	for _, e := range entries {
		parts := strings.Split(e.Name(), "-")
		if parts[0] == "bench" {
			benchPid = parts[1]
			continue
		}
		pid, task := parts[len(parts)-1], strings.Join(parts[:2], "-")
		if ran[pid] == nil {
			ran[pid] = map[string]int{}
		}
		ran[pid][task]++
	}
	if benchPid == "" || len(ran[benchPid]) != 2 {
		t.Fatalf("the benchmark binary (pid %q) did not run both tasks: %v", benchPid, ran)
	}
	workers := map[string]int{}
	for pid, tasks := range ran {
		if pid == benchPid {
			continue
		}
		if len(tasks) != 1 {
			t.Errorf("worker %s ran %v", pid, tasks)
		}
		for task := range tasks {
			workers[task]++
		}
	}
	// Two workers serve each process cell; which of them takes a task is
	// up to them (a fast worker may take all 20 of a quick one before the
	// other asks), so each task ran in one or two of them.
	for _, task := range []string{"user-parse", "user-query"} {
		if n := workers[task]; n < 1 || n > 2 {
			t.Errorf("%s ran in %d worker processes, want 1 or 2 (pids %v)", task, n, ran)
		}
	}

	// Without ServeWorkers, the process cell fails at once, with the hint
	// (the worker ran the package's tests instead, and exited).
	start := time.Now()
	forgot, stderr, err := run("test", "-run", "^$", "-bench", ".", "-benchtime", "1x", "./forgot")
	hint := "worker 0 did not answer: call concbench.ServeWorkers first in TestMain or main"
	if err == nil || !bytes.Contains(forgot, []byte(hint)) {
		t.Errorf("a benchmark without ServeWorkers: %v, want a failure saying %q:\n%s%s", err, hint, forgot, stderr)
	}
	if bytes.Contains(forgot, []byte("canceled before")) {
		t.Errorf("the failure is not one line:\n%s", forgot)
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("a benchmark without ServeWorkers took %v to fail", d)
	}

	// benchstat: one column per strategy.
	table := gocmd("tool", "benchstat", "-col", "/strategy", bench)
	cols := ""
	for _, name := range strategies.Registered() {
		cols += `\s+` + regexp.QuoteMeta(name) + `\s+│`
	}
	head := regexp.MustCompile(`(?m)^\s+│` + cols + `$`)
	if !head.Match(table) {
		t.Errorf("benchstat -col /strategy has not a column per strategy:\n%s", table)
	}
}
