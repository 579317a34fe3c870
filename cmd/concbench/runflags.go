package main

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
	"github.com/concbench/concbench/workloads/network"
	"github.com/spf13/pflag"
)

// runFlags holds the values of `concbench run`'s flags.
type runFlags struct {
	workload         choice
	strategies       choiceList
	tasks, conc      intList
	latency, jitter  duration
	duration         duration
	dist             choice
	durations        durationList
	work             count
	failRate         fraction
	timeout, backoff duration
	retries          count
	repeat, warmup   count
	seed             int64
	format           choice
	out              string
	panicAt, crashAt indexList
	perProcess       count
	// network
	url, addr           string
	method              string
	headers             []string
	bodyFile            string
	noKeepalive         bool
	followRedirects     int
	engine              choice
	size                count
	persistent          bool
	target              choice
	plotDir             string
	resume              string
	quiet               bool
	rate                rate
	stages              stagesFlag
	arrival             choice
	maxQueue            count
	lateAfter, interval duration
	stallAt, stallFor   duration
	plot                *plotFlags
	thresholds          thresholdList
	fs                  *pflag.FlagSet
}

func newRunFlags() *runFlags {
	f := &runFlags{
		workload:   choice{v: "sleep", allowed: workloads.Registered()},
		strategies: choiceList{v: strategies.Registered(), allowed: strategies.Registered()},
		tasks:      intList{[]int{500}},
		conc:       intList{[]int{10, 100}},
		latency:    duration{10 * time.Millisecond},
		dist:       choice{v: "fixed", allowed: workloads.Dists},
		work:       count{1_000_000},
		backoff:    duration{10 * time.Millisecond},
		repeat:     count{1},
		format:     choice{v: "table", allowed: results.Formats},
		engine:     choice{v: "h1", allowed: network.Engines},
		size:       count{1024},
		target:     choice{v: harness.TargetChild, allowed: []string{harness.TargetChild, harness.TargetInproc}},
		arrival:    choice{v: "uniform", allowed: []string{"uniform", "poisson"}},
		lateAfter:  duration{10 * time.Millisecond},
		interval:   duration{time.Second},
	}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.Var(&f.workload, "workload", "workload: "+strings.Join(workloads.Registered(), ", "))
	fs.Var(&f.strategies, "strategies", "strategies to compare, comma-separated, or all")
	fs.Var(&f.tasks, "tasks", "number of tasks per run; a list sweeps (default 500, or the length of --durations)")
	fs.Var(&f.duration, "duration", "instead of --tasks: issue tasks for this long (a load test), then let the running ones finish")
	fs.Var(&f.rate, "rate", "open loop: tasks arrive at this rate (e.g. 500 or 500/s) for --duration or --tasks, whatever the running ones do")
	fs.Var(&f.stages, "stages", stagesUsage)
	fs.Var(&f.arrival, "arrival", "open loop: arrival times, uniform (evenly spaced) or poisson (seeded)")
	fs.Var(&f.maxQueue, "max-queue", "open loop: drop (and count) arrivals when this many tasks wait; 0: no limit")
	fs.Var(&f.lateAfter, "late-after", "open loop: a task that starts this long after it was due counts as late")
	fs.Var(&f.interval, "interval", "open loop: step of the timeline (rate, latency, errors over time)")
	fs.Var(&f.conc, "concurrency", "workers (pool), slots (semaphore) or worker processes (process); a list sweeps")
	fs.Var(&f.latency, "latency", "sleep: duration of each task, or the mean for --dist uniform|normal|exp; http: the embedded target's /delay")
	fs.Var(&f.dist, "dist", "sleep: duration distribution: "+strings.Join(workloads.Dists, ", "))
	fs.Var(&f.jitter, "jitter", "sleep: half-width (uniform) or standard deviation (normal) (default latency/2 resp. latency/4)")
	fs.Var(&f.durations, "durations", "sleep: explicit task durations, e.g. 40ms,30ms; cycled over the tasks")
	fs.Var(&f.work, "work", "cpu: mixing rounds per task (about 1 ns each)")
	fs.StringVar(&f.url, "url", "", "http: the URL to request (default: the embedded target's /delay/{latency})")
	fs.StringVar(&f.method, "method", "GET", "http: request method")
	fs.StringArrayVar(&f.headers, "header", nil, "http: a request header \"Name: value\"; repeat for more")
	fs.StringVar(&f.bodyFile, "body-file", "", "http: send this file as the request body")
	fs.BoolVar(&f.noKeepalive, "no-keepalive", false, "http: a new connection per request, to measure connection set-up")
	fs.IntVar(&f.followRedirects, "follow-redirects", 0, "http: follow up to N redirects per task, on the same origin, each request an attempt (default: a redirect is an answer, counted by its status)")
	fs.Var(&f.engine, "http-engine", "http: client engine: h1 (concbench's own HTTP/1.1 client, fastest), fasthttp (HTTP/1.1 library) or std (net/http: HTTP/2, full semantics)")
	fs.StringVar(&f.addr, "addr", "", "tcp: the echo server host:port (default: the embedded target's)")
	fs.Var(&f.size, "size", "tcp: bytes sent and echoed back per task")
	fs.BoolVar(&f.persistent, "tcp-persistent", false, "tcp: keep connections between tasks (about one per task running at once)")
	fs.Var(&f.target, "target", "where the embedded target runs: child (a separate process) or inproc (memory figures then include it)")
	fs.Var(&f.failRate, "fail-rate", "probability in [0,1] that an attempt fails (decided per task and attempt from --seed)")
	fs.Var(&f.timeout, "timeout", "per-attempt timeout; 0 means none")
	fs.Var(&f.retries, "retries", "extra attempts after a failure or timeout")
	fs.Var(&f.backoff, "backoff", "wait before the first retry; doubles for each further retry")
	fs.Var(&f.repeat, "repeat", "recorded runs per cell; the table shows the median wall time and its 95% CI")
	fs.Var(&f.warmup, "warmup", "unrecorded runs per cell before the recorded ones")
	fs.Int64Var(&f.seed, "seed", 1, "seed for every random draw; the same seed gives the same tasks")
	fs.Var(&f.format, "format", "output format: "+strings.Join(results.Formats, ", "))
	fs.StringVar(&f.out, "out", "", "also write the results to this file; .json, .csv, .md or .txt picks the format (JSON otherwise)")
	fs.Var(&f.perProcess, "per-process", "process: tasks each worker process runs at once (hybrid when above 1)")
	fs.StringVar(&f.plotDir, "plot", "", "after the run, write charts and report.md into this directory")
	fs.StringVar(&f.resume, "resume", "", "skip the cells already measured in this results file (of the same plan); --out then holds them all")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on stderr")
	fs.Var(&f.thresholds, "threshold", thresholdUsage())
	f.plot = addPlotFlags(fs)
	fs.Var(&f.panicAt, "panic-at", "fault injection: task indices that panic on every attempt")
	fs.Var(&f.stallAt, "stall-at", "fault injection: start of a window in which every task blocks (see --stall-for)")
	fs.Var(&f.stallFor, "stall-for", "fault injection: length of that window; attempts starting in it wait until it ends")
	fs.Var(&f.crashAt, "crash-at", "fault injection, process strategy: task indices whose worker process kills itself")
	f.fs = fs
	return f
}

