package results

import (
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// RecorderOptions say what a Recorder counts and keeps.
type RecorderOptions struct {
	Count CountOptions       // what the Tally holds
	Kind  func(error) string // classifies failed tasks' errors; nil: all one kind
	// Keep is the longest run whose samples Finish returns one by one
	// (for tests and callers that look at single tasks); 0 keeps none.
	// A run longer than Keep keeps only its Tally.
	Keep int
	// Due returns the due time of task i for a task never recorded, so
	// that the timeline counts its arrival where it belongs; nil: 0.
	Due func(i int) time.Duration
	// Forget, if not nil, is told of each whole page of PageLen task
	// indices once every one of them was recorded (for example to drop
	// their due times). It is called from the recorder's own goroutine,
	// possibly some time after the page's last Set, and concurrently with
	// everything the writers do.
	Forget func(from, to int)
}

// PageLen is how many consecutive task indices a Recorder tracks as one
// page: it holds one bit per index of a page while the page has tasks not
// yet recorded (8 KiB), and nothing once all are.
const PageLen = 1 << 16

// Recorder adds each task's sample to a Counter as the task finishes: the
// sample waits in a small per-shard batch, and an owned goroutine (the
// folder) folds full batches into the Counter's histograms and counters,
// notes which indices were recorded and keeps the samples of short runs.
// A writer only appends to a batch under its shard's lock: the task's own
// goroutine (whose stack and time count in what the run measures) does
// no more. Its memory is
// bounded by the batches (a few hundred KiB), the Counter (histograms,
// exact values up to CountOptions.ExactLimit) and one bit per task of the
// index pages still open; it does not grow with the task count.
//
// Set may be called concurrently for distinct indices; callers must not
// write the same index twice. Finish is called once, after every Set.
type Recorder struct {
	opt     RecorderOptions
	cap     int
	counter *Counter
	shards  [nShards]shard
	full    chan *batch   // batches for the folder
	free    chan *batch   // emptied batches for reuse
	done    chan struct{} // closed when the folder has exited
	batches atomic.Int64  // batches allocated

	// The folder's own, and Finish's once the folder has exited:
	peak      int64 // the most bytes the recorder held, as the folder saw
	marks     []*marks
	kept      []*[keepPage]Sample
	openMarks int64 // mark pages allocated and not yet dropped
}

// entry is one recorded sample in a batch, its error aside: 48 bytes
// rather than a Sample's 56 and an index, with no pointer in it. A task's
// goroutine writes its entry to memory another CPU last read, so each
// byte less is a little less of the cache misses that are most of what
// recording costs a task; and a batch's entries are not scanned by the
// collector.
type entry struct {
	i, attempts                int32
	due, start, service, bytes int64
	outcome                    Outcome
	failed                     bool // its error is the batch's next in errs
}

// batch is a run of entries, and the errors of those that failed, in
// order.
type batch struct {
	e    []entry
	errs []error
}

// Batching: a writer takes its shard's lock only to append; a full batch
// goes to the folder whole.
const (
	nShards     = 16
	batchLen    = 256
	foldBacklog = 64 // full batches waiting before Set blocks
	// shardRun consecutive indices share a shard: tasks started one
	// after another tend to run on the same CPU (a new goroutine is
	// queued where it was started, others steal runs of them, and a
	// sleeper wakes where its timer was), so a CPU keeps writing to the
	// shard it wrote before instead of taking its cache line from the
	// other CPUs.
	shardRun = 64
	keepPage = 4096
)

type shard struct {
	mu  sync.Mutex
	buf *batch
	// 128 bytes a shard: its lock and slice (32 bytes) never share a
	// 64-byte cache line with another shard's, wherever the array starts.
	_ [96]byte
}

// marks is one page's record of which indices were set.
type marks struct {
	bits [PageLen / 64]uint64
	n    int32
}

// complete stands for a page whose every index was recorded.
var complete = new(marks)

// NewRecorder returns a Recorder for task indices below max and starts
// its folding goroutine; Finish waits for that goroutine.
func NewRecorder(max int, opt RecorderOptions) *Recorder {
	if opt.Kind == nil {
		opt.Kind = func(error) string { return "error" }
	}
	r := &Recorder{
		opt:     opt,
		cap:     max,
		counter: NewCounter(opt.Kind, opt.Count),
		marks:   make([]*marks, (max+PageLen-1)/PageLen),
		full:    make(chan *batch, foldBacklog),
		free:    make(chan *batch, foldBacklog+2*nShards),
		done:    make(chan struct{}),
	}
	if k := min(opt.Keep, max); k > 0 {
		r.kept = make([]*[keepPage]Sample, (k+keepPage-1)/keepPage)
	}
	go r.fold()
	return r
}

// Cap returns the bound on task indices.
func (r *Recorder) Cap() int { return r.cap }

// Set records the sample of task i (a copy: s may be reused at once). It
// blocks only while the folder is foldBacklog batches behind.
func (r *Recorder) Set(i int, s *Sample) {
	sh := &r.shards[(i/shardRun)%nShards]
	sh.mu.Lock()
	if sh.buf == nil {
		sh.buf = r.batch()
	}
	b := sh.buf
	b.e = append(b.e, entry{int32(i), s.Attempts, int64(s.Due), int64(s.Start), int64(s.Service), s.Bytes, s.Outcome, s.Err != nil})
	if s.Err != nil {
		b.errs = append(b.errs, s.Err)
	}
	if len(b.e) < batchLen {
		sh.mu.Unlock()
		return
	}
	sh.buf = nil
	sh.mu.Unlock()
	r.full <- b
}

// mark notes that task i was recorded, and drops its page's marks once
// the page is complete. Only the folder calls it.
func (r *Recorder) mark(i int) {
	k := i / PageLen
	m := r.marks[k]
	if m == nil {
		m = new(marks)
		r.marks[k] = m
		r.openMarks++
	}
	j := i % PageLen
	m.bits[j/64] |= 1 << (j % 64)
	if m.n++; m.n == PageLen {
		r.marks[k] = complete
		r.openMarks--
		if r.opt.Forget != nil {
			r.opt.Forget(k*PageLen, (k+1)*PageLen)
		}
	}
}

// keep stores the sample of task i if the run keeps it. Only the folder
// calls it.
func (r *Recorder) keep(i int, s *Sample) {
	k := i / keepPage
	if k >= len(r.kept) {
		return
	}
	if r.kept[k] == nil {
		r.kept[k] = new([keepPage]Sample)
	}
	r.kept[k][i%keepPage] = *s
}

// batch returns an empty batch, reused if one is free: this recorder's
// own, else one an earlier recorder left (spareBatches).
func (r *Recorder) batch() *batch {
	select {
	case b := <-r.free:
		return b
	default:
		r.batches.Add(1)
		select {
		case b := <-spareBatches:
			return b
		default:
			return &batch{e: make([]entry, 0, batchLen)}
		}
	}
}

// spareBatches holds the empty batches of finished recorders for the
// next one, up to 1.2 MB. Every run of a plan would otherwise allocate
// tens of batches afresh while its tasks run, and the garbage collector,
// whose cycles would then come sooner, would scan every live task's
// stack once more for nothing the tasks did: measured on 100k unbounded
// 10 ms tasks, a third more collections than the bare twin's. (A
// sync.Pool would not do: the collections of a run and the one before
// the next run empty it.)
var spareBatches = make(chan *batch, 64)

// release gives the recorder's empty batches to spareBatches; only Finish
// calls it, once the folder has exited.
func (r *Recorder) release() {
	for {
		select {
		case b := <-r.free:
			select {
			case spareBatches <- b:
			default:
				return
			}
		default:
			return
		}
	}
}

// fold adds full batches to the counter until Finish closes r.full.
func (r *Recorder) fold() {
	defer close(r.done)
	for b := range r.full {
		r.add(b)
	}
}

func (r *Recorder) add(b *batch) {
	k := 0
	for j := range b.e {
		e := &b.e[j]
		s := Sample{Due: time.Duration(e.due), Start: time.Duration(e.start), Service: time.Duration(e.service), Bytes: e.bytes, Attempts: e.attempts, Outcome: e.outcome}
		if e.failed {
			s.Err = b.errs[k]
			k++
		}
		i := int(e.i)
		r.keep(i, &s)
		r.mark(i)
		r.counter.AddAt(i, &s)
	}
	clear(b.errs) // drop the errors
	b.e, b.errs = b.e[:0], b.errs[:0]
	select {
	case r.free <- b:
	default:
		r.batches.Add(-1) // left to the collector: the recorder no longer holds it
	}
	r.peak = max(r.peak, r.bytes())
}

// bytes returns an estimate of the memory the recorder holds now: its
// batches, open mark pages, kept samples and its counter's histograms and
// exact values. Only the folder (or Finish, once it is done) calls it: it
// reads the counter.
func (r *Recorder) bytes() int64 {
	sample := int64(unsafe.Sizeof(Sample{}))
	b := r.batches.Load()*batchLen*int64(unsafe.Sizeof(entry{})) + r.openMarks*int64(unsafe.Sizeof(marks{}))
	b += int64(len(r.marks))*8 + int64(len(r.kept))*8
	for k := range r.kept {
		if r.kept[k] != nil {
			b += keepPage * sample
		}
	}
	return b + r.counter.Bytes()
}

// PeakBytes returns the most memory the recorder held (batches, open mark
// pages, kept samples, its counter's histograms and exact values) over the run; call it after Finish.
func (r *Recorder) PeakBytes() uint64 { return uint64(r.peak) }

// Finish adds the samples still batched to the count, counts every task
// of 0..n-1 never recorded as Canceled (with cause as its error, due at
// opt.Due), and returns the Tally. With a run of at most opt.Keep tasks
// it also returns the samples by index; otherwise nil. The Recorder may
// not be used after.
func (r *Recorder) Finish(n int, cause error) (Tally, []Sample) {
	for k := range r.shards {
		if b := r.shards[k].buf; b != nil {
			r.full <- b
			r.shards[k].buf = nil
		}
	}
	close(r.full)
	<-r.done
	r.release()
	keep := n <= min(r.opt.Keep, r.cap)
	var out []Sample
	if keep {
		out = make([]Sample, n)
	}
	for k := 0; k*PageLen < n; k++ {
		m := r.marks[k]
		if m == complete && !keep {
			continue
		}
		for i := k * PageLen; i < min(n, (k+1)*PageLen); i++ {
			j := i % PageLen
			if m == complete || m != nil && m.bits[j/64]&(1<<(j%64)) != 0 {
				if keep {
					out[i] = r.kept[i/keepPage][i%keepPage]
				}
				continue
			}
			s := Sample{Outcome: Canceled, Err: cause}
			if r.opt.Due != nil {
				s.Due = r.opt.Due(i)
			}
			r.counter.AddAt(i, &s)
			if keep {
				out[i] = s
			}
		}
	}
	r.peak = max(r.peak, r.bytes())
	return r.counter.Tally(), out
}
