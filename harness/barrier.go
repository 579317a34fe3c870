package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/strategies"
)

// BarrierError is a barrier that did not release its shards: it names the
// flag and, for shard 0, the shards that never arrived.
type BarrierError struct {
	Addr    string
	Missing []int // shard 0: the shards that did not arrive
	Err     error
}

func (e *BarrierError) Error() string {
	if len(e.Missing) > 0 {
		s := make([]string, len(e.Missing))
		for i, m := range e.Missing {
			s[i] = strconv.Itoa(m)
		}
		return fmt.Sprintf("--barrier %s: %v; missing shards: %s", e.Addr, e.Err, strings.Join(s, ", "))
	}
	return fmt.Sprintf("--barrier %s: %v", e.Addr, e.Err)
}

func (e *BarrierError) Unwrap() error { return e.Err }

// Barrier blocks until every shard of a plan has reached it, then returns
// the time it released this one: shard 0 listens on addr's port (on every
// interface), the others connect to addr (retrying until shard 0 is up)
// and say which shard of which plan they are; once all have, shard 0
// tells each to go. A shard of another plan, or one already there, is
// turned away. It waits at most timeout, then returns a *BarrierError
// naming the shards missing; it returns ctx's error when ctx ends first.
// Not for a plan that is not sharded.
func Barrier(ctx context.Context, addr string, sh strategies.Shard, plan string, timeout time.Duration) (time.Time, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, fmt.Errorf("not released within %v", timeout))
	defer cancel()
	var err error
	if sh.Index == 0 {
		err = lead(ctx, addr, sh.Count, plan)
	} else {
		err = follow(ctx, addr, sh, plan)
	}
	if err != nil {
		return time.Time{}, err
	}
	return time.Now(), nil
}

// lead is shard 0's side of the barrier.
func lead(ctx context.Context, addr string, n int, plan string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return &BarrierError{Addr: addr, Err: err}
	}
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", net.JoinHostPort("", port))
	if err != nil {
		return &BarrierError{Addr: addr, Err: err}
	}
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	defer l.Close()
	joined := map[int]net.Conn{}
	defer func() {
		for _, c := range joined {
			c.Close()
		}
	}()
	for len(joined) < n-1 {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				err = context.Cause(ctx)
				if errors.Is(ctx.Err(), context.Canceled) {
					return ctx.Err()
				}
			}
			var missing []int
			for i := 1; i < n; i++ {
				if joined[i] == nil {
					missing = append(missing, i)
				}
			}
			return &BarrierError{Addr: addr, Missing: missing, Err: err}
		}
		i, why := admit(ctx, c, n, plan, joined)
		if why != "" {
			fmt.Fprintf(c, "refused: %s\n", why)
			c.Close()
			continue
		}
		joined[i] = c
	}
	for _, c := range joined {
		c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintln(c, "go")
	}
	return nil
}

// admit reads a shard's greeting: "concbench PLAN INDEX". It returns the
// shard's index, or why it is turned away.
func admit(ctx context.Context, c net.Conn, n int, plan string, joined map[int]net.Conn) (int, string) {
	deadline := time.Now().Add(5 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.SetReadDeadline(deadline)
	line, err := bufio.NewReader(c).ReadString('\n')
	c.SetReadDeadline(time.Time{})
	f := strings.Fields(line)
	if err != nil || len(f) != 3 || f[0] != "concbench" {
		return 0, "not a concbench shard"
	}
	i, err := strconv.Atoi(f[2])
	switch {
	case f[1] != plan:
		return 0, fmt.Sprintf("shard of plan %s, not of this plan %s", f[1], plan)
	case err != nil || i < 1 || i >= n:
		return 0, fmt.Sprintf("shard %q is not in 1..%d", f[2], n-1)
	case joined[i] != nil:
		return 0, fmt.Sprintf("shard %d arrived twice", i)
	}
	return i, ""
}

// follow is the side of the barrier of a shard other than 0.
func follow(ctx context.Context, addr string, sh strategies.Shard, plan string) error {
	var d net.Dialer
	var last error
	for {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			stop := context.AfterFunc(ctx, func() { c.Close() })
			fmt.Fprintf(c, "concbench %s %d\n", plan, sh.Index)
			line, rerr := bufio.NewReader(c).ReadString('\n')
			stop()
			c.Close()
			switch {
			case rerr == nil && line == "go\n":
				return nil
			case rerr == nil:
				return &BarrierError{Addr: addr, Err: errors.New("shard 0 " + strings.TrimSpace(line))}
			}
			err = rerr
		}
		last = err
		if ctx.Err() != nil {
			if errors.Is(ctx.Err(), context.Canceled) {
				return ctx.Err()
			}
			return &BarrierError{Addr: addr, Err: fmt.Errorf("%w (last: %v)", context.Cause(ctx), last)}
		}
		select { // shard 0 may not listen yet
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}