// plan checks the flags against each other and builds the plan. Every
// error is a usageError naming the flag.
func (f *runFlags) plan() (*harness.Plan, error) {
	set := func(name string) bool { return f.fs.Changed(name) }
	spec := workloads.Spec{
		Name:     f.workload.v,
		Seed:     f.seed,
		FailRate: f.failRate.v,
		Timeout:  f.timeout.v,
		Retries:  f.retries.v,
		Backoff:  f.backoff.v,
		PanicAt:  f.panicAt.v,
		CrashAt:  f.crashAt.v,
		StallAt:  f.stallAt.v,
		StallFor: f.stallFor.v,
	}
	tasks := f.tasks.v
	switch spec.Name {
	case "sleep":
		if set("work") {
			return nil, usagef("--work applies to --workload cpu, not sleep")
		}
		if len(f.durations.v) > 0 {
			for _, name := range []string{"latency", "dist", "jitter"} {
				if set(name) {
					return nil, usagef("--%s conflicts with --durations: give one or the other", name)
				}
			}
			spec.Durations = f.durations.v
			if !set("tasks") {
				tasks = []int{len(spec.Durations)}
			}
			break
		}
		spec.Latency, spec.Dist, spec.Jitter = f.latency.v, f.dist.v, f.jitter.v
		switch {
		case set("jitter") && (spec.Dist == "fixed" || spec.Dist == "exp"):
			return nil, usagef("--jitter applies to --dist uniform or normal, not %s", spec.Dist)
		case !set("jitter") && spec.Dist == "uniform":
			spec.Jitter = spec.Latency / 2
		case !set("jitter") && spec.Dist == "normal":
			spec.Jitter = spec.Latency / 4
		}
	case "http", "tcp":
		for _, name := range []string{"dist", "jitter", "durations", "work"} {
			if set(name) {
				return nil, usagef("--%s applies to --workload sleep or cpu, not %s", name, spec.Name)
			}
		}
	case "cpu":
		for _, name := range []string{"latency", "dist", "jitter", "durations"} {
			if set(name) {
				return nil, usagef("--%s applies to --workload sleep, not cpu", name)
			}
		}
		if f.work.v == 0 {
			return nil, usagef("--work \"0\": must be a positive number of rounds")
		}
		spec.Work = f.work.v
	}
	if err := f.network(&spec, set); err != nil {
		return nil, err
	}
	if set("backoff") && spec.Retries == 0 {
		return nil, usagef("--backoff has no effect without --retries")
	}
	if set("duration") {
		if set("tasks") {
			return nil, usagef("--duration and --tasks exclude each other: give one")
		}
		if f.duration.v == 0 {
			return nil, usagef("--duration \"0s\": must be positive")
		}
	}
	p := &harness.Plan{
		Spec:        spec,
		Strategies:  f.strategies.v,
		Tasks:       tasks,
		Duration:    f.duration.v,
		Concurrency: f.conc.v,
		Repeat:      f.repeat.v,
		Warmup:      f.warmup.v,
		PerProcess:  max(f.perProcess.v, 1),
		Rate:        f.rate.v,
		Poisson:     f.arrival.v == "poisson",
		MaxQueue:    f.maxQueue.v,
		LateAfter:   f.lateAfter.v,
		Interval:    f.interval.v,
		Target:      f.target.v,
	}
	if err := applyStages(f, p, set); err != nil {
		return nil, err
	}
	if set("rate") && !set("tasks") && !set("duration") && !set("stages") {
		return nil, usagef("--rate needs --duration, --tasks or --stages: say how long or how many tasks to issue")
	}
	for _, name := range []string{"arrival", "max-queue", "late-after", "interval"} {
		if set(name) && !set("rate") && !set("stages") {
			return nil, usagef("--%s applies to open-loop runs: give --rate or --stages", name)
		}
	}
	if set("interval") && f.interval.v == 0 {
		return nil, usagef("--interval \"0s\": must be positive")
	}
	if set("stall-at") && !set("stall-for") {
		return nil, usagef("--stall-at needs --stall-for")
	}
	if set("per-process") && !slices.Contains(p.Strategies, "process") {
		return nil, usagef("--per-process applies to the process strategy only")
	}
	if set("per-process") && f.perProcess.v == 0 {
		return nil, usagef("--per-process \"0\": must be at least 1")
	}
	if p.Repeat == 0 {
		return nil, usagef("--repeat \"0\": must be at least 1")
	}
	if err := p.Validate(); err != nil {
		return nil, usageError{err}
	}
	return p, nil
}

