// Package workloads builds the tasks that concbench runs.
//
// A workload is described by a Spec, a plain serialisable value, so that a
// worker process can rebuild exactly the same tasks from it. Task i is
// deterministic: its duration, its injected failures and anything else
// random come from (Seed, i, attempt), so every strategy runs the same tasks
// and meets the same failures.
package workloads

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/params"
)

// Spec describes a workload and the wrappers applied to each of its tasks.
// Its zero value is not runnable: Name must be set. Parameter names in
// errors and in Params match the CLI flags.
type Spec struct {
	Name string `json:"name"` // a registered workload (Registered), or a built-in one
	Seed int64  `json:"seed"`
	// Params are the parameters of a registered workload as the user gave
	// them, by flag name, as text (params.Values): New applies the declared
	// defaults. The built-in sleep and cpu still use the fields below.
	Params params.Values `json:"params,omitempty"`

	// sleep
	Latency   time.Duration   `json:"latency,omitempty"`   // mean (or fixed) duration
	Dist      string          `json:"dist,omitempty"`      // fixed, uniform, normal, exp
	Jitter    time.Duration   `json:"jitter,omitempty"`    // uniform half-width, normal stddev
	Durations []time.Duration `json:"durations,omitempty"` // explicit list, cycled over the tasks

	// cpu
	Work int `json:"work,omitempty"` // mixing rounds per task

	// Conns sizes a network client's connection pool: the tasks one
	// process may run at once. The harness sets it per cell.
	Conns int `json:"conns,omitempty"`

	// wrappers, for every workload
	FailRate float64       `json:"fail_rate,omitempty"` // injected failure probability per attempt
	Timeout  time.Duration `json:"timeout,omitempty"`   // per attempt; 0 = none
	Retries  int           `json:"retries,omitempty"`   // extra attempts after a failure or timeout
	Backoff  time.Duration `json:"backoff,omitempty"`   // wait before retry k is Backoff * 2^k

	// fault injection, for tests and demonstrations
	PanicAt []int `json:"panic_at,omitempty"` // task indices that panic on every attempt
	CrashAt []int `json:"crash_at,omitempty"` // task indices whose worker process kills itself (process strategy)
	// StallFor > 0 makes every attempt that runs during [StallAt,
	// StallAt+StallFor) after the run's start block until the window ends:
	// a hiccup of the system under test.
	StallAt  time.Duration `json:"stall_at,omitempty"`
	StallFor time.Duration `json:"stall_for,omitempty"`
}

// Distributions the sleep workload accepts.
var Dists = []string{"fixed", "uniform", "normal", "exp"}

// Names lists the workloads built into this package; the others are
// registered (Registered lists them all).
var Names = []string{"sleep", "cpu"}

// Limits that keep a typo from becoming an hour-long run or an overflow.
const (
	MaxRetries  = 30
	MaxDuration = 24 * time.Hour
)

// ParamError says which parameter is wrong and why: a *params.Error,
// whose text names the flag.
type ParamError = params.Error

// bad returns the error of a parameter out of range.
func bad(p, v, why string) error { return params.Errorf(p, v, why) }

// checkDur checks a duration parameter against [0, MaxDuration].
func checkDur(p string, d time.Duration) error {
	if d < 0 {
		return bad(p, d.String(), "must not be negative")
	}
	if d > MaxDuration {
		return bad(p, d.String(), "must be at most "+MaxDuration.String())
	}
	return nil
}

