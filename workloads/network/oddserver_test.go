package network

import (
	"bufio"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// oddServer is an HTTP/1.1 server that misbehaves on purpose, one way per
// test case, and counts the requests it receives (a request head read
// whole). Its handler decides, request by request, what goes back.
type oddServer struct {
	ln       net.Listener
	handle   func(c *oddConn, r oddRequest)
	received atomic.Int64
	// closed gets a value when the server closes a connection while idle,
	// dropped when the client then closes it; resets counts requests that
	// came on a connection after the server had closed it.
	closed, dropped chan struct{}
	resets          atomic.Int64

	mu    sync.Mutex
	hosts []string // the Host header of each request received

	wg sync.WaitGroup
}

// oddConn is one connection of an oddServer.
type oddConn struct {
	net.Conn
	br   *bufio.Reader
	s    *oddServer
	n    int  // requests received on this connection before the current one
	done bool // the handler closed it
}

type oddRequest struct {
	method, target string
	header         textproto.MIMEHeader
	length         int // Content-Length; the body is read only by readBody
}

// newOddServer starts a server whose connections run handle for each
// request; a handler that does not close the connection leaves it open for
// the next request. It stops, and waits for its goroutines, at the end of
// the test.
func newOddServer(t testing.TB, handle func(c *oddConn, r oddRequest)) *oddServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &oddServer{ln: ln, handle: handle, closed: make(chan struct{}, 1024), dropped: make(chan struct{}, 1024)}
	var (
		connsMu sync.Mutex
		conns   = map[net.Conn]bool{}
	)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			connsMu.Lock()
			conns[nc] = true
			connsMu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer nc.Close()
				s.serve(&oddConn{Conn: nc, br: bufio.NewReader(nc), s: s})
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		connsMu.Lock()
		for c := range conns {
			c.Close()
		}
		connsMu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *oddServer) url() string { return "http://" + s.ln.Addr().String() }

func (s *oddServer) serve(c *oddConn) {
	tp := textproto.NewReader(c.br)
	for !c.done {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		h, err := tp.ReadMIMEHeader()
		if err != nil {
			return
		}
		r := oddRequest{header: h}
		r.method, r.target, _ = cut(line)
		r.length, _ = strconv.Atoi(h.Get("Content-Length"))
		s.received.Add(1)
		s.mu.Lock()
		s.hosts = append(s.hosts, h.Get("Host"))
		s.mu.Unlock()
		s.handle(c, r)
		c.n++
	}
}

func cut(line string) (method, target, proto string) {
	f := [3]string{}
	for i := 0; i < 2; i++ {
		j := 0
		for j < len(line) && line[j] != ' ' {
			j++
		}
		f[i] = line[:j]
		if j < len(line) {
			j++
		}
		line = line[j:]
	}
	f[2] = line
	return f[0], f[1], f[2]
}

// readBody reads the request's body.
func (c *oddConn) readBody(r oddRequest) error {
	_, err := io.CopyN(io.Discard, c.br, int64(r.length))
	return err
}

// answer reads the body and writes raw.
func (c *oddConn) answer(r oddRequest, raw string) {
	if c.readBody(r) != nil {
		c.done = true
		return
	}
	if _, err := io.WriteString(c, raw); err != nil {
		c.done = true
	}
}

// closeNow closes the connection at once; with unread input, the client
// sees a reset.
func (c *oddConn) closeNow() {
	c.done = true
	c.Close()
}

// idleThen waits for the client's next request for up to idle; if none
// comes, it writes last (an unsolicited 408, or nothing), closes its side
// and reports closed, then waits for the client to close and reports
// dropped. A request that arrives after the close is not received: the
// connection is reset, as a server that has closed it does.
func (c *oddConn) idleThen(idle time.Duration, last string) {
	c.SetReadDeadline(time.Now().Add(idle))
	_, err := c.br.Peek(1)
	c.SetReadDeadline(time.Time{})
	if err == nil {
		return // the next request came in time
	}
	c.done = true
	io.WriteString(c, last)
	c.Conn.(*net.TCPConn).CloseWrite()
	c.s.closed <- struct{}{}
	// A client that closes it with the 408 unread resets it: an error
	// here is a close either way.
	if _, err := c.br.Peek(1); err != nil {
		c.s.dropped <- struct{}{}
		return
	}
	c.Conn.(*net.TCPConn).SetLinger(0)
	c.s.resets.Add(1)
}

// await waits for a value on ch, or fails the test after 10 s.
func await(t testing.TB, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("server: no connection %s", what)
	}
}
