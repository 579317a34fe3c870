// Package worker is the worker side of the process strategy, and the
// protocol it speaks with its parent: what a worker process runs, apart
// from the strategy (the process package), so that a lean worker binary
// links neither the strategies nor what they import.
package worker

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// The worker protocol, over the worker's stdin (parent to worker) and
// stdout (worker to parent). Integers are varints.
//
//	parent: hello  = magic "CBWK", version, spec (its fields in order: spec.go), per-process, worker id
//	worker: reply  = magic "CBWK", version, len, error text (empty: ready)
//	parent: task   = 'T', index            (repeated; EOF: no more tasks)
//	worker: result = 'R', index, service ns, attempts, bytes, outcome, kind, message
//
// or, for a closed loop where the OS shares memory (see Claims), instead
// of any task frame:
//
//	parent: go     = 'G', t0 as a CLOCK_MONOTONIC reading in ns
//	worker: result = 'S', as 'R', then the start as ns since t0 (repeated)
//
// the worker claiming each index from the memory, and exiting once none
// is left.
// A side that sees another version refuses the connection with an error
// naming both versions. A lean worker's error text that starts with
// "lean worker refuses: " asks the parent to start its workers from
// another binary (see process.UseLean).
const (
	magic        = "CBWK"
	Version      = 3 // of the protocol: 3 added claims, 2 sends the spec as fields, 1 as JSON
	frameTask    = 'T'
	frameResult  = 'R'
	frameGo      = 'G'
	frameStarted = 'S'
	maxFrameText = 1 << 20 // longer strings are refused, not allocated
	// MaxPerProcess bounds the slots a hello may ask of a worker, which
	// starts a goroutine per slot (harness.MaxConcurrency).
	MaxPerProcess = 1 << 20
	// MaxTaskIndex bounds a task index in a frame; plans hold far fewer
	// tasks (harness.MaxTasks), and an int32 fits every platform's int.
	MaxTaskIndex = math.MaxInt32
)

// Hello is what a worker needs to rebuild the tasks.
type Hello struct {
	Version    uint64
	Spec       workloads.Spec
	PerProcess int
	ID         int
}

func writeString(w *bufio.Writer, s string) {
	writeUvarint(w, uint64(len(s)))
	w.WriteString(s)
}

// writeUvarint appends x to w's buffer in place: a local array passed to
// Write escapes (Write may hand it to the underlying writer), which cost
// an allocation per integer, five per result.
func writeUvarint(w *bufio.Writer, x uint64) {
	if w.Available() < binary.MaxVarintLen64 {
		w.Flush() // an error stays in w and is returned by its next Flush
	}
	w.Write(binary.AppendUvarint(w.AvailableBuffer(), x))
}

func readString(r *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return "", err
	}
	if n > maxFrameText {
		return "", fmt.Errorf("string of %d bytes is over the protocol's limit", n)
	}
	b := make([]byte, n)
	_, err = io.ReadFull(r, b)
	return string(b), err
}

// ErrBadMagic means the other side does not speak the worker protocol.
var ErrBadMagic = errors.New("bad magic")

func readMagic(r *bufio.Reader) (uint64, error) {
	var m [len(magic)]byte
	if _, err := io.ReadFull(r, m[:]); err != nil {
		return 0, err
	}
	if string(m[:]) != magic {
		return 0, fmt.Errorf("%w %q: not a concbench worker stream", ErrBadMagic, m[:])
	}
	return binary.ReadUvarint(r)
}

func WriteHello(w *bufio.Writer, h Hello) error {
	w.WriteString(magic)
	writeUvarint(w, h.Version)
	writeSpec(w, &h.Spec)
	writeUvarint(w, uint64(h.PerProcess))
	writeUvarint(w, uint64(h.ID))
	return w.Flush()
}

// ReadHello reads a hello. A hello of another version is returned with an
// error, so the worker can still refuse it politely.
func ReadHello(r *bufio.Reader) (Hello, error) {
	var h Hello
	v, err := readMagic(r)
	if err != nil {
		return h, err
	}
	h.Version = v
	if v != Version {
		return h, fmt.Errorf("parent speaks worker protocol v%d, this worker speaks v%d", v, Version)
	}
	if h.Spec, err = readSpec(r); err != nil {
		return h, err
	}
	pp, err := binary.ReadUvarint(r)
	if err != nil {
		return h, err
	}
	if pp > MaxPerProcess {
		return h, fmt.Errorf("%d tasks per process is over the limit of %d", pp, MaxPerProcess)
	}
	id, err := binary.ReadUvarint(r)
	if id > math.MaxInt32 {
		return h, fmt.Errorf("worker id %d out of range", id)
	}
	h.PerProcess, h.ID = int(pp), int(id)
	return h, err
}

