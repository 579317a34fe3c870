package results

import (
	"fmt"
	"slices"
	"testing"
)

// TestChunksKeepEveryValue checks that a series' exact values come back
// whole and in order across chunk boundaries, so that exact percentiles
// are those of every value kept.
func TestChunksKeepEveryValue(t *testing.T) {
	for _, n := range []int{0, 1, chunkLen - 1, chunkLen, chunkLen + 1, 5 * chunkLen / 2} {
		var c chunks
		want := make([]float64, n)
		for i := range want {
			want[i] = float64(n - i)
			c.add(want[i])
		}
		got := c.all()
		if !slices.Equal(got, want) {
			t.Fatalf("n=%d: all() returned %d values, not the %d added in order", n, len(got), n)
		}
		if chunksHeld := (n + chunkLen - 1) / chunkLen; c.bytes() != int64(chunksHeld*chunkLen*8) {
			t.Errorf("n=%d: bytes() = %d, want %d chunks of %d values", n, c.bytes(), chunksHeld, chunkLen)
		}
		// Released chunks serve the next series: it sees its own values
		// only, none of those left in them.
		c.release()
		if c.bytes() != 0 {
			t.Errorf("n=%d: %d bytes held after release", n, c.bytes())
		}
		var next chunks
		next.add(-1)
		next.add(-2)
		if got := next.all(); !slices.Equal(got, []float64{-1, -2}) {
			t.Errorf("n=%d: a series on released chunks holds %v", n, got)
		}
		next.release()
	}
}

// TestErrorExampleIsLowestIndex checks that each error kind's example is
// the failed task of lowest index whatever order the samples come in, as
// a recorder's shards and worker processes deliver them.
func TestErrorExampleIsLowestIndex(t *testing.T) {
	kind := func(error) string { return "quota" }
	for _, order := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 3, 0, 1}} {
		c := NewCounter(kind, CountOptions{})
		for _, i := range order {
			s := Sample{Attempts: 1, Outcome: OK}
			if i%2 == 1 {
				s.Outcome, s.Err = Error, fmt.Errorf("task %d: over quota", i)
			}
			c.AddAt(i, &s)
		}
		if e := c.Tally().Errors["quota"]; e.Count != 2 || e.Example != "task 1: over quota" {
			t.Errorf("order %v: %+v, want 2 errors with task 1's as the example", order, e)
		}
	}
}
