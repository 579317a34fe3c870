package worker

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

// The hello carries the workload's spec as its fields in a fixed order,
// not as JSON: a worker's first JSON decode builds the reflection caches
// of the types it meets, 50-90 µs of the ~1.3 ms from exec to "ready" on
// the 2-core VM (2026-12-03). TestSpecRoundTrip sets every field of
// workloads.Spec, so a field added there without a line here fails it.

// Bounds on a spec's lists, so that a corrupt hello is refused rather
// than allocated.
const (
	maxSpecParams = 1 << 10
	maxSpecInts   = 1 << 20
)

func writeSpec(w *bufio.Writer, s *workloads.Spec) {
	writeString(w, s.Name)
	writeVarint(w, s.Seed)
	writeUvarint(w, uint64(len(s.Params)))
	for _, k := range slices.Sorted(maps.Keys(s.Params)) {
		writeString(w, k)
		writeString(w, s.Params[k])
	}
	writeVarint(w, int64(s.Conns))
	writeUvarint(w, math.Float64bits(s.FailRate))
	writeVarint(w, int64(s.Timeout))
	writeVarint(w, int64(s.Retries))
	writeVarint(w, int64(s.Backoff))
	writeInts(w, s.PanicAt)
	writeInts(w, s.CrashAt)
	writeVarint(w, int64(s.StallAt))
	writeVarint(w, int64(s.StallFor))
}

// readSpec reads what writeSpec wrote. Values are not validated here:
// workloads.New does that, as it does for a spec from anywhere.
func readSpec(r *bufio.Reader) (workloads.Spec, error) {
	var s workloads.Spec
	sr := specReader{r: r}
	s.Name = sr.string()
	s.Seed = sr.varint()
	if n := sr.count(maxSpecParams, "parameters"); n > 0 {
		s.Params = make(params.Values, n)
		for range n {
			k := sr.string()
			s.Params[k] = sr.string()
		}
	}
	s.Conns = int(sr.varint())
	s.FailRate = math.Float64frombits(sr.uvarint())
	s.Timeout = time.Duration(sr.varint())
	s.Retries = int(sr.varint())
	s.Backoff = time.Duration(sr.varint())
	s.PanicAt = sr.ints()
	s.CrashAt = sr.ints()
	s.StallAt = time.Duration(sr.varint())
	s.StallFor = time.Duration(sr.varint())
	if sr.err != nil {
		return workloads.Spec{}, fmt.Errorf("workload spec: %w", sr.err)
	}
	return s, nil
}

// specReader reads a spec's fields, keeping the first error (after
// which every read returns a zero value).
type specReader struct {
	r   *bufio.Reader
	err error
}

// read returns what f reads, or the zero value once a read has failed
// (the first error is kept).
func read[T any](sr *specReader, f func(*bufio.Reader) (T, error)) T {
	var x T
	if sr.err == nil {
		x, sr.err = f(sr.r)
	}
	return x
}

func readUvarint(r *bufio.Reader) (uint64, error) { return binary.ReadUvarint(r) }
func readVarint(r *bufio.Reader) (int64, error)   { return binary.ReadVarint(r) }

func (sr *specReader) uvarint() uint64 { return read(sr, readUvarint) }
func (sr *specReader) varint() int64   { return read(sr, readVarint) }
func (sr *specReader) string() string  { return read(sr, readString) }

func (sr *specReader) count(limit int, what string) int {
	n := sr.uvarint()
	if n > uint64(limit) && sr.err == nil {
		sr.err = fmt.Errorf("%d %s is over the protocol's limit of %d", n, what, limit)
	}
	if sr.err != nil {
		return 0
	}
	return int(n)
}

func (sr *specReader) ints() []int {
	n := sr.count(maxSpecInts, "task indices")
	if n == 0 {
		return nil
	}
	out := make([]int, 0, min(n, 1<<10)) // grows with what arrives, not with what the count says
	for range n {
		x := sr.varint()
		if sr.err != nil {
			return nil
		}
		out = append(out, int(x))
	}
	return out
}

// writeVarint writes x zig-zag encoded, as binary.AppendVarint does and
// binary.ReadVarint reads.
func writeVarint(w *bufio.Writer, x int64) { writeUvarint(w, uint64(x)<<1^uint64(x>>63)) }

func writeInts(w *bufio.Writer, xs []int) {
	writeUvarint(w, uint64(len(xs)))
	for _, x := range xs {
		writeVarint(w, int64(x))
	}
}
