package results

import "time"

// ShardRun is what a shard's run of a cell carries so that the shards of
// one plan merge into the run one machine would have made (MergeShards).
// Optional, v2: absent from the results of a plan run whole.
type ShardRun struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// CellTasks is the cell's task count in the plan, all shards' (0 in
	// duration mode); Summary.Tasks counts this shard's.
	CellTasks int       `json:"cell_tasks,omitempty"`
	Started   time.Time `json:"started"` // the wall clock as the run started
	// Open loop: the shard's first arrival's due time and its last
	// release, from Started: the shard's window of arrivals.
	FirstDueSeconds    float64 `json:"first_due_seconds,omitempty"`
	LastReleaseSeconds float64 `json:"last_release_seconds,omitempty"`

	// A merged run: the shards it combines, those missing, and the
	// spread of their starts (latest minus earliest).
	Merged      []int    `json:"merged,omitempty"`
	Missing     []int    `json:"missing,omitempty"`
	SkewSeconds *float64 `json:"skew_seconds,omitempty"`
}

// ShardOf says which part of which plan a document holds.
type ShardOf struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// StartAt is the common start asked for (--start-at), Barrier the
	// address of the barrier that released the shards together.
	StartAt *time.Time `json:"start_at,omitempty"`
	Barrier string     `json:"barrier,omitempty"`
}
