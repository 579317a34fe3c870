// Command bare runs the bare Go twin of a strategy (internal/bare) on
// tasks sleeps of 10 ms and prints the wall time above the ideal makespan
// per task, in µs, for scripts/million.sh and scripts/perf.sh to set beside
// concbench's. With -alarm (Linux) a timerfd wakes the runtime's poller at
// that period while the tasks run, for scripts/timer-floor.sh.
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
	alarm := flag.Duration("alarm", 0, "wake the runtime's poller at this period (Linux), 0 for never")
	flag.Parse()
	if *tasks <= 0 || *conc <= 0 || *sleep < 0 || *alarm < 0 {
		fmt.Fprintln(os.Stderr, "bare: -tasks and -conc must be positive, -sleep and -alarm not negative")
		os.Exit(2)
	}
	if *alarm > 0 {
		stop, err := startAlarm(*alarm)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bare: -alarm:", err)
			os.Exit(2)
		}
		defer stop()
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
