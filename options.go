package concbench

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// An Option sets how Run and Benchmark measure a task. Options are
// checked when Run or Benchmark starts: a bad value is an error naming
// the option, before anything runs.
type Option struct{ apply func(*settings) error }

// settings is what the options set, with the defaults of Run.
type settings struct {
	strategies  []string
	concurrency []int
	tasks       []int
	duration    time.Duration
	rate        float64
	timeout     time.Duration
	retries     int
	backoff     time.Duration
	warmup      int
	repeat      int
	seed        int64
	perProcess  int
	set         map[string]bool // options given, by name
}

// Defaults of the options not given.
const (
	DefaultTasks       = 100
	DefaultConcurrency = 8
)

func newSettings(opts []Option) (*settings, error) {
	s := &settings{
		strategies:  strategies.Registered(),
		concurrency: []int{DefaultConcurrency},
		tasks:       []int{DefaultTasks},
		repeat:      1,
		seed:        1,
		set:         map[string]bool{},
	}
	for _, o := range opts {
		if o.apply == nil {
			return nil, errors.New("concbench: a zero Option")
		}
		if err := o.apply(s); err != nil {
			return nil, err
		}
	}
	if s.set["Rate"] && !s.set["Tasks"] && !s.set["Duration"] {
		return nil, errors.New("concbench.Rate: give Duration or Tasks too, to say how long or how many tasks to issue")
	}
	if s.set["Backoff"] && s.retries == 0 {
		return nil, errors.New("concbench.Backoff: applies with Retries")
	}
	if s.set["PerProcess"] && !slices.Contains(s.strategies, "process") {
		return nil, errors.New("concbench.PerProcess: applies to the process strategy, which Strategies leaves out")
	}
	return s, nil
}

func optErr(name, format string, args ...any) error {
	return fmt.Errorf("concbench.%s: %s", name, fmt.Sprintf(format, args...))
}

// positive checks a list option: at least one value, each within [1, max].
func positive(name string, xs []int, max int) error {
	if len(xs) == 0 {
		return optErr(name, "no value given")
	}
	for _, x := range xs {
		if x <= 0 || x > max {
			return optErr(name, "%d is not within [1, %d]", x, max)
		}
	}
	return nil
}

func duration(name string, d time.Duration) error {
	if d < 0 || d > workloads.MaxDuration {
		return optErr(name, "%v is not within [0, %v]", d, workloads.MaxDuration)
	}
	return nil
}

// Strategies sets the strategies to compare, in order; "all" stands for
// every registered one (sequential, unbounded, pool, semaphore, process,
// then any other). The default is all.
func Strategies(names ...string) Option {
	return Option{func(s *settings) error {
		if len(names) == 0 {
			return optErr("Strategies", "no strategy given")
		}
		var out []string
		for _, n := range names {
			all := []string{n}
			if n == "all" {
				all = strategies.Registered()
			} else if _, err := strategies.New(n, 1); err != nil {
				return optErr("Strategies", "%v", err)
			}
			for _, a := range all {
				if !slices.Contains(out, a) { // a name given twice runs once
					out = append(out, a)
				}
			}
		}
		s.strategies, s.set["Strategies"] = out, true
		return nil
	}}
}

// Concurrency sets the limits to sweep: workers (pool), slots (semaphore)
// or worker processes (process). Sequential and unbounded ignore it. The
// default is 8.
func Concurrency(limits ...int) Option {
	return Option{func(s *settings) error {
		if err := positive("Concurrency", limits, harness.MaxTasks); err != nil {
			return err
		}
		s.concurrency, s.set["Concurrency"] = slices.Clone(limits), true
		return nil
	}}
}

// Tasks sets the task counts to sweep: one run of a cell runs tasks
// 0..n-1. The default is 100.
func Tasks(counts ...int) Option {
	return Option{func(s *settings) error {
		if err := positive("Tasks", counts, harness.MaxTasks); err != nil {
			return err
		}
		s.tasks, s.set["Tasks"] = slices.Clone(counts), true
		return nil
	}}
}

