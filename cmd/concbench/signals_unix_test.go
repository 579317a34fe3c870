//go:build unix

package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
	"golang.org/x/sys/unix"
)

// waitExit waits for cmd to end, killing it if it has not within limit,
// and returns its exit code and how long it took.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Errorf("still running %v after the signal; killed", limit)
	}
	return cmd.ProcessState.ExitCode(), time.Since(start)
}

// TestServeEndsPromptlyOnSIGTERM: SIGTERM with a /delay/30s in flight
// cuts it and exits 0 at once. Before, serve waited 5 s for it and exited
// 1 with "context deadline exceeded".
func TestServeEndsPromptlyOnSIGTERM(t *testing.T) {
	cmd := command("serve")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	addrs := startServe(t, cmd)
	got := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + addrs["http"] + "/delay/30s")
		if err == nil {
			resp.Body.Close()
		}
		got <- err
	}()
	// Synchronise on the server's own count: the request is in its handler.
	for {
		resp, err := http.Get("http://" + addrs["http"] + "/stats")
		if err != nil {
			t.Fatal(err)
		}
		var n struct {
			HTTPRequests int `json:"http_requests"`
		}
		err = json.NewDecoder(resp.Body).Decode(&n)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n.HTTPRequests > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	code, took := waitExit(t, cmd, time.Minute)
	// Far under the request's 30 s: serve cut it (its grace is 1 s).
	if code != 0 || took > 15*time.Second || stderr.Len() > 0 {
		t.Errorf("serve after SIGTERM: exit %d after %v, stderr %q", code, took, stderr.String())
	}
	if err := <-got; err == nil {
		t.Error("the request in flight was answered, not cut")
	}
}

// TestFileCommandsStopOnFirstInterrupt: a command reading a results file
// that is slow to come (here a FIFO with half a document in it) ends on
// the first SIGINT with exit 130 and writes nothing. Before, the read
// ignored the signal and the command hung until killed.
func TestFileCommandsStopOnFirstInterrupt(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	doc := results.NewDocument(results.Environment{GoVersion: "go1.26"})
	doc.Runs = []results.Summary{{Strategy: "pool", Workload: "sleep", Tasks: 1, Concurrency: 1, WallSeconds: 1}}
	f, err := os.Create(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := results.Write(f, "json", doc); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tc := range []struct {
		name string
		args func(fifo, out string) []string
	}{
		{"plot", func(fifo, out string) []string { return []string{"plot", fifo, "--out", out} }},
		{"report", func(fifo, out string) []string { return []string{"report", fifo, "--out", out} }},
		{"compare", func(fifo, out string) []string { return []string{"compare", fifo, good} }},
		{"merge", func(fifo, out string) []string { return []string{"merge", fifo, good, "-o", out} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "slow.json")
			if err := unix.Mkfifo(fifo, 0o600); err != nil {
				t.Skip("no FIFOs here:", err)
			}
			out := filepath.Join(t.TempDir(), "out")
			cmd := command(tc.args(fifo, out)...)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Opening the FIFO's write end returns once the command has
			// opened its read end: its signal handling is in place by then.
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.WriteString(`{"schema": "concbench/results/v2", "runs": [`); err != nil {
				t.Fatal(err)
			}
			cmd.Process.Signal(syscall.SIGINT)
			code, _ := waitExit(t, cmd, time.Minute)
			if code != exitInterrupted || stderr.String() != "concbench: interrupted\n" || stdout.Len() > 0 {
				t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written after an interrupt", out)
			}
		})
	}
}
