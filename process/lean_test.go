package process

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/worker"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// Two workloads for the lean worker's tests. "where" moves as many bytes
// as 2 x the pid of the process that ran the task, plus 1 in a lean
// worker. "full-only" is not linked by the lean worker: this test binary
// started as one leaves it out.
func init() {
	workloads.Register(workloads.Definition{Name: "where", New: func(workloads.Config) (workloads.Doer, error) {
		return workloads.DoerFunc(func(context.Context, int) (int64, error) {
			_, lean := os.LookupEnv(worker.LeanEnv)
			return int64(os.Getpid())*2 + int64(btoi(lean)), nil
		}), nil
	}})
	if _, lean := os.LookupEnv(worker.LeanEnv); !lean {
		workloads.Register(workloads.Definition{Name: "full-only", New: func(workloads.Config) (workloads.Doer, error) {
			return workloads.DoerFunc(func(context.Context, int) (int64, error) { return int64(os.Getpid()) * 2, nil }), nil
		}})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestLeanWorker: the workers start from the lean worker where it serves
// the workload, and from this executable where it refuses (another
// build, a workload it does not link) or cannot start; a refusal is
// remembered, so that the next run does not start it again. Every task
// runs once, in a worker process (by its pid), of the kind expected.
func TestLeanWorker(t *testing.T) {
	execs := filepath.Join(t.TempDir(), "execs")
	t.Setenv("LEAN_EXECS", execs)
	// counted starts the lean worker (this test binary) and notes it, with
	// the environment given.
	counted := func(env string) []string {
		return []string{"sh", "-c", `echo >>"$LEAN_EXECS"; ` + env + ` exec "$0"`, os.Args[0]}
	}
	for _, tc := range []struct {
		name     string
		lean     []string
		workload string
		inLean   bool  // the tasks run in lean workers
		execs    int   // lean workers started over two runs
		crashAt  []int // tasks whose worker dies: its replacement is of the same kind
		workers  int
	}{
		{"serves", counted(""), "where", true, 4, nil, 2},
		{"another build", counted(worker.LeanEnv + "=other"), "where", false, 2, nil, 2},
		{"workload not linked", counted(""), "full-only", false, 2, nil, 2},
		{"cannot start", []string{"/nonexistent/concbench-worker"}, "where", false, 0, nil, 2},
		// one worker, so that the tasks after the crash need its
		// replacement: 2 starts a run
		{"a worker dies", counted(""), "where", true, 4, []int{5}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(execs)
			refused.Clear() // each case starts with no refusal remembered
			for run := range 2 {
				const n = 20
				job, c := newJob(n)
				st, err := Process{Spec: workloads.Spec{Name: tc.workload, CrashAt: tc.crashAt}, Workers: tc.workers, Lean: tc.lean}.Spawn(context.Background(), job)
				if err != nil {
					t.Fatalf("run %d: %v", run, err)
				}
				if st.Restarts != len(tc.crashAt) {
					t.Fatalf("run %d: %d restarts, want %d", run, st.Restarts, len(tc.crashAt))
				}
				if ok := c.once(t, n)[results.OK]; ok != n-len(tc.crashAt) {
					t.Fatalf("run %d: %d tasks ok of %d", run, ok, n)
				}
				for i, s := range c.samples {
					if slices.Contains(tc.crashAt, i) {
						continue // failed with its worker
					}
					pid, lean := int(s[0].Bytes/2), s[0].Bytes%2 == 1
					if pid == os.Getpid() || pid <= 0 || lean != tc.inLean {
						t.Fatalf("run %d: task %d ran in pid %d (this one %d), lean %v, want %v", run, i, pid, os.Getpid(), lean, tc.inLean)
					}
				}
			}
			b, _ := os.ReadFile(execs)
			if got := strings.Count(string(b), "\n"); got != tc.execs {
				t.Errorf("lean worker started %d times over two runs, want %d", got, tc.execs)
			}
		})
	}
}

// TestUseLean: the strategies built from the registry get the lean worker
// UseLean set, for the workloads it serves only, until it is unset.
func TestUseLean(t *testing.T) {
	defer UseLean(nil, nil)
	argv := []string{"/opt/concbench-worker"}
	onlySleep := func(name string) bool { return name == "sleep" }
	for _, tc := range []struct {
		name     string
		argv     []string
		serves   func(string) bool
		workload string
		want     []string
	}{
		{"served", argv, onlySleep, "sleep", argv},
		{"not served", argv, onlySleep, "cpu", nil},
		{"every workload", argv, nil, "cpu", argv},
		{"unset", nil, nil, "sleep", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			UseLean(tc.argv, tc.serves)
			s, err := strategies.NewWith("process", strategies.Config{Concurrency: 2, Params: params.Values{"per-process": "1"}, Workload: workloads.Spec{Name: tc.workload}})
			if err != nil {
				t.Fatal(err)
			}
			if got := s.(Process).Lean; !slices.Equal(got, tc.want) {
				t.Errorf("Lean %q, want %q", got, tc.want)
			}
		})
	}
}
