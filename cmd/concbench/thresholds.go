package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/concbench/concbench/results"
)

// thresholdList is the repeatable --threshold flag. Each value is parsed
// when given, so a typo is a usage error before anything runs.
type thresholdList struct{ v []results.Threshold }

func (l *thresholdList) String() string {
	var parts []string
	for _, t := range l.v {
		parts = append(parts, t.Text)
	}
	return strings.Join(parts, ",")
}

func (l *thresholdList) Type() string { return "expr" }

func (l *thresholdList) Set(s string) error {
	t, err := results.ParseThreshold(s)
	if err != nil {
		return err
	}
	l.v = append(l.v, t)
	return nil
}

// thresholdUsage is the flag's help: the syntax and every metric.
func thresholdUsage() string {
	var b strings.Builder
	b.WriteString("fail (exit 3) unless every cell meets this, e.g. 'p99<50ms', 'errors<1%', 'throughput>=1000/s', 'rate>=99%', 'rss<500MiB'; repeatable. Metrics:")
	for _, m := range results.Metrics() {
		fmt.Fprintf(&b, "\n    %-15s %s", m.Name, m.Doc)
	}
	return b.String()
}

// errThresholds is returned when a threshold failed: exit 3.
var errThresholds = errors.New("thresholds failed")

// thresholdError names the cells and thresholds that failed, on one line.
type thresholdError struct{ failed []string }

func (e *thresholdError) Error() string {
	const most = 3
	msg := strings.Join(e.failed[:min(len(e.failed), most)], "; ")
	if len(e.failed) > most {
		msg += fmt.Sprintf("; and %d more", len(e.failed)-most)
	}
	return fmt.Sprintf("%d threshold checks failed: %s", len(e.failed), msg)
}

func (e *thresholdError) Unwrap() error { return errThresholds }

// checkThresholds evaluates ts on doc's runs (storing the checks in them)
// and returns a *thresholdError if any failed.
func checkThresholds(doc *results.Document, ts []results.Threshold) error {
	if len(ts) == 0 || results.EvalThresholds(doc, ts) {
		return nil
	}
	var failed []string
	for i := range doc.Runs {
		s := &doc.Runs[i]
		for _, c := range s.Thresholds {
			if !c.Pass {
				failed = append(failed, fmt.Sprintf("%s conc=%d: %s (%s)", s.Strategy, s.Concurrency, c.Threshold, c.Reason))
			}
		}
	}
	return &thresholdError{failed}
}
