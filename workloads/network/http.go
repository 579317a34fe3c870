package network

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/concbench/concbench/workloads"
)

// maxRequestTime bounds a request that has no timeout of its own, so a
// target that stops answering never hangs a run.
const maxRequestTime = time.Minute

// dialTimeout bounds a connect, so that a target whose listen backlog is
// full fails the task instead of leaving it to the kernel's SYN retries
// (over two minutes).
const dialTimeout = 10 * time.Second

// newHTTP builds the client of the http workload: one per process, shared
// by every task, with keep-alive connections sized to the tasks that may
// run at once. h1, concbench's own HTTP/1.1 client, is the default engine;
// fasthttp is a well-kept fast HTTP/1.1 library; net/http ("std") has
// HTTP/2 and full semantics. All three honour cancellation mid-request,
// follow the same rules (README, "HTTP engines"), and count every request
// they put on the wire as an attempt.
func newHTTP(s *spec) (workloads.Doer, error) {
	method := s.Method
	if method == "" {
		method = http.MethodGet
	}
	conns := max(s.Conns, 1)
	headers := make([][2]string, len(s.Headers))
	for i, h := range s.Headers {
		k, v, _ := strings.Cut(h, ":")
		headers[i] = [2]string{strings.TrimSpace(k), strings.TrimSpace(v)}
	}
	if s.engine() == "std" {
		return newStdHTTP(s.URL, method, headers, s.Body, s.NoKeepalive, conns, s.Follow, s.local()), nil
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return nil, err
	}
	if s.engine() == "h1" {
		h := newH1(u, method, headers, s.Body, s.NoKeepalive, conns, s.Follow)
		h.local = s.local()
		return h, nil
	}
	f := newFastHTTP(u, method, headers, s.Body, s.NoKeepalive, conns, s.Follow)
	f.local = s.local()
	return f, nil
}

// redirect returns the request that follows a response with code and
// location to a request (u, method, body), as net/http builds it: after
// 301, 302 and 303 a GET without body (HEAD stays HEAD), after 307 and 308
// the same request. ok is false for any other code, a missing or bad
// location, or one on another origin: a benchmark measures one server.
func redirect(u *url.URL, method string, body []byte, code int, location string) (next *url.URL, m string, b []byte, ok bool) {
	switch code {
	case 301, 302, 303:
		if method != "GET" && method != "HEAD" {
			method, body = "GET", nil
		}
	case 307, 308:
	default:
		return u, method, body, false
	}
	if location == "" {
		return u, method, body, false
	}
	next, err := u.Parse(location)
	if err != nil || !sameOrigin(u, next) {
		return u, method, body, false
	}
	return next, method, body, true
}

func sameOrigin(a, b *url.URL) bool { return a.Scheme == b.Scheme && a.Host == b.Host }

// fastAddr is host:port as fasthttp dials it.
func fastAddr(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return u.Host + ":443"
	}
	return u.Host + ":80"
}
