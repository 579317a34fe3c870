package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Schema tags every results document written now. Version 2 made figures
// an operating system may not give nullable (memory.peak_rss_bytes,
// repetitions' peak_rss_bytes, processes.worker_peak_rss_bytes and
// child_rss_sum_bytes are null where unknown, never 0). Readers accept v1
// and v2 (ReadDocument upgrades v1: its 0 there meant unknown).
//
// v2 is extended with optional fields only: a later change adds fields
// that older readers may ignore and that are absent from older documents;
// it never renames, removes or changes the meaning of a field. A change
// that must do so moves to v3 and keeps reading v1 and v2.
const Schema = "concbench/results/v2"

// SchemaV1 is the first schema, still read.
const SchemaV1 = "concbench/results/v1"

// Memory is what a run cost in memory. Peaks are sampled while it runs.
type Memory struct {
	PeakHeapBytes   uint64  `json:"peak_heap_bytes"`   // live heap objects, sampled
	TotalAllocBytes uint64  `json:"total_alloc_bytes"` // allocated during the run
	AllocsPerTask   float64 `json:"allocs_per_task"`   // heap objects allocated per task
	PeakGoroutines  int     `json:"peak_goroutines"`   // sampled
	PeakRSSBytes    *uint64 `json:"peak_rss_bytes"`    // the process's high-water mark for this run; nil: unknown
	// RecorderBytes is the most the harness's own recording held during
	// the run (batches, histograms, exact values), part of the peaks
	// above: subtract it to see the strategy's own.
	RecorderBytes uint64 `json:"recorder_peak_bytes,omitempty"`
	// PeakRSSScope is "process" where the OS would not reset the
	// high-water mark for the run (/proc/self/clear_refs): PeakRSSBytes is
	// then the process's peak since it started. Empty: this run's peak.
	PeakRSSScope string `json:"peak_rss_scope,omitempty"`

	// Scheduler figures of this process (the process strategy's workers
	// are not counted), from runtime/metrics; absent where unknown. OS
	// threads outlive the cells that made them (the runtime keeps idle
	// threads), so a cell's own figure is PeakThreads minus
	// ThreadsAtStart.
	PeakThreads    *int `json:"peak_threads,omitempty"`     // OS threads owned by the runtime, sampled
	ThreadsAtStart *int `json:"threads_at_start,omitempty"` // the same, as the run started
	// PeakNotInGo counts goroutines in system calls or cgo, sampled: the
	// ones that pin an OS thread each.
	PeakNotInGo *int `json:"peak_goroutines_not_in_go,omitempty"`
	// SchedLatency is how long goroutines waited runnable before running,
	// over the run (bucket upper bounds of the runtime's histogram).
	SchedLatency *SchedLatency `json:"sched_latency_seconds,omitempty"`
}

// SchedLatency summarises the runtime's /sched/latencies histogram over a
// run.
type SchedLatency struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// ThreadsAdded returns how many OS threads the run added at its peak over
// those at its start, and false where either figure is unknown.
func (m *Memory) ThreadsAdded() (int, bool) {
	if m.PeakThreads == nil || m.ThreadsAtStart == nil {
		return 0, false
	}
	return *m.PeakThreads - *m.ThreadsAtStart, true
}

// Repetition is one recorded run of a cell.
type Repetition struct {
	WallSeconds    float64 `json:"wall_seconds"`
	ThroughputPerS float64 `json:"throughput_per_s"`
	P99Seconds     float64 `json:"p99_seconds"`
	PeakRSSBytes   *uint64 `json:"peak_rss_bytes"` // nil: unknown
	// Added after v1's first release: absent from older documents.
	P50Seconds     *float64 `json:"p50_seconds,omitempty"`
	PeakGoroutines int      `json:"peak_goroutines,omitempty"`
	PeakThreads    *int     `json:"peak_threads,omitempty"` // the process's, as Memory.PeakThreads
	// CorrectedP99Seconds is an open-loop run's corrected p99 (end minus
	// due time), which its verdict compares. Added to v2.
	CorrectedP99Seconds *float64 `json:"corrected_p99_seconds,omitempty"`
	// Round is the round of an interleaved plan the run belonged to
	// (round r runs every cell once, in an order that rotates), Order its
	// place among all the recorded runs of the plan (1-based) and
	// StartedAt when it started: they show how the repetitions of the
	// cells were interleaved. Added to v2: absent from older documents.
	Round     int        `json:"round,omitempty"`
	Order     int        `json:"order,omitempty"`
	StartedAt *time.Time `json:"started_at,omitempty"`
}

