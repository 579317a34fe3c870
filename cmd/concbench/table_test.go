package main

import (
	"strings"
	"testing"

	"github.com/concbench/concbench/workloads"
)

// TestDefaultTableFits runs every registered workload briefly, in the
// count mode, for a duration, and in open loop: each default table (its
// notes included) fits 100 columns, and --wide is wider.
func TestDefaultTableFits(t *testing.T) {
	for _, w := range workloads.Registered() {
		for _, mode := range []struct {
			name string
			args []string
		}{
			{"count", []string{"--tasks", "6", "--repeat", "3"}},
			{"duration", []string{"--duration", "50ms"}},
			{"open loop", []string{"--rate", "200", "--tasks", "6"}},
		} {
			t.Run(w+" "+mode.name, func(t *testing.T) {
				args := append([]string{"run", "--workload", w, "--strategies", "sequential,pool,process", "--concurrency", "2", "-q"}, mode.args...)
				r := concbench(t, args...)
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				for _, line := range strings.Split(r.stdout, "\n") {
					if n := len([]rune(line)); n > 100 {
						t.Errorf("a line of %d characters:\n%s", n, r.stdout)
						break
					}
				}
				if mode.name != "count" {
					return
				}
				wide := concbench(t, append(args, "--wide")...)
				var head string
				for _, line := range strings.Split(wide.stdout, "\n") {
					if strings.HasPrefix(line, "strategy") {
						head = line
					}
				}
				if wide.code != 0 || len(head) <= 100 || !strings.Contains(head, "goroutines") {
					t.Errorf("--wide: exit %d, head %q", wide.code, head)
				}
			})
		}
	}
}
