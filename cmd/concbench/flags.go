package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Flag types. Each implements pflag.Value; Set rejects bad input with a
// reason, and pflag adds the flag's name and the value to the message.

// splitList splits a comma-separated list and rejects empty items.
func splitList(s string) ([]string, error) {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return nil, errors.New("empty item in list")
		}
	}
	return parts, nil
}

// intList is a list of positive integers, e.g. "100,1000,10000".
type intList struct{ v []int }

var _ pflag.Value = (*intList)(nil)

func (l *intList) String() string {
	s := make([]string, len(l.v))
	for i, x := range l.v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func (l *intList) Set(s string) error {
	parts, err := splitList(s)
	if err != nil {
		return err
	}
	l.v = l.v[:0]
	for _, p := range parts {
		x, err := strconv.Atoi(strings.ReplaceAll(p, "_", ""))
		if err != nil {
			return fmt.Errorf("%q is not an integer", p)
		}
		if x <= 0 {
			return fmt.Errorf("%d must be positive", x)
		}
		l.v = append(l.v, x)
	}
	return nil
}

func (l *intList) Type() string { return "ints" }

// indexList is a list of task indices (0 or more).
type indexList struct{ intList }

func (l *indexList) Set(s string) error {
	parts, err := splitList(s)
	if err != nil {
		return err
	}
	l.v = l.v[:0]
	for _, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 {
			return fmt.Errorf("%q is not a task index (0 or more)", p)
		}
		l.v = append(l.v, x)
	}
	return nil
}

// durationList is a list of non-negative durations, e.g. "40ms,30ms".
type durationList struct{ v []time.Duration }

var _ pflag.Value = (*durationList)(nil)

func (l *durationList) String() string {
	s := make([]string, len(l.v))
	for i, d := range l.v {
		s[i] = d.String()
	}
	return strings.Join(s, ",")
}

func (l *durationList) Set(s string) error {
	parts, err := splitList(s)
	if err != nil {
		return err
	}
	l.v = l.v[:0]
	for _, p := range parts {
		d, err := parseDuration(p)
		if err != nil {
			return err
		}
		l.v = append(l.v, d)
	}
	return nil
}

func (l *durationList) Type() string { return "durations" }

// duration is a non-negative time.Duration that names the unit in errors.
type duration struct{ v time.Duration }

var _ pflag.Value = (*duration)(nil)

// String is "0" for zero, which pflag's help takes as no default.
func (d *duration) String() string {
	if d.v == 0 {
		return "0"
	}
	return d.v.String()
}
func (d *duration) Type() string { return "duration" }
func (d *duration) Set(s string) (err error) {
	d.v, err = parseDuration(s)
	return err
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (want e.g. 250us, 10ms, 1.5s)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s must not be negative", d)
	}
	return d, nil
}

// choice is one of a fixed set of words.
type choice struct {
	v       string
	allowed []string
}

var _ pflag.Value = (*choice)(nil)

func (c *choice) String() string { return c.v }
func (c *choice) Type() string   { return "string" }
func (c *choice) Set(s string) error {
	for _, a := range c.allowed {
		if s == a {
			c.v = s
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(c.allowed, ", "))
}

// choiceList is a list of words from a fixed set, or "all" for all of them.
type choiceList struct {
	v       []string
	allowed []string
}

var _ pflag.Value = (*choiceList)(nil)

func (c *choiceList) String() string { return strings.Join(c.v, ",") }
func (c *choiceList) Type() string   { return "list" }
func (c *choiceList) Set(s string) error {
	parts, err := splitList(s)
	if err != nil {
		return err
	}
	var out []string
	for _, p := range parts {
		if p == "all" {
			out = append(out, c.allowed...)
			continue
		}
		if !contains(c.allowed, p) {
			return fmt.Errorf("unknown %q; want all or any of %s", p, strings.Join(c.allowed, ", "))
		}
		out = append(out, p)
	}
	c.v = dedup(out)
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func dedup(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// fraction is a probability in [0, 1].
type fraction struct{ v float64 }

var _ pflag.Value = (*fraction)(nil)

func (f *fraction) String() string { return strconv.FormatFloat(f.v, 'g', -1, 64) }
func (f *fraction) Type() string   { return "float" }
func (f *fraction) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	if !(x >= 0 && x <= 1) {
		return fmt.Errorf("%v must be within [0, 1]", x)
	}
	f.v = x
	return nil
}

// count is a non-negative integer.
type count struct{ v int }

var _ pflag.Value = (*count)(nil)

func (c *count) String() string { return strconv.Itoa(c.v) }
func (c *count) Type() string   { return "int" }
func (c *count) Set(s string) error {
	x, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("%q is not an integer", s)
	}
	if x < 0 {
		return fmt.Errorf("%d must not be negative", x)
	}
	c.v = x
	return nil
}

// rate is tasks per second, written "500" or "500/s".
type rate struct{ v float64 }

var _ pflag.Value = (*rate)(nil)

func (r *rate) String() string {
	if r.v == 0 {
		return "0"
	}
	return strconv.FormatFloat(r.v, 'g', -1, 64) + "/s"
}
func (r *rate) Type() string { return "rate" }
func (r *rate) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "/s"), 64)
	if err != nil {
		return fmt.Errorf("%q is not a rate (want e.g. 500 or 500/s)", s)
	}
	if !(x > 0) || math.IsInf(x, 0) {
		return fmt.Errorf("%v must be a positive number of tasks per second", x)
	}
	r.v = x
	return nil
}
