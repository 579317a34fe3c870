package worker

import (
	"errors"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/concbench/concbench/workloads"
)

// The parent marks a lean worker (see process.UseLean) by LeanEnv, set to
// the parent's Build. A lean worker refuses (a reply that starts with
// refusal) a parent of another build, since its workloads may differ
// under the same names, and a workload it does not link; the parent then
// starts its workers from its own binary instead.
const (
	LeanEnv = "CONCBENCH_LEAN"
	refusal = "lean worker refuses: "
)

// ErrRefused is a lean worker's refusal, read from its reply.
var ErrRefused = errors.New("lean worker refused")

// Build identifies the source and toolchain this binary was built from:
// the module's version and checksum, and its VCS revision, time and
// whether the tree was modified. Two binaries of one `go build` or
// `go install` of a module agree; so, unavoidably, do two builds of one
// modified tree at the same revision, and two builds of a tree without
// VCS stamping (-buildvcs=false) by one toolchain: there, build both
// binaries together (go build ./cmd/...).
var Build = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	id := []string{bi.GoVersion, bi.Main.Path, bi.Main.Version, bi.Main.Sum}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision", "vcs.time", "vcs.modified":
			id = append(id, s.Key+"="+s.Value)
		}
	}
	return strings.Join(id, " ")
})

// leanRefusal returns why this process, started as a lean worker, does
// not serve spec ("" if it does or is not a lean worker).
func leanRefusal(spec workloads.Spec) string {
	parent, lean := os.LookupEnv(LeanEnv)
	switch {
	case !lean:
		return ""
	case parent != Build():
		return refusal + "built from " + Build() + ", the parent from " + parent
	}
	if _, ok := workloads.Lookup(spec.Name); !ok {
		return refusal + "it does not link workload " + spec.Name
	}
	return ""
}
