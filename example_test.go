package concbench_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/concbench/concbench"
	"github.com/concbench/concbench/results"
)

// exampleDurs are the sleeps of exampleSleep: task i waits exampleDurs[i%4].
var exampleDurs = []time.Duration{40 * time.Millisecond, 30 * time.Millisecond, 50 * time.Millisecond, 20 * time.Millisecond}

// A task is defined at package level, so that worker processes of the
// process strategy (this binary re-executed) define it too.
var exampleSleep = concbench.Define("example-sleep", func(ctx context.Context, i int) error {
	select {
	case <-time.After(exampleDurs[i%len(exampleDurs)]):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
})

// Scheduling theory says what each strategy's wall time should be for
// these four sleeps: their sum in sequence, the longest with a goroutine
// each, the list-scheduling makespan with two workers. A sleep never ends
// early, so every wall time is at least that.
func ExampleRun() {
	doc, err := concbench.Run(context.Background(), exampleSleep,
		concbench.Strategies("sequential", "unbounded", "pool"), concbench.Concurrency(2), concbench.Tasks(4))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range doc.Runs {
		ideal := results.ListSchedule(exampleDurs, s.Slots)
		fmt.Printf("%-10s slots=%d ok=%d ideal=%v wall>=ideal: %v\n",
			s.Strategy, s.Slots, s.Outcomes.OK, ideal, s.WallSeconds >= ideal.Seconds())
	}
	// Output:
	// sequential slots=1 ok=4 ideal=140ms wall>=ideal: true
	// unbounded  slots=4 ok=4 ideal=50ms wall>=ideal: true
	// pool       slots=2 ok=4 ideal=80ms wall>=ideal: true
}

// The document Run returns is what `concbench run --out` writes: save it
// and `concbench report results.json --out report/` charts it.
func ExampleRun_save() {
	doc, err := concbench.Run(context.Background(), exampleSleep, concbench.Strategies("all"), concbench.Concurrency(2, 4), concbench.Repeat(3))
	if err != nil {
		fmt.Println(err)
		return
	}
	path := os.TempDir() + "/results.json"
	if err := results.WriteFileAtomic(path, func(w io.Writer) error { return results.Write(w, "json", doc) }); err != nil {
		fmt.Println(err)
	}
}

// quota fails every odd task with an error of its own kind.
var quota = concbench.Define("example-quota", func(ctx context.Context, i int) error {
	if i%2 == 1 {
		return concbench.Errorf("quota", "task %d: over quota", i)
	}
	return nil
})

// A task's error is counted under its kind; one that ends with no kind is
// counted as "error".
func ExampleErrorf() {
	doc, err := concbench.Run(context.Background(), quota, concbench.Strategies("sequential", "process"), concbench.Concurrency(2), concbench.Tasks(10))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range doc.Runs {
		fmt.Printf("%s: %d ok, %d quota (e.g. %q)\n", s.Strategy, s.Outcomes.OK, s.Errors["quota"].Count, s.Errors["quota"].Example)
	}
	// Output:
	// sequential: 5 ok, 5 quota (e.g. "task 1: over quota")
	// process: 5 ok, 5 quota (e.g. "task 1: over quota")
}

// client stands for a connection pool: built once per process, closed
// after that process's last task.
type client struct{ calls chan struct{} }

func (c *client) Close() error { return nil }

var withClient = concbench.DefineWith("example-client",
	func(ctx context.Context) (*client, error) {
		return &client{calls: make(chan struct{}, 4)}, nil // at most 4 calls at once
	},
	func(ctx context.Context, c *client, i int) error {
		c.calls <- struct{}{}
		defer func() { <-c.calls }()
		return nil
	})

// A task that needs state gets it from a setup function, run once in
// this process and once in each worker process.
func ExampleDefineWith() {
	doc, err := concbench.Run(context.Background(), withClient, concbench.Strategies("semaphore", "process"), concbench.Concurrency(2), concbench.Tasks(20))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range doc.Runs {
		fmt.Printf("%s: %d of %d ok\n", s.Strategy, s.Outcomes.OK, s.Tasks)
	}
	// Output:
	// semaphore: 20 of 20 ok
	// process: 20 of 20 ok
}
