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
	Name string `json:"name"` // a registered workload (Registered)
	Seed int64  `json:"seed"`
	// Params are the workload's parameters as the user gave them, by flag
	// name, as text (params.Values): New applies the declared defaults.
	Params params.Values `json:"params,omitempty"`

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

// Validate reports the first parameter that is out of range, as a
// *ParamError. It builds nothing: a workload without its own Validate has
// its values checked by New, when the first cell builds it (building it
// here would run a user's set-up).
func (s *Spec) Validate() error {
	d, ok := Lookup(s.Name)
	if !ok {
		return bad("workload", s.Name, "unknown workload; want one of "+strings.Join(Registered(), ", "))
	}
	if err := params.Check(d.Params, s.Params); err != nil {
		return err
	}
	if d.Validate != nil {
		if err := d.Validate(s.Params.WithDefaults(d.Params)); err != nil {
			return err
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
	if d, ok := Lookup(s.Name); ok {
		all := s.Params.WithDefaults(d.Params)
		if d.Describe != nil {
			maps.Copy(p, d.Describe(all))
		} else {
			for _, k := range all.Names() {
				p[k] = all[k]
			}
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

// build checks the given parameters against d's declarations and builds
// the registered workload with the declared defaults applied.
func (s *Spec) build(d *Definition) (Doer, error) {
	if err := params.Check(d.Params, s.Params); err != nil {
		return nil, err
	}
	return d.New(Config{Params: s.Params.WithDefaults(d.Params), Seed: s.Seed, Conns: s.Conns})
}