func WriteReply(w *bufio.Writer, version uint64, problem string) error {
	w.WriteString(magic)
	writeUvarint(w, version)
	writeString(w, problem)
	return w.Flush()
}

// ReadReply returns nil if the worker is ready, an error wrapping
// ErrRefused if it is a lean worker that refuses.
func ReadReply(r *bufio.Reader) error {
	v, err := readMagic(r)
	if err != nil {
		return err
	}
	problem, err := readString(r)
	if err != nil {
		return err
	}
	if rest, ok := strings.CutPrefix(problem, refusal); ok {
		return fmt.Errorf("%w: %s", ErrRefused, rest)
	}
	if problem != "" {
		return errors.New(problem)
	}
	if v != Version {
		return fmt.Errorf("worker speaks protocol v%d, this parent speaks v%d", v, Version)
	}
	return nil
}

func WriteResult(w *bufio.Writer, i int, s *results.Sample) { writeResult(w, frameResult, i, s) }

// WriteStarted writes a result frame that carries the task's start (an
// offset from the parent's t0): that of a claimed task, which only the
// worker knows.
func WriteStarted(w *bufio.Writer, i int, s *results.Sample) {
	writeResult(w, frameStarted, i, s)
	writeUvarint(w, uint64(max(s.Start, 0)))
}

func writeResult(w *bufio.Writer, frame byte, i int, s *results.Sample) {
	w.WriteByte(frame)
	writeUvarint(w, uint64(i))
	writeUvarint(w, uint64(max(s.Service, 0)))
	writeUvarint(w, uint64(s.Attempts))
	writeUvarint(w, uint64(max(s.Bytes, 0)))
	w.WriteByte(byte(s.Outcome))
	if s.Err == nil {
		writeString(w, "")
		return
	}
	writeString(w, workloads.Kind(s.Err))
	writeString(w, s.Err.Error())
}

// WriteGo tells a worker to claim its tasks (see Claims); t0 is the
// parent's t0 as a CLOCK_MONOTONIC reading (MonoAt).
func WriteGo(w *bufio.Writer, t0 int64) {
	w.WriteByte(frameGo)
	writeVarint(w, t0)
}

// ReadResult reads one result frame. Due is left to the parent, and so
// is Start but in a claimed task's frame.
func ReadResult(r *bufio.Reader) (int, results.Sample, error) {
	var s results.Sample
	t, err := r.ReadByte()
	if err != nil {
		return 0, s, err
	}
	if t != frameResult && t != frameStarted {
		return 0, s, fmt.Errorf("unexpected frame type %q from worker", t)
	}
	var x [4]uint64
	for k := range x {
		if x[k], err = binary.ReadUvarint(r); err != nil {
			return 0, s, err
		}
	}
	o, err := r.ReadByte()
	if err != nil {
		return 0, s, err
	}
	kind, err := readString(r)
	if err != nil {
		return 0, s, err
	}
	if kind != "" {
		msg, err := readString(r)
		if err != nil {
			return 0, s, err
		}
		s.Err = &workloads.KindError{Kind: kind, Msg: msg}
	}
	// A figure that does not fit its field would wrap to a negative one
	// (a service time of -292 years); an unknown outcome would be counted
	// nowhere. A worker never sends either: it is not a worker.
	switch {
	case x[0] > MaxTaskIndex:
		return 0, s, fmt.Errorf("result for task %d, past any task index", x[0])
	case x[1] > math.MaxInt64, x[2] > math.MaxInt32, x[3] > math.MaxInt64:
		return 0, s, fmt.Errorf("result for task %d with a figure out of range", x[0])
	case o > byte(results.Dropped):
		return 0, s, fmt.Errorf("result for task %d with unknown outcome %d", x[0], o)
	}
	s.Service, s.Attempts, s.Bytes, s.Outcome = time.Duration(x[1]), int32(x[2]), int64(x[3]), results.Outcome(o)
	if t == frameStarted {
		start, err := binary.ReadUvarint(r)
		if err != nil {
			return 0, s, err
		}
		if start > math.MaxInt64 {
			return 0, s, fmt.Errorf("result for task %d with a start out of range", x[0])
		}
		s.Start = time.Duration(start)
	}
	return int(x[0]), s, nil
}

// WriteTask writes a task frame: run task i.
func WriteTask(w *bufio.Writer, i int) {
	w.WriteByte(frameTask)
	writeUvarint(w, uint64(i))
}
