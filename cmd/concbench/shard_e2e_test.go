package main

import (
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
)

// TestShardedRunEqualsOneProcess runs one open-loop plan against one
// target (`concbench serve`) as 3 shard processes, each with a source
// address of its own (127.0.0.2-4, where the host has them), started
// together by a barrier, merges them, and checks the merged run against the same plan
// run by one process: the same arrivals (the schedule is exact, so the
// count is too), every one accounted for, the rate asked and achieved
// within 1%, the median latency within the histogram's precision plus
// timing noise. Then it kills one shard before it runs: the merge is
// partial and names it.
func TestShardedRunEqualsOneProcess(t *testing.T) {
	serve := command("serve")
	addrs := startServe(t, serve)
	t.Cleanup(func() { serve.Process.Kill(); serve.Wait() })
	dir := t.TempDir()
	const rate, seconds = 500, 2
	plan := []string{"run", "-q", "--format", "json", "--workload", "http", "--url", "http://" + addrs["http"] + "/delay/1ms",
		"--rate", strconv.Itoa(rate), "--duration", strconv.Itoa(seconds) + "s", "--strategies", "pool", "--concurrency", "16"}
	// start runs the plan with extra flags, its stdout (the document)
	// into path.
	start := func(path string, extra ...string) *exec.Cmd {
		cmd := command(append(append([]string{}, plan...), extra...)...)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		cmd.Stdout, cmd.Stderr = f, new(strings.Builder)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	wait := func(name string, cmd *exec.Cmd) {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%s: %v: %s", name, err, cmd.Stderr)
		}
	}
	read := func(path string) *results.Document {
		d, err := results.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	single := filepath.Join(dir, "single.json")
	wait("single process", start(single))
	one := read(single).Runs[0]

	// Each shard its own source address, as on hosts of their own (the
	// plan hash leaves it out).
	source := func(i int) []string {
		ip := "127.0.0." + strconv.Itoa(i+2)
		if l, err := net.Listen("tcp", ip+":0"); err != nil {
			t.Logf("no source addresses: %v", err)
			return nil
		} else {
			l.Close()
		}
		return []string{"--source-addr", ip}
	}
	barrier := freePort(t)
	var shards []string
	var cmds []*exec.Cmd
	for i := range 3 {
		p := filepath.Join(dir, "shard-"+strconv.Itoa(i)+".json")
		shards = append(shards, p)
		cmds = append(cmds, start(p, append(source(i), "--shard", strconv.Itoa(i)+"/3", "--barrier", barrier, "--barrier-timeout", "1m")...))
	}
	for i, c := range cmds {
		wait("shard "+strconv.Itoa(i), c)
	}
	merged := filepath.Join(dir, "merged.json")
	if r := concbench(t, append([]string{"merge", "-o", merged}, shards...)...); r.code != 0 || !strings.Contains(r.stdout, "3 of 3 shards") {
		t.Fatalf("merge: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	m := read(merged).Runs[0]
	t.Logf("one process: %d tasks, rate %.1f/s of %.0f, p50 %.3gs, p99 %.3gs; merged: %d tasks, rate %.1f/s of %.0f, p50 %.3gs, p99 %.3gs, skew %.3gs",
		one.Tasks, one.OpenLoop.RateAchieved, one.OpenLoop.RateAsked, one.OpenLoop.Corrected.P50, one.OpenLoop.Corrected.P99,
		m.Tasks, m.OpenLoop.RateAchieved, m.OpenLoop.RateAsked, m.OpenLoop.Corrected.P50, m.OpenLoop.Corrected.P99, *m.Shard.SkewSeconds)
	if want := rate * seconds; one.Tasks != want || m.Tasks != want || m.Outcomes.Total() != want || m.Outcomes.OK != want || m.Partial {
		t.Errorf("tasks: one process %d, merged %d (%d accounted for, %d ok, partial %v); want %d", one.Tasks, m.Tasks, m.Outcomes.Total(), m.Outcomes.OK, m.Partial, want)
	}
	for name, o := range map[string]*results.OpenLoop{"one process": one.OpenLoop, "merged": m.OpenLoop} {
		if o.RateAsked != rate || math.Abs(o.RateAchieved/rate-1) > 0.01 {
			t.Errorf("%s: rate %.2f/s of %.0f asked; want %d within 1%%", name, o.RateAchieved, o.RateAsked, rate)
		}
	}
	// The median of two runs of one plan differs by the histogram's
	// 0.1% and by what the busy machine adds to a 1 ms request: allow
	// half the smaller median and 2 ms.
	a, b := one.Latency.P50, m.Latency.P50
	if d := math.Abs(a - b); d > 0.001*max(a, b)+max(0.5*min(a, b), 0.002) || b < 0.001 {
		t.Errorf("service p50: one process %.4gs, merged %.4gs", a, b)
	}

	// Shard 2 killed before it runs (--start-at leaves the others
	// alone): the merge of what is there names it and is partial.
	at := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	cmds = cmds[:0]
	var kept []string
	for i := range 3 {
		p := filepath.Join(dir, "k-"+strconv.Itoa(i)+".json")
		cmds = append(cmds, start(p, "--shard", strconv.Itoa(i)+"/3", "--start-at", at))
		if i < 2 {
			kept = append(kept, p)
		}
	}
	cmds[2].Process.Kill()
	cmds[2].Wait()
	wait("shard 0", cmds[0])
	wait("shard 1", cmds[1])
	if fi, err := os.Stat(filepath.Join(dir, "k-2.json")); err != nil || fi.Size() != 0 {
		t.Fatalf("the killed shard wrote something: %v", err)
	}
	r := concbench(t, append([]string{"merge", "-o", merged}, kept...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "partial: shard 2 of 3 missing") {
		t.Fatalf("merge without shard 2: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	d := read(merged)
	if k := d.Runs[0]; !d.Partial || !k.Partial || len(k.Shard.Missing) != 1 || k.Shard.Missing[0] != 2 || k.Tasks != 2*rate*seconds/3+1 {
		t.Errorf("partial %v/%v, missing %v, tasks %d", d.Partial, k.Partial, k.Shard.Missing, k.Tasks)
	}
}
