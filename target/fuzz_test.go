package target

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// capped is a ResponseWriter that keeps the status and takes at most
// 1 MiB of body, then fails writes as a gone client would, so that a
// fuzzed /bytes/{n} costs little.
type capped struct {
	h      http.Header
	status int
	n      int
}

func (c *capped) Header() http.Header { return c.h }
func (c *capped) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
func (c *capped) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	if c.n += len(b); c.n > 1<<20 {
		return 0, errors.New("client gone")
	}
	return len(b), nil
}
func (c *capped) Flush() {}

// FuzzRoutes sends any request line, path, query and body to the
// target's routes (/delay/, /status/, /bytes/, /stream/, /drip, the
// httpbin echoes). The request's context has ended, so that a delay
// returns at once: a handler either answers with a valid status or
// aborts the connection (http.ErrAbortHandler); it never panics otherwise.
func FuzzRoutes(f *testing.F) {
	for _, s := range []string{
		"GET /delay/10ms?jitter=2ms", "GET /delay/0.5", "GET /delay/-1", "GET /delay/9999999999999h",
		"GET /status/200,500", "GET /status/200:3,500:1", "GET /status/99", "GET /status/200:1e308,201:1e308",
		"GET /bytes/100", "GET /bytes/67108864", "GET /bytes/-1",
		"GET /stream/5", "GET /stream/99999999999999999999",
		"GET /drip?duration=2&numbytes=10&delay=0&code=200", "GET /drip?numbytes=-1", "GET /drip?duration=NaN",
		"POST /post", "PUT /anything/a/b?x=1&x=2", "GET /get?a=%zz", "GET /",
	} {
		f.Add(s, "application/json", []byte(`{"a": [1, 2]}`))
	}
	f.Add("POST /post", "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\nhi\r\n--x--\r\n"))
	f.Add("POST /anything", "application/x-www-form-urlencoded", []byte("a=1&b=%zz"))
	h := (&Server{}).routes()
	f.Fuzz(func(t *testing.T, line, contentType string, body []byte) {
		raw := fmt.Sprintf("%s HTTP/1.1\r\nHost: t\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s", line, contentType, len(body), body)
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return // not a request net/http would hand to a handler
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		w := &capped{h: http.Header{}}
		func() {
			defer func() {
				if v := recover(); v != nil && v != http.ErrAbortHandler {
					t.Fatalf("%q panics: %v", line, v)
				}
			}()
			h.ServeHTTP(w, r.WithContext(ctx))
		}()
		if w.status != 0 && (w.status < 100 || w.status > 599) {
			t.Errorf("%q: status %d", line, w.status)
		}
	})
}
