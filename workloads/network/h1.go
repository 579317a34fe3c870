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
	addr  string      // host:port to dial
	tls   *tls.Config // nil for http
	req   h1Req       // the request of every task
	close bool        // --no-keepalive
	local net.Addr    // --source-addr; nil: the OS's choice
	slots chan struct{}

	// Redirects followed, at most follow per task (same origin only): the
	// requests that follow are built from these.
	follow  int
	u       *url.URL
	method  string
	headers [][2]string
	body    []byte

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

	// probe checks the connection before reuse when it has been idle
	// since idleAt (the end of its latest request) for idleCheck or
	// longer; back-to-back reuse costs no system call.
	probe  *idleProbe
	idleAt time.Time

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
	h1MaxHeader  = 1 << 20     // bytes of response head, 1xx heads included
	h1MaxLine    = h1MaxHeader // a response line longer than this is refused
	// idleCheck is how long a connection must have been idle before it is
	// probed on reuse: a server closes idle connections after seconds, not
	// microseconds, and a request that follows another at once pays nothing.
	idleCheck = time.Millisecond
)

// KindProtocol counts responses that are not valid HTTP/1.x.
const KindProtocol = "protocol"

func protocolError(format string, a ...any) error {
	return &workloads.KindError{Kind: KindProtocol, Msg: "malformed response: " + fmt.Sprintf(format, a...)}
}

// h1Req is a request serialised once.
type h1Req struct {
	bytes     []byte // the whole request, body included
	head      bool   // HEAD: responses carry no body
	retryable bool   // resendable: may be sent again when a reused connection dies without answering
}

func newH1Req(u *url.URL, method string, headers [][2]string, body []byte, noKeepalive bool) h1Req {
	return h1Req{h1Request(u, method, headers, body, noKeepalive), method == "HEAD", resendable(method, headers)}
}

func newH1(u *url.URL, method string, headers [][2]string, body []byte, noKeepalive bool, conns, follow int) *h1 {
	h := &h1{
		addr:    fastAddr(u),
		req:     newH1Req(u, method, headers, body, noKeepalive),
		close:   noKeepalive,
		slots:   make(chan struct{}, conns),
		follow:  follow,
		u:       u,
		method:  method,
		headers: headers,
		body:    body,
	}
	if u.Scheme == "https" {
		h.tls = &tls.Config{ServerName: u.Hostname(), NextProtos: []string{"http/1.1"}}
	}
	return h
}

