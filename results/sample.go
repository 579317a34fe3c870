// Package results records per-task samples, summarises runs and renders the
// summaries as tables, CSV and JSON.
//
// Recording is lock-free: a Recorder owns one slot per task index and each
// slot is written by exactly one goroutine, the one that ran the task.
package results

import (
	"fmt"
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
)

var outcomeNames = [...]string{"not_run", "ok", "error", "timeout", "panic", "canceled"}

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

// pageBits sets the page size of a growing Recorder: 64Ki samples, 3.5 MiB.
const pageBits = 16

// Recorder holds one Sample slot per task index.
//
// Set may be called concurrently for distinct indices without any lock;
// callers must not write the same index from two goroutines. Samples must
// only be read after every writer has finished (the strategy has returned).
type Recorder struct {
	fixed []Sample               // NewRecorder: every slot up front
	pages []atomic.Pointer[page] // NewGrowingRecorder: allocated on first use
}

type page [1 << pageBits]Sample

// NewRecorder returns a Recorder with n slots allocated up front.
func NewRecorder(n int) *Recorder { return &Recorder{fixed: make([]Sample, n)} }

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
	if r.pages == nil {
		r.fixed[i] = s
		return
	}
	slot := &r.pages[i>>pageBits]
	p := slot.Load()
	if p == nil {
		// Two writers may race to allocate a page; the loser adopts the
		// winner's, so no sample is lost.
		p = new(page)
		if !slot.CompareAndSwap(nil, p) {
			p = slot.Load()
		}
	}
	p[i&(1<<pageBits-1)] = s
}

// Finish returns the samples of tasks 0..n-1 in index order, marking every
// slot that was never written as Canceled (with cause as its error), so a
// canceled run accounts for every task it was given.
func (r *Recorder) Finish(n int, cause error) []Sample {
	var out []Sample
	if r.pages == nil {
		out = r.fixed[:n]
	} else {
		out = make([]Sample, n)
		for k := 0; k < n; k += len(page{}) {
			if p := r.pages[k>>pageBits].Load(); p != nil {
				copy(out[k:], p[:])
			}
		}
	}
	for i := range out {
		if out[i].Outcome == NotRun {
			out[i].Outcome = Canceled
			out[i].Err = cause
		}
	}
	return out
}
