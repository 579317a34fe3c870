package worker

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

// TestWorkerEndsAtEOF: where no Pdeathsig kills an orphan, its stdin
// reaching EOF must end it. The worker answers the tasks it was given,
// then returns (and ServeIfWorker exits), one at a time or several.
func TestWorkerEndsAtEOF(t *testing.T) {
	for _, tc := range []struct{ per, tasks int }{{1, 0}, {1, 5}, {3, 0}, {3, 7}} {
		t.Run(fmt.Sprintf("per=%d/tasks=%d", tc.per, tc.tasks), func(t *testing.T) {
			pr, pw := io.Pipe()
			rr, rw := io.Pipe()
			done := make(chan error, 1)
			go func() { done <- serveWorker(context.Background(), pr, rw, armed()); rw.Close() }()
			answers := make(chan int, 1)
			go func() {
				r := bufio.NewReader(rr)
				if err := ReadReply(r); err != nil {
					t.Error(err)
				}
				n := 0
				for {
					if _, _, err := ReadResult(r); err != nil {
						break
					}
					n++
				}
				answers <- n
			}()
			w := bufio.NewWriter(pw)
			spec := workloads.Spec{Name: "sleep", Params: params.Values{"durations": "1ms"}}
			if err := WriteHello(w, Hello{Version: Version, Spec: spec, PerProcess: tc.per}); err != nil {
				t.Fatal(err)
			}
			for i := range tc.tasks {
				WriteTask(w, i)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			pw.Close() // the parent is gone: EOF
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("worker returned %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("worker still serving 10 s after EOF on its stdin")
			}
			if n := <-answers; n != tc.tasks {
				t.Errorf("%d answers to %d tasks", n, tc.tasks)
			}
		})
	}
}

func TestProtocolVersionMismatch(t *testing.T) {
	// a parent of another version is refused by the worker, with both versions named
	pr, pw := io.Pipe()
	rr, rw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- serveWorker(context.Background(), pr, rw, armed()); rw.Close() }()
	w := bufio.NewWriter(pw)
	if err := WriteHello(w, Hello{Version: Version + 1, Spec: workloads.Spec{Name: "cpu", Params: params.Values{"work": "1"}}}); err != nil {
		t.Fatal(err)
	}
	err := ReadReply(bufio.NewReader(rr))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("v%d", Version+1)) || !strings.Contains(err.Error(), fmt.Sprintf("v%d", Version)) {
		t.Errorf("parent got %v", err)
	}
	if werr := <-done; werr == nil {
		t.Errorf("worker accepted a v%d parent", Version+1)
	}
	pw.Close()

	// a worker answering with another version is refused by the parent
	var b strings.Builder
	bw := bufio.NewWriter(&b)
	WriteReply(bw, 9, "")
	if err := ReadReply(bufio.NewReader(strings.NewReader(b.String()))); err == nil || !strings.Contains(err.Error(), "v9") {
		t.Errorf("parent accepted a v9 worker: %v", err)
	}
}

// armed is a channel closed already: signals are no concern of these tests.
func armed() <-chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}
