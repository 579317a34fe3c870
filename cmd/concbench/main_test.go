package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/internal/chartjob"
	"github.com/concbench/concbench/internal/chartserve"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
)

// The test binary doubles as concbench: with CONCBENCH_TEST_MAIN set it
// runs main, so tests see real exit codes, signals and output streams.
func TestMain(m *testing.M) {
	// The test binary draws the charts too: concbench-plot's body is
	// linked here, and CONCBENCH_PLOT points the commands under test
	// (in-process or re-executed) at this binary.
	if len(os.Args) == 2 && os.Args[1] == chartjob.Arg {
		os.Exit(chartserve.Main())
	}
	if _, set := os.LookupEnv(chartjob.EnvPath); !set {
		os.Setenv(chartjob.EnvPath, os.Args[0])
	}
	harness.ServeIfChild()
	os.Setenv("GORACE", "atexit_sleep_ms=0") // race-enabled workers would linger 1s at exit
	if os.Getenv("CONCBENCH_TEST_MAIN") == "1" {
		os.Args = append([]string{"concbench"}, os.Args[1:]...)
		main()
		return
	}
	os.Exit(m.Run())
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CONCBENCH_TEST_MAIN=1")
	return cmd
}

type outcome struct {
	code           int
	stdout, stderr string
}

func concbench(t *testing.T, args ...string) outcome {
	t.Helper()
	cmd := command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return outcome{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

// startAfter starts cmd and returns once its stderr says what want says
// (the progress line of a finished cell): interrupt tests wait for that,
// not for a fixed time, which a busy machine may need more of. The
// returned buffer holds all of stderr once cmd.Wait has returned.
func startAfter(t *testing.T, cmd *exec.Cmd, want string) *bytes.Buffer {
	t.Helper()
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		all.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), want) {
			// Keep reading, so that the command never blocks on a full pipe.
			rest := make(chan struct{})
			go func() { defer close(rest); io.Copy(&all, pipe) }()
			t.Cleanup(func() { <-rest })
			return &all
		}
	}
	t.Fatalf("the command ended before saying %q: %s", want, all.String())
	return nil
}

