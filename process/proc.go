package process

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/concbench/concbench/internal/osproc"
	"github.com/concbench/concbench/internal/worker"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// proc is one worker process and the parent's view of it.
type proc struct {
	id     int
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	in     *bufio.Writer
	out    *bufio.Reader
	outRaw io.Reader // the pipe under out
	stderr *tail

	gen        int           // 0 for a first worker, n for its n-th replacement
	readerDone chan struct{} // closed when a pipelined reader stops
	mu         sync.Mutex
	inflight   map[int]time.Duration // task index -> dispatch offset
	finished   int                   // results received

	// Owned by the goroutine that receives answers (and, once it is
	// drained, by serve's):
	last    time.Duration // offset from t0 of its latest answer
	answers []answer      // received, not yet passed to job.Record
	cause   error         // how it ended, once reaped
}

// answer is a worker's result waiting to be recorded.
type answer struct {
	i int
	s results.Sample
}

// answerBatch is how many answers a worker's receiver holds before it
// records them. The receivers of all workers record into the same
// recorder; one at a time, they took its cache lines from each other at
// every task (2 workers on 2 cores), and in bursts they do so once per
// batch. From a source that may wait (a pacer), each is recorded as it
// comes: a batch could wait for the next arrival.
const answerBatch = 64

func (p Process) start(ctx context.Context, id int) (*proc, error) {
	argv := p.Command
	if len(argv) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("worker %d: cannot find this executable: %w", id, err)
		}
		argv = []string{exe}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = p.workerEnv(os.Environ())
	// A worker whose parent dies ends too, so none is orphaned.
	cmd.SysProcAttr = osproc.ChildAttr()
	w := &proc{id: id, cmd: cmd, stderr: &tail{}, inflight: map[int]time.Duration{}, answers: make([]answer, 0, answerBatch)}
	cmd.Stderr = w.stderr
	if p.claims != nil {
		p.claims.Reset(id)
		cmd.ExtraFiles = []*os.File{p.claims.File()}
	}
	var err error
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("worker %d: cannot start %s: %w", id, argv[0], err)
	}
	w.in = bufio.NewWriterSize(w.stdin, 16<<10)
	w.outRaw, w.out = stdout, bufio.NewReaderSize(stdout, 16<<10)

	timeout := p.StartTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ready := make(chan error, 1)
	silent := false // no answer within the timeout
	go func() {
		werr := worker.WriteHello(w.in, worker.Hello{Version: worker.Version, Spec: p.spec(), PerProcess: p.perProcess(), ID: id})
		// Read the answer even if writing failed: a worker that refuses
		// (or is not a worker at all) may exit before reading everything,
		// and what it said is the better message.
		rerr := worker.ReadReply(w.out)
		if rerr != nil && werr != nil && (errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF)) {
			rerr = werr
		}
		ready <- rerr
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err = <-ready:
	case <-timer.C:
		err, silent = fmt.Errorf("no answer within %v", timeout), true
		defer func() { <-ready }() // ends once the kill below closes the pipes
	case <-ctx.Done():
		err = ctx.Err()
		defer func() { <-ready }()
	}
	if err != nil {
		w.kill()
		werr := w.cmd.Wait()
		if silent || errors.Is(err, worker.ErrBadMagic) || werr == nil {
			// It ran as something else (a test suite, a main) instead.
			return nil, fmt.Errorf("worker %d did not answer: %s (%v%s)", id, ServeHint, firstErr(err, werr), w.stderr.suffix())
		}
		// %w: a start-up cut short by ctx must read as the cancellation it is.
		return nil, fmt.Errorf("worker %d did not start (%s): %w%s", id, argv[0], firstErr(err, werr), w.stderr.suffix())
	}
	if p.workers() <= blockingReaders() {
		// Fd puts the pipe in blocking mode: each answer then wakes the
		// reading thread in read(2) directly, instead of waking the
		// netpoller, which wakes a thread, which runs the goroutine (an
		// extra hand-off per task that on 2 busy cores halved dispatch).
		// Only after the handshake: until then a read must end when the
		// worker is killed, and a blocked read(2) would outlast a
		// grandchild that holds the pipe open; from here on reads end at
		// EOF in either mode.
		if f, ok := w.outRaw.(*os.File); ok {
			f.Fd()
		}
	}
	return w, nil
}

