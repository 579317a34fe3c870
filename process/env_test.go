package process

import (
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/worker"
)

// TestWorkerEnv: every worker is marked as one; a lean worker as one of
// this build; a lean worker with one slot runs on one P unless the user
// set GOMAXPROCS; a user's own binary keeps the parent's GOMAXPROCS.
func TestWorkerEnv(t *testing.T) {
	base := []string{"HOME=/root", "PATH=/bin"}
	lean := worker.LeanEnv + "=" + worker.Build()
	for _, tc := range []struct {
		name    string
		p       Process
		environ []string
		want    []string
	}{
		{"own binary", Process{PerProcess: 1}, base, []string{worker.Env + "=1"}},
		{"lean, one slot", Process{lean: true, PerProcess: 1}, base, []string{worker.Env + "=1", lean, "GOMAXPROCS=1"}},
		{"lean, zero means one slot", Process{lean: true}, base, []string{worker.Env + "=1", lean, "GOMAXPROCS=1"}},
		{"lean, four slots", Process{lean: true, PerProcess: 4}, base, []string{worker.Env + "=1", lean}},
		{"lean, the user's GOMAXPROCS", Process{lean: true, PerProcess: 1}, append(base, "GOMAXPROCS=2"), []string{worker.Env + "=1", lean}},
	} {
		environ := slices.Clone(tc.environ)
		got := tc.p.workerEnv(environ)
		if !slices.Equal(got[:len(environ)], environ) {
			t.Errorf("%s: the parent's environment changed: %q", tc.name, got)
		}
		if added := got[len(environ):]; !slices.Equal(added, tc.want) {
			t.Errorf("%s: added %q, want %q", tc.name, added, tc.want)
		}
		if n := len(slices.DeleteFunc(slices.Clone(got), func(kv string) bool { return !strings.HasPrefix(kv, "GOMAXPROCS=") })); n > 1 {
			t.Errorf("%s: GOMAXPROCS set %d times: %q", tc.name, n, got)
		}
		if !slices.Equal(environ, tc.environ) {
			t.Errorf("%s: the caller's slice was written: %q", tc.name, environ)
		}
	}
}