// interruptAfter runs concbench with args (which write --out to out),
// interrupts it (SIGINT) once its stderr says want, and returns the
// results file it left, failing unless it exited 130 (or 0, if ok0: it
// may have finished first).
func interruptAfter(t *testing.T, args []string, want, out string, ok0 bool) *results.Document {
	t.Helper()
	cmd := command(args...)
	stderr := startAfter(t, cmd, want)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 && (code != 0 || !ok0) {
		t.Fatalf("exit %d, want 130: %s", code, stderr.String())
	}
	doc, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestBadInputExitsTwoWithOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the flag or value the message must name
	}{
		{[]string{"run", "--strategies", "fastest"}, "--strategies"},
		{[]string{"run", "--workload", "disk"}, "--workload"},
		{[]string{"run", "--tasks", "0"}, "--tasks"},
		{[]string{"run", "--tasks", "-5"}, "--tasks"},
		{[]string{"run", "--tasks", "10,,20"}, "empty item"},
		{[]string{"run", "--concurrency", "0"}, "--concurrency"},
		{[]string{"run", "--concurrency", "ten"}, "--concurrency"},
		{[]string{"run", "--latency", "10xs"}, "--latency"},
		{[]string{"run", "--durations", "10ms,,20ms"}, "--durations"},
		{[]string{"run", "--durations", "10ms,-2ms"}, "--durations"},
		{[]string{"run", "--fail-rate", "1.5"}, "--fail-rate"},
		{[]string{"run", "--fail-rate", "-0.1"}, "--fail-rate"},
		{[]string{"run", "--retries", "-1"}, "--retries"},
		{[]string{"run", "--retries", "31"}, "--retries"},
		{[]string{"run", "--repeat", "0"}, "--repeat"},
		{[]string{"run", "--format", "yaml"}, "--format"},
		{[]string{"run", "--dist", "zipf"}, "--dist"},
		{[]string{"run", "--jitter", "1ms"}, "--jitter"},
		{[]string{"run", "--workload", "cpu", "--latency", "1ms"}, "--latency"},
		{[]string{"run", "--workload", "cpu", "--work", "0"}, "--work"},
		{[]string{"run", "--durations", "1ms", "--latency", "2ms"}, "--latency"},
		{[]string{"run", "--bogus"}, "--bogus"},
		{[]string{"run", "extra"}, "extra"},
		{[]string{"frobnicate"}, "frobnicate"},
		{[]string{"run", "--strategies", "pool", "--per-process", "2"}, "--per-process"},
		{[]string{"run", "--strategies", "process", "--per-process", "0"}, "--per-process"},
		{[]string{"run", "--strategies", "pool", "--crash-at", "3"}, "--crash-at"},
		{[]string{"run", "--strategies", "process", "--crash-at", "x"}, "--crash-at"},
		{[]string{"run", "--strategies", "process", "--concurrency", "100000"}, "--concurrency"},
		{[]string{"run", "--rate", "0", "--tasks", "10"}, "--rate"},
		{[]string{"run", "--rate", "-5/s", "--tasks", "10"}, "--rate"},
		{[]string{"run", "--rate", "fast", "--tasks", "10"}, "--rate"},
		{[]string{"run", "--rate", "100"}, "--rate"},
		{[]string{"run", "--max-queue", "5"}, "--max-queue"},
		{[]string{"run", "--arrival", "poisson"}, "--arrival"},
		{[]string{"run", "--rate", "100", "--tasks", "10", "--arrival", "bursty"}, "--arrival"},
		{[]string{"run", "--stall-at", "1s"}, "--stall-at"},
		{[]string{"run", "--stages", "30s"}, "--stages"},
		{[]string{"run", "--stages", "1s:1e9/s"}, "--stages"},
		{[]string{"run", "--stages", "1s:10/s", "--duration", "1s"}, "--stages"},
		{[]string{"run", "--stages", "1s:10/s", "--tasks", "10"}, "--stages"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := concbench(t, tc.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2", r.code)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Errorf("stderr %q: want one line naming %q", r.stderr, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("nothing should run, stdout: %q", r.stdout)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"run", "--help"}, {"help", "run"}, {"help"}, {"version"}} {
		r := concbench(t, args...)
		if r.code != 0 || r.stdout == "" || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, r.code, len(r.stdout), r.stderr)
		}
	}
	if r := concbench(t, "run", "--help"); !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "--concurrency") {
		t.Errorf("run --help lacks examples or flags:\n%s", r.stdout)
	}
}

func TestRunWritesEveryFormat(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sub", "r.json")
	r := concbench(t, "run", "--durations", "4ms,3ms,5ms,2ms", "--strategies", "all", "--concurrency", "2", "--format", "csv", "--out", out)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	all := strategies.Registered() // "all": the built-in ones, then the registered ones
	if n := strings.Count(r.stdout, "\n"); n != len(all)+1 {
		t.Errorf("csv has %d lines, want header + %d rows:\n%s", n, len(all), r.stdout)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		for j, v := range row {
			// A missing number is empty (#16); "-" says none in the text columns.
			if _, err := strconv.ParseFloat(v, 64); err != nil && v != "" && v != "-" && j > 0 && rows[0][j] != "workload" && rows[0][j] != "params" {
				t.Errorf("csv column %s = %q: want a raw number", rows[0][j], v)
			}
		}
	}
	doc, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(doc.Environment.Libraries), len(strategies.LibraryVersions(all)); got != want || want == 0 {
		t.Errorf("environment names %d libraries (%v), want %d", got, doc.Environment.Libraries, want)
	}
	for i, s := range doc.Runs {
		if i >= len(all) || s.Strategy != all[i] {
			t.Errorf("run %d is %s; all is %v", i, s.Strategy, all)
		}
	}
	if len(doc.Runs) != len(all) || doc.Environment.GoVersion == "" || doc.Runs[2].IdealSeconds == nil || *doc.Runs[2].IdealSeconds != 0.008 ||
		doc.Runs[4].Processes == nil || doc.Runs[4].Processes.Workers != 2 {
		t.Errorf("document: %+v", doc.Runs)
	}
}