// workerEnv is a worker's environment: the parent's (environ) marked as a
// worker's, and as a lean worker's of this build where it is one.
//
// A lean worker with one slot also gets GOMAXPROCS=1: it runs one
// built-in task at a time on its main goroutine, so one P is all it uses,
// and a second only adds threads to wake on the way to "ready" (its
// runtime's own goroutines wake an idle P, and a VM may take a
// millisecond to run a thread on a vCPU it has halted). In four rounds
// of 30-40 alternated runs against the same build with two Ps (2-core
// VM, 2026-12-03) its start-up median was 0.17, 0.12, 0 and 0 ms lower
// (1.70 against 1.87 ms in the first; a minimal Go program 1.62 ms), and
// 1.53 against 1.70-1.75 ms while another program started beside it. A
// user's own binary keeps its GOMAXPROCS (its function may run
// goroutines of its own), and so does a GOMAXPROCS the user set.
func (p Process) workerEnv(environ []string) []string {
	env := append(slices.Clip(environ), worker.Env+"=1")
	if !p.lean {
		return env
	}
	env = append(env, worker.LeanEnv+"="+worker.Build())
	set := slices.ContainsFunc(environ, func(kv string) bool { return strings.HasPrefix(kv, "GOMAXPROCS=") })
	if !set && p.perProcess() == 1 {
		env = append(env, "GOMAXPROCS=1")
	}
	return env
}

// blockingReaders is the most workers whose answers are read with a
// blocking read(2): each holds an OS thread parked in the kernel while it
// waits, so beyond a few per core the netpoller, which waits for them all
// on one thread, costs less.
func blockingReaders() int { return 4 * runtime.GOMAXPROCS(0) }

// ServeHint is what to do about a worker process that does not speak the
// worker protocol: the binary was re-executed but did not serve.
const ServeHint = "call concbench.ServeWorkers first in TestMain or main"

func firstErr(err, exit error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if exit != nil {
			return fmt.Errorf("exited: %w", exit)
		}
		return errors.New("closed its output before answering")
	}
	return err
}

// cancelGrace is how long a worker may take, after SIGINT, to answer for
// the tasks it holds before it is killed.
const cancelGrace = 2 * time.Second

// serve runs tasks on one worker process until there are none left, ctx
// ends or the worker dies, then reaps it. It reports whether it died.
func (p Process) serve(ctx context.Context, d *dispatch, w *proc) (crashed bool) {
	// On cancellation the worker gets SIGINT: its tasks end as canceled and
	// their answers still come back. One that does not answer is killed.
	killer := time.AfterFunc(time.Duration(math.MaxInt64), w.kill)
	defer killer.Stop()
	stop := context.AfterFunc(ctx, func() {
		w.cmd.Process.Signal(os.Interrupt)
		killer.Reset(cancelGrace)
	})
	defer stop()
	var died bool
	switch {
	case d.claims != nil:
		died = w.claiming(d)
	case p.perProcess() == 1:
		died = w.lockstep(ctx, d)
	default:
		died = w.pipelined(ctx, d, p.perProcess())
	}
	w.stdin.Close() // EOF: the worker finishes what it holds, then exits
	if died {
		w.kill() // it is dying or broken; make sure, so draining ends
	}
	w.drain(d)
	w.record(d)
	defer d.ended(w)
	exit := w.wait(&d.mu, d.stats)

	held := w.held(d)
	if d.claims != nil && exit != nil {
		died = true // between two tasks, or before its first
	}
	w.cause = &workloads.KindError{Kind: "worker-exit", Msg: fmt.Sprintf("worker %d exited: %v%s", w.id, exitText(exit), w.stderr.suffix())}
	if d.claims != nil {
		d.reaped(w, len(held))
	}
	if len(held) == 0 || ctx.Err() != nil {
		// Tasks cut short by cancellation stay unrecorded: the recorder
		// counts them as canceled.
		return died && ctx.Err() == nil
	}
	w.last = time.Since(d.t0) // its tasks ended when it did
	for _, c := range held {
		d.job.Record(c.Index, results.Sample{Start: c.Start, Attempts: 1, Outcome: results.Error, Err: w.cause})
	}
	return true
}

