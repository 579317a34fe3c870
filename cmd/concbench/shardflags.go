package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/spf13/pflag"
)

// jobIndexEnv is where a pod of a Kubernetes Indexed Job finds its index.
const jobIndexEnv = "JOB_COMPLETION_INDEX"

// shardFlags are the flags that run one part of a plan on one machine.
type shardFlags struct {
	shard          shardValue
	shards         count
	startAt        instant
	barrier        string
	barrierTimeout duration
	fs             *pflag.FlagSet
	// env reads the environment (os.Getenv; tests replace it).
	env func(string) string
}

// addShardFlags registers the sharding flags on fs.
func addShardFlags(fs *pflag.FlagSet) *shardFlags {
	f := &shardFlags{fs: fs, env: os.Getenv, barrierTimeout: duration{2 * time.Minute}}
	fs.Var(&f.shard, "shard", "run part i of n of the plan (i/n, from 0): its tasks and arrivals k with k mod n = i; concbench merge combines the parts")
	fs.Var(&f.shards, "shards", "as --shard, with i from $"+jobIndexEnv+" (set in the pods of a Kubernetes Indexed Job)")
	fs.Var(&f.startAt, "start-at", "shards: start the plan at this time (RFC 3339, e.g. 2026-12-02T09:00:00Z), once set up")
	fs.StringVar(&f.barrier, "barrier", "", "shards: start together: shard 0 listens on HOST:PORT's port, the others connect to it and all are released at once")
	fs.Var(&f.barrierTimeout, "barrier-timeout", "shards: how long --barrier waits for every shard before failing")
	return f
}

// resolve returns the shard the flags name (the zero Shard without
// them). Errors are usage errors naming the flag.
func (f *shardFlags) resolve() (strategies.Shard, error) {
	switch {
	case f.fs.Changed("shard") && f.fs.Changed("shards"):
		return strategies.Shard{}, usagef("--shard and --shards exclude each other: give one")
	case f.fs.Changed("shard"):
		return f.shard.v, nil
	case !f.fs.Changed("shards"):
		return strategies.Shard{}, nil
	}
	n := f.shards.v
	if n < 1 {
		return strategies.Shard{}, usagef("--shards %q: must be at least 1", strconv.Itoa(n))
	}
	text, ok := f.env(jobIndexEnv), true
	if strings.TrimSpace(text) == "" {
		return strategies.Shard{}, usagef("--shards %d: $%s is not set (a Kubernetes Indexed Job sets it; elsewhere give --shard i/%d)", n, jobIndexEnv, n)
	}
	i, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || i < 0 {
		ok = false
	}
	if !ok || i >= n {
		return strategies.Shard{}, usagef("--shards %d: $%s=%q is not an index in 0..%d", n, jobIndexEnv, text, n-1)
	}
	return strategies.Shard{Index: i, Count: n}, nil
}

// apply sets the plan's shard and checks the plan with it.
func (f *shardFlags) apply(plan *harness.Plan) error {
	sh, err := f.resolve()
	if err != nil {
		return err
	}
	plan.Shard = sh
	set := f.fs.Changed
	for _, name := range []string{"start-at", "barrier", "barrier-timeout"} {
		if set(name) && sh.Count == 0 {
			return usagef("--%s applies to a sharded plan: give --shard or --shards", name)
		}
	}
	switch {
	case sh.Count > 0 && set("resume"):
		return usagef("--resume does not apply to a shard: run the shard again (merge names a shard that is missing)")
	case set("start-at") && set("barrier"):
		return usagef("--start-at and --barrier exclude each other: give one")
	case set("barrier-timeout") && !set("barrier"):
		return usagef("--barrier-timeout applies with --barrier")
	case set("barrier-timeout") && f.barrierTimeout.v <= 0:
		return usagef("--barrier-timeout %q: must be positive", f.barrierTimeout.v)
	case set("start-at") && time.Until(f.startAt.v) < -time.Second:
		return usagef("--start-at %s: already %v past", f.startAt.v.Format(time.RFC3339), time.Since(f.startAt.v).Round(time.Second))
	case set("start-at") && time.Until(f.startAt.v) > 24*time.Hour:
		return usagef("--start-at %s: more than 24h ahead", f.startAt.v.Format(time.RFC3339))
	}
	if set("barrier") {
		if _, port, err := net.SplitHostPort(f.barrier); err != nil || port == "" {
			return usagef("--barrier %q: want HOST:PORT (shard 0 listens on the port, the others connect to it)", f.barrier)
		}
	}
	if sh.Count == 0 {
		return nil
	}
	if sh.Sharded() && !set("strategies") {
		// the default, every strategy, is every one that can be sharded
		plan.Strategies = slices.DeleteFunc(slices.Clone(plan.Strategies), func(s string) bool { return s == "process" })
	}
	if err := plan.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}

// mark tags a sharded plan's results document with the plan's hash and
// the part it holds, for `concbench merge`.
func (f *shardFlags) mark(doc *results.Document, plan *harness.Plan) {
	if plan.Shard.Count == 0 {
		return
	}
	doc.Plan = plan.Hash()
	doc.Shard = &results.ShardOf{Index: plan.Shard.Index, Count: plan.Shard.Count, Barrier: f.barrier}
	if f.fs.Changed("start-at") {
		t := f.startAt.v.UTC()
		doc.Shard.StartAt = &t
	}
}

// ready returns the hook that waits, once the plan is set up, for the
// common start the flags ask for: --start-at's time or --barrier's
// release. Nil without either.
func (f *shardFlags) ready(plan *harness.Plan) func(context.Context) error {
	switch {
	case f.fs.Changed("start-at"):
		return func(ctx context.Context) error {
			t := time.NewTimer(time.Until(f.startAt.v))
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	case f.barrier != "":
		return func(ctx context.Context) error {
			_, err := harness.Barrier(ctx, f.barrier, plan.Shard, plan.Hash(), f.barrierTimeout.v)
			return err
		}
	}
	return nil
}

// instant is a pflag.Value for a time in RFC 3339.
type instant struct{ v time.Time }

func (t *instant) String() string {
	if t.v.IsZero() {
		return ""
	}
	return t.v.Format(time.RFC3339Nano)
}

func (t *instant) Type() string { return "time" }

func (t *instant) Set(s string) error {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("want a time in RFC 3339, such as 2026-12-02T09:00:00Z")
	}
	t.v = v
	return nil
}

// shardValue is a pflag.Value for i/n, 0 <= i < n.
type shardValue struct{ v strategies.Shard }

func (s *shardValue) String() string {
	if s.v.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.v.Index, s.v.Count)
}

func (s *shardValue) Type() string { return "i/n" }

func (s *shardValue) Set(text string) error {
	a, b, ok := strings.Cut(text, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	switch {
	case !ok || err1 != nil || err2 != nil:
		return fmt.Errorf("want i/n, such as 0/4")
	case n < 1:
		return fmt.Errorf("the shard count n must be at least 1")
	case i < 0 || i >= n:
		return fmt.Errorf("the index i must be in 0..%d", n-1)
	}
	s.v = strategies.Shard{Index: i, Count: n}
	return nil
}
