package main

import (
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
)

// TestShardFlagsBadInput: a wrong --shard or --shards, or a missing or
// out-of-range $JOB_COMPLETION_INDEX, exits 2 with one line naming the
// flag, before anything runs.
func TestShardFlagsBadInput(t *testing.T) {
	for _, tc := range []struct {
		env  string // JOB_COMPLETION_INDEX, "-" for unset
		args []string
		want string
	}{
		{"-", []string{"--shard", "3/3"}, "--shard"},
		{"-", []string{"--shard", "-1/3"}, "--shard"},
		{"-", []string{"--shard", "1/0"}, "--shard"},
		{"-", []string{"--shard", "x"}, "--shard"},
		{"-", []string{"--shard", "1/2", "--shards", "2"}, "--shards"},
		{"-", []string{"--shards", "4"}, "JOB_COMPLETION_INDEX is not set"},
		{"", []string{"--shards", "4"}, "JOB_COMPLETION_INDEX is not set"},
		{"4", []string{"--shards", "4"}, "--shards 4"},
		{"one", []string{"--shards", "4"}, "--shards 4"},
		{"0", []string{"--shards", "0"}, "--shards"},
		{"-", []string{"--shard", "0/3", "--strategies", "pool", "--concurrency", "2"}, "--concurrency"},
		{"-", []string{"--shard", "0/3", "--strategies", "pool", "--tasks", "2"}, "--tasks"},
		{"-", []string{"--shard", "0/3", "--strategies", "process"}, "--strategies"},
		{"-", []string{"--shard", "0/2", "--start-at", "tomorrow"}, "--start-at"},
		{"-", []string{"--shard", "0/2", "--start-at", "2020-01-01T00:00:00Z"}, "--start-at"},
		{"-", []string{"--start-at", "2099-01-01T00:00:00Z"}, "--start-at"},
		{"-", []string{"--barrier", "127.0.0.1:7000"}, "--barrier"},
		{"-", []string{"--shard", "0/2", "--barrier", "nohost"}, "--barrier"},
		{"-", []string{"--shard", "0/2", "--barrier", "h:1", "--start-at", "2099-01-01T00:00:00Z"}, "--start-at"},
		{"-", []string{"--shard", "0/2", "--barrier-timeout", "1s"}, "--barrier-timeout"},
		{"-", []string{"--shard", "0/2", "--resume", "x.json"}, "--resume"},
	} {
		t.Run(tc.env+" "+strings.Join(tc.args, " "), func(t *testing.T) {
			cmd := command(append([]string{"run", "-q"}, tc.args...)...)
			if tc.env != "-" {
				cmd.Env = append(cmd.Env, "JOB_COMPLETION_INDEX="+tc.env)
			} else {
				cmd.Env = append(cmd.Env, "JOB_COMPLETION_INDEX=")
				cmd.Env = withoutEnv(cmd.Env, "JOB_COMPLETION_INDEX")
			}
			r := run(t, cmd)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != 2 || len(lines) != 1 || !strings.Contains(lines[0], tc.want) || r.stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q: want exit 2 and one line naming %q", r.code, r.stderr, r.stdout, tc.want)
			}
		})
	}
}

func withoutEnv(env []string, name string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, name+"=") {
			out = append(out, e)
		}
	}
	return out
}

// run runs cmd and returns its exit code and output.
func run(t *testing.T, cmd *exec.Cmd) outcome {
	t.Helper()
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	return outcome{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

// TestMergeShardsCLI runs a plan as 3 shards and merges them: the merged
// run has every task; a missing shard is named and the result partial; a
// duplicate or a shard of another plan is refused with one line (exit
// 2); --side-by-side keeps the runs apart; a threshold is evaluated on
// the merged run.
func TestMergeShardsCLI(t *testing.T) {
	dir := t.TempDir()
	plan := []string{"run", "-q", "--strategies", "pool", "--tasks", "31", "--concurrency", "3", "--latency", "1ms"}
	shard := func(name string, extra ...string) string {
		path := filepath.Join(dir, name)
		if r := concbench(t, append(append(slices.Clone(plan), extra...), "--out", path, "--format", "json")...); r.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
		}
		return path
	}
	s0, s1, s2 := shard("s0.json", "--shard", "0/3"), shard("s1.json", "--shard", "1/3"), shard("s2.json", "--shard", "2/3")
	other := shard("other.json", "--shard", "1/3", "--seed", "2")
	out := filepath.Join(dir, "merged.json")
	read := func() *results.Document {
		d, err := results.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		want   string // in the one line of stdout (exit 0, 3) or stderr (exit 2)
		runs   int
		tasks  int
		parts  bool
		remove bool
	}{
		{"all", []string{s2, s0, s1}, 0, "3 of 3 shards", 1, 31, false, false},
		{"missing", []string{s0, s2}, 0, "partial: shard 1 of 3 missing", 1, 21, true, false},
		{"one", []string{s1}, 0, "partial: shard 0, 2 of 3 missing", 1, 10, true, false},
		{"duplicate", []string{s0, s1, s1}, 2, "shard 1/3 given twice", 0, 0, false, true},
		{"other plan", []string{s0, other, s2}, 2, "different plans", 0, 0, false, true},
		{"side by side", []string{"--side-by-side", s0, s1, s2}, 0, "3 runs from 3 sources", 3, 11, false, false},
		{"threshold", []string{"--threshold", "p99<1us", s0, s1, s2}, 3, "3 of 3 shards", 1, 31, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(out)
			r := concbench(t, append([]string{"merge", "-o", out}, tc.args...)...)
			text := r.stdout
			if tc.code == 2 {
				text = r.stderr
			}
			lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
			if r.code != tc.code || !strings.Contains(lines[0], tc.want) || tc.code == 2 && len(lines) != 1 {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q: want a line saying %q", r.code, tc.code, r.stdout, r.stderr, tc.want)
			}
			if tc.remove {
				if _, err := os.Stat(out); err == nil {
					t.Error("a refused merge wrote its output")
				}
				return
			}
			d := read()
			if len(d.Runs) != tc.runs || d.Runs[0].Tasks != tc.tasks || d.Partial != tc.parts {
				t.Errorf("%d runs, first of %d tasks, partial %v; want %d, %d, %v", len(d.Runs), d.Runs[0].Tasks, d.Partial, tc.runs, tc.tasks, tc.parts)
			}
		})
	}
}