// TestInterruptKeepsResults sends SIGINT while the second cell runs: the
// first cell and the partial second must still reach stdout and --out.
// The tasks are requests to a server of the test's own, which answers
// each after 100 ms: the requests it has seen tell the test, without a
// clock, when the sequential cell has finished a task.
func TestInterruptKeepsResults(t *testing.T) {
	var seen atomic.Int64
	arrived := make(chan struct{}, 100) // more than the 80 requests and a check
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-time.After(100 * time.Millisecond): // the task's work, not a synchronisation
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "r.json")
	cmd := command("run", "--workload", "http", "--url", srv.URL+"/", "--tasks", "40", "--warmup", "0",
		"--strategies", "unbounded,sequential", "--format", "json", "--out", out)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr := startAfter(t, cmd, "cell 1/2 done") // unbounded takes ~100ms, sequential 4s
	// The sequential cell sends a request only once the one before has
	// been answered: two more than now mean at least one task ended.
	for k := seen.Load(); seen.Load() < k+2; {
		<-arrived
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v to stop after SIGINT", d)
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130; stderr %s", code, stderr.String())
	}
	var doc results.Document
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("stdout is not the JSON document: %v", err)
	}
	file, err := results.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*results.Document{&doc, file} {
		if !d.Partial || len(d.Runs) != 2 || d.Runs[0].Partial || !d.Runs[1].Partial {
			t.Fatalf("want a finished and a partial cell, got partial=%v runs=%d", d.Partial, len(d.Runs))
		}
		seq := d.Runs[1].Outcomes
		if seq.Total() != 40 || seq.OK == 0 || seq.Canceled == 0 {
			t.Errorf("sequential outcomes %+v", seq)
		}
	}
}

// TestProcessCrashIsReported runs the process strategy with a worker that
// kills itself: the run finishes, the crash is one failed task, and the
// table names the cause.
func TestProcessCrashIsReported(t *testing.T) {
	r := concbench(t, "run", "--workload", "cpu", "--work", "1000", "--tasks", "30", "--strategies", "process",
		"--concurrency", "2", "--crash-at", "7", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc results.Document
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Runs[0]
	if s.Outcomes.OK != 29 || s.Outcomes.Error != 1 || s.Errors["worker-exit"].Count != 1 ||
		!strings.Contains(s.Errors["worker-exit"].Example, "signal: killed") ||
		// a replacement starts only if tasks remain when the crash is seen
		s.Processes.Restarts > 1 || len(s.Processes.WorkerPeakRSSBytes) != 2+s.Processes.Restarts {
		t.Errorf("outcomes %+v errors %+v processes %+v", s.Outcomes, s.Errors, s.Processes)
	}
}

func TestNetworkBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"run", "--workload", "http", "--url", "ftp://example.com/"}, "unsupported scheme", 2},
		{[]string{"run", "--workload", "http", "--url", "http://[::1"}, "--url", 2},
		{[]string{"run", "--workload", "http", "--url", "/just/a/path"}, "--url", 2},
		{[]string{"run", "--workload", "http", "--header", "NoColon"}, "--header", 2},
		{[]string{"run", "--workload", "http", "--header", "X-A: 1\r\nInjected: 1"}, "--header", 2},
		{[]string{"run", "--workload", "http", "--header", "X-A: 1\nInjected: 1"}, "--header", 2},
		{[]string{"run", "--workload", "http", "--method", "GET / HTTP/1.1\r\nInjected: 1\r\n\r\nGET"}, "--method", 2},
		{[]string{"run", "--workload", "http", "--http-engine", "curl"}, "--http-engine", 2},
		{[]string{"run", "--workload", "sleep", "--url", "http://127.0.0.1/"}, "--url", 2},
		{[]string{"run", "--workload", "tcp", "--addr", "nowhere"}, "--addr", 2},
		{[]string{"run", "--workload", "tcp", "--size", "0"}, "--size", 2},
		{[]string{"run", "--duration", "1s", "--tasks", "5"}, "--duration", 2},
		{[]string{"run", "--duration", "soon"}, "--duration", 2},
		{[]string{"serve", "--http-addr", "127.0.0.1:99999"}, "99999", 2},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := concbench(t, tc.args...)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != tc.code || len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Errorf("exit %d, stderr %q: want exit %d and one line naming %q", r.code, r.stderr, tc.code, tc.want)
			}
		})
	}
}

