package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExitCodePrecedence(t *testing.T) {
	runtime := errors.New("worker 3 did not start")
	usage := usagef("--tasks: bad")
	check := &thresholdError{[]string{"p99 over 10ms"}}
	for _, tc := range []struct {
		name        string
		err         error
		interrupted bool
		want        int
	}{
		{"ok", nil, false, 0},
		{"runtime", runtime, false, 1},
		{"usage", usage, false, 2},
		{"wrapped usage", fmt.Errorf("run: %w", usage), false, 2},
		{"check", check, false, 3},
		{"interrupted flag", nil, true, 130},
		{"interrupted error", errInterrupted, false, 130},
		{"interrupt over runtime", runtime, true, 130},
		{"runtime over check", errors.Join(check, runtime), false, 1},
		{"runtime over usage", errors.Join(usage, runtime), false, 1},
		{"usage over check", errors.Join(check, usage), false, 2},
		{"interrupt over all", errors.Join(check, usage, runtime, errInterrupted), false, 130},
	} {
		if got := exitCode(tc.err, tc.interrupted); got != tc.want {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestExitCodes runs the commands of the exit-code table end to end.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"name": "not ours"}`), 0o644)
	missing := filepath.Join(dir, "missing.json")
	for _, tc := range []struct {
		args   []string
		code   int
		stdout bool // the output goes to stdout (help), not stderr
	}{
		{nil, 2, false},
		{[]string{"help"}, 0, true},
		{[]string{"help", "help"}, 0, true},
		{[]string{"help", "-h"}, 0, true},
		{[]string{"--help", "--help"}, 0, true},
		{[]string{"-h", "help", "help"}, 0, true},
		{[]string{"help", "version"}, 0, true},
		{[]string{"help", "frobnicate"}, 2, false},
		{[]string{"run", "--workload", "http", "--url", "http://127.0.0.1:99999/"}, 2, false},
		{[]string{"run", "--workload", "tcp", "--addr", "127.0.0.1:99999"}, 2, false},
		{[]string{"serve", "--http-addr", "nonsense"}, 2, false},
		{[]string{"serve", "--tcp-addr", "127.0.0.1:99999"}, 2, false},
		{[]string{"compare", bad, bad}, 2, false},
		{[]string{"compare", missing, bad}, 2, false},
		{[]string{"merge", bad, bad, "-o", filepath.Join(dir, "m.json")}, 2, false},
		{[]string{"plot", bad, "--out", filepath.Join(dir, "p")}, 2, false},
		{[]string{"report", missing, "--out", filepath.Join(dir, "p")}, 2, false},
		{[]string{"run", "--resume", bad, "--tasks", "1"}, 2, false},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := concbench(t, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tc.code, firstLine(r.stderr))
			}
			if tc.stdout != (r.stdout != "") || len(r.stderr) > 4000 {
				t.Errorf("stdout %d bytes, stderr %d bytes (%q)", len(r.stdout), len(r.stderr), firstLine(r.stderr))
			}
		})
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
