// Package results records per-task samples, summarises runs and renders the
// summaries as tables, CSV and JSON.
//
// Recording streams: a Recorder adds each task's sample to mergeable HDR
// histograms and counters as the task finishes, so a run's memory depends
// on the tasks in flight, not on how many it runs.
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
