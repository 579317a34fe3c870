package results

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// column renders one field of a summary for people (human) and for
// programs (raw, in the unit its CSV header names).
type column struct {
	name          string // what --columns calls it: the metric's name where it shows one (results/metrics.go)
	head, csvHead string
	human, raw    func(*Summary) string
	only          func(*Summary) bool // shown in a table only if a row has it; nil: always
}

func repeated(s *Summary) bool  { return s.WallCI != nil }
func hasTarget(s *Summary) bool { return s.Target != nil }
func received(s *Summary) bool  { return s.BytesReceived > 0 }
func openLoop(s *Summary) bool  { return s.OpenLoop != nil }

// olCol renders an open-loop figure, "-" for closed-loop runs.
func olCol(render func(*OpenLoop) string) func(*Summary) string {
	return func(s *Summary) string {
		if s.OpenLoop == nil {
			return "-"
		}
		return render(s.OpenLoop)
	}
}
func hasProcesses(s *Summary) bool { return s.Processes != nil }

func f64(x float64) string   { return strconv.FormatFloat(x, 'g', 6, 64) }
func whole(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }
func itoa(n int) string      { return strconv.Itoa(n) }

func optional(p *float64, human func(float64) string) string {
	if p == nil {
		return "-"
	}
	return human(*p)
}

// unsharded is optional for the figures a sharded plan has no meaning
// for (sequential, speedup, ideal, efficiency): n/a in its runs.
func unsharded(s *Summary, p *float64, human func(float64) string) string {
	if s.Shard != nil {
		return "n/a"
	}
	return optional(p, human)
}

func percent(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }
func times(x float64) string   { return sig(x) + "x" }

