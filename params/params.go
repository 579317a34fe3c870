// Package params declares the parameters of workloads and strategies.
//
// Each parameter is a flag of `concbench run`: a registered workload or
// strategy lists its own (name, default, usage, whether a list sweeps it),
// and the CLI, the Go API and worker processes all carry the values as
// text, exactly as a user types them. A value that crosses a process
// boundary is therefore the same on both sides, and a new workload adds
// flags by declaring them, not by editing the CLI.
package params

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Param declares one parameter.
type Param struct {
	Name    string // the flag name, e.g. "latency"; lower case, words joined by '-'
	Default string // as typed on the command line; "" means unset
	Usage   string // one line for --help, without the default
	// Sweep reports whether a comma-separated list of values runs one cell
	// per value (a sweep) rather than being one value.
	Sweep bool
	// Type names the value's kind for --help ("duration", "int", "size",
	// "string", ...); "bool" also makes a flag that needs no value.
	Type string
	// Repeat reports whether the flag may be given more than once (e.g.
	// --header); the values are then joined by newlines, in order.
	Repeat bool
	// List reports whether one value is itself a comma-separated list
	// (e.g. --durations): a sweep of it repeats the flag, one list each.
	List bool
	// Excludes names parameters that must not be given together with this
	// one (when both are given, Check fails naming them).
	Excludes []string
}

// Check reports, as an *Error, the first pair of given parameters that a
// declaration in ps excludes. given holds what the user set, before
// defaults.
func Check(ps []Param, given Values) error {
	for _, p := range ps {
		if !given.Has(p.Name) {
			continue
		}
		for _, x := range p.Excludes {
			if given.Has(x) {
				return Errorf(x, given[x], "conflicts with --"+p.Name+": give one or the other")
			}
		}
	}
	return nil
}

// Values holds parameter values by name, as text. A missing name and an
// empty value both mean unset. The zero value is an empty set, ready to
// read; Set allocates as needed.
type Values map[string]string

// Clone returns a copy of v that shares nothing with it.
func (v Values) Clone() Values { return maps.Clone(v) }

// Set sets name to value, allocating v if needed, and returns v.
func (v Values) Set(name, value string) Values {
	if v == nil {
		v = Values{}
	}
	v[name] = value
	return v
}

// Has reports whether name is set to a non-empty value.
func (v Values) Has(name string) bool { return v[name] != "" }

// String returns the text of name ("" if unset).
func (v Values) String(name string) string { return v[name] }

// Names returns the set names, sorted.
func (v Values) Names() []string {
	var out []string
	for k, x := range v {
		if x != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// WithDefaults returns a copy of v in which every parameter of ps that v
// leaves unset has its default.
func (v Values) WithDefaults(ps []Param) Values {
	out := v.Clone()
	for _, p := range ps {
		if !out.Has(p.Name) && p.Default != "" {
			out = out.Set(p.Name, p.Default)
		}
	}
	return out
}

// Duration parses name as a Go duration ("10ms"). Unset gives 0. A
// negative duration is an *Error.
func (v Values) Duration(name string) (time.Duration, error) {
	s := v[name]
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, Errorf(name, s, "want a duration such as 10ms or 1.5s")
	}
	if d < 0 {
		return 0, Errorf(name, s, "must not be negative")
	}
	return d, nil
}

// Durations parses name as a comma-separated list of durations.
func (v Values) Durations(name string) ([]time.Duration, error) {
	s := v[name]
	if s == "" {
		return nil, nil
	}
	var out []time.Duration
	for part := range strings.SplitSeq(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 0 {
			return nil, Errorf(name, s, "want non-negative durations such as 40ms,30ms")
		}
		out = append(out, d)
	}
	return out, nil
}

// Int parses name as a decimal integer within [lo, hi]. Unset gives 0
// without checking the range.
func (v Values) Int(name string, lo, hi int) (int, error) {
	s := v[name]
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil {
		return 0, Errorf(name, s, "want a whole number")
	}
	if n < lo || n > hi {
		return 0, Errorf(name, s, fmt.Sprintf("must be within [%d, %d]", lo, hi))
	}
	return n, nil
}

// Float parses name as a finite number within [lo, hi]. Unset gives 0
// without checking the range.
func (v Values) Float(name string, lo, hi float64) (float64, error) {
	s := v[name]
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f < lo || f > hi {
		return 0, Errorf(name, s, fmt.Sprintf("want a number within [%g, %g]", lo, hi))
	}
	return f, nil
}

// Bool parses name as true/false (also on/off, yes/no, 1/0). Unset gives
// false.
func (v Values) Bool(name string) (bool, error) {
	switch strings.ToLower(v[name]) {
	case "", "false", "off", "no", "0":
		return false, nil
	case "true", "on", "yes", "1":
		return true, nil
	}
	return false, Errorf(name, v[name], "want true or false")
}

// Size parses name as a byte count: a whole number with an optional unit
// B, KiB, MiB, GiB (or k, M, G for powers of 1000 and KB, MB, GB), within
// [lo, hi]. Unset gives 0 without checking the range.
func (v Values) Size(name string, lo, hi int64) (int64, error) {
	s := strings.TrimSpace(v[name])
	if s == "" {
		return 0, nil
	}
	n, err := ParseSize(s)
	if err != nil {
		return 0, Errorf(name, s, err.Error())
	}
	if n < lo || n > hi {
		return 0, Errorf(name, s, fmt.Sprintf("must be within [%s, %s]", FormatSize(lo), FormatSize(hi)))
	}
	return n, nil
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
	{"k", 1e3}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
}

// ParseSize parses a byte count such as 512, 64KiB or 1MB.
func ParseSize(s string) (int64, error) {
	mult := int64(1)
	num := s
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a byte count such as 1024, 64KiB or 1MiB")
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("too large")
	}
	return n * mult, nil
}

// FormatSize writes n in the largest binary unit that divides it.
func FormatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// Error says which parameter is wrong and why. Its text names the flag,
// so that the CLI prints it as it is.
type Error struct {
	Param  string // the parameter, named as its flag
	Value  string
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("--%s %q: %s", e.Param, e.Value, e.Reason)
}

// Errorf returns an *Error for param with the given value and reason.
func Errorf(param, value, reason string) *Error {
	return &Error{Param: param, Value: value, Reason: reason}
}

// Find returns the declaration of name in ps.
func Find(ps []Param, name string) (Param, bool) {
	i := slices.IndexFunc(ps, func(p Param) bool { return p.Name == name })
	if i < 0 {
		return Param{}, false
	}
	return ps[i], true
}

// FormatDurations writes ds as Values.Durations reads them: "40ms,30ms".
func FormatDurations(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	return strings.Join(s, ",")
}
