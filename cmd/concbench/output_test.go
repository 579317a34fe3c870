//go:build unix

package main

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/concbench/concbench/results"
)

// tiny returns the arguments of a quick quiet run, then extra.
func tiny(extra ...string) []string {
	return append([]string{"run", "--durations", "1ms", "--tasks", "4", "--strategies", "pool", "--concurrency", "2", "-q"}, extra...)
}

// TestOutReplacesOnlyRegularFiles checks where --out writes: into a
// device or a FIFO, through a symbolic link (which stays one), over a
// regular file keeping its permissions, and never over a directory.
func TestOutReplacesOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	os.WriteFile(real, []byte("old"), 0o600)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("real.json", link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// Opened without blocking, the reader is there when concbench opens
	// the FIFO to write; if concbench replaced the FIFO instead, the
	// reader finds nothing, and the test fails rather than hangs.
	reader, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	type want struct {
		out  string
		mode fs.FileMode // the type --out must still have after the run
	}
	cases := []want{{link, fs.ModeSymlink}, {fifo, fs.ModeNamedPipe}}
	// A private null device (major 1, minor 3, as /dev/null), so that a
	// regression replaces a file of the test's, never the system's.
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err == nil {
		cases = append(cases, want{null, fs.ModeDevice | fs.ModeCharDevice})
	} else {
		t.Logf("no character device case: mknod: %v (needs root)", err)
	}
	for _, tc := range cases {
		r := concbench(t, tiny("--out", tc.out)...)
		if r.code != 0 {
			t.Fatalf("--out %s: exit %d: %s", tc.out, r.code, r.stderr)
		}
		fi, err := os.Lstat(tc.out)
		if err != nil || fi.Mode().Type() != tc.mode {
			t.Errorf("--out %s: after the run its type is %v, want %v", tc.out, fi.Mode().Type(), tc.mode)
		}
	}
	got, _ := io.ReadAll(reader)
	if doc, err := results.ReadDocument(bytes.NewReader(got)); err != nil || len(doc.Runs) != 1 {
		t.Errorf("the FIFO's reader got no results document: %v", err)
	}
	if doc, err := results.ReadFile(real); err != nil || len(doc.Runs) != 1 {
		t.Errorf("the link's target holds no results: %v", err)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o600 {
		t.Errorf("the replaced file's permissions are %v, want -rw-------", fi.Mode().Perm())
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestOutRefusedBeforeAnythingRuns: a directory, or stdout shared with
// the table, is a usage error naming the flag, and nothing runs.
func TestOutRefusedBeforeAnythingRuns(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	res := filepath.Join(dir, "r.json")
	if r := concbench(t, tiny("--out", res)...); r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{tiny("--out", dir), "--out"},
		{slices.DeleteFunc(tiny("--out", stdoutPath), func(a string) bool { return a == "-q" }), "-q"},
		{tiny("--plot", file), "--plot"},
		{[]string{"merge", res, res, "-o", dir}, "--out"},
		{[]string{"plot", res, "--out", file}, "--out"},
		{[]string{"report", res, "--out", file}, "--out"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := concbench(t, tc.args...)
			if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q: want exit 2, one line naming %s, nothing run", r.code, r.stdout, r.stderr, tc.want)
			}
		})
	}
}

// TestOutToStdout: with -q, --out /dev/stdout puts the document, and only
// it, on stdout; merge -o /proc/self/fd/1 does the same.
func TestOutToStdout(t *testing.T) {
	r := concbench(t, tiny("--out", stdoutPath)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	doc, err := results.ReadDocument(strings.NewReader(r.stdout))
	if err != nil || len(doc.Runs) != 1 {
		t.Fatalf("stdout is not one results document: %v\n%s", err, r.stdout)
	}
	res := filepath.Join(t.TempDir(), "r.json")
	os.WriteFile(res, []byte(r.stdout), 0o644)
	m := concbench(t, "merge", res, res, "-o", stdoutPath)
	if doc, err := results.ReadDocument(strings.NewReader(m.stdout)); m.code != 0 || err != nil || len(doc.Runs) != 2 {
		t.Errorf("merge -o /proc/self/fd/1: exit %d, %v: %s", m.code, err, m.stderr)
	}
}

// stdoutPath names the test command's stdout. Not /dev/stdout: a
// regression that replaced it would replace the machine's /dev/stdout
// link; /proc/self/fd/1 cannot be replaced.
const stdoutPath = "/proc/self/fd/1"
