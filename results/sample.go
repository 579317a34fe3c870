// Package results records per-task samples, summarises runs and renders the
// summaries as tables, CSV and JSON.
//
// Recording is lock-free: a Recorder owns one slot per task index and each
// slot is written by exactly one goroutine, the one that ran the task.
package results

import (
	"fmt"
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
	Attempts int32         // attempts made, 0 if it never started
	Outcome  Outcome
	Err      error // the last attempt's error; nil when OK
}

// Wait is the time the task spent ready but not yet started.
func (s *Sample) Wait() time.Duration { return s.Start - s.Due }

// Recorder holds one Sample slot per task index.
//
// Set may be called concurrently for distinct indices without any lock;
// callers must not write the same index from two goroutines. Samples must
// only be read after every writer has finished (the strategy has returned).
type Recorder struct {
	samples []Sample
}

// NewRecorder returns a Recorder with n empty slots.
func NewRecorder(n int) *Recorder { return &Recorder{samples: make([]Sample, n)} }

// Len returns the number of slots.
func (r *Recorder) Len() int { return len(r.samples) }

// Set stores the sample of task i.
func (r *Recorder) Set(i int, s Sample) { r.samples[i] = s }

// Finish marks every slot that was never written as Canceled, so that a
// canceled run accounts for every task, and returns the samples.
func (r *Recorder) Finish(cause error) []Sample {
	for i := range r.samples {
		if r.samples[i].Outcome == NotRun {
			r.samples[i].Outcome = Canceled
			r.samples[i].Err = cause
		}
	}
	return r.samples
}
