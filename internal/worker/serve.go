package worker

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/concbench/concbench/internal/osproc"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/workloads"
)

// Env marks a process started by the process strategy as one of its
// workers: its value is "1".
const Env = "CONCBENCH_WORKER"

// IsWorker reports whether the parent started this process as a worker
// (whether or not it serves as one).
func IsWorker() bool { return os.Getenv(Env) == "1" }

// ServeIfWorker turns this process into a worker and exits if the parent
// started it as one; otherwise it returns at once (process.ServeIfWorker
// is the same).
func ServeIfWorker() {
	if !IsWorker() {
		return
	}
	ctx, armed, unsignal := cancelOnSignal()
	// An orphan ends: killed by the kernel where it has Pdeathsig, else
	// when it notices; and its stdin reaches EOF, which ends serveWorker.
	unwatch := osproc.ExitWithParent()
	err := serveWorker(ctx, os.Stdin, os.Stdout, armed)
	unwatch()
	unsignal()
	if err != nil {
		fmt.Fprintf(os.Stderr, "concbench worker: %v\n", err)
		os.Exit(2)
	}
	os.Exit(0)
}

// cancelOnSignal returns a context that SIGINT or SIGTERM cancels (they
// reach workers from a terminal's Ctrl-C as well as from the parent: the
// running tasks end, their results still go back), a channel closed once
// that holds, and a stop that waits for the goroutine it starts.
//
// The handlers are installed beside the handshake rather than before it:
// the first signal.Notify starts the runtime's signal loop, 120-210 µs of
// a worker's 1.3 ms to "ready" on the 2-core VM (2026-12-03), which the
// other core absorbs while the worker reads its hello (start-up median
// 1.70 against 1.92 ms and 1.95 against 2.14 ms with the handlers
// installed first, 40 alternated runs each). serveWorker waits
// for armed before its first task, so no task meets a signal's default
// action.
func cancelOnSignal() (ctx context.Context, armed <-chan struct{}, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ready, quit := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(c) // caught until the worker is done: a second Ctrl-C does not kill it mid-answer
		close(ready)
		select {
		case <-c:
			cancel()
			<-quit
		case <-quit:
		}
	})
	return ctx, ready, func() { close(quit); wg.Wait(); cancel() }
}

// serveWorker answers one parent: handshake, then tasks until EOF; it
// starts no task before armed is closed. It blocks until every received
// task has been answered.
func serveWorker(ctx context.Context, in io.Reader, out io.Writer, armed <-chan struct{}) error {
	r := bufio.NewReader(in)
	w := bufio.NewWriter(out)
	h, err := ReadHello(r)
	if err != nil {
		if h.Version != 0 {
			WriteReply(w, Version, err.Error())
		}
		return fmt.Errorf("handshake: %w", err)
	}
	if why := leanRefusal(h.Spec); why != "" {
		WriteReply(w, Version, why)
		return errors.New(why)
	}
	task, err := workloads.New(h.Spec)
	if err != nil {
		WriteReply(w, Version, "worker cannot build the workload: "+err.Error())
		return err
	}
	defer task.Close()
	if err := WriteReply(w, Version, ""); err != nil {
		return err
	}
	<-armed
	if h.PerProcess <= 1 {
		if b, err := r.Peek(1); err == nil && b[0] == frameGo {
			return serveClaims(ctx, r, w, task, h.Spec.CrashAt, h.ID)
		}
		return serveOneAtATime(ctx, r, w, task, h.Spec.CrashAt)
	}

	type done struct {
		i int
		s results.Sample
	}
	tasks := make(chan int)
	t0 := time.Now()
	answers := make(chan done, h.PerProcess) // over 1: one at a time is served above
	var wg sync.WaitGroup
	for range h.PerProcess {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range tasks {
				crashIf(h.Spec.CrashAt, i)
				answers <- done{i, task.Run(ctx, i, t0)}
			}
		}()
	}
	writeDone := make(chan error, 1)
	go func() {
		var werr error
		for a := range answers {
			WriteResult(w, a.i, &a.s)
			if len(answers) == 0 { // batch while more answers wait
				werr = errors.Join(werr, w.Flush())
			}
		}
		writeDone <- errors.Join(werr, w.Flush())
	}()

	var readErr error
	for {
		i, err := readTask(r)
		if err != nil {
			if err != io.EOF {
				readErr = err
			}
			break
		}
		tasks <- i
	}
	close(tasks)
	wg.Wait()
	close(answers)
	return errors.Join(readErr, <-writeDone)
}

// serveOneAtATime runs tasks on the calling goroutine, one after another.
// With one task in flight there is nothing to overlap, and every goroutine
// hop saved is a thread wake-up that would steal CPU from the other
// workers on a machine they share.
func serveOneAtATime(ctx context.Context, r *bufio.Reader, w *bufio.Writer, task *workloads.Task, crashAt []int) error {
	t0 := time.Now()
	for {
		i, err := readTask(r)
		if err == io.EOF {
			return w.Flush()
		}
		if err != nil {
			return err
		}
		crashIf(crashAt, i)
		s := task.Run(ctx, i, t0)
		WriteResult(w, i, &s)
		if r.Buffered() == 0 { // the parent waits for this answer
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
}

// Claimed tasks' answers go back in batches: every flushEvery answers,
// and once the first held is flushAfter old, or at once after a task of
// longTask or more (where a write a task costs nothing that shows).
const (
	flushAfter = time.Millisecond
	longTask   = 100 * time.Microsecond
)

// serveClaims reads a go frame, then runs the tasks this worker claims
// (see Claims) until none is left or ctx ends; it returns once all are
// answered.
func serveClaims(ctx context.Context, r *bufio.Reader, w *bufio.Writer, task *workloads.Task, crashAt []int, id int) error {
	r.ReadByte() // 'G'
	mono, err := binary.ReadVarint(r)
	if err != nil {
		return fmt.Errorf("go frame: %w", err)
	}
	c, err := openClaims(id)
	if err != nil {
		return err
	}
	defer c.Close()
	t0 := timeAt(mono)
	free := time.Since(t0)
	var s results.Sample
	held, first := 0, time.Duration(0)
	for ctx.Err() == nil {
		i, ok := c.claim(id, free)
		if !ok {
			break
		}
		if slices.Contains(crashAt, i) {
			// The answers before it reached the parent, as over the
			// pipe: what a crash loses is the task it ran.
			w.Flush()
			osproc.KillSelf()
		}
		task.RunInto(ctx, i, t0, &s)
		WriteStarted(w, i, &s)
		free = s.Start + s.Service
		if held == 0 {
			first = free
		}
		if held++; held >= flushEvery || s.Service >= longTask || free-first >= flushAfter {
			if err := w.Flush(); err != nil {
				return err
			}
			held = 0
		}
	}
	return w.Flush()
}

// readTask reads one task frame; io.EOF means the parent sent its last.
func readTask(r *bufio.Reader) (int, error) {
	t, err := r.ReadByte()
	if err != nil {
		return 0, err
	}
	if t != frameTask {
		return 0, fmt.Errorf("unexpected frame type %q from parent", t)
	}
	i, err := binary.ReadUvarint(r)
	if err != nil {
		return 0, fmt.Errorf("task frame: %w", err)
	}
	if i > MaxTaskIndex {
		return 0, fmt.Errorf("task frame: index %d past any task", i)
	}
	return int(i), nil
}

// crashIf kills this worker process, as a fault injection, when task i
// is one of crashAt.
func crashIf(crashAt []int, i int) {
	if slices.Contains(crashAt, i) {
		osproc.KillSelf()
	}
}
