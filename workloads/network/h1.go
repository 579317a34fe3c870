package network

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/concbench/concbench/workloads"
)

// h1 is concbench's own HTTP/1.1 client, the default engine. On loopback a
// load generator's time goes mostly to the kernel; what the client adds on
// top is per-request bookkeeping, and h1 keeps that small: the request is
// serialised once, sending it is one write, the response is parsed only as
// far as framing needs (status, Content-Length, chunked, Connection), and
// its body is counted and discarded as it streams, never buffered. On the
// 2-core development VM it cost about 1 µs less CPU per request than
// fasthttp, within a few per cent of a bare loop over net.Conn
// (BenchmarkHTTP, scripts/vs-wrk.sh).
//
// A connection is taken per request from a LIFO idle list; at most
// cap(slots) connections exist at once. Cancellation of the request's
// context interrupts its reads and writes. Its methods are safe for
// concurrent use.
type h1 struct {
	addr      string      // host:port to dial
	tls       *tls.Config // nil for http
	req       []byte      // the whole request, body included
	head      bool        // HEAD: responses carry no body
	retryable bool        // idempotent: may be sent again after a stale keep-alive connection
	close     bool        // --no-keepalive
	slots     chan struct{}

	mu     sync.Mutex
	idle   []*h1Conn
	closed bool
}

// h1Conn is one connection and its read buffer. Only the request that
// holds it touches it, apart from the cancellation callback, which takes
// mu.
type h1Conn struct {
	net.Conn
	w    io.Writer // the connection's writes (raw system calls for TCP)
	br   *bufio.Reader
	used bool // has answered a request: a silent failure may mean the server closed it while idle

	// The context of the connection's latest request, whose cancellation
	// interrupts the connection while busy. The callback stays registered
	// until a request comes with another context: requests of one run
	// share a context, so a connection registers once per run, not once
	// per request.
	mu   sync.Mutex
	busy bool
	ctx  context.Context
	stop func() bool

	// deadline is the one set on the connection. A request with no
	// deadline of its own is bounded by maxRequestTime, give or take
	// deadlineSlack: moving a deadline costs two timer updates, and most
	// requests need not pay them.
	deadline time.Time
}

const (
	deadlineSlack = 10 * time.Second
	// A connection's read buffer: small, since an unbounded run may hold
	// tens of thousands of connections. Longer lines are put together
	// apart, and long bodies bypass it.
	h1ReadBuffer = 4 << 10
	h1MaxLine    = 64 << 10 // a response line longer than this is refused
	h1MaxHeader  = 1 << 20  // bytes of response head, 1xx heads included
)

// KindProtocol counts responses that are not valid HTTP/1.x.
const KindProtocol = "protocol"

func protocolError(format string, a ...any) error {
	return &workloads.KindError{Kind: KindProtocol, Msg: "malformed response: " + fmt.Sprintf(format, a...)}
}

func newH1(u *url.URL, method string, headers [][2]string, body []byte, noKeepalive bool, conns int) *h1 {
	h := &h1{
		addr:      fastAddr(u),
		req:       h1Request(u, method, headers, body, noKeepalive),
		head:      method == "HEAD",
		retryable: method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE" || method == "PUT" || method == "DELETE",
		close:     noKeepalive,
		slots:     make(chan struct{}, conns),
	}
	if u.Scheme == "https" {
		h.tls = &tls.Config{ServerName: u.Hostname(), NextProtos: []string{"http/1.1"}}
	}
	return h
}

