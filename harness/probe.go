package harness

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"time"

	"github.com/concbench/concbench/results"
)

// probeEvery is how often the probe samples the heap and goroutine count.
// A goroutine lives at least as long as its task, so peaks of runs whose
// tasks last longer than this are caught; shorter runs get a reading at
// their start and end.
const probeEvery = 2 * time.Millisecond

// probe samples this process's memory while a run goes on. Its goroutine
// is owned by the probe: stop waits for it.
type probe struct {
	quit, done     chan struct{}
	samples        []metrics.Sample
	peakHeap       uint64
	peakGoroutines int
	exactRSS       bool // the kernel's high-water mark was reset for this run
	before         runtime.MemStats
	sched          schedPeaks
}

// startProbe returns memory to the OS so that runs do not inherit each
// other's garbage, resets the RSS high-water mark and starts sampling.
func startProbe() *probe {
	debug.FreeOSMemory()
	p := &probe{
		quit: make(chan struct{}),
		done: make(chan struct{}),
		samples: []metrics.Sample{
			{Name: "/memory/classes/heap/objects:bytes"},
			{Name: "/sched/goroutines:goroutines"},
		},
	}
	p.exactRSS = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	runtime.ReadMemStats(&p.before)
	p.sched.start()
	p.read()
	go p.loop()
	return p
}

func (p *probe) loop() {
	defer close(p.done)
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
			p.read()
		}
	}
}

func (p *probe) read() {
	metrics.Read(p.samples)
	p.peakHeap = max(p.peakHeap, p.samples[0].Value.Uint64())
	p.peakGoroutines = max(p.peakGoroutines, int(p.samples[1].Value.Uint64()))
	p.sched.read()
}

// stop ends sampling and returns what the run cost for n tasks.
func (p *probe) stop(n int) results.Memory {
	close(p.quit)
	<-p.done
	p.read() // the loop has exited: this goroutine owns the peaks now
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	// Without a reset the kernel's high-water mark is the process's since
	// it started: an upper bound for this run, said as such, rather than
	// samples that miss a short peak.
	rss := procStatus("VmHWM:")
	var peak *uint64 // unknown where there is no /proc (not Linux)
	if rss > 0 {
		peak = &rss
	}
	m := results.Memory{
		PeakHeapBytes:   p.peakHeap,
		TotalAllocBytes: after.TotalAlloc - p.before.TotalAlloc,
		PeakGoroutines:  p.peakGoroutines,
		PeakRSSBytes:    peak,
	}
	if !p.exactRSS && peak != nil {
		m.PeakRSSScope = "process"
	}
	p.sched.stop(&m)
	if n > 0 {
		m.AllocsPerTask = float64(after.Mallocs-p.before.Mallocs) / float64(n)
	}
	return m
}

// procStatus returns a "kB" field of /proc/self/status in bytes, 0 if absent.
func procStatus(field string) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	i := bytes.Index(b, []byte(field))
	if i < 0 {
		return 0
	}
	rest := b[i+len(field):]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	kb, err := strconv.ParseUint(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
	if err != nil {
		return 0
	}
	return kb << 10
}
