package strategies

import (
	"maps"
	"runtime/debug"
	"slices"
	"testing"
)

// TestLibraryVersions checks which strategies name a library module. A
// test binary carries no dependency information, so the versions here are
// "unknown"; TestModuleVersion checks the reading of a real build's.
func TestLibraryVersions(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  []string // module paths
	}{
		{[]string{"pool", "unbounded"}, nil},
		{[]string{"errgroup"}, []string{"golang.org/x/sync"}},
		{[]string{"ants", "pond", "pool", "nosuch"}, []string{"github.com/alitto/pond/v2", "github.com/panjf2000/ants/v2"}},
	} {
		got := LibraryVersions(tc.names)
		if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, tc.want) {
			t.Errorf("LibraryVersions(%v) has modules %v, want %v", tc.names, keys, tc.want)
		}
		for mod, v := range got {
			if v == "" {
				t.Errorf("%s: empty version", mod)
			}
		}
	}
}

func TestModuleVersion(t *testing.T) {
	info := &debug.BuildInfo{Deps: []*debug.Module{
		{Path: "golang.org/x/sync", Version: "v0.25.0"},
		{Path: "github.com/panjf2000/ants/v2", Version: "v2.12.1", Replace: &debug.Module{Path: "../ants", Version: "v2.12.2-local"}},
	}}
	for _, tc := range []struct {
		info       *debug.BuildInfo
		path, want string
	}{
		{info, "golang.org/x/sync", "v0.25.0"},
		{info, "github.com/panjf2000/ants/v2", "v2.12.2-local"}, // the replacement is what was built
		{info, "github.com/alitto/pond/v2", "unknown"},
		{nil, "golang.org/x/sync", "unknown"},
	} {
		if got := moduleVersion(tc.info, tc.path); got != tc.want {
			t.Errorf("moduleVersion(%s) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