// h1Request serialises the request once. Headers given by the user replace
// the defaults of the same name (Host, User-Agent, Content-Length).
func h1Request(u *url.URL, method string, headers [][2]string, body []byte, noKeepalive bool) []byte {
	given := func(name string) bool {
		for _, h := range headers {
			if strings.EqualFold(h[0], name) {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	b.WriteString(method + " " + u.RequestURI() + " HTTP/1.1\r\n")
	if !given("Host") {
		b.WriteString("Host: " + u.Host + "\r\n")
	}
	if !given("User-Agent") {
		b.WriteString("User-Agent: concbench\r\n")
	}
	if noKeepalive {
		b.WriteString("Connection: close\r\n")
	}
	if (body != nil || method == "POST" || method == "PUT" || method == "PATCH") && !given("Content-Length") {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	for _, h := range headers {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return []byte(b.String())
}

// do sends the request and reads the whole response. It blocks until the
// response is read, the context's deadline (or maxRequestTime) passes or
// the context is done. It returns the body's size and a classified error:
// a status outside 2xx, a transport failure or a malformed response.
func (h *h1) Do(ctx context.Context, _ int) (int64, error) {
	deadline, exact := ctx.Deadline()
	if !exact {
		deadline = time.Now().Add(maxRequestTime)
	}
	if err := h.acquire(ctx, deadline); err != nil {
		return 0, netError(ctx, err)
	}
	defer func() { <-h.slots }()
	for {
		c, err := h.get(ctx, deadline)
		if err != nil {
			return 0, netError(ctx, err)
		}
		reused := c.used
		var (
			code          int
			n             int64
			keep, replied bool
		)
		if err = c.begin(ctx); err == nil {
			code, n, keep, replied, err = h.roundTrip(c, deadline, exact)
		}
		// An interrupted connection's deadline is in the past: not reused.
		if !c.end() || err != nil || !keep {
			c.close()
		} else {
			c.used = true
			h.put(c)
		}
		if err != nil {
			// A keep-alive connection the server closed while it was idle
			// fails before any byte of a response: send again, on a new
			// connection, if that is safe. Each try closes a connection
			// and a new one is never stale, so this ends.
			if reused && !replied && h.retryable && ctx.Err() == nil {
				continue
			}
			var ke *workloads.KindError
			if errors.As(err, &ke) {
				return n, err
			}
			return n, netError(ctx, err)
		}
		if code < 200 || code > 299 {
			return n, statusError(code)
		}
		return n, nil
	}
}

// acquire takes a connection slot, waiting until deadline if all are in
// use.
func (h *h1) acquire(ctx context.Context, deadline time.Time) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("no free connection: all %d in use: %w", cap(h.slots), os.ErrDeadlineExceeded)
	}
}

// get returns an idle connection, or dials one.
func (h *h1) get(ctx context.Context, deadline time.Time) (*h1Conn, error) {
	h.mu.Lock()
	if n := len(h.idle); n > 0 {
		c := h.idle[n-1]
		h.idle[n-1] = nil
		h.idle = h.idle[:n-1]
		h.mu.Unlock()
		return c, nil
	}
	h.mu.Unlock()
	d := net.Dialer{Timeout: dialTimeout, Deadline: deadline, KeepAlive: 30 * time.Second}
	nc, err := d.DialContext(ctx, "tcp", h.addr)
	if err != nil {
		return nil, err
	}
	if h.tls != nil {
		tc := tls.Client(nc, h.tls)
		tc.SetDeadline(deadline)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	rw := newRawIO(nc) // TLS keeps crypto/tls's own I/O
	return &h1Conn{Conn: nc, w: rw, br: bufio.NewReaderSize(rw, h1ReadBuffer)}, nil
}

// begin marks c busy with a request under ctx, so that ctx's cancellation
// interrupts it. It returns ctx's error if ctx is already done.
func (c *h1Conn) begin(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = true
	if c.ctx != ctx {
		if c.stop != nil {
			c.stop() // if it already runs, it finds another context and does nothing
		}
		c.ctx, c.stop = ctx, nil
		if ctx.Done() != nil {
			c.stop = context.AfterFunc(ctx, func() { c.interrupt(ctx) })
		}
	}
	// ctx's error is set before its callbacks run: either it shows here or
	// the callback finds c busy.
	return ctx.Err()
}

// end marks c idle and reports whether it may serve another request: not
// if its request's context is done, since the callback may have moved its
// deadline.
func (c *h1Conn) end() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = false
	return c.ctx.Err() == nil
}

// close closes c and drops its cancellation callback, which would
// otherwise keep c reachable from a long-lived context.
func (c *h1Conn) close() {
	c.mu.Lock()
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	c.mu.Unlock()
	c.Conn.Close()
}

// interrupt makes the reads and writes of c's request under ctx fail now.
func (c *h1Conn) interrupt(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.busy && c.ctx == ctx {
		c.Conn.SetDeadline(time.Unix(1, 0))
	}
}

func (h *h1) put(c *h1Conn) {
	h.mu.Lock()
	if !h.closed {
		h.idle = append(h.idle, c)
		h.mu.Unlock()
		return
	}
	h.mu.Unlock()
	c.close()
}

// Close closes the idle connections; those in use are closed as their
// requests end. It does not block.
func (h *h1) Close() error {
	h.mu.Lock()
	idle := h.idle
	h.idle, h.closed = nil, true
	h.mu.Unlock()
	for _, c := range idle {
		c.close()
	}
	return nil
}

// roundTrip writes the request on c and reads the response, by deadline
// (exact, or within deadlineSlack before it). keep reports
// whether c may serve another request; replied whether any byte of a
// response arrived.
func (h *h1) roundTrip(c *h1Conn, deadline time.Time, exact bool) (code int, n int64, keep, replied bool, err error) {
	if exact || c.deadline.Before(deadline.Add(-deadlineSlack)) {
		if err := c.SetDeadline(deadline); err != nil {
			return 0, 0, false, false, err
		}
		c.deadline = deadline
	}
	if _, err := c.w.Write(h.req); err != nil {
		return 0, 0, false, false, err
	}
	if _, err := c.br.Peek(1); err != nil {
		return 0, 0, false, false, err
	}
	r := h1Response{br: c.br, head: h.head}
	if err := r.read(); err != nil {
		return r.code, r.n, false, true, err
	}
	keep = !h.close && r.keep && c.br.Buffered() == 0
	return r.code, r.n, keep, true, nil
}
