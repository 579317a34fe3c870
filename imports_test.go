package concbench_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/concbench/concbench"

// deps lists the packages pkg depends on (go list -deps), itself included.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// TestImportsGoOneWay checks the package layout of docs/architecture.md:
// dependencies point down, the in-process strategies know no workload,
// charts know no strategy, concbench's own binary links no charts, a user's test binary (the root package)
// carries neither the charts nor the HTTP clients, and the lean worker
// carries no more than it serves.
func TestImportsGoOneWay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, module+"/cmd/") {
			continue
		}
		for _, d := range deps(t, pkg) {
			if strings.HasPrefix(d, module+"/cmd/") {
				t.Errorf("%s depends on %s: nothing below cmd may", pkg, d)
			}
		}
	}
	for _, tc := range []struct {
		pkg       string
		forbidden []string // packages, or prefixes ending in "/"
	}{
		{module + "/strategies", []string{module + "/workloads", module + "/workloads/", module + "/process", module + "/harness"}},
		{module + "/plots", []string{module + "/strategies", module + "/process", module + "/harness", module + "/workloads"}},
		{module, []string{module + "/plots", module + "/workloads/network", "github.com/valyala/fasthttp", "gonum.org/"}},
		{module + "/harness", []string{module + "/workloads/network", "github.com/valyala/fasthttp", module + "/plots"}},
		{module + "/params", []string{module + "/"}},
		// The binary that measures links no chart library: gonum/plot's
		// fonts and LaTeX tables cost a run about 15 MiB of peak RSS.
		// concbench-plot draws, in a child started after the measuring.
		{module + "/cmd/concbench", []string{module + "/plots", module + "/internal/chartserve", "gonum.org/", "codeberg.org/go-latex/"}},
		// The lean worker starts fast because it links little: not the
		// charts, not the HTTP engines, not net (whose cgo resolver would
		// link it dynamically), not the strategies (ants starts a pool
		// with a ticker at init).
		{module + "/cmd/concbench-worker", []string{module + "/plots", module + "/workloads/network", module + "/harness", module + "/process", module + "/strategies", "github.com/valyala/fasthttp", "github.com/panjf2000/ants/v2", "github.com/alitto/pond/v2", "gonum.org/", "net", "runtime/cgo"}},
	} {
		for _, d := range deps(t, tc.pkg) {
			for _, f := range tc.forbidden {
				if d != tc.pkg && (d == f || strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
					t.Errorf("%s depends on %s", tc.pkg, d)
				}
			}
		}
	}
}