// Summary describes one cell of a plan: a strategy, a workload and its
// parameters, a task count and a concurrency. When the cell was repeated,
// WallSeconds is the median over the repetitions and everything else
// describes the repetition whose wall time is that median (the lower
// middle one for an even count), so that every figure in a row comes from
// one real run.
type Summary struct {
	Strategy string            `json:"strategy"`
	Source   int               `json:"source,omitempty"` // merged documents: 1-based index into Document.Sources
	Workload string            `json:"workload"`
	Params   map[string]string `json:"params"`
	// Swept holds, by flag name and as typed, the values of the
	// parameters that the plan swept besides tasks, concurrency and
	// strategies (--rate 100,200, --latency 5ms,20ms, ...): they tell the
	// cells of one sweep apart. Added to v2: absent when nothing else is
	// swept, and from older documents.
	Swept       map[string]string `json:"swept,omitempty"`
	Tasks       int               `json:"tasks"`       // tasks issued
	Concurrency int               `json:"concurrency"` // the limit asked for (sequential 1, unbounded the tasks)
	// Limits are the concurrency limits of the sweep, for a strategy that
	// ignores the limit and ran once for all of them (sequential,
	// unbounded): its benchmark lines repeat under each.
	Limits          []int   `json:"limits,omitempty"`
	Slots           int     `json:"slots"`                      // tasks that may run at once: the limit, capped by the tasks
	DurationSeconds float64 `json:"duration_seconds,omitempty"` // duration mode: how long tasks were issued
	Partial         bool    `json:"partial,omitempty"`
	// Repeat is the repetitions the plan asked for (--repeat, when over
	// 1) and RepetitionsDone those recorded: fewer in a file written
	// between the rounds of an interleaved plan or after an interrupt.
	// PendingRuns then holds each recorded run's own summary, which
	// --resume needs to add the rest; a complete cell has none. Added to
	// v2: absent from older documents (whose cells are complete).
	Repeat          int       `json:"repeat,omitempty"`
	RepetitionsDone int       `json:"repetitions_done,omitempty"`
	PendingRuns     []Summary `json:"pending_runs,omitempty"`

	WallSeconds    float64      `json:"wall_seconds"`
	WallCI         *Interval    `json:"wall_ci_seconds"`
	Repetitions    []Repetition `json:"repetitions"`
	Warmups        int          `json:"warmups,omitempty"` // unrecorded runs before them (--warmup)
	ThroughputPerS float64      `json:"throughput_per_s"`

	// PercentileMethod is set where this run's percentiles were not
	// computed as the document's percentile_method says: a run past
	// DefaultExactLimit tasks takes them from its HDR histograms.
	PercentileMethod string `json:"percentile_method,omitempty"`

	Latency          Percentiles          `json:"latency_seconds"`
	LatencyHistogram *Histogram           `json:"latency_histogram,omitempty"` // service times, HDR
	QueueWait        Percentiles          `json:"queue_wait_seconds"`
	Outcomes         Outcomes             `json:"outcomes"`
	Errors           map[string]ErrorKind `json:"errors,omitempty"`
	Attempts         int                  `json:"attempts"`

	IdealSeconds *float64 `json:"ideal_seconds"`
	Efficiency   *float64 `json:"efficiency"`
	Speedup      *float64 `json:"speedup"`
	// ExpectedServiceSeconds is the mean time the cell's tasks were set
	// to take (a sleep's drawn latency, retries and backoffs included),
	// present where the workload knows it and the cell has an ideal. The
	// service time's mean above it is how late the tasks' waits ended,
	// which the wall, eff and speedup count against the strategy
	// (Warnings says so). Added to v2: absent from older documents.
	ExpectedServiceSeconds *float64 `json:"expected_service_seconds,omitempty"`

	Memory    Memory     `json:"memory"`
	Processes *Processes `json:"processes,omitempty"` // process strategy only
	Target    *TargetUse `json:"target,omitempty"`    // the embedded target, when concbench started one
	OpenLoop  *OpenLoop  `json:"open_loop,omitempty"` // runs with --rate

	// Timeline: per interval of IntervalSeconds, for duration-mode and
	// open-loop runs. Its latency is the corrected latency in open loop,
	// the service time otherwise (TimelineLatency says which).
	IntervalSeconds float64 `json:"interval_seconds,omitempty"`
	TimelineLatency string  `json:"timeline_latency,omitempty"`
	Timeline        []Step  `json:"timeline,omitempty"`

	BytesReceived int64 `json:"bytes_received,omitempty"` // network workloads

	// HostCPUBusy is the share of all the host's CPUs that were busy over
	// the run (everything on it: this process, a target, other programs),
	// from /proc/stat; absent where the OS does not say. An open-loop
	// generator on a saturated host releases its arrivals late (Warnings).
	// Added to v2.
	HostCPUBusy *float64 `json:"host_cpu_busy,omitempty"`

	// Thresholds are the --threshold checks evaluated on this cell.
	Thresholds []Check `json:"thresholds,omitempty"`

	// Shard: this run is one shard's part of the cell, or the merge of
	// the shards' parts.
	Shard *ShardRun `json:"shard,omitempty"`
}

