package target

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T) *Server {
	t.Helper()
	s, err := Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func get(t *testing.T, s *Server, path string) (int, []byte) {
	t.Helper()
	resp, err := http.Get("http://" + s.HTTPAddr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestEndpoints(t *testing.T) {
	s := start(t)
	for _, tc := range []struct {
		path string
		code int
		body string // a substring of the body
	}{
		{"/", 200, "concbench target"},
		{"/delay/0s", 200, "concbench target"},
		{"/delay/15ms?jitter=1ms", 200, "concbench target"},
		{"/status/503", 503, ""},
		{"/status/204", 204, ""},
		{"/json", 200, `"slideshow"`},
		{"/bytes/0", 200, ""},
		{"/nowhere", 404, ""},
		{"/delay/soon", 400, "delay"},
		{"/delay/-5ms", 400, "delay"},
		{"/delay/2h", 400, "delay"},
		{"/delay/1ms?jitter=x", 400, "jitter"},
		{"/status/99", 400, "status"},
		{"/status/600", 400, "status"},
		{"/status/abc", 400, "status"},
		{"/bytes/-1", 400, "bytes"},
		{"/bytes/999999999999", 400, "bytes"},
	} {
		code, body := get(t, s, tc.path)
		if code != tc.code || !strings.Contains(string(body), tc.body) {
			t.Errorf("%s: %d %q, want %d with %q", tc.path, code, body, tc.code, tc.body)
		}
	}
	start := time.Now()
	get(t, s, "/delay/50ms")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("/delay/50ms answered after %v", d)
	}
	_, b := get(t, s, "/bytes/100000")
	_, again := get(t, s, "/bytes/100000")
	if len(b) != 100000 || !bytes.Equal(b, again) || !bytes.Equal(b, Bytes(100000)) || bytes.Count(b, []byte{0}) > 1000 {
		t.Errorf("/bytes/100000: %d bytes, deterministic %v", len(b), bytes.Equal(b, again))
	}
	var st Stats
	_, sb := get(t, s, "/stats")
	if err := json.Unmarshal(sb, &st); err != nil || st.HTTPRequests < 19 || st.HTTPConns < 1 {
		t.Errorf("stats %s: %v", sb, err)
	}
}

func TestEcho(t *testing.T) {
	s := start(t)
	c, err := net.Dial("tcp", s.TCPAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := Bytes(70000)
	go c.Write(msg)
	back := make([]byte, len(msg))
	if _, err := io.ReadFull(c, back); err != nil || !bytes.Equal(back, msg) {
		t.Errorf("echo: %v, equal %v", err, bytes.Equal(back, msg))
	}
	if s.Stats().TCPConns != 1 {
		t.Errorf("tcp conns %d", s.Stats().TCPConns)
	}
}

func TestCloseIsGracefulAndComplete(t *testing.T) {
	s, err := Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.TCPAddr) // an idle echo connection must not block Close
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	done := make(chan int)
	go func() {
		resp, err := http.Get("http://" + s.HTTPAddr + "/delay/200ms")
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	// Close once the request is in the handler (counted as it enters),
	// not after a fixed wait a busy machine can outlast: a request that
	// arrives after Close is refused, and tells nothing of a graceful one.
	for s.Stats().HTTPRequests == 0 {
		time.Sleep(time.Millisecond) // polling the count, which decides
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 200 {
		t.Errorf("in-flight request got %d during graceful shutdown", code)
	}
	if _, err := net.DialTimeout("tcp", s.HTTPAddr, time.Second); err == nil {
		t.Error("still accepting after Close")
	}
}

func TestPortInUse(t *testing.T) {
	s := start(t)
	if _, err := Start(s.HTTPAddr, ""); err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("got %v", err)
	}
}

// TestCloseCutsWhatOutlastsItsGrace: a request that would outlast the
// shutdown's grace is cut when the grace ends, Close returns nil at once
// after it, and the client sees an error, not an empty answer. Before,
// Close waited for the request and returned ctx's deadline error.
func TestCloseCutsWhatOutlastsItsGrace(t *testing.T) {
	for _, path := range []string{"/delay/30s", "/delay/30", "/drip?delay=30&numbytes=1"} {
		t.Run(path, func(t *testing.T) {
			s, err := Start("", "")
			if err != nil {
				t.Fatal(err)
			}
			got := make(chan error, 1)
			go func() {
				resp, err := http.Get("http://" + s.HTTPAddr + path)
				if err == nil {
					_, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					if err == nil {
						err = fmt.Errorf("answered %d", resp.StatusCode)
					}
				}
				got <- err
			}()
			for s.Stats().HTTPRequests == 0 { // the handler has begun
				time.Sleep(time.Millisecond)
			}
			const grace = 100 * time.Millisecond
			start := time.Now() // before the deadline is set: Close cannot end before it
			ctx, cancel := context.WithTimeout(context.Background(), grace)
			defer cancel()
			if err := s.Close(ctx); err != nil {
				t.Errorf("Close: %v", err)
			}
			// It waited the grace, not the request's 30 s.
			if took := time.Since(start); took < grace || took > 15*time.Second {
				t.Errorf("Close took %v with a grace of %v", took, grace)
			}
			if err := <-got; err == nil || strings.Contains(err.Error(), "answered") {
				t.Errorf("the cut request: %v, want a connection error", err)
			}
		})
	}
}