// Validate reports the first parameter that is out of range, as a *ParamError.
func (s *Spec) Validate() error {
	switch s.Name {
	case "sleep":
		if len(s.Durations) == 0 {
			if err := checkDur("latency", s.Latency); err != nil {
				return err
			}
			if err := checkDur("jitter", s.Jitter); err != nil {
				return err
			}
			switch s.Dist {
			case "", "fixed", "uniform", "normal", "exp":
			default:
				return bad("dist", s.Dist, "unknown distribution; want one of "+strings.Join(Dists, ", "))
			}
		}
		for _, d := range s.Durations {
			if err := checkDur("durations", d); err != nil {
				return err
			}
		}
	case "cpu":
		if s.Work <= 0 {
			return bad("work", strconv.Itoa(s.Work), "must be a positive number of rounds")
		}
	default:
		d, ok := Lookup(s.Name)
		if !ok {
			return bad("workload", s.Name, "unknown workload; want one of "+strings.Join(Registered(), ", "))
		}
		if err := params.Check(d.Params, s.Params); err != nil {
			return err
		}
		// Without Validate, New reports bad values when the first cell
		// builds the workload: building it here would run a user's set-up.
		if d.Validate != nil {
			if err := d.Validate(s.Params.WithDefaults(d.Params)); err != nil {
				return err
			}
		}
	}
	return s.validateWrappers()
}

// validateWrappers checks the parameters every workload shares.
func (s *Spec) validateWrappers() error {
	if !(s.FailRate >= 0 && s.FailRate <= 1) {
		return bad("fail-rate", strconv.FormatFloat(s.FailRate, 'g', -1, 64), "must be within [0, 1]")
	}
	if s.Retries < 0 || s.Retries > MaxRetries {
		return bad("retries", strconv.Itoa(s.Retries), fmt.Sprintf("must be within [0, %d]", MaxRetries))
	}
	if err := checkDur("timeout", s.Timeout); err != nil {
		return err
	}
	if err := checkDur("backoff", s.Backoff); err != nil {
		return err
	}
	for _, l := range []struct {
		param string
		xs    []int
	}{{"panic-at", s.PanicAt}, {"crash-at", s.CrashAt}} {
		for _, i := range l.xs {
			if i < 0 {
				return bad(l.param, strconv.Itoa(i), "task indices start at 0")
			}
		}
	}
	return nil
}

// Describe returns the spec's parameters as flag name -> value, leaving out
// the ones that do not apply, for tables and the JSON document.
func (s *Spec) Describe() map[string]string {
	p := map[string]string{"seed": strconv.FormatInt(s.Seed, 10)}
	switch s.Name {
	case "sleep":
		if len(s.Durations) > 0 {
			ds := make([]string, len(s.Durations))
			for i, d := range s.Durations {
				ds[i] = d.String()
			}
			p["durations"] = strings.Join(ds, ",")
		} else {
			p["latency"] = s.Latency.String()
			p["dist"] = s.dist()
			if s.Jitter > 0 {
				p["jitter"] = s.Jitter.String()
			}
		}
	case "cpu":
		p["work"] = strconv.Itoa(s.Work)
	default:
		if d, ok := Lookup(s.Name); ok {
			var desc map[string]string
			all := s.Params.WithDefaults(d.Params)
			if d.Describe != nil {
				desc = d.Describe(all)
			} else {
				desc = map[string]string{}
				for _, k := range all.Names() {
					desc[k] = all[k]
				}
			}
			maps.Copy(p, desc)
		}
	}
	if s.FailRate > 0 {
		p["fail-rate"] = strconv.FormatFloat(s.FailRate, 'g', -1, 64)
	}
	if s.Timeout > 0 {
		p["timeout"] = s.Timeout.String()
	}
	if s.Retries > 0 {
		p["retries"] = strconv.Itoa(s.Retries)
		p["backoff"] = s.Backoff.String()
	}
	return p
}

func (s *Spec) dist() string {
	if s.Dist == "" {
		return "fixed"
	}
	return s.Dist
}

// build checks the given parameters against d's declarations and builds
// the registered workload with the declared defaults applied.
func (s *Spec) build(d *Definition) (Doer, error) {
	if err := params.Check(d.Params, s.Params); err != nil {
		return nil, err
	}
	return d.New(Config{Params: s.Params.WithDefaults(d.Params), Seed: s.Seed, Conns: s.Conns})
}
