package workloads

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/concbench/concbench/params"
)

// Dists are the duration distributions of the sleep workload (--dist).
var Dists = []string{"fixed", "uniform", "normal", "exp"}

func init() {
	Register(Definition{
		Name:  "sleep",
		Usage: "simulated I/O: each task waits, for --latency (drawn from --dist) or the next of --durations",
		Params: []params.Param{
			{Name: "latency", Type: "duration", Default: "10ms", Sweep: true, Usage: "each task's duration, or the mean for --dist uniform|normal|exp"},
			{Name: "dist", Type: "string", Default: "fixed", Usage: "duration distribution: " + strings.Join(Dists, ", ")},
			{Name: "jitter", Type: "duration", Sweep: true, Usage: "half-width (uniform) or standard deviation (normal) (default latency/2 resp. latency/4)"},
			{Name: "durations", Type: "durations", Sweep: true, List: true, Excludes: []string{"latency", "dist", "jitter"},
				Usage: "explicit task durations, e.g. 40ms,30ms, cycled over the tasks (default --tasks: their number)"},
		},
		Validate: func(p params.Values) error { _, err := newSleep(Config{Params: p}); return err },
		New:      func(c Config) (Doer, error) { return newSleep(c) },
		Describe: func(p params.Values) map[string]string {
			s, err := newSleep(Config{Params: p})
			if err != nil {
				return map[string]string(p.Clone())
			}
			return s.describe()
		},
		Tasks: func(p params.Values) int {
			ds, _ := p.Durations("durations")
			return len(ds)
		},
	})
}

// sleep simulates an I/O-bound task: it waits, cancellably, for a
// duration that depends only on (seed, i). Safe for concurrent use.
type sleep struct {
	durations []time.Duration // if set, cycled over the tasks; the rest is unused
	latency   float64         // ns
	jitter    float64         // ns
	dist      int             // index in Dists
	seed      int64
}

// newSleep reads and checks the sleep workload's parameters (defaults
// filled in).
func newSleep(c Config) (*sleep, error) {
	p := c.Params
	s := &sleep{seed: c.Seed}
	ds, err := p.Durations("durations")
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if err := checkDur("durations", d); err != nil {
			return nil, err
		}
	}
	if len(ds) > 0 {
		s.durations = ds
		return s, nil
	}
	l, err := p.Duration("latency")
	if err != nil {
		return nil, err
	}
	if err := checkDur("latency", l); err != nil {
		return nil, err
	}
	dist := p.String("dist")
	if dist == "" {
		dist = "fixed"
	}
	if s.dist = slices.Index(Dists, dist); s.dist < 0 {
		return nil, bad("dist", dist, "unknown distribution; want one of "+strings.Join(Dists, ", "))
	}
	j, err := p.Duration("jitter")
	if err != nil {
		return nil, err
	}
	switch {
	case p.Has("jitter") && (dist == "fixed" || dist == "exp"):
		return nil, bad("jitter", p.String("jitter"), "applies to --dist uniform or normal, not "+dist)
	case !p.Has("jitter") && dist == "uniform":
		j = l / 2
	case !p.Has("jitter") && dist == "normal":
		j = l / 4
	}
	if err := checkDur("jitter", j); err != nil {
		return nil, err
	}
	s.latency, s.jitter = float64(l), float64(j)
	return s, nil
}

// describe gives the parameters as tables and results files show them,
// written as results files have always written them: the cell key of an
// older file still matches the same flags.
func (s *sleep) describe() map[string]string {
	if len(s.durations) > 0 {
		ds := make([]string, len(s.durations))
		for i, d := range s.durations {
			ds[i] = d.String()
		}
		return map[string]string{"durations": strings.Join(ds, ",")}
	}
	p := map[string]string{"latency": time.Duration(s.latency).String(), "dist": Dists[s.dist]}
	if s.jitter > 0 {
		p["jitter"] = time.Duration(s.jitter).String()
	}
	return p
}

func (s *sleep) duration(i int) time.Duration {
	if n := len(s.durations); n > 0 {
		return s.durations[i%n]
	}
	var d float64
	switch s.dist {
	case 0: // fixed
		d = s.latency
	case 1: // uniform
		d = s.latency + (2*unit(draw(s.seed, i, 0, streamDuration))-1)*s.jitter
	case 2: // normal
		d = s.latency + normal(s.seed, i)*s.jitter
	case 3: // exp
		d = -math.Log(1-unit(draw(s.seed, i, 0, streamDuration))) * s.latency
	}
	return time.Duration(min(max(d, 0), float64(MaxDuration)))
}

// Do waits for task i's duration, as Sleep does. It blocks, and returns
// ctx.Err() if ctx ended the wait early. Sleep's common case is written
// out here: a frame less on the stack of every task.
func (s *sleep) Do(ctx context.Context, i int) (int64, error) {
	d := s.duration(i)
	if plain(ctx, d) {
		time.Sleep(d)
		return 0, nil
	}
	return 0, sleepLong(ctx, d)
}

// Expected is task i's duration: the sleep is all a task does.
func (s *sleep) Expected(i int) (time.Duration, bool) { return s.duration(i), true }

// Uniform returns the latency when every task sleeps it: a fixed
// distribution and no list of durations (or a list of one).
func (s *sleep) Uniform() (time.Duration, bool) {
	switch {
	case len(s.durations) == 1:
		return s.durations[0], true
	case len(s.durations) == 0 && s.dist == 0:
		return s.duration(0), true
	}
	return 0, false
}

// ShortSleep is the longest sleep that Sleep does not interrupt on
// cancellation. Selecting on a timer costs a goroutine about twice what
// time.Sleep does (a timer and channel allocated, and the timer code run on
// the goroutine's stack, which often outgrows its first 2 KiB), so short
// sleeps use time.Sleep and a canceled run waits at most this long for them.
const ShortSleep = 25 * time.Millisecond

// Sleep waits for d, or until ctx is done if that comes first and d is
// longer than ShortSleep. A deadline on ctx is always honoured exactly. It
// blocks, and returns ctx.Err() if ctx ended the sleep early, nil
// otherwise. Safe for concurrent use.
func Sleep(ctx context.Context, d time.Duration) error {
	if plain(ctx, d) {
		time.Sleep(d)
		return nil
	}
	return sleepLong(ctx, d)
}

// plain reports whether Sleep's common case applies: a short wait, under
// a context that is not done and has no deadline. Then time.Sleep is the
// wait, in the caller's frame: the waiting frames are on the stack of
// every sleeping task.
func plain(ctx context.Context, d time.Duration) bool {
	if d <= 0 || d > ShortSleep || ctx.Err() != nil {
		return false
	}
	_, ok := ctx.Deadline()
	return !ok
}

// sleepLong is Sleep for the other cases: no wait, a context that is
// done or has a deadline, or a wait longer than ShortSleep.
func sleepLong(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if d <= ShortSleep && ctx.Err() == nil {
		// Not plain, so ctx has a deadline: time.Sleep still does if it
		// comes after d.
		if dl, _ := ctx.Deadline(); time.Until(dl) > d {
			time.Sleep(d)
			return nil
		}
	}
	end := time.Now().Add(d)
	t := time.NewTimer(d)
	select {
	case <-t.C:
		// On a busy machine the deadline and the timer may both be due
		// by the time this goroutine runs, before the context's own timer
		// has closed Done: the one due first decides, not the runtime.
		if dl, ok := ctx.Deadline(); ok && !dl.After(end) {
			return context.DeadlineExceeded
		}
		return nil
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	}
}
