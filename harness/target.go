package harness

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/concbench/concbench/process"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/target"
	"github.com/concbench/concbench/workloads"
)

// Where the embedded target runs.
const (
	TargetChild  = "child"  // a child process (the default): its CPU and memory are not the harness's
	TargetInproc = "inproc" // inside the harness process: memory figures include the server
)

// ServeIfChild turns this process into a process-strategy worker or a
// child target if the harness started it as one, and exits; otherwise it
// returns at once. Call it first in main and in TestMain.
func ServeIfChild() {
	process.ServeIfWorker()
	target.ServeIfChild()
}

// IsChild reports whether the harness started this process as a worker
// or a child target: ServeIfChild serves in it and never returns.
func IsChild() bool { return process.IsWorker() || target.IsChild() }

// networkOf returns how the spec's workload talks to a server, nil if it
// does not.
func networkOf(s *workloads.Spec) *workloads.Network {
	if d, ok := workloads.Lookup(s.Name); ok {
		return d.Network
	}
	return nil
}

// needsTarget reports whether the plan's workload talks to the network
// and no address was given, so concbench starts its own target.
func needsTarget(s *workloads.Spec) bool {
	n := networkOf(s)
	return n != nil && n.Target(s.Params)
}

// embedded is a running target and how to read its counters.
type embedded struct {
	mode  string
	stats func() (target.Stats, error)
	stop  func() error
	// fetchConns is how many connections reading the stats opens itself.
	fetchConns int64
	// httpAddr and tcpAddr are where it listens; point aims a cell's
	// workload at them.
	httpAddr, tcpAddr string
}

// point aims spec's parameters at the target, as the workload's
// Network.Point says (http at /delay/{latency}, tcp at the echo server).
// Each cell is pointed on its own: a sweep may change what the URL holds.
func (e *embedded) point(spec *workloads.Spec) {
	spec.Params = networkOf(spec).Point(spec.Params, e.httpAddr, e.tcpAddr)
}

// startTarget starts the embedded target in mode. It blocks until the
// target answers.
func startTarget(ctx context.Context, mode string) (*embedded, error) {
	var e *embedded
	var httpAddr, tcpAddr string
	switch mode {
	case TargetInproc:
		s, err := target.Start("", "")
		if err != nil {
			return nil, fmt.Errorf("embedded target: %w", err)
		}
		httpAddr, tcpAddr = s.HTTPAddr, s.TCPAddr
		e = &embedded{mode: mode,
			stats: func() (target.Stats, error) { return s.Stats(), nil },
			stop: func() error {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				return s.Close(ctx)
			}}
	default:
		c, err := target.StartChild(ctx)
		if err != nil {
			return nil, err
		}
		httpAddr, tcpAddr = c.HTTPAddr, c.TCPAddr
		e = &embedded{mode: TargetChild, stats: c.Stats, stop: c.Stop, fetchConns: 1}
	}
	e.httpAddr, e.tcpAddr = httpAddr, tcpAddr
	return e, nil
}

// preflight checks that a target the user named accepts connections, so a
// wrong address is one clear error instead of a run of failed tasks.
func preflight(ctx context.Context, spec *workloads.Spec) error {
	addr, err := networkOf(spec).Address(spec.Params)
	if err != nil {
		return err
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("target %s is unreachable: %w", addr, err)
	}
	return c.Close()
}

// targetDelta turns two readings of the target's counters around a run
// into what the run used.
func (e *embedded) delta(before, after target.Stats) *results.TargetUse {
	return &results.TargetUse{
		Mode:         e.mode,
		HTTPConns:    after.HTTPConns - before.HTTPConns - e.fetchConns,
		HTTPRequests: after.HTTPRequests - before.HTTPRequests,
		TCPConns:     after.TCPConns - before.TCPConns,
	}
}
