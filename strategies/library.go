package strategies

import (
	"context"
	"runtime/debug"
	"slices"
)

// submitAll hands each due task of job to submit, in index order, until
// the source is empty or ctx is done; submit may block while the library's
// pool is full. A task that a library starts after ctx is done (it was
// queued, or submit was blocked when ctx ended) returns without running,
// so no task starts after cancellation whatever the library does with its
// queue. It does not wait for the tasks: the caller waits the library's
// way.
func submitAll(ctx context.Context, job *Job, submit func(task func())) {
	for {
		i, ok := job.Next(ctx)
		if !ok || ctx.Err() != nil {
			return
		}
		submit(func() {
			if ctx.Err() != nil {
				return // left unrecorded: the caller counts it canceled
			}
			job.Exec(ctx, i)
		})
	}
}

// LibraryVersions returns, for the named strategies that are thin uses of
// a library (Definition.Library), the version of that module this binary
// was built with, keyed by module path; "unknown" where the build does not
// say (a binary built without module information). Unknown names and
// strategies without a library are skipped; nil if none is left.
func LibraryVersions(names []string) map[string]string {
	var out map[string]string
	info, _ := debug.ReadBuildInfo()
	for _, name := range names {
		d, ok := Lookup(name)
		if !ok || d.Library == "" {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[d.Library] = moduleVersion(info, d.Library)
	}
	return out
}

func moduleVersion(info *debug.BuildInfo, path string) string {
	if info == nil {
		return "unknown"
	}
	i := slices.IndexFunc(info.Deps, func(m *debug.Module) bool { return m.Path == path })
	if i < 0 {
		return "unknown"
	}
	m := info.Deps[i]
	if m.Replace != nil {
		m = m.Replace
	}
	return m.Version
}