var columns = []column{
	{"strategy", "strategy", "strategy", func(s *Summary) string { return strategyText(s) + partialMark(s) }, func(s *Summary) string { return s.Strategy }, nil},
	{"swept", "swept", "swept", SweptText, SweptText, swept},
	{"tasks", "tasks", "tasks", func(s *Summary) string { return itoa(s.Tasks) }, nil, nil},
	{"concurrency", "conc", "concurrency", func(s *Summary) string { return itoa(s.Concurrency) }, nil, nil},
	{"wall", "wall", "wall_seconds", func(s *Summary) string { return Seconds(s.WallSeconds) }, func(s *Summary) string { return f64(s.WallSeconds) }, nil},
	{"interval", ciHead, "", ciText, nil, repeated},
	{"startup", "startup", "startup_seconds", procCol(Seconds, startup), procCol(f64, startup), hasProcesses},
	{"end-to-end", "end-to-end", "end_to_end_wall_seconds", procCol(Seconds, endToEnd), procCol(f64, endToEnd), hasProcesses},
	{"ideal", "ideal", "ideal_seconds", func(s *Summary) string { return unsharded(s, s.IdealSeconds, Seconds) }, func(s *Summary) string { return unsharded(s, s.IdealSeconds, f64) }, nil},
	{"efficiency", "eff", "efficiency", func(s *Summary) string { return unsharded(s, s.Efficiency, percent) }, func(s *Summary) string { return unsharded(s, s.Efficiency, f64) }, nil},
	{"speedup", "speedup", "speedup", func(s *Summary) string { return unsharded(s, speedup(s), times) }, func(s *Summary) string { return unsharded(s, speedup(s), f64) }, nil},
	{"throughput", "tasks/s", "throughput_per_s", func(s *Summary) string { return Rate(s.ThroughputPerS) }, func(s *Summary) string { return f64(s.ThroughputPerS) }, nil},
	{"p50", "p50", "latency_p50_seconds", func(s *Summary) string { return Seconds(s.Latency.P50) }, func(s *Summary) string { return f64(s.Latency.P50) }, nil},
	{"p99", "p99", "latency_p99_seconds", func(s *Summary) string { return Seconds(s.Latency.P99) }, func(s *Summary) string { return f64(s.Latency.P99) }, nil},
	{"max", "max", "latency_max_seconds", func(s *Summary) string { return Seconds(s.Latency.Max) }, func(s *Summary) string { return f64(s.Latency.Max) }, nil},
	{"rate", "rate got/asked", "rate_achieved_per_s", olCol(func(o *OpenLoop) string {
		return strings.TrimSuffix(Rate(o.RateAchieved), "/s") + "/" + Rate(o.RateAsked)
	}), olCol(func(o *OpenLoop) string { return f64(o.RateAchieved) }), openLoop},
	{"corrected.p50", "corr p50", "corrected_p50_seconds", olCol(func(o *OpenLoop) string { return Seconds(o.Corrected.P50) }), olCol(func(o *OpenLoop) string { return f64(o.Corrected.P50) }), openLoop},
	{"corrected.p99", "corr p99", "corrected_p99_seconds", olCol(func(o *OpenLoop) string { return Seconds(o.Corrected.P99) }), olCol(func(o *OpenLoop) string { return f64(o.Corrected.P99) }), openLoop},
	{"send.p50", "send p50", "send_lateness_p50_seconds", olCol(func(o *OpenLoop) string { return sendCol(o, Seconds, 50) }), olCol(func(o *OpenLoop) string { return sendCol(o, f64, 50) }), openLoop},
	{"send.p99", "send p99", "send_lateness_p99_seconds", olCol(func(o *OpenLoop) string { return sendCol(o, Seconds, 99) }), olCol(func(o *OpenLoop) string { return sendCol(o, f64, 99) }), openLoop},
	{"send.max", "send max", "send_lateness_max_seconds", olCol(func(o *OpenLoop) string { return sendCol(o, Seconds, 100) }), olCol(func(o *OpenLoop) string { return sendCol(o, f64, 100) }), openLoop},
	{"late", "late", "late", olCol(func(o *OpenLoop) string { return itoa(o.Late) }), nil, openLoop},
	{"max-queue", "max q", "max_queue_depth", olCol(func(o *OpenLoop) string { return itoa(o.MaxQueueDepth) }), nil, openLoop},
	{"drops", "drop", "dropped", func(s *Summary) string { return itoa(s.Outcomes.Dropped) }, nil, openLoop},
	{"wait.p50", "wait p50", "queue_wait_p50_seconds", waitCol(Seconds, func(p Percentiles) float64 { return p.P50 }), waitCol(f64, func(p Percentiles) float64 { return p.P50 }), nil},
	{"wait.p99", "wait p99", "queue_wait_p99_seconds", waitCol(Seconds, func(p Percentiles) float64 { return p.P99 }), waitCol(f64, func(p Percentiles) float64 { return p.P99 }), nil},
	{"ok", "ok", "ok", func(s *Summary) string { return itoa(s.Outcomes.OK) }, nil, nil},
	{"error", "err", "error", func(s *Summary) string { return itoa(s.Outcomes.Error) }, nil, nil},
	{"timeout", "tmo", "timeout", func(s *Summary) string { return itoa(s.Outcomes.Timeout) }, nil, nil},
	{"panic", "pnc", "panic", func(s *Summary) string { return itoa(s.Outcomes.Panic) }, nil, nil},
	{"canceled", "cnc", "canceled", func(s *Summary) string { return itoa(s.Outcomes.Canceled) }, nil, nil},
	{"attempts", "tries", "attempts", func(s *Summary) string { return itoa(s.Attempts) }, nil, nil},
	{"goroutines", "goroutines", "peak_goroutines", func(s *Summary) string { return itoa(s.Memory.PeakGoroutines) }, nil, nil},
	{"threads", "threads", "peak_threads", threadsText, func(s *Summary) string { return optionalInt(s.Memory.PeakThreads) }, nil},
	{"heap", "heap", "peak_heap_bytes", func(s *Summary) string { return Bytes(float64(s.Memory.PeakHeapBytes)) }, func(s *Summary) string { return strconv.FormatUint(s.Memory.PeakHeapBytes, 10) }, nil},
	{"rss", "rss", "peak_rss_bytes", func(s *Summary) string { return knownText(s.Memory.PeakRSSBytes, Bytes) }, func(s *Summary) string { return knownText(s.Memory.PeakRSSBytes, f64) }, nil},
	{"bytes-per-task", "B/task", "alloc_bytes_per_task", func(s *Summary) string { return Bytes(perTask(s)) }, func(s *Summary) string { return f64(perTask(s)) }, nil},
	{"allocs-per-task", "allocs/task", "allocs_per_task", func(s *Summary) string { return sig(s.Memory.AllocsPerTask) }, func(s *Summary) string { return f64(s.Memory.AllocsPerTask) }, nil},
	{"conns", "conns", "conns_opened", func(s *Summary) string { return connsText(s) }, func(s *Summary) string { return connsText(s) }, hasTarget},
	{"received", "recv", "bytes_received", func(s *Summary) string { return Bytes(float64(s.BytesReceived)) }, func(s *Summary) string { return strconv.FormatInt(s.BytesReceived, 10) }, received},
	{"child-rss", "child rss", "child_rss_sum_bytes", procCol(Bytes, childRSS), procCol(whole, childRSS), hasProcesses},
	{"child-cpu", "child cpu", "child_cpu_seconds", procCol(Seconds, childCPU), procCol(f64, childCPU), hasProcesses},
	{"generator-limited", "gen-limited", "generator_limited", olCol(func(o *OpenLoop) string { return cmpOr(o.GeneratorLimited, "-") }), olCol(func(o *OpenLoop) string { return o.GeneratorLimited }), openLoop},
	{"thresholds", "thresholds", "thresholds", ThresholdText, ThresholdText, hasThresholds},
}

