package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// oneAtATime is an HTTP server that serves one request at a time, each a
// 5 ms sleep, and measures its own service rate: 1 / mean service time.
type oneAtATime struct {
	mu     sync.Mutex
	busy   time.Duration
	served int
}

func (s *oneAtATime) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	t0 := time.Now()
	time.Sleep(5 * time.Millisecond)
	s.busy += time.Since(t0)
	s.served++
	s.mu.Unlock()
}

func (s *oneAtATime) rate() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return float64(s.served) / s.busy.Seconds()
}

// TestSearchFindsTheServiceRate searches a server of known capacity: the
// highest rate meeting p99<50ms lies in [0.9, 1.0] times the rate the
// server measured itself, for pool and unbounded. It takes about a minute
// of probes, so it runs where CONCBENCH_SLOW_TESTS=1 (.ci/run sets it).
func TestSearchFindsTheServiceRate(t *testing.T) {
	if os.Getenv("CONCBENCH_SLOW_TESTS") != "1" {
		t.Skip("a minute of load probes: set CONCBENCH_SLOW_TESTS=1 (.ci/run does)")
	}
	srv := &oneAtATime{}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	dir := t.TempDir()
	o := concbench(t, "search", "--workload", "http", "--url", ts.URL+"/", "--strategies", "pool,unbounded", "--concurrency", "32",
		"--threshold", "p99<50ms", "--rate", "50", "--duration", "2s", "--format", "json", "-q",
		"--plot", dir, "--out", filepath.Join(dir, "probes.json"))
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	var got struct {
		Searches []searchOut `json:"searches"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &got); err != nil {
		t.Fatalf("%v: %s", err, o.stdout)
	}
	capacity := srv.rate()
	if len(got.Searches) != 2 {
		t.Fatalf("%d searches", len(got.Searches))
	}
	for _, s := range got.Searches {
		t.Logf("%s: highest passing %.1f/s, %d probes; the server's own rate %.1f/s (%.2fx)", s.Strategy, s.MaxRate, len(s.Probes), capacity, s.MaxRate/capacity)
		if s.MaxRate < 0.9*capacity || s.MaxRate > capacity || s.MinFailing == nil || s.GeneratorLimited {
			t.Errorf("%s: max %.1f/s, note %q; the server's own rate is %.1f/s; probes %+v", s.Strategy, s.MaxRate, s.Note, capacity, s.Probes)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "search.png")); err != nil {
		t.Error(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "probes.json")); err != nil || !strings.Contains(string(b), `"thresholds"`) {
		t.Errorf("probes not written as results cells: %v", err)
	}
}

func TestSearchInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--latency", "1ms"}, "search needs at least one --threshold"},
		{[]string{"--threshold", "p99<1s", "--tasks", "10"}, "--tasks does not apply"},
		{[]string{"--threshold", "p99<1s", "--precision", "0"}, "--precision must be positive"},
		{[]string{"--threshold", "p99<1s", "--format", "csv"}, "search prints a table or json"},
	} {
		o := concbench(t, append([]string{"search"}, c.args...)...)
		if o.code != exitUsage || !strings.Contains(o.stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, o.code, o.stderr, c.want)
		}
	}
}
