package worker

import (
	"bufio"
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// FuzzFrames reads any bytes as each side of the worker protocol would:
// the worker reads a hello then tasks, the parent a reply then results.
// Nothing panics or allocates past the protocol's limits, and what is
// accepted is in range: a task index no plan exceeds, figures that are
// not negative, a known outcome.
func FuzzFrames(f *testing.F) {
	var hi, reply, frames bytes.Buffer
	w := bufio.NewWriter(&hi)
	WriteHello(w, Hello{Version: Version, Spec: workloads.Spec{Name: "sleep", Seed: 1}, PerProcess: 4, ID: 2})
	w = bufio.NewWriter(&reply)
	WriteReply(w, Version, "")
	w = bufio.NewWriter(&frames)
	WriteResult(w, 7, &results.Sample{Service: time.Millisecond, Attempts: 2, Bytes: 10, Outcome: results.OK})
	WriteResult(w, 8, &results.Sample{Outcome: results.Error, Err: &workloads.KindError{Kind: "timeout", Msg: "too slow"}})
	WriteTask(w, 9)
	WriteStarted(w, 10, &results.Sample{Start: 3 * time.Millisecond, Service: time.Millisecond, Attempts: 1, Outcome: results.OK})
	w.Flush()
	f.Add(hi.Bytes())
	f.Add(append(reply.Bytes(), frames.Bytes()...))
	f.Add(frames.Bytes())
	f.Add([]byte("CBWK\x09\x05v9 no"))
	f.Add([]byte("R\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x00\x00\x00\x09\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if h, err := ReadHello(bufio.NewReader(bytes.NewReader(b))); err == nil {
			if h.PerProcess < 0 || h.PerProcess > MaxPerProcess || h.ID < 0 {
				t.Errorf("hello accepted with %d per process, id %d", h.PerProcess, h.ID)
			}
		}
		ReadReply(bufio.NewReader(bytes.NewReader(b)))
		for _, side := range []string{"worker", "parent"} {
			r := bufio.NewReader(bytes.NewReader(b))
			for n := 0; n <= len(b); n++ { // each frame takes a byte at least
				var i int
				var err error
				var s results.Sample
				if side == "worker" {
					i, err = readTask(r)
				} else {
					i, s, err = ReadResult(r)
				}
				if err != nil {
					break
				}
				if i < 0 || i > MaxTaskIndex || s.Start < 0 || s.Service < 0 || s.Attempts < 0 || s.Bytes < 0 || s.Outcome > results.Dropped {
					t.Fatalf("%s accepted task %d with %+v", side, i, s)
				}
				if s.Err != nil && !errors.As(s.Err, new(*workloads.KindError)) {
					t.Fatalf("error of another type: %T", s.Err)
				}
			}
		}
	})
}
