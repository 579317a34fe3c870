package worker

import (
	"bufio"
	"io"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
)

// TestFramesDoNotAllocate: writing a task or a result (without an error)
// allocates nothing; the protocol writes one of each per task.
func TestFramesDoNotAllocate(t *testing.T) {
	w := bufio.NewWriterSize(io.Discard, 64)
	s := results.Sample{Service: time.Millisecond, Attempts: 1, Bytes: 1 << 40, Outcome: results.OK}
	for _, tc := range []struct {
		name  string
		write func()
	}{
		{"task", func() { WriteTask(w, 1<<30) }},
		{"result", func() { WriteResult(w, 1<<30, &s) }},
		{"started", func() { WriteStarted(w, 1<<30, &s) }},
	} {
		if n := testing.AllocsPerRun(1000, tc.write); n != 0 {
			t.Errorf("writing a %s: %v allocations", tc.name, n)
		}
	}
}
