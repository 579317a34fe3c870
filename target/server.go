// Package target is the loopback server that concbench's network
// workloads talk to: an HTTP server with httpbin-style endpoints and a TCP
// echo server. It runs inside the harness (Start) or as a child process of
// it (StartChild, ServeIfChild), and counts the connections it accepts so
// that runs can report how many their clients opened.
package target

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Limits that keep a nonsense request from hurting the server.
const (
	MaxDelay = time.Minute
	MaxBytes = 64 << 20
)

// Stats counts what the server saw since it started.
type Stats struct {
	HTTPConns    int64 `json:"http_conns"`    // HTTP connections accepted
	HTTPRequests int64 `json:"http_requests"` // HTTP requests served
	TCPConns     int64 `json:"tcp_conns"`     // TCP echo connections accepted
}

// Server is a running target: an HTTP server and a TCP echo server. Its
// methods are safe for concurrent use.
type Server struct {
	HTTPAddr, TCPAddr string

	http     *http.Server
	httpLn   net.Listener
	tcpLn    net.Listener
	stats    struct{ httpConns, httpRequests, tcpConns atomic.Int64 }
	mu       sync.Mutex
	tcpConns map[net.Conn]struct{}
	wg       sync.WaitGroup // the accept loops and echo connections
	done     chan struct{}
	cancel   context.CancelFunc // ends every request's context, at Close
}

// Start listens on httpAddr and tcpAddr (port 0 picks a free port; an
// empty address means 127.0.0.1:0) and serves in the background until
// Close. It returns an error naming the address if either cannot be bound.
func Start(httpAddr, tcpAddr string) (*Server, error) {
	if httpAddr == "" {
		httpAddr = "127.0.0.1:0"
	}
	if tcpAddr == "" {
		tcpAddr = "127.0.0.1:0"
	}
	httpLn, err := net.Listen("tcp", httpAddr)
	if err != nil {
		return nil, fmt.Errorf("http listener: %w", err)
	}
	tcpLn, err := net.Listen("tcp", tcpAddr)
	if err != nil {
		httpLn.Close()
		return nil, fmt.Errorf("tcp listener: %w", err)
	}
	s := &Server{
		HTTPAddr: httpLn.Addr().String(),
		TCPAddr:  tcpLn.Addr().String(),
		httpLn:   httpLn,
		tcpLn:    tcpLn,
		tcpConns: map[net.Conn]struct{}{},
		done:     make(chan struct{}),
	}
	base, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.http = &http.Server{
		BaseContext:       func(net.Listener) context.Context { return base },
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.stats.httpConns.Add(1)
			}
		},
		ErrorLog: nil,
	}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		s.http.Serve(httpLn) // returns ErrServerClosed on Close
	}()
	go func() {
		defer s.wg.Done()
		s.acceptTCP()
	}()
	return s, nil
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	return Stats{
		HTTPConns:    s.stats.httpConns.Load(),
		HTTPRequests: s.stats.httpRequests.Load(),
		TCPConns:     s.stats.tcpConns.Load(),
	}
}

// Close shuts the server down: it stops accepting, lets in-flight HTTP
// requests finish until ctx ends, then cuts those still in flight (a
// /delay or /drip returns at once and its connection is closed without an
// answer), closes the echo connections and waits for every goroutine it
// started. It blocks. A request cut short is not an error: it returns an
// error only if a listener could not be closed.
func (s *Server) Close(ctx context.Context) error {
	close(s.done)
	var err error
	if s.http.Shutdown(ctx) != nil && ctx.Err() != nil {
		s.cancel() // the handlers that wait return
		s.http.Close()
	} else if err = s.httpLn.Close(); errors.Is(err, net.ErrClosed) {
		err = nil // Shutdown closed it, as it should
	}
	s.cancel()
	s.tcpLn.Close()
	s.mu.Lock()
	for c := range s.tcpConns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) acceptTCP() {
	for {
		c, err := s.tcpLn.Accept()
		if err != nil {
			select {
			case <-s.done:
				return
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			time.Sleep(5 * time.Millisecond) // e.g. out of file descriptors: back off
			continue
		}
		s.stats.tcpConns.Add(1)
		s.mu.Lock()
		s.tcpConns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			io.Copy(c, c) // echo until the client closes
			c.Close()
			s.mu.Lock()
			delete(s.tcpConns, c)
			s.mu.Unlock()
		}()
	}
}

var helloBody = []byte("Hello from the concbench target.\n")

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	count := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s.stats.httpRequests.Add(1)
			h(w, r)
		}
	}
	mux.HandleFunc("/{$}", count(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(helloBody)
	}))
	httpbinRoutes(mux, count)
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(s.Stats())
	})
	return mux
}

func badRequest(w http.ResponseWriter, format string, a ...any) {
	http.Error(w, fmt.Sprintf(format, a...), http.StatusBadRequest)
}

// handleBytes sends n pseudo-random bytes, the same n bytes every time.
func handleBytes(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n > MaxBytes {
		badRequest(w, "bytes %q: want a count from 0 to %d", r.PathValue("n"), MaxBytes)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	buf := make([]byte, min(n, 32<<10))
	var x uint64 = uint64(n)
	for sent := 0; sent < n; {
		k := min(len(buf), n-sent)
		fill(buf[:k], &x)
		if _, err := w.Write(buf[:k]); err != nil {
			return
		}
		sent += k
	}
}

// fill writes splitmix64 output into b, continuing from state x.
func fill(b []byte, x *uint64) {
	for i := range b {
		if i%8 == 0 {
			*x += 0x9e3779b97f4a7c15
		}
		z := *x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		b[i] = byte((z ^ (z >> 31)) >> (8 * (i % 8)))
	}
}

// Bytes returns what /bytes/n sends, for checking it.
func Bytes(n int) []byte {
	b := make([]byte, n)
	var x uint64 = uint64(n)
	for sent := 0; sent < n; sent += 32 << 10 {
		fill(b[sent:min(n, sent+32<<10)], &x)
	}
	return b
}
