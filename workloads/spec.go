// Package workloads builds the tasks that concbench runs.
//
// A workload is described by a Spec, a plain serialisable value, so that a
// worker process can rebuild exactly the same tasks from it. Task i is
// deterministic: its duration, its injected failures and anything else
// random come from (Seed, i, attempt), so every strategy runs the same tasks
// and meets the same failures.
package workloads

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
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
	// Params are the parameters of a registered workload, by flag name, as
	// text (params.Values); the built-in workloads still use the fields below.
	Params params.Values `json:"params,omitempty"`

	// sleep
	Latency   time.Duration   `json:"latency,omitempty"`   // mean (or fixed) duration
	Dist      string          `json:"dist,omitempty"`      // fixed, uniform, normal, exp
	Jitter    time.Duration   `json:"jitter,omitempty"`    // uniform half-width, normal stddev
	Durations []time.Duration `json:"durations,omitempty"` // explicit list, cycled over the tasks

	// cpu
	Work int `json:"work,omitempty"` // mixing rounds per task

	// http
	URL         string   `json:"url,omitempty"`
	Method      string   `json:"method,omitempty"`  // GET by default
	Headers     []string `json:"headers,omitempty"` // "Name: value"
	Body        []byte   `json:"body,omitempty"`
	NoKeepalive bool     `json:"no_keepalive,omitempty"`
	Engine      string   `json:"engine,omitempty"` // h1 (default), fasthttp or std

	// tcp
	Addr       string `json:"addr,omitempty"`
	Size       int    `json:"size,omitempty"` // bytes sent and echoed per task
	Persistent bool   `json:"persistent,omitempty"`

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

// Names lists the workloads New can build.
var Names = []string{"sleep", "cpu", "http", "tcp"}

// Engines lists the HTTP client engines.
var Engines = []string{"h1", "fasthttp", "std"}

// MaxSize bounds the tcp workload's message size.
const MaxSize = 16 << 20

// Limits that keep a typo from becoming an hour-long run or an overflow.
const (
	MaxRetries  = 30
	MaxDuration = 24 * time.Hour
)

// ParamError says which parameter is wrong and why.
type ParamError struct {
	Param  string // the parameter, named as its CLI flag
	Value  string
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("--%s %q: %s", e.Param, e.Value, e.Reason)
}

func durStr(d time.Duration) string { return d.String() }

// Validate reports the first parameter that is out of range, as a *ParamError.
func (s *Spec) Validate() error {
	bad := func(p, v, why string) error { return &ParamError{p, v, why} }
	checkDur := func(p string, d time.Duration) error {
		if d < 0 {
			return bad(p, durStr(d), "must not be negative")
		}
		if d > MaxDuration {
			return bad(p, durStr(d), "must be at most "+MaxDuration.String())
		}
		return nil
	}
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
	case "http":
		if err := checkURL(s.URL); err != nil {
			return bad("url", s.URL, err.Error())
		}
		switch s.Engine {
		case "", "h1", "fasthttp", "std":
		default:
			return bad("http-engine", s.Engine, "unknown engine; want one of "+strings.Join(Engines, ", "))
		}
		for _, h := range s.Headers {
			if k, _, ok := strings.Cut(h, ":"); !ok || strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \t") {
				return bad("header", h, `want "Name: value"`)
			}
		}
		if s.Method != "" && strings.ToUpper(s.Method) != s.Method || strings.ContainsAny(s.Method, " /:") {
			return bad("method", s.Method, "want an upper-case HTTP method such as GET or POST")
		}
	case "tcp":
		if _, port, err := net.SplitHostPort(s.Addr); err != nil || !validPort(port) {
			return bad("addr", s.Addr, "want host:port, e.g. 127.0.0.1:9000")
		}
		if s.Size <= 0 || s.Size > MaxSize {
			return bad("size", strconv.Itoa(s.Size), fmt.Sprintf("must be within [1, %d]", MaxSize))
		}
	default:
		d, ok := Lookup(s.Name)
		if !ok {
			return bad("workload", s.Name, "unknown workload; want one of "+strings.Join(append(slices.Clone(Names), registeredOnly()...), ", "))
		}
		if d.Validate != nil {
			if err := d.Validate(s.Params.WithDefaults(d.Params)); err != nil {
				return err
			}
		}
	}
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
	case "http":
		p["url"] = s.URL
		p["engine"] = s.engine()
		if s.Method != "" && s.Method != "GET" {
			p["method"] = s.Method
		}
		if s.NoKeepalive {
			p["keepalive"] = "off"
		}
	case "tcp":
		p["addr"] = s.Addr
		p["size"] = strconv.Itoa(s.Size)
		if s.Persistent {
			p["persistent"] = "on"
		}
	default:
		if d, ok := Lookup(s.Name); ok {
			var desc map[string]string
			if d.Describe != nil {
				desc = d.Describe(s.Params)
			} else {
				desc = map[string]string{}
				for _, k := range s.Params.Names() {
					desc[k] = s.Params[k]
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

func (s *Spec) engine() string {
	if s.Engine == "" {
		return "h1"
	}
	return s.Engine
}

// checkURL accepts absolute http and https URLs with a host.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return errors.New("no URL given")
	case err != nil:
		return fmt.Errorf("malformed URL: %v", errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("unsupported scheme %q; want http or https", u.Scheme)
	case u.Host == "":
		return errors.New("the URL has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %s is not in [1, 65535]", p)
		}
	}
	return nil
}

// validPort reports whether port is a number a client can connect to.
func validPort(port string) bool {
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535
}

func (s *Spec) dist() string {
	if s.Dist == "" {
		return "fixed"
	}
	return s.Dist
}

// registeredOnly lists the registered workloads that are not built in.
func registeredOnly() []string {
	var out []string
	for _, n := range Registered() {
		if !slices.Contains(Names, n) {
			out = append(out, n)
		}
	}
	return out
}
