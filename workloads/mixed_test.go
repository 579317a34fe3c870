package workloads

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
)

func TestMixedParamsAndEstimate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     params.Values
		bad   string        // the flag an error names; "" if valid
		ideal time.Duration // Expected(i), when known
		known bool
	}{
		{"defaults", nil, "", 0, false},
		{"wait-only", params.Values{"work": "0", "latency": "30ms"}, "", 30 * time.Millisecond, true},
		{"cpu-only", params.Values{"latency": "0s", "work": "5"}, "", 0, false},
		{"negative-work", params.Values{"work": "-1"}, "work", 0, false},
		{"huge-work", params.Values{"work": "99999999999999999"}, "work", 0, false},
		{"bad-latency", params.Values{"latency": "soon"}, "latency", 0, false},
		{"long-latency", params.Values{"latency": "48h"}, "latency", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Spec{Name: "mixed", Params: tc.p}
			task, err := New(s)
			var pe *params.Error
			if tc.bad != "" {
				if !errors.As(err, &pe) || pe.Param != tc.bad || !errors.As(s.Validate(), &pe) {
					t.Fatalf("got %v, want an error naming --%s from New and Validate", err, tc.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d, ok := task.Expected(3); ok != tc.known || d != tc.ideal {
				t.Errorf("Expected = %v, %v; want %v, %v", d, ok, tc.ideal, tc.known)
			}
		})
	}
}

// TestMixedWaitsOverlap runs n tasks one after another and all
// at once: the waits add up in the first and overlap in the second.
func TestMixedWaitsOverlap(t *testing.T) {
	const n, l = 10, 40 * time.Millisecond
	task := mustNew(t, Spec{Name: "mixed", Params: params.Values{"latency": l.String(), "work": "200000"}})
	t0 := time.Now()
	for i := range n {
		if s := task.Run(context.Background(), i, t0); s.Outcome != results.OK || s.Service < l {
			t.Fatalf("task %d: %v after %v, want ok after at least %v", i, s.Outcome, s.Service, l)
		}
	}
	seq := time.Since(t0)
	t1 := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { task.Run(context.Background(), i, t1) })
	}
	wg.Wait()
	all := time.Since(t1)
	// Sequential is at least the sum of the waits; at once, at least one
	// wait, and (the waits overlapping) far less than sequential.
	if seq < n*l || all < l || all > seq/2 {
		t.Errorf("sequential %v (want >= %v), all at once %v (want >= %v and < half of sequential)", seq, n*l, all, l)
	}
}

func TestMixedCancels(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    params.Values
	}{
		{"during-the-wait", params.Values{"latency": "1h", "work": "0"}},
		{"during-the-work", params.Values{"latency": "0s", "work": "1000000000000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := mustNew(t, Spec{Name: "mixed", Params: tc.p})
			// The run starts at once and ctx ends 20 ms into it: without
			// cancellation, the task would take an hour or about 17 minutes.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			if s := task.Run(ctx, 0, time.Now()); s.Outcome != results.Canceled {
				t.Errorf("%v %v, want canceled", s.Outcome, s.Err)
			}
		})
	}
}
