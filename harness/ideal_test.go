package harness

import (
	"testing"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// TestIdealMakespanInOneStep checks the one-step makespan of tasks that
// all take the same time against list scheduling task by task, for slots
// from one to more than the tasks, and that tasks of varied durations
// still go task by task (their makespan is theirs, not a multiple).
func TestIdealMakespanInOneStep(t *testing.T) {
	fixed := mustTask(t, workloads.Spec{Name: "sleep", Params: params.Values{"latency": "7ms"}})
	varied := mustTask(t, workloads.Spec{Name: "sleep", Params: params.Values{"durations": "1ms,5ms,2ms"}})
	if _, ok := fixed.Uniform(); !ok {
		t.Fatal("a fixed sleep is not uniform: the one-step path is not taken")
	}
	for _, task := range []*workloads.Task{fixed, varied} {
		for _, c := range []struct{ n, slots int }{{1, 1}, {10, 1}, {10, 3}, {10, 10}, {10, 100}, {1000, 7}, {5, 0}} {
			got, ok := idealMakespan(task, c.n, c.slots)
			want, wok := results.ListScheduleOf(c.n, c.slots, task.Expected)
			if ok != wok || got != want {
				t.Errorf("%v, %d tasks in %d slots: %v, %v; task by task %v, %v", task.Spec().Params, c.n, c.slots, got, ok, want, wok)
			}
		}
	}
}