func TestUnreachableURLExitsOne(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	r := concbench(t, "run", "--workload", "http", "--url", "http://"+addr+"/", "--strategies", "pool", "--tasks", "5")
	if r.code != 1 || !strings.Contains(r.stderr, "unreachable") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

// startServe starts cmd, a `concbench serve`, and returns the addresses
// it prints, by name (http, tcp).
func startServe(t *testing.T, cmd *exec.Cmd) map[string]string {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	addrs := map[string]string{}
	for len(addrs) < 2 && sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		addrs[k] = v
	}
	return addrs
}

// TestServe starts `concbench serve`, reads the addresses it prints, uses
// them, and stops it with SIGTERM.
func TestServe(t *testing.T) {
	cmd := command("serve")
	addrs := startServe(t, cmd)
	resp, err := http.Get("http://" + addrs["http"] + "/status/418")
	if err != nil || resp.StatusCode != 418 {
		t.Errorf("GET /status/418: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if c, err := net.Dial("tcp", addrs["tcp"]); err != nil {
		t.Errorf("tcp echo: %v", err)
	} else {
		c.Close()
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve did not exit cleanly on SIGTERM: %v", err)
	}
}

func TestHTTPRunOnDefaults(t *testing.T) {
	r := concbench(t, "run", "--workload", "http", "--latency", "2ms", "--tasks", "100", "--strategies", "pool,process", "--concurrency", "10", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc results.Document
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Runs {
		if s.Outcomes.OK != 100 || s.Target == nil || s.Target.Mode != "child" || !strings.Contains(s.Params["url"], "/delay/2ms") {
			t.Errorf("%s: %+v %+v %v", s.Strategy, s.Outcomes, s.Target, s.Params)
		}
	}
}

func TestPlotAndReport(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "r.json")
	r := concbench(t, "run", "--durations", "3ms,1ms,2ms", "--tasks", "6,12", "--concurrency", "1,2,3", "--strategies", "sequential,unbounded,pool", "--out", res,
		"--plot", filepath.Join(dir, "after-run"))
	if r.code != 0 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	for _, sub := range []string{"plot", "report"} {
		out := filepath.Join(dir, sub)
		r := concbench(t, sub, res, "--out", out)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", sub, r.code, r.stderr)
		}
		files, _ := filepath.Glob(filepath.Join(out, "*.png"))
		if len(files) < 6 {
			t.Errorf("%s wrote %d charts: %v", sub, len(files), files)
		}
		_, err := os.Stat(filepath.Join(out, "report.md"))
		if (sub == "report") != (err == nil) {
			t.Errorf("%s: report.md exists: %v", sub, err == nil)
		}
	}
	// plot reproduces the charts run --plot wrote from the same results
	again, _ := filepath.Glob(filepath.Join(dir, "plot", "*.png"))
	for _, f := range again {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(dir, "after-run", filepath.Base(f)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between run --plot and plot", filepath.Base(f))
		}
	}
}

func TestPlotBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	for _, tc := range []struct{ file, want string }{
		{write("empty.json", ""), "empty"},
		{write("cut.json", `{"schema": "concbench/results/v1", "runs": [{"strategy": "po`), "truncated"},
		{write("other.json", `{"name": "not ours"}`), "no schema"},
		{write("v9.json", `{"schema": "concbench/results/v9", "runs": []}`), "v9"},
		{filepath.Join(dir, "missing.json"), "no such file"},
	} {
		out := filepath.Join(dir, "charts-"+filepath.Base(tc.file))
		r := concbench(t, "plot", tc.file, "--out", out)
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if r.code == 0 || len(lines) != 1 || !strings.Contains(lines[0], tc.want) || !strings.Contains(lines[0], filepath.Base(tc.file)) {
			t.Errorf("%s: exit %d stderr %q", filepath.Base(tc.file), r.code, r.stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: output directory created for a bad input", filepath.Base(tc.file))
		}
	}
	if r := concbench(t, "plot"); r.code != 2 {
		t.Errorf("plot without files: exit %d", r.code)
	}
	if r := concbench(t, "run", "--plot-format", "svg"); r.code != 2 || !strings.Contains(r.stderr, "--plot") {
		t.Errorf("--plot-format without --plot: exit %d %q", r.code, r.stderr)
	}
}
