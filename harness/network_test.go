package harness

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/target"
	"github.com/concbench/concbench/workloads"
	"github.com/concbench/concbench/workloads/network"
)

func execute(t *testing.T, p *Plan) []results.Summary {
	t.Helper()
	runs, err := Execute(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != len(p.Strategies) {
		t.Fatalf("%d runs for %d strategies", len(runs), len(p.Strategies))
	}
	return runs
}

func TestHTTPUnderEveryStrategy(t *testing.T) {
	const n, conc = 300, 8
	for _, tc := range []struct{ engine, mode string }{{"h1", TargetChild}, {"fasthttp", TargetInproc}, {"std", TargetChild}} {
		t.Run("engine="+tc.engine+"/target="+tc.mode, func(t *testing.T) {
			runs := execute(t, &Plan{
				Spec:        workloads.Spec{Name: "http", Params: params.Values{"latency": "1ms", "http-engine": tc.engine}},
				Strategies:  strategies.Registered(),
				Tasks:       []int{n},
				Concurrency: []int{conc},
				Target:      tc.mode,
			})
			for _, s := range runs {
				if s.Outcomes.OK != n || s.Attempts != n || s.Target == nil || s.Target.HTTPRequests != n || s.BytesReceived == 0 {
					t.Errorf("%s: outcomes %+v attempts %d target %+v bytes %d", s.Strategy, s.Outcomes, s.Attempts, s.Target, s.BytesReceived)
					continue
				}
				// keep-alive: connections track the concurrency, not the
				// tasks. net/http may dial once more when a request comes
				// as a connection is being put back idle.
				want := map[string]int64{"sequential": 1, "pool": conc, "semaphore": conc, "process": conc}
				if w, ok := want[s.Strategy]; ok && (s.Target.HTTPConns < w || s.Target.HTTPConns > w+w/4) {
					t.Errorf("%s opened %d connections for %d requests, want %d to %d", s.Strategy, s.Target.HTTPConns, n, w, w+w/4)
				}
			}
		})
	}
}

func TestHTTPStatusCodesAndNoKeepalive(t *testing.T) {
	srv, err := target.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(context.Background())
	const n = 120
	runs := execute(t, &Plan{
		Spec:        workloads.Spec{Name: "http", Params: params.Values{"url": "http://" + srv.HTTPAddr + "/status/500", "no-keepalive": "true"}},
		Strategies:  strategies.Registered(),
		Tasks:       []int{n},
		Concurrency: []int{4},
	})
	for _, s := range runs {
		if s.Outcomes.Error != n || s.Errors["http 500"].Count != n || s.Target != nil {
			t.Errorf("%s: outcomes %+v errors %+v", s.Strategy, s.Outcomes, s.Errors)
		}
	}
	if opened := srv.Stats().HTTPConns; opened < int64(len(runs)*n) {
		t.Errorf("no-keepalive: %d connections for %d requests", opened, len(runs)*n)
	}
}

func TestTCPUnderEveryStrategy(t *testing.T) {
	const n, conc = 200, 5
	for _, persistent := range []bool{false, true} {
		t.Run(fmt.Sprintf("persistent=%v", persistent), func(t *testing.T) {
			runs := execute(t, &Plan{
				Spec:        workloads.Spec{Name: "tcp", Params: params.Values{"size": "3000", "tcp-persistent": strconv.FormatBool(persistent)}},
				Strategies:  strategies.Registered(),
				Tasks:       []int{n},
				Concurrency: []int{conc},
				Target:      TargetInproc,
			})
			for _, s := range runs {
				if s.Outcomes.OK != n || s.BytesReceived != n*3000 {
					t.Errorf("%s: outcomes %+v bytes %d", s.Strategy, s.Outcomes, s.BytesReceived)
				}
				conns, limit := s.Target.TCPConns, int64(n)
				if persistent && s.Strategy != "unbounded" {
					limit = int64(s.Concurrency)
				}
				if conns > limit || !persistent && conns != n {
					t.Errorf("%s: %d connections (limit %d)", s.Strategy, conns, limit)
				}
			}
		})
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestUnreachableTargetIsOneError(t *testing.T) {
	addr := closedPort(t)
	for _, spec := range []workloads.Spec{
		{Name: "http", Params: params.Values{"url": "http://" + addr + "/"}},
		{Name: "tcp", Params: params.Values{"addr": addr, "size": "10"}},
	} {
		_, err := Execute(context.Background(), &Plan{Spec: spec, Strategies: []string{"pool"}, Tasks: []int{10}, Concurrency: []int{2}}, nil)
		if err == nil || !strings.Contains(err.Error(), "unreachable") || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("%s: %v", spec.Name, err)
		}
	}
}

// TestTargetDyingMidRun stops the target while a load runs: the run must
// end on time with the lost requests counted as transport errors.
func TestTargetDyingMidRun(t *testing.T) {
	srv, err := target.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(150*time.Millisecond, func() { srv.Close(context.Background()) })
	start := time.Now()
	runs := execute(t, &Plan{
		Spec:        workloads.Spec{Name: "http", Params: params.Values{"url": "http://" + srv.HTTPAddr + "/delay/5ms"}},
		Strategies:  []string{"pool"},
		Duration:    600 * time.Millisecond,
		Concurrency: []int{8},
	})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	s := runs[0]
	transport := s.Errors[network.KindRefused].Count + s.Errors[network.KindReset].Count + s.Errors[network.KindTransport].Count
	if s.Outcomes.OK == 0 || transport == 0 || s.DurationSeconds != 0.6 || s.Tasks != s.Outcomes.Total() {
		t.Errorf("ok %d, transport errors %d (%+v), tasks %d", s.Outcomes.OK, transport, s.Errors, s.Tasks)
	}
}