// resendable reports whether a request whose connection died before any
// byte of a response may be sent again, as net/http decides: safe methods
// (RFC 9110 9.2.1), and any request carrying an idempotency key.
func resendable(method string, headers [][2]string) bool {
	switch method {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	for _, h := range headers {
		if strings.EqualFold(h[0], "Idempotency-Key") || strings.EqualFold(h[0], "X-Idempotency-Key") {
			return true
		}
	}
	return false
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
func (h *h1) Do(ctx context.Context, i int) (int64, error) {
	n, _, err := h.DoCounted(ctx, i)
	return n, err
}

// DoCounted is Do, and how many times a request went to the server:
// resends and redirects followed included.
func (h *h1) DoCounted(ctx context.Context, _ int) (int64, int, error) {
	n, sends, code, loc, err := h.send(ctx, &h.req)
	if h.follow > 0 {
		u, method, body := h.u, h.method, h.body
		for hop := 0; err == nil && hop < h.follow; hop++ {
			var ok bool
			if u, method, body, ok = redirect(u, method, body, code, loc); !ok {
				break
			}
			req := newH1Req(u, method, h.headers, body, h.close)
			k, s, c, l, e := h.send(ctx, &req)
			n, sends, code, loc, err = n+k, sends+s, c, l, e
		}
	}
	if err != nil {
		return n, sends, err
	}
	if code < 200 || code > 299 {
		return n, sends, statusError(code)
	}
	return n, sends, nil
}

// send sends req and reads its response. It returns the body's size, the
// sends (2 when the request was resent after it had left whole on a
// connection that then died without answering: the server may have
// received it; else 1), the status, the Location of a redirect when
// redirects are followed, and a classified transport or protocol error.
func (h *h1) send(ctx context.Context, req *h1Req) (n int64, sends int, code int, location string, err error) {
	now := time.Now()
	deadline, exact := ctx.Deadline()
	if !exact {
		deadline = now.Add(maxRequestTime)
	}
	if err := h.acquire(ctx, deadline); err != nil {
		return 0, 1, 0, "", netError(ctx, err)
	}
	defer func() { <-h.slots }()
	sends = 1
	for {
		c, err := h.get(ctx, now, deadline)
		if err != nil {
			return 0, sends, 0, "", netError(ctx, err)
		}
		reused := c.used
		var keep, left, replied bool
		if err = c.begin(ctx); err == nil {
			code, n, location, keep, left, replied, err = h.roundTrip(c, req, deadline, exact)
		}
		// An interrupted connection's deadline is in the past: not reused.
		if !c.end() || err != nil || !keep {
			c.close()
		} else {
			c.used = true
			h.put(c)
		}
		if err != nil {
			// A keep-alive connection the server closed as the request
			// went out fails before any byte of a response. A request that
			// did not leave whole cannot have been acted on: it goes again,
			// on another connection; each such try closes a reused
			// connection, so this ends. One that left goes again once, if
			// its method allows, and counts twice.
			if reused && !replied && ctx.Err() == nil {
				if !left {
					continue
				}
				if req.retryable && sends == 1 {
					sends++
					continue
				}
			}
			var ke *workloads.KindError
			if errors.As(err, &ke) {
				return n, sends, code, "", err
			}
			return n, sends, code, "", netError(ctx, err)
		}
		return n, sends, code, location, nil
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

// get returns an idle connection that is still open and quiet, or dials
// one. A connection idle since before now-idleCheck is probed first: one
// the server closed, or that carries bytes nobody asked for (an
// unsolicited 408), is closed and the next is tried.
func (h *h1) get(ctx context.Context, now, deadline time.Time) (*h1Conn, error) {
	for {
		h.mu.Lock()
		n := len(h.idle)
		if n == 0 {
			h.mu.Unlock()
			break
		}
		c := h.idle[n-1]
		h.idle[n-1] = nil
		h.idle = h.idle[:n-1]
		h.mu.Unlock()
		if now.Sub(c.idleAt) >= idleCheck && c.probe.Dead() {
			c.close()
			continue
		}
		return c, nil
	}
	d := net.Dialer{Timeout: dialTimeout, Deadline: deadline, KeepAlive: 30 * time.Second, LocalAddr: h.local}
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
	return &h1Conn{Conn: nc, w: rw, br: bufio.NewReaderSize(rw, h1ReadBuffer), probe: newIdleProbe(nc)}, nil
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
	c.idleAt = time.Now()
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

// roundTrip writes req on c and reads the response, by deadline (exact,
// or within deadlineSlack before it). location is the response's Location
// when redirects are followed; keep reports whether c may serve another
// request; left whether the request was written whole; replied whether
// any byte of a response arrived.
func (h *h1) roundTrip(c *h1Conn, req *h1Req, deadline time.Time, exact bool) (code int, n int64, location string, keep, left, replied bool, err error) {
	if exact || c.deadline.Before(deadline.Add(-deadlineSlack)) {
		if err := c.SetDeadline(deadline); err != nil {
			return 0, 0, "", false, false, false, err
		}
		c.deadline = deadline
	}
	if len(req.bytes) > h1DuplexWrite {
		return h.roundTripDuplex(c, req)
	}
	_, werr := c.w.Write(req.bytes)
	left = werr == nil
	if _, err := c.br.Peek(1); err != nil {
		if werr != nil {
			err = werr
		}
		return 0, 0, "", false, left, false, err
	}
	// A server may answer before it has read the whole request (an early
	// 413) and then close: its answer counts, not the failed write.
	r := h1Response{br: c.br, head: req.head, wantLocation: h.follow > 0}
	if err := r.read(); err != nil {
		return r.code, r.n, "", false, left, true, err
	}
	keep = left && !h.close && r.keep && c.br.Buffered() == 0
	return r.code, r.n, r.location, keep, left, true, nil
}

// h1DuplexWrite is the request size above which the request is written
// while the response is read: a server may answer before it has read a
// large body (an early 413, or a handler that ignores it), and the answer
// must not wait for a write it will never finish reading.
const h1DuplexWrite = 64 << 10

// roundTripDuplex is roundTrip for a large request: a goroutine writes it
// while the response is read, and is waited for.
func (h *h1) roundTripDuplex(c *h1Conn, req *h1Req) (code int, n int64, location string, keep, left, replied bool, err error) {
	wrote := make(chan error, 1)
	go func() {
		_, err := c.w.Write(req.bytes)
		wrote <- err
	}()
	r := h1Response{br: c.br, head: req.head, wantLocation: h.follow > 0}
	_, perr := c.br.Peek(1)
	if perr == nil {
		err = r.read()
	}
	// A server that keeps the connection reads the whole request (RFC 9112
	// 9.3): the write ends. Otherwise the connection is spent: a write
	// still under way is stopped, not left to wait for a reader that
	// never comes.
	if perr != nil || err != nil || !r.keep {
		c.SetWriteDeadline(time.Unix(1, 0))
	}
	werr := <-wrote
	left = werr == nil
	switch {
	case perr != nil && werr != nil:
		return 0, 0, "", false, left, false, werr
	case perr != nil:
		return 0, 0, "", false, left, false, perr
	case err != nil:
		return r.code, r.n, "", false, left, true, err
	}
	keep = left && !h.close && r.keep && c.br.Buffered() == 0
	return r.code, r.n, r.location, keep, left, true, nil
}