// network fills the http and tcp parts of spec and rejects their flags on
// other workloads.
func (f *runFlags) network(spec *workloads.Spec, set func(string) bool) error {
	httpFlags := []string{"url", "method", "header", "body-file", "no-keepalive", "http-engine", "follow-redirects"}
	tcpFlags := []string{"addr", "size", "tcp-persistent"}
	for _, l := range []struct {
		workload string
		flags    []string
	}{{"http", httpFlags}, {"tcp", tcpFlags}, {"http or tcp", []string{"target"}}} {
		for _, name := range l.flags {
			if set(name) && !strings.Contains(l.workload, spec.Name) {
				return usagef("--%s applies to --workload %s, not %s", name, l.workload, spec.Name)
			}
		}
	}
	switch spec.Name {
	case "http":
		if f.url != "" && set("latency") {
			return usagef("--latency sets the embedded target's delay; with --url give the delay in the URL")
		}
		if f.url != "" && set("target") {
			return usagef("--target applies to the embedded target; --url names another")
		}
		for _, h := range f.headers {
			// Repeated values travel joined by newlines: one inside a
			// value would become a header of its own.
			if strings.ContainsAny(h, "\r\n\x00") {
				return usagef("--header %q: must not contain CR, LF or NUL: they would put other lines on the wire", h)
			}
		}
		p := params.Values{"url": f.url, "method": f.method, "header": strings.Join(f.headers, "\n"),
			"no-keepalive": strconv.FormatBool(f.noKeepalive), "http-engine": f.engine.v, "body-file": f.bodyFile,
			"follow-redirects": strconv.Itoa(f.followRedirects)}
		if f.url == "" {
			p["latency"] = f.latency.v.String()
		}
		spec.Params = p
	case "tcp":
		if set("latency") {
			return usagef("--latency applies to --workload sleep or http, not tcp")
		}
		if f.addr != "" && set("target") {
			return usagef("--target applies to the embedded target; --addr names another")
		}
		if f.size.v == 0 {
			return usagef("--size \"0\": must be at least 1")
		}
		spec.Params = params.Values{"addr": f.addr, "size": strconv.Itoa(f.size.v), "tcp-persistent": strconv.FormatBool(f.persistent)}
	}
	return nil
}