// TestCommonStart: with --start-at no run starts before the time asked;
// with --barrier two shard processes started apart are released together
// (their runs' starts less than half the 1 s gap apart), and a
// shard whose peers never come fails with one line naming them (exit 1).
func TestCommonStart(t *testing.T) {
	dir := t.TempDir()
	plan := []string{"run", "-q", "--strategies", "pool", "--tasks", "20", "--concurrency", "3", "--latency", "1ms", "--format", "json"}
	read := func(path string) *results.Document {
		d, err := results.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	at := time.Now().Add(1500 * time.Millisecond).UTC().Truncate(time.Millisecond)
	p := filepath.Join(dir, "at.json")
	if r := concbench(t, append(plan, "--shard", "0/2", "--start-at", at.Format(time.RFC3339Nano), "--out", p)...); r.code != 0 {
		t.Fatalf("--start-at: exit %d: %s", r.code, r.stderr)
	}
	if d := read(p); d.Runs[0].Shard.Started.Before(at) || d.Shard.StartAt == nil || !d.Shard.StartAt.Equal(at) {
		t.Errorf("started %v, asked %v (recorded %v)", d.Runs[0].Shard.Started, at, d.Shard.StartAt)
	}

	addr := freePort(t)
	var cmds []*exec.Cmd
	for i := range 2 {
		cmd := command(append(plan, "--shard", strconv.Itoa(i)+"/2", "--barrier", addr, "--out", filepath.Join(dir, strconv.Itoa(i)+".json"))...)
		cmd.Stderr = new(strings.Builder)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		if i == 0 {
			time.Sleep(time.Second) // a gap for the barrier to close, not a synchronisation
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("shard %d: %v: %s", i, err, cmd.Stderr)
		}
	}
	s0, s1 := read(filepath.Join(dir, "0.json")).Runs[0].Shard.Started, read(filepath.Join(dir, "1.json")).Runs[0].Shard.Started
	if skew := s1.Sub(s0).Abs(); skew > 500*time.Millisecond {
		t.Errorf("shards released %v apart; they were started 1 s apart", skew)
	}

	r := concbench(t, append(plan, "--shard", "0/3", "--barrier", freePort(t), "--barrier-timeout", "300ms")...)
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if r.code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "missing shards: 1, 2") {
		t.Errorf("lonely shard 0: exit %d, stderr %q; want exit 1 and one line naming shards 1, 2", r.code, r.stderr)
	}
}

// freePort returns a loopback address whose port is free, for a barrier
// that a shard will listen on later. The port is below the OS's
// ephemeral range: one from it (port 0) was taken in between by an
// outgoing connection of a test running beside (CI: "bind: address
// already in use"), whereas nothing takes these unasked.
func freePort(t *testing.T) string {
	t.Helper()
	lo := 32768 // Linux's default start of the range
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil {
				lo = n
			}
		}
	}
	for range 100 {
		port := 10000 + rand.IntN(max(lo-10000, 1))
		l, err := net.Listen("tcp", ":"+strconv.Itoa(port)) // as the barrier listens
		if err != nil {
			continue
		}
		l.Close()
		return "127.0.0.1:" + strconv.Itoa(port)
	}
	t.Fatalf("no free port below the ephemeral range (%d)", lo)
	return ""
}

// TestK8sBadInput: k8s checks the plan as run does, and its own flags,
// with one line naming the flag (exit 2) and nothing printed.
func TestK8sBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--image", "i"}, "--shards"},
		{[]string{"--shards", "2"}, "--image"},
		{[]string{"--shards", "2", "--image", "i", "--shard", "0/2"}, "--shard"},
		{[]string{"--shards", "2", "--image", "i", "--out", "x.json"}, "--out"},
		{[]string{"--shards", "2", "--image", "i", "--threshold", "p99<1s"}, "--threshold"},
		{[]string{"--shards", "2", "--image", "i", "--barrier", "h:1"}, "--barrier"},
		{[]string{"--shards", "2", "--image", "i", "--name", "Big"}, "--name"},
		{[]string{"--shards", "2", "--image", "i", "--concurrency", "0"}, "--concurrency"},
		{[]string{"--shards", "3", "--image", "i", "--strategies", "pool", "--concurrency", "2"}, "--concurrency"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := concbench(t, append([]string{"k8s"}, tc.args...)...)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != 2 || len(lines) != 1 || !strings.Contains(lines[0], tc.want) || r.stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q: want exit 2 and one line naming %q", r.code, r.stderr, r.stdout, tc.want)
			}
		})
	}
}
