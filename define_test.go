package concbench_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench"
	"github.com/concbench/concbench/internal/clocktest"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
)

const ms = time.Millisecond

// listDurs are the sleeps of listSleep, task i sleeping listDurs[i%8].
var listDurs = []time.Duration{30 * ms, 10 * ms, 50 * ms, 20 * ms, 40 * ms, 10 * ms, 30 * ms, 20 * ms}

var listSleep = concbench.Define("test-list-sleep", func(ctx context.Context, i int) error {
	t := time.NewTimer(listDurs[i%len(listDurs)])
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
})

// TestDefinedTaskAnalytic runs a Define'd task under every strategy, the
// process strategy in worker processes that find it by name, and checks
// each wall time against scheduling theory: the sum for sequential, the
// maximum for unbounded, the list-scheduling makespan for K slots. A
// sleep never ends early, so no run may undercut the ideal by more than
// clock granularity; above it the best of three runs may exceed it by
// the timer overshoot measured while the run goes on: twice its 90th
// percentile per sleep on the critical path, and its 99th once (a busy
// machine's longest stall), plus load noise.
func TestDefinedTaskAnalytic(t *testing.T) {
	var doc *results.Document
	var err error
	late := clocktest.During(func() {
		doc, err = concbench.Run(context.Background(), listSleep,
			concbench.Strategies("all"), concbench.Concurrency(2, 3), concbench.Tasks(len(listDurs)), concbench.Repeat(3))
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("timer overshoot during the run: p90 %v, p99 %v", late.P90, late.P99)
	ideal := map[string]time.Duration{"sequential": 210 * ms, "unbounded": 50 * ms} // worked out by hand
	for _, name := range strategies.Registered() {                                  // the bounded ones, registered ones included
		if strategies.Bounded(name) {
			ideal[name+"/2"], ideal[name+"/3"] = 110*ms, 70*ms
		}
	}
	var seen []string
	for _, s := range doc.Runs {
		key := s.Strategy
		if s.Strategy != "sequential" && s.Strategy != "unbounded" {
			key += "/" + strconv.Itoa(s.Concurrency)
		}
		seen = append(seen, key)
		want, ok := ideal[key]
		if !ok {
			t.Errorf("unexpected cell %s", key)
			continue
		}
		if got := results.ListSchedule(listDurs, s.Slots); got != want {
			t.Fatalf("%s: list schedule %v, worked out %v", key, got, want)
		}
		if s.Outcomes.OK != len(listDurs) || s.Workload != "test-list-sleep" {
			t.Errorf("%s: workload %s, outcomes %+v", key, s.Workload, s.Outcomes)
		}
		best := time.Duration(1<<63 - 1)
		for _, r := range s.Repetitions {
			wall := time.Duration(r.WallSeconds * float64(time.Second))
			if wall < want-ms {
				t.Errorf("%s: wall %v below the ideal %v: tasks overlapped more than %d slots allow", key, wall, want, s.Slots)
			}
			best = min(best, wall)
		}
		waits := (len(listDurs) + s.Slots - 1) / s.Slots // sleeps on the critical path, about
		if upper := want + want/10 + 25*ms + time.Duration(waits)*2*late.P90 + late.P99; best > upper {
			t.Errorf("%s: best wall %v over %v (ideal %v)", key, best, upper, want)
		}
	}
	if len(seen) != len(ideal) {
		t.Errorf("cells %v, want one for each of %d", seen, len(ideal))
	}
}

// kinds fails its tasks in ways decided by i alone: i%4 == 0 with kind
// "db", 1 panics, 2 overruns the timeout, 3 succeeds.
var kinds = concbench.Define("test-kinds", func(ctx context.Context, i int) error {
	switch i % 4 {
	case 0:
		return concbench.Errorf("db", "task %d: %w", i, errors.ErrUnsupported)
	case 1:
		panic(fmt.Sprintf("task %d", i))
	case 2:
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
})

// TestWrappersApplyToDefinedTasks checks that timeouts, retries and panic
// recovery apply to a user's task as to built-ins, in this process and in
// worker processes, and that its own error kind is counted as such.
func TestWrappersApplyToDefinedTasks(t *testing.T) {
	const n = 8
	doc, err := concbench.Run(context.Background(), kinds, concbench.Strategies("semaphore", "process"),
		concbench.Concurrency(2), concbench.Tasks(n), concbench.Timeout(20*ms), concbench.Retries(1), concbench.Backoff(ms))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 2 {
		t.Fatalf("%d runs", len(doc.Runs))
	}
	for _, s := range doc.Runs {
		got := map[string]int{}
		for k, e := range s.Errors {
			got[k] = e.Count
		}
		// Errors and timeouts are retried once; a panic is not.
		want := map[string]int{"db": 2, "panic": 2, "timeout": 2}
		if fmt.Sprint(got) != fmt.Sprint(want) || s.Outcomes.OK != 2 || s.Attempts != 2+2*2+2*2+2 {
			t.Errorf("%s: errors %v (want %v), outcomes %+v, attempts %d", s.Strategy, got, want, s.Outcomes, s.Attempts)
		}
		if ex := s.Errors["db"].Example; !strings.Contains(ex, errors.ErrUnsupported.Error()) {
			t.Errorf("%s: db example %q", s.Strategy, ex)
		}
	}
}

func TestErrorf(t *testing.T) {
	for _, c := range []struct {
		err  error
		kind string
		is   error
	}{
		{concbench.Errorf("db", "query: %w", context.Canceled), "db", context.Canceled},
		{fmt.Errorf("outer: %w", concbench.Errorf("", "plain")), "error", nil},
		{errors.New("other"), "error", nil},
	} {
		if k := concbench.Kind(c.err); k != c.kind {
			t.Errorf("Kind(%v) = %q, want %q", c.err, k, c.kind)
		}
		if c.is != nil && !errors.Is(c.err, c.is) {
			t.Errorf("%v does not wrap %v", c.err, c.is)
		}
	}
}

// stateLog is where stateful's setups and teardowns are written, by pid;
// worker processes inherit it through the environment.
const stateLog = "CONCBENCH_TEST_STATE_LOG"

type conn struct {
	pid  int
	open bool
}

func (c *conn) Close() error {
	c.open = false
	return logState("close")
}

func logState(what string) error {
	f, err := os.OpenFile(os.Getenv(stateLog), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%s %d\n", what, os.Getpid())
	return err
}

var stateful = concbench.DefineWith("test-stateful",
	func(ctx context.Context) (*conn, error) {
		return &conn{pid: os.Getpid(), open: true}, logState("setup")
	},
	func(ctx context.Context, c *conn, i int) error {
		if !c.open || c.pid != os.Getpid() {
			return fmt.Errorf("task %d got the state of pid %d (open %v) in pid %d", i, c.pid, c.open, os.Getpid())
		}
		return nil
	})

// TestSetupOncePerProcess checks that a DefineWith state is set up once in
// this process for the whole run and once in each worker process, each
// torn down after its last task.
func TestSetupOncePerProcess(t *testing.T) {
	log := t.TempDir() + "/state.log"
	t.Setenv(stateLog, log)
	doc, err := concbench.Run(context.Background(), stateful, concbench.Strategies("sequential", "pool", "process"),
		concbench.Concurrency(2), concbench.Tasks(6), concbench.Repeat(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Runs {
		if s.Outcomes.OK != 6 {
			t.Errorf("%s: %+v %v", s.Strategy, s.Outcomes, s.Errors)
		}
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	events := map[string][]string{} // pid -> events in order
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		what, pid, _ := strings.Cut(line, " ")
		events[pid] = append(events[pid], what)
	}
	// two recorded runs of the process cell, two workers each
	if len(events) != 1+2*2 {
		t.Errorf("%d processes set up, want this one and 4 workers:\n%s", len(events), b)
	}
	for pid, ev := range events {
		if !slices.Equal(ev, []string{"setup", "close"}) {
			t.Errorf("pid %s: %v, want one setup then one close", pid, ev)
		}
	}
	if _, ok := events[strconv.Itoa(os.Getpid())]; !ok {
		t.Errorf("no setup in this process:\n%s", b)
	}
}