// OpenLoop describes a run whose tasks arrived at a set rate. Latency
// (service time, end minus start) and Corrected (end minus due time: what
// a user of the system would see) are reported side by side.
type OpenLoop struct {
	Arrival   string  `json:"arrival"`          // uniform or poisson
	RateAsked float64 `json:"rate_asked_per_s"` // a ramp's: its mean, the arrivals it expects over its length
	// Stages is the ramp (--stages) the arrivals followed, as given; the
	// timeline's steps carry the arrivals it expected in each (Asked).
	Stages       string  `json:"stages,omitempty"`
	RateAchieved float64 `json:"rate_achieved_per_s"` // arrivals released per second by the pacer
	// RateStarted is tasks started per second: the arrivals not dropped,
	// over the span from the first release to the last start (bounded by
	// the last release plus the longest queue wait). Below RateAchieved
	// when the strategy's slots could not keep up.
	RateStarted        float64     `json:"rate_started_per_s,omitempty"`
	Corrected          Percentiles `json:"corrected_latency_seconds"`
	CorrectedHistogram *Histogram  `json:"corrected_latency_histogram,omitempty"`
	MaxQueueDepth      int         `json:"max_queue_depth"`
	QueueLimit         int         `json:"queue_limit,omitempty"` // --max-queue; 0: none
	Late               int         `json:"late"`                  // tasks started more than LateAfterSeconds after due
	LateAfterSeconds   float64     `json:"late_after_seconds"`
	// SendLateness is the generator's own lateness: when it released an
	// arrival it waited for minus when that arrival was due (SendWaited
	// of them; arrivals due while every slot was busy are queue wait).
	// A 0 s task's corrected latency, less this, is the hand-off to a task.
	SendLateness *Percentiles `json:"send_lateness_seconds,omitempty"`
	SendWaited   int          `json:"send_waited,omitempty"`
	// GeneratorLimited says why the generator, not the target, set the
	// pace of this run (rate short of the asked one, arrivals waiting for
	// a slot or dropped, CPU saturated, failures of the generator's host);
	// empty when nothing says so. Such a run is no measure of the target's
	// capacity, and fails every threshold.
	GeneratorLimited string `json:"generator_limited,omitempty"`
	// HostLimited is set when the generator's host, not the strategy's
	// slots, was the limit: the pacer fell behind, the CPUs were
	// saturated, or the host ran out of descriptors or ports.
	HostLimited bool `json:"host_limited,omitempty"`
}

// TargetUse is what a run asked of the embedded target, as the target
// counted it.
type TargetUse struct {
	Mode         string `json:"mode"` // child or inproc (then the memory figures include the server)
	HTTPConns    int64  `json:"http_conns_opened"`
	HTTPRequests int64  `json:"http_requests"`
	TCPConns     int64  `json:"tcp_conns_opened"`
}

// Processes is what the worker processes of a process-strategy run cost.
// WallSeconds of such a run counts from the moment every worker answered;
// EndToEndWallSeconds adds the start-up.
type Processes struct {
	Workers             int      `json:"workers"`
	PerProcess          int      `json:"per_process"`
	StartupSeconds      float64  `json:"startup_seconds"`
	EndToEndWallSeconds float64  `json:"end_to_end_wall_seconds"`
	WorkerPeakRSSBytes  []uint64 `json:"worker_peak_rss_bytes"` // per process, from rusage; null where the OS gives none
	ChildRSSSumBytes    *uint64  `json:"child_rss_sum_bytes"`   // nil: unknown
	ChildUserCPUSeconds float64  `json:"child_user_cpu_seconds"`
	ChildSysCPUSeconds  float64  `json:"child_sys_cpu_seconds"`
	Restarts            int      `json:"restarts"`
}

// Environment is where and when a document's runs were measured.
type Environment struct {
	GoVersion  string    `json:"go_version"`
	GOOS       string    `json:"goos"`
	GOARCH     string    `json:"goarch"`
	GOMAXPROCS int       `json:"gomaxprocs"`
	NumCPU     int       `json:"num_cpu"`
	CPUModel   string    `json:"cpu_model"`
	Time       time.Time `json:"time"`
	Version    string    `json:"concbench_version"`
	Command    string    `json:"command,omitempty"`
	// Libraries are the versions of the libraries that strategies of the
	// runs are named after (errgroup, ants, pond), by module path.
	Libraries map[string]string `json:"libraries,omitempty"`
}

