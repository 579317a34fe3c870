package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

// TestCompareByAndEnvironments: --by sets two strategies of one file side
// by side; two files from different environments are compared with a
// warning on stderr; an unknown --by is a usage error naming it.
func TestCompareByAndEnvironments(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one.json")
	if r := concbench(t, "run", "--latency", "2ms", "--tasks", "8", "--strategies", "pool,semaphore", "--concurrency", "2", "--repeat", "4", "-q", "--out", one); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := concbench(t, "compare", one, "--by", "strategy")
	if r.code != 0 || !strings.Contains(r.stdout, "strategy=pool") || !strings.Contains(r.stdout, "strategy=semaphore") || strings.Contains(r.stderr, "warning") {
		t.Errorf("--by strategy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := concbench(t, "compare", one, "--by", "colour"); r.code != 2 || !strings.Contains(r.stderr, "--by colour") {
		t.Errorf("--by colour: exit %d %q", r.code, r.stderr)
	}
	if r := concbench(t, "compare", one); r.code != 2 {
		t.Errorf("one file without --by: exit %d", r.code)
	}

	doc, err := results.ReadFile(one)
	if err != nil {
		t.Fatal(err)
	}
	doc.Environment.GOMAXPROCS += 6
	other := filepath.Join(dir, "other.json")
	if err := results.WriteFileAtomic(other, func(w io.Writer) error { return results.Write(w, "json", doc) }); err != nil {
		t.Fatal(err)
	}
	r = concbench(t, "compare", one, other)
	if r.code != 0 || !strings.Contains(r.stderr, "different environments") || !strings.Contains(r.stderr, "GOMAXPROCS") || !strings.Contains(r.stdout, "geomean over 2 cells") {
		t.Errorf("different environments: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
