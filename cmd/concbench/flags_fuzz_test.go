package main

import (
	"errors"
	"testing"
)

// FuzzRunFlags sets any run flag (the workloads' and strategies' own
// included, from the registries) to any text, then builds the plan, as
// run does before anything runs: nothing panics, and a value refused, by
// the flag or by the plan, is a usage error (exit 2). A value a flag of
// ours accepts reads back from String() as the same value.
func FuzzRunFlags(f *testing.F) {
	for _, s := range [][2]string{
		{"tasks", "100,1_000"}, {"tasks", "9223372036854775807"}, {"concurrency", "0"}, {"durations", "40ms, 30ms"},
		{"duration", "-1s"}, {"rate", "1e-300/s"}, {"rate", "NaN"}, {"interval", "1ns"}, {"fail-rate", "1.0000001"},
		{"strategies", "all,pool"}, {"workload", "http"}, {"stages", "10s:100/s,5s:0"}, {"threshold", "p99<10ms"},
		{"threshold", "rate>=1e309"}, {"header", "X: a\r\nInjected: 1"}, {"per-process", "10000000"}, {"panic-at", "-1"},
		{"shard", "3/2"}, {"start-at", "2026-13-01T00:00:00Z"}, {"latency", "10ms,20ms"}, {"body-size", "1GiB"}, {"max-queue", "1"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		rf := newRunFlags()
		fl := rf.fs.Lookup(name)
		if fl == nil {
			return
		}
		if err := rf.fs.Set(name, value); err != nil {
			return // pflag names the flag; parseFlags makes it a usageError
		}
		if s := fl.Value.String(); fl.Value.Type() != "bool" {
			again := newRunFlags()
			if err := again.fs.Set(name, s); err != nil {
				t.Errorf("--%s %q reads back as %q, which is refused: %v", name, value, s, err)
			} else if back := again.fs.Lookup(name).Value.String(); back != s {
				t.Errorf("--%s %q reads back as %q, then as %q", name, value, s, back)
			}
		}
		if _, err := rf.plan(); err != nil && !errors.As(err, new(usageError)) {
			t.Errorf("--%s %q: plan fails with %v, not a usage error", name, value, err)
		}
	})
}

// FuzzShare: compare --fail-on takes 5% or 0.05 and nothing outside
// [0, 100).
func FuzzShare(f *testing.F) {
	for _, s := range []string{"5%", "0.05", "-1", "NaN%", "1e400", "99.9999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v share
		if err := v.Set(s); err == nil && !(v.v >= 0 && v.v < 100) {
			t.Errorf("%q accepted as %v", s, v.v)
		}
	})
}
