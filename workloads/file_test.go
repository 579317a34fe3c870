package workloads

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
)

func fileSpec(p params.Values) Spec { return Spec{Name: "file", Seed: 3, Params: p} }

// workDirs returns the directories the file workload made in base.
func workDirs(t *testing.T, base string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(base, "concbench-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFileOps(t *testing.T) {
	for _, tc := range []struct {
		op, size, fsync string
		bytes           int64 // per task
		left            int   // files in the workload's directory between tasks
	}{
		{"write", "0", "false", 0, 0},
		{"write", "1", "true", 1, 0},
		{"write", "65539", "false", 65539, 0},
		{"write", "200KiB", "true", 200 << 10, 0},
		{"rw", "100", "false", 200, 0},
		{"rw", "65536", "true", 2 * 65536, 0},
		{"rw", "131075", "false", 2 * 131075, 0},
		{"read", "64KiB", "false", 64 << 10, 16},
		{"read", "9MiB", "false", 9 << 20, 7}, // at most 64 MiB prepared
		{"read", "7", "false", 7, 16},
	} {
		t.Run("op="+tc.op+"/size="+tc.size+"/fsync="+tc.fsync, func(t *testing.T) {
			base := t.TempDir()
			task := mustNew(t, fileSpec(params.Values{"op": tc.op, "size": tc.size, "fsync": tc.fsync, "dir": base}))
			dirs := workDirs(t, base)
			if len(dirs) != 1 {
				t.Fatalf("%d work directories in --dir, want 1: %v", len(dirs), dirs)
			}
			for i := range 20 {
				s := task.Run(context.Background(), i, time.Now())
				if s.Outcome != results.OK || s.Bytes != tc.bytes {
					t.Fatalf("task %d: %v %v, %d bytes; want ok, %d", i, s.Outcome, s.Err, s.Bytes, tc.bytes)
				}
			}
			if left, _ := os.ReadDir(dirs[0]); len(left) != tc.left {
				t.Errorf("%d files left between tasks, want %d", len(left), tc.left)
			}
			if err := task.Close(); err != nil {
				t.Fatal(err)
			}
			if d := workDirs(t, base); len(d) != 0 {
				t.Errorf("Close left %v", d)
			}
		})
	}
}

// TestFileContent checks that a task's file is the same stream however it
// is chunked, the same for the same (seed, task), and different across
// tasks.
func TestFileContent(t *testing.T) {
	stream := func(seed int64, k int, chunks ...int) []byte {
		g := content{x: draw(seed, k, 0, streamFile)}
		var out []byte
		for _, c := range chunks {
			b := make([]byte, c)
			g.fill(b)
			out = append(out, b...)
		}
		return out
	}
	whole := stream(3, 5, 1000)
	for _, chunks := range [][]int{{1, 999}, {3, 5, 7, 985}, {8, 8, 984}, {999, 1}, {500, 500}} {
		if got := stream(3, 5, chunks...); !bytes.Equal(got, whole) {
			t.Errorf("chunks %v give a different file", chunks)
		}
	}
	if bytes.Equal(stream(3, 6, 1000), whole) || bytes.Equal(stream(4, 5, 1000), whole) {
		t.Error("another task or seed gives the same file")
	}
	// What write puts on disk is that stream.
	f := &fileDoer{cfg: fileCfg{size: 100_003}, seed: 3}
	p := filepath.Join(t.TempDir(), "f")
	if n, err := f.write(context.Background(), 5, p); n != 100_003 || err != nil {
		t.Fatal(n, err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, stream(3, 5, 100_003)) {
		t.Error("the file on disk differs from the task's stream")
	}
}

func TestFileCorrupt(t *testing.T) {
	base := t.TempDir()
	task := mustNew(t, fileSpec(params.Values{"op": "read", "size": "1000", "dir": base}))
	defer task.Close()
	p := filepath.Join(workDirs(t, base)[0], "prepared-2")
	b, _ := os.ReadFile(p)
	b[500] ^= 1
	os.WriteFile(p, b, 0o644)
	os.Truncate(filepath.Join(workDirs(t, base)[0], "prepared-3"), 999)
	for i, want := range map[int]string{1: "", 2: "corrupt", 3: "corrupt", 18: "corrupt", 17: ""} {
		if s := task.Run(context.Background(), i, time.Now()); Kind(s.Err) != want {
			t.Errorf("task %d: %v, want kind %q", i, s.Err, want)
		}
	}
}

func TestFileBadParams(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "plain")
	os.WriteFile(file, nil, 0o644)
	readOnly := filepath.Join(base, "ro")
	os.Mkdir(readOnly, 0o555)
	if os.Geteuid() == 0 {
		readOnly = "/sys" // root writes into a 0555 directory, not into sysfs
	}
	for _, tc := range []struct {
		name  string
		p     params.Values
		param string
		why   string
	}{
		{"missing", params.Values{"dir": filepath.Join(base, "missing")}, "dir", "no such directory"},
		{"a-file", params.Values{"dir": file}, "dir", "not a directory"},
		{"read-only", params.Values{"dir": readOnly}, "dir", "not writable"},
		{"too-large", params.Values{"size": "1GiB"}, "size", "within"},
		{"not-a-size", params.Values{"size": "lots"}, "size", "byte count"},
		{"unknown", params.Values{"op": "append"}, "op", "write, read or rw"},
		{"zero", params.Values{"max-blocking": "0"}, "max-blocking", "within"},
		{"above-max", params.Values{"max-blocking": "9000"}, "max-blocking", "within"},
		{"not-a-bool", params.Values{"fsync": "maybe"}, "fsync", "true or false"},
	} {
		t.Run(tc.param+"="+tc.name, func(t *testing.T) {
			s := fileSpec(tc.p)
			// Spec.Validate, which runs before anything, and New say the same.
			for _, err := range []error{s.Validate(), func() error { _, err := New(s); return err }()} {
				var pe *params.Error
				if !errors.As(err, &pe) || pe.Param != tc.param || !strings.Contains(err.Error(), tc.why) || strings.Contains(err.Error(), "\n") {
					t.Errorf("got %v, want one line naming --%s: %s", err, tc.param, tc.why)
				}
			}
			if d := workDirs(t, base); len(d) != 0 {
				t.Errorf("a failed check left %v", d)
			}
		})
	}
}

// TestFileMaxBlocking checks that no more than --max-blocking tasks are
// inside file calls at once, and that the others wait cancellably.
func TestFileMaxBlocking(t *testing.T) {
	const limit, tasks = 3, 10
	task := mustNew(t, fileSpec(params.Values{"max-blocking": "3", "size": "10", "dir": t.TempDir()}))
	defer task.Close()
	f := task.doer.(*fileDoer)
	entered := make(chan struct{}, tasks)
	release := make(chan struct{})
	f.inside = func() {
		entered <- struct{}{}
		<-release
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan error, tasks)
	var wg sync.WaitGroup
	for i := range tasks {
		wg.Go(func() {
			_, err := f.Do(ctx, i)
			out <- err
		})
	}
	for range limit {
		<-entered
	}
	// The others wait for a slot: canceling returns them at once.
	cancel()
	for range tasks - limit {
		if err := <-out; !errors.Is(err, context.Canceled) {
			t.Errorf("a task waiting for a slot returned %v", err)
		}
	}
	close(release)
	wg.Wait()
	if n := len(entered); n != 0 {
		t.Errorf("%d more than --max-blocking %d tasks got in", n, limit)
	}
}