// sendCol renders the p50, p99 or (100) max of a run's send lateness, "-"
// when the run did not measure it.
func sendCol(o *OpenLoop, render func(float64) string, q int) string {
	p := o.SendLateness
	if p == nil {
		return "-"
	}
	switch q {
	case 50:
		return render(p.P50)
	case 99:
		return render(p.P99)
	}
	return render(p.Max)
}

// speedup is a run's speedup, none for an interrupted run (in a file
// written before FillSpeedups left them out): it ran only some tasks.
func speedup(s *Summary) *float64 {
	if s.Partial {
		return nil
	}
	return s.Speedup
}

// waitCol renders a queue-wait percentile, "-" for a closed-loop run of a
// duration: nothing paces its tasks, so a task's wait counts from the
// run's start and measures how far into the run it began (p50 2.5 s in a
// 5 s run), not a queue.
func waitCol(render func(float64) string, q func(Percentiles) float64) func(*Summary) string {
	return func(s *Summary) string {
		if s.DurationSeconds > 0 && s.OpenLoop == nil {
			return "-"
		}
		return render(q(s.QueueWait))
	}
}

func hasThresholds(s *Summary) bool { return len(s.Thresholds) > 0 }

func swept(s *Summary) bool { return len(s.Swept) > 0 }

// SweptText writes a run's swept values, "latency=5ms rate=100" (sorted
// by name), "-" when it has none.
func SweptText(s *Summary) string {
	if len(s.Swept) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(s.Swept))
	for _, k := range slices.Sorted(maps.Keys(s.Swept)) {
		parts = append(parts, k+"="+s.Swept[k])
	}
	return strings.Join(parts, " ")
}