// CurrentEnvironment describes this process and machine now.
func CurrentEnvironment(version string) Environment {
	return Environment{
		GoVersion:  runtime.Version(),
		GOOS:       runtime.GOOS,
		GOARCH:     runtime.GOARCH,
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		NumCPU:     runtime.NumCPU(),
		CPUModel:   cpuModel(),
		Time:       time.Now().UTC().Truncate(time.Second),
		Version:    version,
		Command:    strings.Join(os.Args, " "),
	}
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// Document is a results file: the environment once, then a summary per cell.
type Document struct {
	Schema           string      `json:"schema"`
	Environment      Environment `json:"environment"`
	PercentileMethod string      `json:"percentile_method"`
	Partial          bool        `json:"partial,omitempty"` // the run was interrupted
	Runs             []Summary   `json:"runs"`
	// Sources are the environments of merged documents; runs name theirs.
	Sources []Environment `json:"sources,omitempty"`

	// Plan is the hash of the plan the runs measured, for sharded plans:
	// shards of one plan carry the same (harness.Plan.Hash), and Shard
	// says which part of it this document holds (nil once merged).
	Plan  string   `json:"plan,omitempty"`
	Shard *ShardOf `json:"shard,omitempty"`
}

// NewDocument returns an empty document for this environment.
func NewDocument(env Environment) *Document {
	return &Document{Schema: Schema, Environment: env, PercentileMethod: PercentileMethod}
}

// MaxDocumentBytes bounds what ReadDocument reads, so that a wrong file
// (a disk image, /dev/zero) fails with a message instead of taking the
// machine's memory. A sweep of tens of thousands of cells fits.
const MaxDocumentBytes = 256 << 20

// ReadDocument decodes a results document and checks its schema. Errors
// name what is wrong (empty, truncated, not JSON, another schema, larger
// than MaxDocumentBytes). It reads at most MaxDocumentBytes+1 bytes.
func ReadDocument(r io.Reader) (*Document, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxDocumentBytes {
		return nil, fmt.Errorf("larger than %d MiB: not a concbench results document", MaxDocumentBytes>>20)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errors.New("empty file, not a concbench results document")
	}
	var probe struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("not valid JSON (truncated or corrupt): %w", err)
		}
		return nil, fmt.Errorf("not a concbench results document: %w", err)
	}
	switch {
	case probe.Schema == nil:
		return nil, errors.New("no schema tag: not a concbench results document")
	case *probe.Schema != Schema && *probe.Schema != SchemaV1:
		return nil, fmt.Errorf("schema %q is not supported (want %q or %q)", *probe.Schema, Schema, SchemaV1)
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("malformed results document: %w", err)
	}
	if d.Schema == SchemaV1 {
		upgradeV1(&d)
	}
	return &d, nil
}

// upgradeV1 turns a v1 document into v2 in memory: v1 wrote 0 for a
// figure the OS did not give, which v2 says with null. The schema tag
// becomes v2, so that a document written back (resume, merge) is one.
func upgradeV1(d *Document) {
	unknown := func(p **uint64) {
		if *p != nil && **p == 0 {
			*p = nil
		}
	}
	for i := range d.Runs {
		s := &d.Runs[i]
		unknown(&s.Memory.PeakRSSBytes)
		for j := range s.Repetitions {
			unknown(&s.Repetitions[j].PeakRSSBytes)
		}
		if p := s.Processes; p != nil {
			unknown(&p.ChildRSSSumBytes)
			if slices.Contains(p.WorkerPeakRSSBytes, 0) {
				p.WorkerPeakRSSBytes, p.ChildRSSSumBytes = nil, nil
			}
		}
	}
	d.Schema = Schema
}

// KnownBytes returns a known figure of b bytes, for the nullable fields.
func KnownBytes(b uint64) *uint64 { return &b }

// Known returns a nullable figure and whether it is known.
func Known(p *uint64) (float64, bool) {
	if p == nil {
		return 0, false
	}
	return float64(*p), true
}

// ReadFile reads a results document from path; errors name the file.
func ReadFile(path string) (*Document, error) {
	return ReadFileContext(context.Background(), path)
}

// ReadFileContext is ReadFile that gives up when ctx ends, even in the
// middle of a file that is slow to come (a pipe, a FIFO, a network
// mount): the file is closed under the read, and the error is ctx's.
func ReadFileContext(ctx context.Context, path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	stop := context.AfterFunc(ctx, func() { f.Close() })
	defer stop()
	d, err := ReadDocument(f)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s: %w", path, ctx.Err())
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}
