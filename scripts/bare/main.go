// Command bare runs the bare Go twin of a strategy (internal/bare) on
// tasks sleeps of 10 ms and prints the wall time above the ideal makespan
// per task, in µs, for scripts/million.sh to set beside concbench's.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/concbench/concbench/internal/bare"
)

func main() {
	strategy := flag.String("strategy", "pool", "a strategy with a bare twin")
	tasks := flag.Int("tasks", 1_000_000, "tasks")
	conc := flag.Int("conc", 1000, "slots")
	sleep := flag.Duration("sleep", 10*time.Millisecond, "each task's sleep")
	flag.Parse()
	if *tasks <= 0 || *conc <= 0 || *sleep < 0 {
		fmt.Fprintln(os.Stderr, "bare: -tasks and -conc must be positive, -sleep not negative")
		os.Exit(2)
	}
	durs := make([]time.Duration, *tasks)
	for i := range durs {
		durs[i] = *sleep
	}
	wall, err := bare.Run(*strategy, durs, *conc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(2)
	}
	slots := *conc
	if *strategy == "unbounded" {
		slots = *tasks
	}
	rounds := (*tasks + slots - 1) / slots
	ideal := time.Duration(rounds) * *sleep
	fmt.Printf("%.3f\n", float64(wall-ideal)/float64(*tasks)/1e3)
}