// Duration makes each run issue tasks for d, instead of a fixed count,
// then wait for the running ones.
func Duration(d time.Duration) Option {
	return Option{func(s *settings) error {
		if d <= 0 || d > workloads.MaxDuration {
			return optErr("Duration", "%v is not within (0, %v]", d, workloads.MaxDuration)
		}
		s.duration, s.set["Duration"] = d, true
		return nil
	}}
}

// Rate makes the runs open-loop: tasks arrive at perSecond, evenly
// spaced, whatever the running ones do, for Duration or up to Tasks
// (one of which must be given).
func Rate(perSecond float64) Option {
	return Option{func(s *settings) error {
		if !(perSecond > 0) || math.IsInf(perSecond, 0) {
			return optErr("Rate", "%v is not a positive number of tasks per second", perSecond)
		}
		s.rate, s.set["Rate"] = perSecond, true
		return nil
	}}
}

// Timeout bounds each attempt of a task: its ctx ends after d, and an
// attempt still running then counts as a timeout. 0, the default, is
// none.
func Timeout(d time.Duration) Option {
	return Option{func(s *settings) error {
		s.timeout, s.set["Timeout"] = d, true
		return duration("Timeout", d)
	}}
}

// Retries sets how many more attempts a failed or timed-out task gets.
func Retries(n int) Option {
	return Option{func(s *settings) error {
		if n < 0 || n > workloads.MaxRetries {
			return optErr("Retries", "%d is not within [0, %d]", n, workloads.MaxRetries)
		}
		s.retries, s.set["Retries"] = n, true
		return nil
	}}
}

// Backoff sets the wait before the first retry; it doubles for each
// retry after that.
func Backoff(d time.Duration) Option {
	return Option{func(s *settings) error {
		s.backoff, s.set["Backoff"] = d, true
		return duration("Backoff", d)
	}}
}

// Warmup sets how many unrecorded runs precede the recorded ones of each
// cell.
func Warmup(runs int) Option {
	return Option{func(s *settings) error {
		if runs < 0 || runs > 1000 {
			return optErr("Warmup", "%d is not within [0, 1000]", runs)
		}
		s.warmup, s.set["Warmup"] = runs, true
		return nil
	}}
}

// Repeat sets how many recorded runs Run makes of each cell (the default
// is 1); a cell's figures are those of the run of median wall time.
// Benchmark refuses it: there, go test's -count repeats.
func Repeat(runs int) Option {
	return Option{func(s *settings) error {
		if runs <= 0 || runs > 1000 {
			return optErr("Repeat", "%d is not within [1, 1000]", runs)
		}
		s.repeat, s.set["Repeat"] = runs, true
		return nil
	}}
}

// Seed sets the seed of every random draw of the run (open-loop arrivals
// and the wrappers'), 1 by default.
func Seed(seed int64) Option {
	return Option{func(s *settings) error {
		s.seed, s.set["Seed"] = seed, true
		return nil
	}}
}

// PerProcess sets how many tasks each worker process of the process
// strategy runs at once (1 by default).
func PerProcess(n int) Option {
	return Option{func(s *settings) error {
		if n <= 0 || n > 1<<16 {
			return optErr("PerProcess", "%d is not within [1, %d]", n, 1<<16)
		}
		s.perProcess, s.set["PerProcess"] = n, true
		return nil
	}}
}

// plan returns the harness plan of task under s, checked.
func (s *settings) plan(task *Task) (*harness.Plan, error) {
	p := &harness.Plan{
		Spec: workloads.Spec{
			Name:    task.name,
			Seed:    s.seed,
			Timeout: s.timeout,
			Retries: s.retries,
			Backoff: s.backoff,
		},
		Strategies:  s.strategies,
		Tasks:       s.tasks,
		Duration:    s.duration,
		Concurrency: s.concurrency,
		Repeat:      s.repeat,
		Warmup:      s.warmup,
		PerProcess:  s.perProcess,
		Rate:        s.rate,
	}
	if err := p.Validate(); err != nil {
		// The plan's errors name CLI flags; name the option instead.
		return nil, fmt.Errorf("concbench: %s", strings.TrimPrefix(err.Error(), "--"))
	}
	return p, nil
}
