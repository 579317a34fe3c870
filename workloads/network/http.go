package network

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/concbench/concbench/workloads"
	"github.com/valyala/fasthttp"
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
// HTTP/2 and full semantics. h1 and std honour cancellation mid-request.
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
		tr := &http.Transport{
			Proxy:               nil, // loopback benchmarks must not go through a proxy
			DialContext:         (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     90 * time.Second,
			DisableKeepAlives:   s.NoKeepalive,
			DisableCompression:  true,
		}
		return &stdHTTP{url: s.URL, method: method, headers: headers, body: s.Body, client: &http.Client{Transport: tr}}, nil
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return nil, err
	}
	if s.engine() == "h1" {
		return newH1(u, method, headers, s.Body, s.NoKeepalive, conns), nil
	}
	client := &fasthttp.HostClient{
		Addr:                          fastAddr(u),
		IsTLS:                         u.Scheme == "https",
		MaxConns:                      conns,
		MaxConnWaitTimeout:            maxRequestTime,
		MaxIdleConnDuration:           90 * time.Second,
		NoDefaultUserAgentHeader:      false,
		DisableHeaderNamesNormalizing: true,
		Name:                          "concbench",
		ReadBufferSize:                16 << 10,
	}
	return &fastHTTP{url: s.URL, method: method, headers: headers, body: s.Body, close: s.NoKeepalive, client: client}, nil
}

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

type fastHTTP struct {
	url, method string
	headers     [][2]string
	body        []byte
	close       bool
	client      *fasthttp.HostClient
}

func (w *fastHTTP) Do(ctx context.Context, _ int) (int64, error) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(w.url)
	req.Header.SetMethod(w.method)
	for _, h := range w.headers {
		req.Header.Set(h[0], h[1])
	}
	if w.body != nil {
		req.SetBodyRaw(w.body)
	}
	if w.close {
		req.SetConnectionClose()
	}
	// fasthttp takes deadlines, not contexts: a canceled run waits for the
	// requests in flight, bounded by their deadline.
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(maxRequestTime)
	}
	if err := w.client.DoDeadline(req, resp, deadline); err != nil {
		return 0, netError(ctx, err)
	}
	n := int64(len(resp.Body()))
	if code := resp.StatusCode(); code < 200 || code > 299 {
		return n, statusError(code)
	}
	return n, nil
}

// Close closes the idle connections.
func (w *fastHTTP) Close() error {
	w.client.CloseIdleConnections()
	return nil
}

type stdHTTP struct {
	url, method string
	headers     [][2]string
	body        []byte
	client      *http.Client
}

// Close closes the idle connections.
func (w *stdHTTP) Close() error {
	w.client.CloseIdleConnections()
	return nil
}

func (w *stdHTTP) Do(ctx context.Context, _ int) (int64, error) {
	var body io.Reader
	if w.body != nil {
		body = bytes.NewReader(w.body)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, maxRequestTime)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, w.method, w.url, body)
	if err != nil {
		return 0, &workloads.KindError{Kind: KindTransport, Msg: err.Error()}
	}
	for _, h := range w.headers {
		req.Header.Set(h[0], h[1])
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, netError(ctx, err)
	}
	// Read the whole body so the connection can be reused.
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return n, netError(ctx, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return n, statusError(resp.StatusCode)
	}
	return n, nil
}