func cmpOr(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// threadsText is the process's peak OS threads and, in parentheses, how
// many the run added over those at its start: the run's own figure, since
// idle threads of earlier runs stay in the process.
func threadsText(s *Summary) string {
	n, ok := s.Memory.ThreadsAdded()
	if !ok {
		return optionalInt(s.Memory.PeakThreads)
	}
	return fmt.Sprintf("%d (+%d)", *s.Memory.PeakThreads, n)
}

func optionalInt(p *int) string {
	if p == nil {
		return "-"
	}
	return itoa(*p)
}

// connsText is the number of connections the run opened to the embedded
// target ("-" when concbench did not start it).
func connsText(s *Summary) string {
	if s.Target == nil {
		return "-"
	}
	return strconv.FormatInt(s.Target.HTTPConns+s.Target.TCPConns, 10)
}

// strategyText names a hybrid process run by its tasks per worker.
func strategyText(s *Summary) string {
	name := s.Strategy
	if p := s.Processes; p != nil && p.PerProcess > 1 {
		name = fmt.Sprintf("%s×%d", s.Strategy, p.PerProcess)
	}
	if s.Source > 0 {
		name += fmt.Sprintf(" [%d]", s.Source)
	}
	return name
}

// procCol renders a figure of the worker processes, "-" for other runs
// and where the figure is unknown (NaN).
func procCol(render func(float64) string, get func(*Processes) float64) func(*Summary) string {
	return func(s *Summary) string {
		if s.Processes == nil {
			return "-"
		}
		x := get(s.Processes)
		if math.IsNaN(x) {
			return "-"
		}
		return render(x)
	}
}

func startup(p *Processes) float64  { return p.StartupSeconds }
func endToEnd(p *Processes) float64 { return p.EndToEndWallSeconds }
func childRSS(p *Processes) float64 {
	b, ok := Known(p.ChildRSSSumBytes)
	if !ok {
		return math.NaN() // rendered "-"
	}
	return b
}

// knownText renders a nullable figure, "-" when unknown.
func knownText(p *uint64, render func(float64) string) string {
	b, ok := Known(p)
	if !ok {
		return "-"
	}
	return render(b)
}
func childCPU(p *Processes) float64 { return p.ChildUserCPUSeconds + p.ChildSysCPUSeconds }

func partialMark(s *Summary) string {
	if s.Partial {
		return "*"
	}
	return ""
}

func ciText(s *Summary) string {
	if s.WallCI == nil {
		return "-"
	}
	return fmt.Sprintf("%s..%s", Seconds(s.WallCI.Lo), Seconds(s.WallCI.Hi))
}

// ciHead heads the wall-time interval column until visibleColumns gives
// it the label its rows have.
const ciHead = "wall interval"

// IntervalLabel says what a run's wall-time interval is: "range" when it
// is only the min–max of the repetitions (under 6 of them no pair of
// ranks reaches 95%: 3 give a 75% interval), otherwise its confidence
// level, "97% CI", as achieved rather than as asked. "" without one.
func IntervalLabel(s *Summary) string {
	iv := s.WallCI
	if iv == nil {
		return ""
	}
	if len(s.Repetitions) > 0 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, r := range s.Repetitions {
			lo, hi = min(lo, r.WallSeconds), max(hi, r.WallSeconds)
		}
		if iv.Lo == lo && iv.Hi == hi {
			return "range"
		}
	} else if iv.Level < 0.95 { // an older file without its repetitions
		return "range"
	}
	return fmt.Sprintf("%.0f%% CI", math.Floor(100*iv.Level))
}

// ciColumn is the interval column for the rows g: headed "wall range" or
// "wall 97% CI" when every row's interval is of one kind, else "wall
// interval" with each interval's label in its cell.
func ciColumn(c column, g []*Summary) column {
	labels := map[string]bool{}
	for _, s := range g {
		if l := IntervalLabel(s); l != "" {
			labels[l] = true
		}
	}
	if len(labels) == 1 {
		for l := range labels {
			c.head = "wall " + l
		}
		return c
	}
	c.human = func(s *Summary) string {
		if l := IntervalLabel(s); l != "" {
			return ciText(s) + " (" + l + ")"
		}
		return ciText(s)
	}
	return c
}

func perTask(s *Summary) float64 {
	if s.Tasks == 0 {
		return 0
	}
	return float64(s.Memory.TotalAllocBytes) / float64(s.Tasks)
}
