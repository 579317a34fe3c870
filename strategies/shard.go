package strategies

// Shard is one of Count parts of a plan run on separate machines: task
// (and arrival) k belongs to shard k mod Count, so the shards together run
// every task of the plan exactly once, each built as one machine would
// build it. The zero value, like Count 1, is the whole plan.
type Shard struct {
	Index, Count int
}

// Sharded reports whether s is a part of a plan rather than all of it.
func (s Shard) Sharded() bool { return s.Count > 1 }

// Global returns the plan's index of the shard's j-th task.
func (s Shard) Global(j int) int {
	if !s.Sharded() {
		return j
	}
	return s.Index + j*s.Count
}

// Tasks returns how many of the plan's first n tasks belong to the shard.
func (s Shard) Tasks(n int) int {
	if !s.Sharded() {
		return n
	}
	return max(n-s.Index+s.Count-1, 0) / s.Count
}

// Share returns the shard's part of c slots split across the shards, the
// remainder going to the lowest indices.
func (s Shard) Share(c int) int {
	if !s.Sharded() {
		return c
	}
	share := c / s.Count
	if s.Index < c%s.Count {
		share++
	}
	return share
}
