package concbench_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/process"
	"github.com/concbench/concbench/strategies"
	"github.com/concbench/concbench/workloads"
)

// The bare twin of the process strategy: this test binary re-executed as
// a minimal worker that echoes each line it reads, one task in flight per
// worker, with no protocol, no spec and no measuring.
const bareEchoEnv = "CONCBENCH_BARE_ECHO"

func serveBareEchoIfAsked() {
	if os.Getenv(bareEchoEnv) != "1" {
		return
	}
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for {
		line, err := in.ReadSlice('\n')
		if err != nil {
			os.Exit(0)
		}
		out.Write(line)
		if in.Buffered() == 0 {
			out.Flush()
		}
	}
}

type bareWorker struct {
	cmd *exec.Cmd
	in  *bufio.Writer
	out *bufio.Reader
	raw io.WriteCloser
}

// startBare starts one echo worker and waits for its first answer.
func startBare(b *testing.B) *bareWorker {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), bareEchoEnv+"=1")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	// Answers are read with a blocking read(2), as the process strategy
	// reads them from few workers: the twin stays the best a bare
	// implementation does (through the netpoller it ran at half the rate).
	stdout.(*os.File).Fd()
	w := &bareWorker{cmd: cmd, in: bufio.NewWriter(stdin), out: bufio.NewReader(stdout), raw: stdin}
	w.call(b, "hello\n")
	return w
}

func (w *bareWorker) call(b *testing.B, line string) {
	w.in.WriteString(line)
	w.in.Flush()
	if _, err := w.out.ReadSlice('\n'); err != nil {
		b.Fatal(err)
	}
}

func (w *bareWorker) stop() { w.raw.Close(); w.cmd.Wait() }

// BenchmarkProcessStartup reports how long one worker takes to start and
// answer, for the process strategy and for the bare echo twin.
func BenchmarkProcessStartup(b *testing.B) {
	b.Run("impl=bare", func(b *testing.B) {
		var total time.Duration
		for b.Loop() {
			start := time.Now()
			w := startBare(b)
			total += time.Since(start)
			b.StopTimer()
			w.stop()
			b.StartTimer()
		}
		b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "startup-ms")
	})
	b.Run("impl=harness", func(b *testing.B) {
		task, err := workloads.New(workloads.Spec{Name: "cpu", Params: params.Values{"work": "1"}})
		if err != nil {
			b.Fatal(err)
		}
		var total time.Duration
		for b.Loop() {
			r, err := harness.Once(context.Background(), task, process.Process{Workers: 1, Spec: task.Spec()}, 1)
			if err != nil {
				b.Fatal(err)
			}
			total += r.Setup
		}
		b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "startup-ms")
	})
}

// BenchmarkProcessDispatch reports how many empty tasks per second pass
// through worker processes, beside the bare pipe echo twin and the
// in-process pool doing the same empty tasks: the process strategy as it
// runs (harness: where the OS shares memory, its workers claim the
// tasks), and with every index sent over the pipe as the twin sends them
// (pipe).
func BenchmarkProcessDispatch(b *testing.B) {
	const tasks = 100_000
	task, err := workloads.New(workloads.Spec{Name: "cpu", Params: params.Values{"work": "1"}})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []int{1, 2} {
		b.Run(fmt.Sprintf("impl=bare/workers=%d", p), func(b *testing.B) {
			var rates []float64
			for b.Loop() {
				ws := make([]*bareWorker, p)
				for k := range ws {
					ws[k] = startBare(b)
				}
				var next sync.Mutex
				i := 0
				start := time.Now()
				var wg sync.WaitGroup
				for _, w := range ws {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							next.Lock()
							mine := i
							i++
							next.Unlock()
							if mine >= tasks {
								return
							}
							w.call(b, strconv.Itoa(mine)+"\n")
						}
					}()
				}
				wg.Wait()
				rates = append(rates, tasks/time.Since(start).Seconds())
				for _, w := range ws {
					w.stop()
				}
			}
			b.ReportMetric(median(rates), "tasks/s")
		})
		for _, impl := range []string{"harness", "pipe", "pool"} {
			b.Run(fmt.Sprintf("impl=%s/workers=%d", impl, p), func(b *testing.B) {
				var strat strategies.Strategy = process.Process{Workers: p, Spec: task.Spec()}
				switch impl {
				case "pipe": // every index over the pipe, as the bare twin sends them
					strat = process.Process{Workers: p, Spec: task.Spec(), Pipe: true}
				case "pool":
					strat = strategies.Pool{Workers: p}
				}
				var rates []float64
				for b.Loop() {
					r := mustRun(b, task, strat, tasks)
					rates = append(rates, tasks/r.Wall.Seconds())
				}
				b.ReportMetric(median(rates), "tasks/s")
			})
		}
	}
}
