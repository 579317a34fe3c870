package results

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Formats lists the formats Write accepts.
var Formats = []string{"table", "markdown", "csv", "json", "gobench"}

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

// Write renders doc in format (one of Formats) to w.
func Write(w io.Writer, format string, doc *Document) error {
	return WriteWith(w, format, doc, TableOptions{})
}

// WriteWith is Write with the columns of the table and markdown formats
// chosen by opt (CSV and the others carry every figure).
func WriteWith(w io.Writer, format string, doc *Document, opt TableOptions) error {
	switch format {
	case "table":
		return writeText(w, doc, false, opt)
	case "markdown":
		return writeText(w, doc, true, opt)
	case "csv":
		return writeCSV(w, doc)
	case "gobench":
		return writeGobench(w, doc)
	case "json":
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(doc)
	}
	return fmt.Errorf("unknown format %q; want one of %s", format, strings.Join(Formats, ", "))
}

// groups splits the runs by workload and parameters, in first-seen order,
// so each table shares one heading.
func groups(runs []Summary) [][]*Summary {
	var keys []string
	byKey := map[string][]*Summary{}
	for i := range runs {
		k := groupTitle(&runs[i])
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], &runs[i])
	}
	out := make([][]*Summary, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

func groupTitle(s *Summary) string { return "workload " + s.Workload + " " + ParamText(s, true) }

// warmupNote says, after a group's title, that its cells ran unrecorded
// first: a network cell does by default, and its figures leave out the
// connection set-up that the first run pays.
func warmupNote(s *Summary) string {
	switch s.Warmups {
	case 0:
		return ""
	case 1:
		return " (each cell warmed up once first, not recorded: --warmup 0 records it)"
	}
	return fmt.Sprintf(" (each cell warmed up %d times first, not recorded)", s.Warmups)
}

// ParamText renders a run's workload parameters as "k=v" pairs in a
// stable order, with or without the seed.
func ParamText(s *Summary, seed bool) string {
	var parts []string
	params := CellParams(s)
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if k != "seed" || seed {
			parts = append(parts, k+"="+params[k])
		}
	}
	return strings.Join(parts, " ")
}

// CellParams returns a run's workload parameters as they identify its
// cell across runs (Key, ParamText, gobench configuration lines). A run
// against the embedded target (Target set) had a random port: its url
// keeps only the path (which carries the delay) and its addr goes, so
// that two identical runs compare. s.Params is not modified.
func CellParams(s *Summary) map[string]string {
	if s.Target == nil {
		return s.Params
	}
	p := maps.Clone(s.Params)
	delete(p, "addr")
	if u, err := url.Parse(p["url"]); err == nil && u.Host != "" {
		p["url"] = u.RequestURI()
	}
	return p
}

// Groups splits runs by workload and parameters, in first-seen order: the
// runs of one group are comparable with each other.
func Groups(runs []Summary) [][]*Summary { return groups(runs) }

func writeText(w io.Writer, doc *Document, markdown bool, opt TableOptions) error {
	var b strings.Builder
	for gi, g := range groups(doc.Runs) {
		if gi > 0 {
			b.WriteString("\n")
		}
		cols := tableColumns(g, opt)
		rows := [][]string{headRow(cols)}
		for _, s := range g {
			row := make([]string, len(cols))
			for j, c := range cols {
				row[j] = c.human(s)
			}
			rows = append(rows, row)
		}
		if markdown {
			fmt.Fprintf(&b, "**%s**%s\n\n", groupTitle(g[0]), warmupNote(g[0]))
			markdownTable(&b, rows)
		} else {
			fmt.Fprintf(&b, "%s\n", Wrap(groupTitle(g[0])+warmupNote(g[0]), TableWidth))
			alignedTable(&b, rows)
		}
		errorLines(&b, g, markdown)
	}
	if vs := Verdicts(doc.Runs); len(vs) > 0 {
		b.WriteString("\n")
		for _, v := range vs {
			line := v.String()
			if !markdown {
				line = Wrap(line, TableWidth)
			}
			fmt.Fprintf(&b, "%s\n", line)
		}
	}
	fmt.Fprintf(&b, "\nlatency = service time per task; wait = queue wait; percentiles: %s", doc.PercentileMethod)
	if slices.ContainsFunc(doc.Runs, func(s Summary) bool { return s.PercentileMethod == HDRPercentileMethod }) {
		fmt.Fprintf(&b, " (runs of over %d tasks: %s)", DefaultExactLimit, HDRPercentileMethod)
	}
	if slices.ContainsFunc(doc.Runs, func(s Summary) bool { return s.OpenLoop != nil }) {
		b.WriteString("; open loop: corr = end minus due time (what a user waits, free of coordinated omission), send = the generator's own lateness (release minus due), late = started after --late-after, drop = arrivals to a full --max-queue")
	}
	if slices.ContainsFunc(doc.Runs, func(s Summary) bool { return s.Target != nil && s.Target.Mode == "inproc" }) {
		b.WriteString("; the target ran in-process, so heap, rss and goroutines include the server")
	}
	if doc.Partial {
		b.WriteString("; * = interrupted, partial results")
	}
	b.WriteString("\n")
	text := b.String()
	if !markdown { // the footer, the last paragraph, fits the table's width too
		i := strings.LastIndex(strings.TrimSuffix(text, "\n"), "\n") + 1
		text = text[:i] + Wrap(strings.TrimSuffix(text[i:], "\n"), TableWidth) + "\n"
	}
	_, err := io.WriteString(w, text)
	return err
}

