package main

import (
	"os"
	"path/filepath"
	"slices"
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
