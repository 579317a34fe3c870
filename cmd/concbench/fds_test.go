//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
)

// TestFewFileDescriptors: with ulimit -n 256, 2000 HTTP tasks at once to
// the in-process target neither deadlock (a connection the target cannot
// accept would wait in the backlog forever) nor go unexplained: a warning
// names the limit before the run, and every task is accounted for.
func TestFewFileDescriptors(t *testing.T) {
	// The deadline is a safety net for the regression, not synchronisation.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", `ulimit -n 256 && exec "$0" "$@"`, os.Args[0],
		"run", "--workload", "http", "--target", "inproc", "--latency", "1ms", "--tasks", "2000", "--strategies", "unbounded", "-q", "--format", "json")
	cmd.Env = append(os.Environ(), "CONCBENCH_TEST_MAIN=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v (deadlocked?): %s", err, firstLine(stderr.String()))
	}
	if !strings.Contains(firstLine(stderr.String()), "open-file limit of 256") {
		t.Errorf("no warning naming the limit: %q", stderr.String())
	}
	var doc results.Document
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil || len(doc.Runs) != 1 {
		t.Fatalf("stdout: %v", err)
	}
	if o := doc.Runs[0].Outcomes; o.Total() != 2000 || o.OK+o.Error != 2000 {
		t.Errorf("outcomes %+v: want every task finished, OK or a counted error", o)
	}
}
