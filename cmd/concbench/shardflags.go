package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/spf13/pflag"
)

// jobIndexEnv is where a pod of a Kubernetes Indexed Job finds its index.
const jobIndexEnv = "JOB_COMPLETION_INDEX"

// shardFlags are the flags that run one part of a plan on one machine.
type shardFlags struct {
	shard  shardValue
	shards count
	fs     *pflag.FlagSet
	// env reads the environment (os.Getenv; tests replace it).
	env func(string) string
}

// addShardFlags registers the sharding flags on fs.
func addShardFlags(fs *pflag.FlagSet) *shardFlags {
	f := &shardFlags{fs: fs, env: os.Getenv}
	fs.Var(&f.shard, "shard", "run part i of n of the plan (i/n, from 0): its tasks and arrivals k with k mod n = i; `concbench merge` combines the parts")
	fs.Var(&f.shards, "shards", "as --shard, with i from $"+jobIndexEnv+" (set in the pods of a Kubernetes Indexed Job)")
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
	if sh.Count == 0 {
		return nil
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
	doc.Shard = &results.ShardOf{Index: plan.Shard.Index, Count: plan.Shard.Count}
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
