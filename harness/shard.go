package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
)

// checkShard checks a sharded plan: every shard must have tasks and, in a
// closed loop, slots of its own.
func (p *Plan) checkShard() error {
	sh := p.Shard
	text := fmt.Sprintf("%d/%d", sh.Index, sh.Count)
	switch {
	case sh.Count == 0 && sh.Index == 0:
		return nil
	case sh.Count < 1:
		return &ValueError{"shard", text, "the shard count must be at least 1"}
	case sh.Index < 0 || sh.Index >= sh.Count:
		return &ValueError{"shard", text, fmt.Sprintf("the index must be in 0..%d", sh.Count-1)}
	case !sh.Sharded():
		return nil
	case slices.Contains(p.Strategies, "process"):
		return &ValueError{"strategies", "process", "cannot be sharded (--shard): its workers number the tasks themselves"}
	}
	if p.Duration == 0 {
		if n := slices.Min(p.Tasks); n < sh.Count {
			return &ValueError{"tasks", strconv.Itoa(n), fmt.Sprintf("fewer tasks than the %d shards", sh.Count)}
		}
	}
	if !p.OpenLoop() {
		for _, s := range p.Strategies {
			if !strategies.Bounded(s) {
				continue
			}
			if c := slices.Min(p.Concurrency); c < sh.Count {
				return &ValueError{"concurrency", strconv.Itoa(c), fmt.Sprintf("a closed loop splits it across the shards: give at least %d, one per shard", sh.Count)}
			}
		}
	}
	return nil
}

// Hash identifies the plan, whichever shard runs it: a hex SHA-256 of
// everything that decides what the plan measures, but the shard and the
// embedded target's address (which differs from run to run). Shards of
// one plan carry the same hash; merging refuses shards whose hashes
// differ.
func (p *Plan) Hash() string {
	q := *p
	q.Shard = strategies.Shard{}
	q.Spec.Params = Comparable(q.Spec.Params, &q)
	q.Spec.Conns = 0 // the harness sets it per cell
	b, err := json.Marshal(q)
	if err != nil {
		panic(fmt.Sprintf("plan hash: %v", err)) // a Plan is plain data
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// Comparable returns params without those that name the embedded target
// of plan's workload, whose address differs from run to run, and without
// the address the load comes from (--source-addr, which shards of a plan
// may differ in); params as given otherwise. Results of one plan compare
// (resume, merge) on these.
func Comparable[M ~map[string]string](params M, plan *Plan) M {
	n := networkOf(&plan.Spec)
	if n == nil || params == nil {
		return params
	}
	target := n.Target(plan.Spec.Params)
	out := M{}
	for k, v := range params {
		if k != "source-addr" && !(target && (k == "url" || k == "addr")) {
			out[k] = v
		}
	}
	return out
}

// shardRun is what a shard's run of a cell carries for the merge.
func shardRun(plan *Plan, cell Cell, r Run) *results.ShardRun {
	s := &results.ShardRun{Index: plan.Shard.Index, Count: plan.Shard.Count, CellTasks: cell.Tasks, Started: r.Start.UTC()}
	if p := r.Pacer; p != nil {
		s.FirstDueSeconds, s.LastReleaseSeconds = p.FirstDue.Seconds(), p.LastRelease.Seconds()
	}
	return s
}
