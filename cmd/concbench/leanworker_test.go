package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestLeanBeside: the lean worker is used where a file of its name sits
// beside the executable (with the executable's extension), never a
// directory of that name or a file elsewhere.
func TestLeanBeside(t *testing.T) {
	for _, tc := range []struct {
		name   string
		exe    string
		create string // made beside exe ("": nothing)
		dir    bool   // create a directory, not a file
		want   bool
	}{
		{"beside", "concbench", "concbench-worker", false, true},
		{"windows extension", "concbench.exe", "concbench-worker.exe", false, true},
		{"other extension", "concbench.exe", "concbench-worker", false, false},
		{"absent", "concbench", "", false, false},
		{"a directory", "concbench", "concbench-worker", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			lean := filepath.Join(dir, tc.create)
			switch {
			case tc.create == "":
			case tc.dir:
				if err := os.Mkdir(lean, 0o755); err != nil {
					t.Fatal(err)
				}
			default:
				if err := os.WriteFile(lean, nil, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			got := leanBeside(filepath.Join(dir, tc.exe))
			if want := []string{lean}; tc.want != (got != nil) || got != nil && !slices.Equal(got, want) {
				t.Errorf("leanBeside = %q, want %v (%q)", got, tc.want, want)
			}
		})
	}
}

// TestLeanServes: the lean worker serves the built-in workloads that do
// not talk to a server, which are those it links.
func TestLeanServes(t *testing.T) {
	for name, want := range map[string]bool{"sleep": true, "cpu": true, "file": true, "mixed": true, "http": false, "tcp": false, "no-such-workload": false} {
		if got := leanServes(name); got != want {
			t.Errorf("leanServes(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestRunStartsLeanWorker: concbench run starts its workers from the
// concbench-worker beside it for a workload the lean worker links, and
// from itself for one that talks to a server. The lean worker here is a
// script beside a copy of this test binary that notes each start, then
// runs the copy as the worker.
func TestRunStartsLeanWorker(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in lean worker is a shell script")
	}
	dir := t.TempDir()
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	cb := filepath.Join(dir, "concbench")
	if err := os.WriteFile(cb, self, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho >>\"$LEAN_STARTS\"\nexec \"$(dirname \"$0\")/concbench\" \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, leanWorkerName), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		workload string
		starts   int // of the lean worker: 2 workers, or none
	}{{"sleep", 2}, {"cpu", 2}, {"tcp", 0}} {
		t.Run(tc.workload, func(t *testing.T) {
			starts := filepath.Join(t.TempDir(), "starts")
			cmd := exec.Command(cb, "run", "--workload", tc.workload, "--strategies", "process", "--concurrency", "2", "--tasks", "4", "--warmup", "0", "-q", "--format", "json")
			cmd.Env = append(os.Environ(), "CONCBENCH_TEST_MAIN=1", "LEAN_STARTS="+starts)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if !strings.Contains(string(out), `"ok": 4`) {
				t.Errorf("not every task ok: %s", out)
			}
			b, _ := os.ReadFile(starts)
			if got := strings.Count(string(b), "\n"); got != tc.starts {
				t.Errorf("lean worker started %d times, want %d", got, tc.starts)
			}
		})
	}
}