// Wrap breaks s at spaces into lines of at most width characters (a
// longer word stays whole), continuation lines indented by two spaces.
func Wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Split(s, " ") {
		k := len([]rune(word))
		if i > 0 && n+1+k > width {
			b.WriteString("\n  ")
			n = 2
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += k
	}
	return b.String()
}

// visibleColumns drops the columns that no run in the group has.
func visibleColumns(g []*Summary) []column {
	var cols []column
	for _, c := range columns {
		if c.head == ciHead {
			c = ciColumn(c, g)
		}
		if c.only == nil || slices.ContainsFunc(g, c.only) {
			cols = append(cols, c)
		}
	}
	return cols
}

func headRow(cols []column) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.head
	}
	return h
}

func alignedTable(b *strings.Builder, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for j, c := range r {
			width[j] = max(width[j], len([]rune(c)))
		}
	}
	for _, r := range rows {
		for j, c := range r {
			pad := strings.Repeat(" ", width[j]-len([]rune(c)))
			switch {
			case j == 0:
				b.WriteString(c + pad)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
}

func markdownTable(b *strings.Builder, rows [][]string) {
	for i, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
		if i == 0 {
			seps := make([]string, len(r))
			for j := range seps {
				seps[j] = "---:"
			}
			seps[0] = ":---"
			b.WriteString("|" + strings.Join(seps, "|") + "|\n")
		}
	}
	b.WriteString("\n")
}

func errorLines(b *strings.Builder, g []*Summary, markdown bool) {
	for _, s := range g {
		if len(s.Errors) == 0 {
			continue
		}
		var parts []string
		for _, k := range SortedKinds(s.Errors) {
			e := s.Errors[k]
			parts = append(parts, fmt.Sprintf("%s %d (e.g. %q)", k, e.Count, e.Example))
		}
		bullet := ""
		if markdown {
			bullet = "- "
		}
		fmt.Fprintf(b, "%serrors %s tasks=%d conc=%d: %s\n", bullet, s.Strategy, s.Tasks, s.Concurrency, strings.Join(parts, ", "))
	}
}

// textColumns are the CSV columns of text, where "-" says none.
var textColumns = []string{"strategy", "swept", "generator-limited", "thresholds"}

func writeCSV(w io.Writer, doc *Document) error {
	cw := csv.NewWriter(w)
	var head []string
	var cols []column
	for _, c := range columns {
		if c.csvHead != "" {
			head = append(head, c.csvHead)
			cols = append(cols, c)
		}
	}
	head = append(head, "wall_interval_lo_seconds", "wall_interval_hi_seconds", "wall_interval_level", "repetitions", "workload", "params")
	if err := cw.Write(head); err != nil {
		return err
	}
	for i := range doc.Runs {
		s := &doc.Runs[i]
		row := make([]string, 0, len(head))
		for _, c := range cols {
			f := c.raw
			if f == nil {
				f = c.human
			}
			v := f(s)
			if (v == "-" || v == "n/a") && !slices.Contains(textColumns, c.name) {
				v = "" // a missing number is empty, as pandas and spreadsheets read it (NaN), not text
			}
			row = append(row, v)
		}
		lo, hi, level := "", "", ""
		if iv := s.WallCI; iv != nil {
			lo, hi, level = f64(iv.Lo), f64(iv.Hi), f64(iv.Level)
		}
		row = append(row, lo, hi, level, itoa(max(len(s.Repetitions), 1)))
		p, _ := json.Marshal(s.Params)
		row = append(row, s.Workload, string(p))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// AlignedTable writes rows as columns aligned with spaces, the first row
// a header, for other commands' tables.
func AlignedTable(b *strings.Builder, rows [][]string) { alignedTable(b, rows) }