// held returns the tasks an exited worker took with it: those claimed
// and not answered, or sent and not answered.
func (w *proc) held(d *dispatch) []worker.Claim {
	if d.claims != nil {
		return d.claims.Lost(w.id, w.finished)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	held := make([]worker.Claim, 0, len(w.inflight))
	for i, start := range w.inflight {
		held = append(held, worker.Claim{Index: i, Start: start})
		delete(w.inflight, i)
	}
	return held
}

// claiming tells the worker to claim its tasks (see worker.Claims), then
// records its answers until it exits. It reports whether the worker
// broke the protocol.
func (w *proc) claiming(d *dispatch) (died bool) {
	worker.WriteGo(w.in, d.mono)
	if w.in.Flush() != nil {
		return true
	}
	for {
		if err := w.receive(d); err != nil {
			return !errors.Is(err, io.EOF)
		}
	}
}

// lockstep keeps one task in flight on the calling goroutine: send an
// index, wait for its answer, repeat. It reports whether the worker died.
func (w *proc) lockstep(ctx context.Context, d *dispatch) (died bool) {
	for ctx.Err() == nil {
		i, ok := d.take(ctx)
		if !ok {
			return false
		}
		w.send(d, i)
		if w.in.Flush() != nil || w.receive(d) != nil {
			return true
		}
	}
	return false
}

// pipelined keeps up to slots tasks in flight: a reader goroutine records
// answers and frees slots while this goroutine sends indices.
func (w *proc) pipelined(ctx context.Context, d *dispatch, slots int) (died bool) {
	free := make(chan struct{}, slots)
	w.readerDone = make(chan struct{})
	go func() {
		defer close(w.readerDone)
		for w.receive(d) == nil {
			<-free
		}
	}()
	for ctx.Err() == nil {
		select {
		case free <- struct{}{}:
		default:
			// Every slot is busy: send what is buffered, then wait.
			if w.in.Flush() != nil {
				return true
			}
			select {
			case free <- struct{}{}:
			case <-ctx.Done():
				return false
			case <-w.readerDone:
				return true
			}
		}
		i, ok := d.take(ctx)
		if !ok {
			break
		}
		w.send(d, i)
		// Indices that are all ready at once (a closed loop) go out
		// together, once the slots are full; from a source whose Next may
		// wait (a pacer), each goes out before the wait, or it would run
		// only when the next arrival came, later than its measured start.
		if d.mayWait && w.in.Flush() != nil {
			return true
		}
	}
	return w.in.Flush() != nil
}

// drain collects the answers still due after the last task was sent.
func (w *proc) drain(d *dispatch) {
	if w.readerDone != nil {
		<-w.readerDone
		return
	}
	for w.receive(d) == nil {
	}
}

func (w *proc) send(d *dispatch, i int) {
	w.mu.Lock()
	w.inflight[i] = time.Since(d.t0)
	w.mu.Unlock()
	worker.WriteTask(w.in, i)
}

// receive reads and records one answer.
func (w *proc) receive(d *dispatch) error {
	i, s, err := worker.ReadResult(w.out)
	if err != nil {
		return err
	}
	if d.claims != nil {
		if !d.claims.Given(i) {
			return fmt.Errorf("worker %d answered task %d, which was not to claim", w.id, i)
		}
		w.finished++ // a claimed task's frame carries its start
	} else {
		w.mu.Lock()
		start, ok := w.inflight[i]
		delete(w.inflight, i)
		w.finished++
		w.mu.Unlock()
		if !ok {
			return fmt.Errorf("worker %d answered task %d, which it was not given", w.id, i)
		}
		s.Start = start
	}
	w.last = time.Since(d.t0)
	w.answers = append(w.answers, answer{i, s})
	if len(w.answers) == answerBatch || d.mayWait {
		w.record(d)
	}
	return nil
}

// record passes the answers held to job.Record.
func (w *proc) record(d *dispatch) {
	for k := range w.answers {
		d.job.Record(w.answers[k].i, w.answers[k].s)
	}
	w.answers = w.answers[:0]
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

func (w *proc) kill() { w.cmd.Process.Kill() }

// wait reaps the worker and adds its resource use to stats, under mu.
func (w *proc) wait(mu *sync.Mutex, stats *ChildStats) error {
	err := w.cmd.Wait()
	if st := w.cmd.ProcessState; st != nil {
		rss, known := osproc.PeakRSS(st)
		mu.Lock()
		if known {
			stats.PeakRSS = append(stats.PeakRSS, rss)
		}
		stats.UserCPU += st.UserTime()
		stats.SysCPU += st.SystemTime()
		mu.Unlock()
	}
	return err
}

// tail keeps the last bytes a worker wrote to stderr. Safe for concurrent use.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailMax = 2048

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailMax {
		t.buf = t.buf[len(t.buf)-tailMax:]
	}
	return len(p), nil
}

// suffix renders the tail on one line for an error message.
func (t *tail) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.Join(strings.Fields(strings.ReplaceAll(string(t.buf), "\n", " | ")), " ")
	if s == "" {
		return ""
	}
	return "; stderr: " + s
}
