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

// PageLen is the number of samples in a page of a growing Recorder.
const PageLen = 1 << pageBits

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
	fold  *folder // set by Fold
}

type page struct {
	slots   [PageLen]slot
	written atomic.Int32 // slots set; counted only when folding
}

// NewRecorder returns a Recorder with n slots allocated up front.
func NewRecorder(n int) *Recorder { return &Recorder{fixed: make([]slot, n)} }

// NewGrowingRecorder returns a Recorder for up to max slots whose memory
// grows in pages as slots are written, for runs whose task count is not
// known in advance.
func NewGrowingRecorder(max int) *Recorder {
	return &Recorder{pages: make([]atomic.Pointer[page], (max+PageLen-1)>>pageBits)}
}

// Growing reports whether r is from NewGrowingRecorder.
func (r *Recorder) Growing() bool { return r.pages != nil }

// Cap returns the number of slots.
func (r *Recorder) Cap() int {
	if r.pages == nil {
		return len(r.fixed)
	}
	return len(r.pages) << pageBits
}

// Set stores the sample of task i. It does not block, but for a moment
// when a folding Recorder's folder is over a thousand pages behind.
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
	k := i >> pageBits
	ps := &r.pages[k]
	p := ps.Load()
	if p == nil {
		// Two writers may race to allocate a page; the loser adopts the
		// winner's, so no sample is lost.
		p = new(page)
		if !ps.CompareAndSwap(nil, p) {
			p = ps.Load()
		}
	}
	p.slots[i&(PageLen-1)] = st
	if r.fold != nil && p.written.Add(1) == PageLen {
		r.fold.full <- k // the atomic chain orders every slot write before this
	}
}

// slotSample returns slot st (nil: never written) as a Sample; an
// unwritten slot is Canceled with cause. With release, the slot's error
// is dropped from the side table.
func (r *Recorder) slotSample(st *slot, cause error, release bool) Sample {
	if st == nil || st.outcome == NotRun {
		return Sample{Outcome: Canceled, Err: cause}
	}
	s := Sample{
		Due: time.Duration(st.due), Start: time.Duration(st.start), Service: time.Duration(st.service),
		Bytes: st.bytes, Attempts: st.attempts, Outcome: st.outcome,
	}
	if st.err > 0 {
		r.mu.Lock() // a folder reads while Set may be appending
		s.Err = r.errs[st.err-1]
		if release {
			r.errs[st.err-1] = nil
		}
		r.mu.Unlock()
	}
	return s
}

// pageSlot returns slot j of page k, nil if the page was never written.
func (r *Recorder) pageSlot(k, j int) *slot {
	if p := r.pages[k].Load(); p != nil {
		return &p.slots[j]
	}
	return nil
}

// Finish returns the samples of tasks 0..n-1 in index order, marking every
// slot that was never written as Canceled (with cause as its error), so a
// canceled run accounts for every task it was given. A folding Recorder
// adds the samples it has not folded yet to its Counter, and returns nil
// if it had to free pages to keep its memory bounded.
func (r *Recorder) Finish(n int, cause error) []Sample {
	if f := r.fold; f != nil {
		close(f.full)
		<-f.done
		for k := 0; k<<pageBits < n; k++ {
			if !f.folded[k] {
				r.foldPage(k, min(PageLen, n-k<<pageBits), cause)
			}
		}
		if f.lossy {
			return nil
		}
	}
	out := make([]Sample, n)
	for i := range out {
		if r.pages == nil {
			out[i] = r.slotSample(&r.fixed[i], cause, false)
		} else {
			out[i] = r.slotSample(r.pageSlot(i>>pageBits, i&(PageLen-1)), cause, false)
		}
	}
	return out
}
