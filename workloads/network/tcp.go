package network

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/concbench/concbench/workloads"
)

// tcp sends Size bytes to an echo server and checks that the same bytes
// come back: over a new connection per task, or over connections kept
// between tasks (Persistent), about one per task running at once.
type tcp struct {
	spec   *spec
	idle   chan net.Conn // persistent connections not in use
	dialer net.Dialer    // built once: a task that dials allocates no address
}

func newTCP(s *spec) *tcp {
	t := &tcp{spec: s, dialer: net.Dialer{Timeout: dialTimeout, LocalAddr: s.local()}}
	if s.Persistent {
		t.idle = make(chan net.Conn, max(s.Conns, 1))
	}
	return t
}

func (t *tcp) Do(ctx context.Context, i int) (n int64, err error) {
	c, err := t.conn(ctx)
	if err != nil {
		return 0, netError(ctx, err)
	}
	keep := false
	defer func() {
		if keep {
			select {
			case t.idle <- c:
				return
			default:
			}
		}
		c.Close()
	}()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(maxRequestTime)
	}
	c.SetDeadline(deadline)
	// Cancellation interrupts the reads and writes by moving the deadline.
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	msg := make([]byte, t.spec.Size)
	fillMessage(msg, t.spec.Seed, i)
	if _, err := c.Write(msg); err != nil {
		return 0, netError(ctx, err)
	}
	back := make([]byte, len(msg))
	got, err := io.ReadFull(c, back)
	if err != nil {
		return int64(got), netError(ctx, err)
	}
	for k := range back {
		if back[k] != msg[k] {
			return int64(got), &workloads.KindError{Kind: "mismatch", Msg: fmt.Sprintf("echo differs at byte %d of %d", k, len(msg))}
		}
	}
	keep = t.idle != nil
	return int64(got), nil
}

// Close closes the idle persistent connections.
func (t *tcp) Close() error {
	for t.idle != nil {
		select {
		case c := <-t.idle:
			c.Close()
		default:
			return nil
		}
	}
	return nil
}

// conn takes an idle persistent connection or dials a new one.
func (t *tcp) conn(ctx context.Context) (net.Conn, error) {
	if t.idle != nil {
		select {
		case c := <-t.idle:
			return c, nil
		default:
		}
	}
	return t.dialer.DialContext(ctx, "tcp", t.spec.Addr)
}

// fillMessage writes task i's deterministic payload.
func fillMessage(b []byte, seed int64, i int) {
	for k := 0; k < len(b); k += 8 {
		x := workloads.Draw(seed, i, k)
		for j := 0; j < 8 && k+j < len(b); j++ {
			b[k+j] = byte(x >> (8 * j))
		}
	}
}
