package network

import (
	"context"
	"errors"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// fastHTTP is the fasthttp engine. fasthttp's own resends are off
// (MaxIdemponentCallAttempts: 1): it would repeat a failed GET up to five
// times unseen. The engine resends itself, by the rule h1 follows, using
// what its connections (fastConn, through the Dial hook) saw of the
// request. Its methods are safe for concurrent use.
type fastHTTP struct {
	local     net.Addr // --source-addr; nil: the OS's choice
	u         *url.URL
	url       string // u, as text
	method    string
	headers   [][2]string
	body      []byte
	close     bool
	retryable bool // resendable(method, headers)
	follow    int  // redirects followed per task, same origin only
	client    *fasthttp.HostClient

	// conns are the open connections, which a canceled run interrupts:
	// fasthttp takes deadlines, not contexts.
	mu      sync.Mutex
	conns   map[*fastConn]struct{}
	watched atomic.Pointer[watchedCtx] // the latest deadline-free context watched
}

type watchedCtx struct{ ctx context.Context }

func newFastHTTP(u *url.URL, method string, headers [][2]string, body []byte, noKeepalive bool, conns, follow int) *fastHTTP {
	w := &fastHTTP{u: u, url: u.String(), method: method, headers: headers, body: body, close: noKeepalive,
		retryable: resendable(method, headers), follow: follow, conns: map[*fastConn]struct{}{}}
	w.client = &fasthttp.HostClient{
		Addr:                          fastAddr(u),
		IsTLS:                         u.Scheme == "https",
		MaxConns:                      conns,
		MaxConnWaitTimeout:            maxRequestTime,
		MaxIdleConnDuration:           90 * time.Second,
		DisableHeaderNamesNormalizing: true,
		Name:                          "concbench",
		ReadBufferSize:                16 << 10,
		DialTimeout:                   w.dial,
		MaxIdemponentCallAttempts:     1,
		RetryIfErr:                    func(*fasthttp.Request, int, error) (bool, bool) { return false, false },
	}
	return w
}

func (w *fastHTTP) Do(ctx context.Context, i int) (int64, error) {
	n, _, err := w.DoCounted(ctx, i)
	return n, err
}

// DoCounted sends the request and reads the response, and says how many
// requests went out: a resend (after the request left whole on a reused
// connection that died without answering) and redirects followed count.
// It blocks until the response is read, the deadline passes or ctx is
// canceled.
func (w *fastHTTP) DoCounted(ctx context.Context, _ int) (int64, int, error) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	u, method, body := w.u, w.method, w.body
	w.prepare(req, w.url, method, body)
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(maxRequestTime)
	}
	defer w.watch(ctx)()
	sends, err := w.send(ctx, req, resp, deadline, w.retryable)
	for hop := 0; err == nil && hop < w.follow; hop++ {
		if u, method, body, ok = redirect(u, method, body, resp.StatusCode(), string(resp.Header.Peek("Location"))); !ok {
			break
		}
		w.prepare(req, u.String(), method, body)
		var s int
		s, err = w.send(ctx, req, resp, deadline, resendable(method, w.headers))
		sends += s
	}
	if err != nil {
		return 0, sends, netError(ctx, err)
	}
	n := int64(len(resp.Body()))
	if code := resp.StatusCode(); code < 200 || code > 299 {
		return n, sends, statusError(code)
	}
	return n, sends, nil
}

// prepare sets req to (u, method, body) with the user's headers.
func (w *fastHTTP) prepare(req *fasthttp.Request, u, method string, body []byte) {
	req.Reset()
	req.SetRequestURI(u)
	req.UseHostHeader = true // a Host header given by the user is sent as given
	req.Header.SetMethod(method)
	for _, h := range w.headers {
		req.Header.Set(h[0], h[1])
	}
	if body != nil {
		req.SetBodyRaw(body)
	}
	if w.close {
		req.SetConnectionClose()
	}
}

// send sends req once, or twice by the resend rule, and returns the sends.
func (w *fastHTTP) send(ctx context.Context, req *fasthttp.Request, resp *fasthttp.Response, deadline time.Time, retryable bool) (int, error) {
	sends := 1
	for {
		err := w.client.DoDeadline(req, resp, deadline)
		if err == nil {
			return sends, nil
		}
		// On failure fasthttp has closed the connection: its state is
		// this request's alone.
		if c := connOf(resp); c != nil && c.reused && c.got == 0 && ctx.Err() == nil {
			if errors.Is(err, errStale) || !c.left {
				continue // never left: each try closed a reused connection
			}
			if retryable && sends == 1 {
				sends++
				continue
			}
		}
		return sends, err
	}
}

