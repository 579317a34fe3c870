// Package results records per-task samples, summarises runs and renders the
// summaries as tables, CSV and JSON.
//
// Recording is lock-free: a Recorder owns one slot per task index and each
// slot is written by exactly one goroutine, the one that ran the task.
package results

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Outcome is how a task ended. The zero value means the task never ran.
type Outcome uint8

// Outcomes, in the order tables print them.
const (
	NotRun   Outcome = iota // never started; a finished run turns these into Canceled
	OK                      // the last attempt succeeded
	Error                   // the last attempt failed
	Timeout                 // the last attempt hit the per-attempt timeout
	Panic                   // the task panicked; it is not retried
	Canceled                // the run was canceled before or while the task ran
	Dropped                 // open loop: it arrived to a full queue and never ran
)

var outcomeNames = [...]string{"not_run", "ok", "error", "timeout", "panic", "canceled", "dropped"}

// String returns the outcome's name as used in JSON and tables.
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("outcome(%d)", o)
}

// Sample is what one task did. Times are offsets from the run's start.
type Sample struct {
	Due      time.Duration // when the task became ready to run (0 in a closed-loop run)
	Start    time.Duration // when it started, or was handed to another process
	Service  time.Duration // time spent running it, all attempts and backoffs included
	Bytes    int64         // bytes received (network workloads)
	Attempts int32         // attempts made, 0 if it never started
	Outcome  Outcome
	Err      error // the last attempt's error; nil when OK
}

// Wait is the time the task spent ready but not yet started.
func (s *Sample) Wait() time.Duration { return s.Start - s.Due }

// slot is how a Recorder stores a Sample: without pointers, so the
// garbage collector never scans the (possibly gigabytes of) samples while
// a run goes on. Errors live in a side table; err is 1 + their index.
type slot struct {
	due, start, service, bytes int64
	attempts                   int32
	outcome                    Outcome
	err                        uint32
}

// pageBits sets the page size of a growing Recorder: 64Ki samples, 3 MiB.
const pageBits = 16

// Recorder holds one Sample slot per task index.
//
// Set may be called concurrently for distinct indices without any lock
// (a failed task's error alone takes one); callers must not write the same
// index from two goroutines. Samples are read with Finish, after every
// writer has finished (the strategy has returned).
type Recorder struct {
	fixed []slot                 // NewRecorder: every slot up front
	pages []atomic.Pointer[page] // NewGrowingRecorder: allocated on first use
	mu    sync.Mutex             // guards errs
	errs  []error
}

type page [1 << pageBits]slot

// NewRecorder returns a Recorder with n slots allocated up front.
func NewRecorder(n int) *Recorder { return &Recorder{fixed: make([]slot, n)} }

// NewGrowingRecorder returns a Recorder for up to max slots whose memory
// grows in pages as slots are written, for runs whose task count is not
// known in advance.
func NewGrowingRecorder(max int) *Recorder {
	return &Recorder{pages: make([]atomic.Pointer[page], (max+len(page{})-1)>>pageBits)}
}

// Cap returns the number of slots.
func (r *Recorder) Cap() int {
	if r.pages == nil {
		return len(r.fixed)
	}
	return len(r.pages) << pageBits
}

// Set stores the sample of task i.
func (r *Recorder) Set(i int, s Sample) {
	st := slot{
		due: int64(s.Due), start: int64(s.Start), service: int64(s.Service), bytes: s.Bytes,
		attempts: s.Attempts, outcome: s.Outcome,
	}
	if s.Err != nil {
		r.mu.Lock()
		r.errs = append(r.errs, s.Err)
		st.err = uint32(len(r.errs))
		r.mu.Unlock()
	}
	if r.pages == nil {
		r.fixed[i] = st
		return
	}
	ps := &r.pages[i>>pageBits]
	p := ps.Load()
	if p == nil {
		// Two writers may race to allocate a page; the loser adopts the
		// winner's, so no sample is lost.
		p = new(page)
		if !ps.CompareAndSwap(nil, p) {
			p = ps.Load()
		}
	}
	p[i&(1<<pageBits-1)] = st
}

// Finish returns the samples of tasks 0..n-1 in index order, marking every
// slot that was never written as Canceled (with cause as its error), so a
// canceled run accounts for every task it was given.
func (r *Recorder) Finish(n int, cause error) []Sample {
	out := make([]Sample, n)
	for i := range out {
		var st *slot
		if r.pages == nil {
			st = &r.fixed[i]
		} else if p := r.pages[i>>pageBits].Load(); p != nil {
			st = &p[i&(1<<pageBits-1)]
		}
		if st == nil || st.outcome == NotRun {
			out[i] = Sample{Outcome: Canceled, Err: cause}
			continue
		}
		out[i] = Sample{
			Due: time.Duration(st.due), Start: time.Duration(st.start), Service: time.Duration(st.service),
			Bytes: st.bytes, Attempts: st.attempts, Outcome: st.outcome,
		}
		if st.err > 0 {
			out[i].Err = r.errs[st.err-1]
		}
	}
	return out
}
