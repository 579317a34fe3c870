// Package examples shows concbench measuring a function of a user's own:
// a task that hashes a buffer, then waits on a simulated remote call, as
// a handler that checks a payload and then queries a database does.
//
// Run its benchmark and set the strategies side by side:
//
//	go test -bench . -count 6 > x.txt && go tool benchstat -col /strategy x.txt
package examples

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"time"

	"github.com/concbench/concbench"
)

// payload is what each task hashes: 64 KiB, the same in every process.
var payload = func() []byte {
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

// CallLatency is how long the simulated call takes.
const CallLatency = 2 * time.Millisecond

// HashThenCall is task i: hash the payload with i mixed in (CPU), then
// wait CallLatency for a simulated call (I/O). It is defined at package
// level, so the worker processes of the process strategy, which re-execute
// the test binary, define it too; it depends on i alone.
var HashThenCall = concbench.Define("hash-then-call", func(ctx context.Context, i int) error {
	h := sha256.New()
	h.Write(binary.LittleEndian.AppendUint64(nil, uint64(i)))
	h.Write(payload)
	if h.Sum(nil)[0] == 0 && i < 0 {
		return concbench.Errorf("impossible", "task %d", i) // keeps the hash from being optimised away
	}
	t := time.NewTimer(CallLatency)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return concbench.Errorf("call", "task %d: %w", i, ctx.Err())
	}
})
