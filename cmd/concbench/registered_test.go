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
	// Usage texts are wrapped to the help's width: read them with every
	// run of spaces and line breaks as one space.
	flat := strings.Join(strings.Fields(r.stdout), " ")
	for _, w := range want {
		if !strings.Contains(r.stdout, w) && !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
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

// TestUndeclaredFlagRefused: a generated flag given for a workload or
// strategies that do not declare it is refused before anything runs, in
// one line naming the flag and who declares it (exit 2).
func TestUndeclaredFlagRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--workload", "cpu", "--latency", "1ms"}, "--latency applies to --workload sleep, http or mixed, not --workload cpu"},
		{[]string{"--workload", "sleep", "--size", "1"}, "--size applies to --workload tcp or file, not --workload sleep"},
		{[]string{"--workload", "sleep", "--fsync"}, "--fsync applies to --workload file"},
		{[]string{"--workload", "http", "--work", "10"}, "--work applies to --workload cpu or mixed, not --workload http"},
		{[]string{"--strategies", "pool", "--per-process", "2"}, "--per-process applies to --strategies process"},
		{[]string{"--workload", "cpu", "--target", "inproc"}, "--target applies to workloads that talk to a server (--workload http or tcp)"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := concbench(t, append([]string{"run"}, tc.args...)...)
			if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q, stdout %d bytes: want exit 2 and one line saying %q", r.code, r.stderr, len(r.stdout), tc.want)
			}
		})
	}
}

// TestGeneratedFlagsParse: each generated flag reaches its workload, as
// its declared type says (a bool needs no value, a repeated one collects
// every occurrence), and --help shows how each sweeps.
func TestGeneratedFlagsParse(t *testing.T) {
	f := newRunFlags()
	if err := f.fs.Parse([]string{"--workload", "file", "--fsync", "--size", "4KiB", "--op", "rw"}); err != nil {
		t.Fatal(err)
	}
	p, err := f.plan()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Spec.Params; got["fsync"] != "true" || got["size"] != "4KiB" || got["op"] != "rw" || len(got) != 3 {
		t.Errorf("file params %v", got)
	}
	f = newRunFlags()
	if err := f.fs.Parse([]string{"--workload", "http", "--header", "A: 1", "--header", "B: 2", "--no-keepalive"}); err != nil {
		t.Fatal(err)
	}
	if p, err = f.plan(); err != nil {
		t.Fatal(err)
	}
	if got := p.Spec.Params; got["header"] != "A: 1\nB: 2" || got["no-keepalive"] != "true" {
		t.Errorf("http params %q", got)
	}
	help := concbench(t, "run", "--help").stdout
	flat := strings.Join(strings.Fields(help), " ") // usage texts are wrapped
	for _, want := range []string{"--latency duration", "a comma list sweeps (default 10ms)", "--durations durations", "repeat the flag to sweep", "--fsync  "} {
		if !strings.Contains(help, want) && !strings.Contains(flat, want) {
			t.Errorf("run --help lacks %q", want)
		}
	}
}

// TestHelpFitsItsWidth: the registries' part of run --help and the flag
// listing wrap to helpWidth (a word longer than the width is the only
// excuse: it cannot be broken).
func TestHelpFitsItsWidth(t *testing.T) {
	r := concbench(t, "run", "--help")
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	start := strings.Index(r.stdout, "Workloads (--workload)")
	if start < 0 {
		t.Fatalf("no workloads in --help:\n%s", r.stdout)
	}
	for _, line := range strings.Split(r.stdout[start:], "\n") {
		if len(line) > helpWidth && strings.Contains(strings.TrimSpace(line), " ") {
			t.Errorf("%d columns: %q", len(line), line)
		}
	}
}