// watch makes ctx's cancellation interrupt every connection in use, and
// returns what stops watching. A context with no deadline (a run's) is
// watched once for all its requests; one with a deadline (a per-attempt
// timeout) for its request only.
func (w *fastHTTP) watch(ctx context.Context) (stop func()) {
	if ctx.Done() == nil {
		return func() {}
	}
	interrupt := func() {
		if errors.Is(ctx.Err(), context.Canceled) { // a timeout is fasthttp's own deadline
			w.interrupt()
		}
	}
	if _, ok := ctx.Deadline(); ok {
		s := context.AfterFunc(ctx, interrupt)
		return func() { s() }
	}
	if v := w.watched.Load(); v == nil || v.ctx != ctx { // no lock on the way of every request
		w.mu.Lock()
		if v := w.watched.Load(); v == nil || v.ctx != ctx {
			w.watched.Store(&watchedCtx{ctx})
			context.AfterFunc(ctx, interrupt) // lives as long as ctx: one per run
		}
		w.mu.Unlock()
	}
	return func() {}
}

// interrupt makes the reads and writes of every open connection fail now,
// by closing them: a deadline would not do, as fasthttp sets its own
// between writing a request and reading the answer. An idle one closed so
// is found dead when next taken, and the request goes on a new one.
func (w *fastHTTP) interrupt() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for c := range w.conns {
		c.dead.Store(true)
		c.Conn.Close()
	}
}

// dial is fasthttp's DialTimeout: a connection that reports what it saw.
func (w *fastHTTP) dial(addr string, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: min(timeout, dialTimeout), LocalAddr: w.local}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &fastConn{Conn: nc, probe: newIdleProbe(nc), owner: w}
	w.mu.Lock()
	w.conns[c] = struct{}{}
	w.mu.Unlock()
	return c, nil
}

// Close closes the idle connections.
func (w *fastHTTP) Close() error {
	w.client.CloseIdleConnections()
	return nil
}

// errStale is the write error of a request on a connection found closed,
// or speaking unasked, after it was idle: the request never left.
var errStale = errors.New("connection closed while idle")

// fastConn is a connection of the fasthttp engine. Its Write starts a
// request: on a connection idle for idleCheck or longer it probes first.
// Only the request that holds it touches its fields.
type fastConn struct {
	net.Conn
	probe *idleProbe
	owner *fastHTTP
	dead  atomic.Bool // closed by an interrupt

	reading bool      // the current request's response is being read
	reused  bool      // the current request is not the connection's first
	left    bool      // the current request was written whole
	got     int64     // bytes of the current request's response so far
	began   time.Time // when the current request started
	started bool
}

func (c *fastConn) Write(p []byte) (int, error) {
	if c.reading || !c.started {
		now := time.Now()
		idle := c.started && now.Sub(c.began) >= idleCheck
		c.reused, c.started, c.reading, c.left, c.got, c.began = c.started, true, false, false, 0, now
		if c.dead.Load() || idle && c.probe.Dead() {
			return 0, errStale
		}
	}
	return c.Conn.Write(p)
}

func (c *fastConn) Read(p []byte) (int, error) {
	if !c.reading {
		c.reading, c.left = true, true // fasthttp reads once the request is out
	}
	n, err := c.Conn.Read(p)
	c.got += int64(n)
	return n, err
}

func (c *fastConn) Close() error {
	c.owner.mu.Lock()
	delete(c.owner.conns, c)
	c.owner.mu.Unlock()
	return c.Conn.Close()
}

// LocalAddr carries c itself, so that a failed request finds, through
// Response.LocalAddr, the connection it failed on.
func (c *fastConn) LocalAddr() net.Addr { return fastAddrOf{c.Conn.LocalAddr(), c} }

type fastAddrOf struct {
	net.Addr
	c *fastConn
}

// connOf returns the connection resp was read from, or nil.
func connOf(resp *fasthttp.Response) *fastConn {
	if a, ok := resp.LocalAddr().(fastAddrOf); ok {
		return a.c
	}
	return nil
}
