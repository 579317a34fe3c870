package network

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

// cannedServer answers each request on a connection with the next of its
// responses, raw bytes as given, and closes the connection after a response
// when close says so. It records the requests and counts connections.
type cannedServer struct {
	ln    net.Listener
	conns atomic.Int64 // accepted
	ended atomic.Int64 // closed, by either side
	mu    sync.Mutex
	reqs  []request
	wg    sync.WaitGroup
}

type request struct {
	line   string
	header textproto.MIMEHeader
	body   string
}

// serve starts a server whose connection handler is h; h gets each
// request read off the connection and returns the bytes to answer, and
// whether to close the connection afterwards.
func serve(t *testing.T, h func(n int, r request) (answer string, close bool)) *cannedServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &cannedServer{ln: ln}
	var served atomic.Int64
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer s.ended.Add(1)
				defer c.Close()
				tp := textproto.NewReader(bufio.NewReader(c))
				for {
					r, err := readRequest(tp)
					if err != nil {
						return
					}
					s.mu.Lock()
					s.reqs = append(s.reqs, r)
					s.mu.Unlock()
					answer, close := h(int(served.Add(1)-1), r)
					if _, err := io.WriteString(c, answer); err != nil || close {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func readRequest(tp *textproto.Reader) (request, error) {
	line, err := tp.ReadLine()
	if err != nil {
		return request{}, err
	}
	h, err := tp.ReadMIMEHeader()
	if err != nil {
		return request{}, err
	}
	r := request{line: line, header: h}
	if n, _ := strconv.Atoi(h.Get("Content-Length")); n > 0 {
		b := make([]byte, n)
		if _, err := io.ReadFull(tp.R, b); err != nil {
			return request{}, err
		}
		r.body = string(b)
	}
	return r, nil
}

func (s *cannedServer) url() string { return "http://" + s.ln.Addr().String() }

func h1For(t *testing.T, s spec) *h1 {
	t.Helper()
	s.Engine = "h1"
	d, err := newHTTP(&s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.(*h1).Close() })
	return d.(*h1)
}

func TestH1Framing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		method   string
		answer   string
		close    bool  // the server closes after answering
		bytes    int64 // body bytes counted
		kind     string
		reuse    bool // three requests share one connection
		requests int
	}{
		{name: "content-length", answer: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", bytes: 5, reuse: true},
		{name: "chunked", answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 99\r\n\r\n" +
			"4;ext=1\r\nabcd\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n", bytes: 14, reuse: true},
		{name: "until close", answer: "HTTP/1.1 200 OK\r\n\r\nsome bytes", close: true, bytes: 10},
		// The server leaves the next two open: the client must close them.
		{name: "http/1.0", answer: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", bytes: 2},
		{name: "http/1.0 keep-alive", answer: "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", bytes: 2, reuse: true},
		{name: "connection close", answer: "HTTP/1.1 200 OK\r\nConnection: foo, close\r\nContent-Length: 2\r\n\r\nok", bytes: 2},
		{name: "transfer-encoding without chunked", answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabcdef", close: true, bytes: 6},
		{name: "interim 100", answer: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\n!", bytes: 1, reuse: true},
		{name: "line over the buffer", answer: "HTTP/1.1 200 OK\r\nX-Long: " + strings.Repeat("a", 3*h1ReadBuffer) + "\r\nContent-Length: 3\r\n\r\nabc", bytes: 3, reuse: true},
		{name: "body over the buffer", answer: "HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n" + strings.Repeat("x", 200000), bytes: 200000, reuse: true},
		{name: "chunks over the buffer", answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"10000\r\n" + strings.Repeat("y", 0x10000) + "\r\n8000\r\n" + strings.Repeat("z", 0x8000) + "\r\n0\r\n\r\n", bytes: 0x18000, reuse: true},
		{name: "204", answer: "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n", reuse: true},
		{name: "head", method: "HEAD", answer: "HTTP/1.1 200 OK\r\nContent-Length: 700\r\n\r\n", reuse: true},
		{name: "status 503", answer: "HTTP/1.1 503 Busy\r\ncontent-length: 4\r\n\r\nbusy", bytes: 4, kind: "http 503", reuse: true},
		{name: "bad status line", answer: "HTTP/1.1 2000 OK\r\n\r\n", close: true, kind: KindProtocol},
		{name: "not http", answer: "SSH-2.0-OpenSSH\r\n\r\n", close: true, kind: KindProtocol},
		{name: "bad content-length", answer: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", close: true, kind: KindProtocol},
		{name: "conflicting content-length", answer: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", close: true, kind: KindProtocol},
		{name: "bad chunk size", answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", close: true, kind: KindProtocol},
		{name: "header without colon", answer: "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", close: true, kind: KindProtocol},
		{name: "switching protocols", answer: "HTTP/1.1 101 Switching Protocols\r\n\r\n", close: true, kind: KindProtocol},
		{name: "truncated body", answer: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", close: true, bytes: 5, kind: KindReset},
		{name: "truncated chunk", answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort", close: true, bytes: 5, kind: KindReset},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, func(int, request) (string, bool) { return tc.answer, tc.close })
			w := h1For(t, spec{URL: srv.url() + "/x", Method: tc.method, Conns: 1})
			const n = 3
			for range n {
				got, err := w.Do(context.Background(), 0)
				if got != tc.bytes || workloads.Kind(err) != tc.kind {
					t.Fatalf("%d bytes, error %v (kind %q); want %d bytes, kind %q", got, err, workloads.Kind(err), tc.bytes, tc.kind)
				}
			}
			want := int64(n)
			if tc.reuse {
				want = 1
			}
			if c := srv.conns.Load(); c != want {
				t.Errorf("%d connections for %d requests, want %d", c, n, want)
			}
		})
	}
}

func TestH1Request(t *testing.T) {
	srv := serve(t, func(int, request) (string, bool) { return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false })
	for _, tc := range []struct {
		spec                spec
		line, host, ua, cls string
		body                string
		extra               [2]string
	}{
		{spec: spec{URL: srv.url() + "/a/b?q=1&r=%20"}, line: "GET /a/b?q=1&r=%20 HTTP/1.1", host: srv.ln.Addr().String(), ua: "concbench"},
		{spec: spec{URL: srv.url(), Method: "POST", Body: []byte("payload"), Headers: []string{"X-Test: yes", "User-Agent: mine"}, NoKeepalive: true},
			line: "POST / HTTP/1.1", host: srv.ln.Addr().String(), ua: "mine", cls: "close", body: "payload", extra: [2]string{"X-Test", "yes"}},
		{spec: spec{URL: srv.url() + "/", Headers: []string{"Host: example.test"}}, line: "GET / HTTP/1.1", host: "example.test", ua: "concbench"},
	} {
		srv.mu.Lock()
		srv.reqs = nil
		srv.mu.Unlock()
		tc.spec.Conns = 1
		if _, err := h1For(t, tc.spec).Do(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		srv.mu.Lock()
		r := srv.reqs[0]
		srv.mu.Unlock()
		if r.line != tc.line || r.header.Get("Host") != tc.host || r.header.Get("User-Agent") != tc.ua ||
			r.header.Get("Connection") != tc.cls || r.body != tc.body || len(r.header["Host"]) != 1 || len(r.header["User-Agent"]) != 1 ||
			tc.extra[0] != "" && r.header.Get(tc.extra[0]) != tc.extra[1] {
			t.Errorf("%s: got %q %v body %q", tc.spec.URL, r.line, r.header, r.body)
		}
	}
}

func TestH1CancelAndTimeout(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	srv := serve(t, func(int, request) (string, bool) { <-block; return "", true })
	w := h1For(t, spec{URL: srv.url(), Conns: 2})

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	if _, err := w.Do(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled mid-request: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancel took %v", d)
	}

	ctx, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := w.Do(ctx, 0); !errors.Is(err, context.DeadlineExceeded) || workloads.Kind(err) != "timeout" {
		t.Errorf("past its deadline: %v (kind %q)", err, workloads.Kind(err))
	}
}

// TestH1ConnectionCap: twelve requests at once over a pool of three
// connections, against a server slow enough that they overlap.
func TestH1ConnectionCap(t *testing.T) {
	srv := serve(t, func(int, request) (string, bool) {
		time.Sleep(20 * time.Millisecond)
		return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false
	})
	w := h1For(t, spec{URL: srv.url(), Conns: 3})
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.Do(context.Background(), i); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	if c := srv.conns.Load(); failed.Load() != 0 || c < 1 || c > 3 {
		t.Errorf("%d failed; %d connections, want at most 3", failed.Load(), c)
	}
	// Close shuts the idle connections: the server sees every one end.
	w.Close()
	for deadline := time.Now().Add(5 * time.Second); srv.ended.Load() != srv.conns.Load(); {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d connections still open after Close", srv.conns.Load()-srv.ended.Load(), srv.conns.Load())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestH1ResponseNeverPanics(t *testing.T) {
	inputs := []string{
		"", "H", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcdeXX\r\n",
		"HTTP/1.1 200 OK\r\n" + strings.Repeat("X-A: b\r\n", 200000) + "\r\n",
		"HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", h1MaxHeader+1) + "\r\n\r\n",
	}
	for _, in := range inputs {
		r := h1Response{br: bufio.NewReaderSize(strings.NewReader(in), h1ReadBuffer)}
		if err := r.read(); err == nil {
			t.Errorf("%.40q: no error", in)
		}
	}
}

func FuzzH1Response(f *testing.F) {
	f.Add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false)
	f.Add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n", false)
	f.Add("HTTP/1.0 100 Continue\r\n\r\nHTTP/1.0 304 Not Modified\r\n\r\n", true)
	f.Fuzz(func(t *testing.T, in string, head bool) {
		r := h1Response{br: bufio.NewReaderSize(strings.NewReader(in), h1ReadBuffer), head: head}
		err := r.read()
		if err == nil && (r.code < 200 || r.code > 999 || r.n < 0 || r.n > int64(len(in))) {
			t.Errorf("code %d, %d body bytes from %d bytes of input", r.code, r.n, len(in))
		}
	})
}

func TestH1TLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secret")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	w := h1For(t, spec{URL: srv.URL + "/", Conns: 1})
	// The test server's certificate is its own: unknown, it is refused.
	if _, err := w.Do(context.Background(), 0); workloads.Kind(err) != KindTransport || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("unknown certificate: %v", err)
	}
	w.tls.RootCAs = x509.NewCertPool()
	w.tls.RootCAs.AddCert(srv.Certificate())
	for range 3 {
		if n, err := w.Do(context.Background(), 0); n != 6 || err != nil {
			t.Fatalf("%d bytes, %v", n, err)
		}
	}
}

// TestH1KeepsConnectionsAcrossContexts: with --timeout every attempt has a
// context of its own, canceled as the attempt ends; the connection must
// still be reused, and a canceled context must not reach the next request.
func TestH1KeepsConnectionsAcrossContexts(t *testing.T) {
	srv := serve(t, func(int, request) (string, bool) { return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false })
	task := mustNew(t, workloads.Spec{Name: "http", Params: params.Values{"http-engine": "h1", "url": srv.url()}, Conns: 1, Timeout: time.Second})
	defer task.Close()
	for i := range 20 {
		if s := task.Run(context.Background(), i, time.Now()); s.Err != nil {
			t.Fatalf("task %d: %v", i, s.Err)
		}
		time.Sleep(time.Millisecond) // let any cancellation callback run
	}
	if c := srv.conns.Load(); c != 1 {
		t.Errorf("%d connections for 20 requests with per-attempt contexts, want 1", c)
	}
}
