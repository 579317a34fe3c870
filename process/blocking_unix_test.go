//go:build unix

package process

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
	"golang.org/x/sys/unix"
)

// TestAnswersReadBlocking: once a worker has answered the handshake, the
// parent reads its answers with a blocking read(2) when there are few
// workers (one hand-off per task fewer than through the netpoller), and
// through the netpoller beyond blockingReaders of them.
func TestAnswersReadBlocking(t *testing.T) {
	spec := workloads.Spec{Name: "cpu", Params: params.Values{"work": "1"}}
	for _, tc := range []struct {
		workers  int
		blocking bool
	}{{1, true}, {blockingReaders(), true}, {blockingReaders() + 1, false}} {
		t.Run(strconv.Itoa(tc.workers), func(t *testing.T) {
			w, err := Process{Spec: spec, Workers: tc.workers}.start(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				w.stdin.Close() // EOF: the worker exits
				w.cmd.Wait()
			}()
			raw, err := w.outRaw.(*os.File).SyscallConn()
			if err != nil {
				t.Fatal(err)
			}
			var flags int
			var ferr error
			raw.Control(func(fd uintptr) { flags, ferr = unix.FcntlInt(fd, unix.F_GETFL, 0) })
			if ferr != nil {
				t.Fatal(ferr)
			}
			if blocking := flags&unix.O_NONBLOCK == 0; blocking != tc.blocking {
				t.Errorf("answers read blocking: %v, want %v", blocking, tc.blocking)
			}
		})
	}
}
