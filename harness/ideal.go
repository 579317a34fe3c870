package harness

import (
	"time"

	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// What a cell's tasks would take with no scheduling cost at all, from the
// durations the workload knows: the ideal makespan eff is measured
// against, and the mean the tasks were set to take, which the service
// time is read against (results.Warnings).

// idealMakespan is the list-scheduling makespan of task's first n tasks
// in slots, false when their durations are unknown: in one step when
// every task takes the same time (ceil(n/slots) rounds of it), else task
// by task (22 ms for a million sleeps).
func idealMakespan(task *workloads.Task, n, slots int) (time.Duration, bool) {
	if d, ok := task.Uniform(); ok && n > 0 {
		slots = min(max(slots, 1), n)
		return time.Duration((n+slots-1)/slots) * d, true
	}
	return results.ListScheduleOf(n, slots, task.Expected)
}

// expectedMean is the mean time task's first n tasks are set to take, in
// seconds, false when their durations are unknown (as idealMakespan).
func expectedMean(task *workloads.Task, n int) (float64, bool) {
	if n <= 0 {
		return 0, false
	}
	if d, ok := task.Uniform(); ok {
		return d.Seconds(), true
	}
	var sum time.Duration
	for i := range n {
		d, ok := task.Expected(i)
		if !ok {
			return 0, false
		}
		sum += d
	}
	return sum.Seconds() / float64(n), true
}
