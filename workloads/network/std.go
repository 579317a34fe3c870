package network

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/concbench/concbench/workloads"
)

// stdHTTP is the net/http engine. net/http resends a request itself when
// a reused connection dies before any byte of a response (GET, HEAD,
// OPTIONS, TRACE, or any request with an idempotency key; any request that
// was not written at all); each send is counted through httptrace, so the
// attempts reported are the requests that went out. Redirects are
// followed only as far as --follow-redirects says, on the same origin.
// Its methods are safe for concurrent use.
type stdHTTP struct {
	url, method string
	host        string // a Host header given by the user, sent as req.Host
	headers     [][2]string
	body        []byte
	client      *http.Client
}

func newStdHTTP(u, method string, headers [][2]string, body []byte, noKeepalive bool, conns, follow int, local net.Addr) *stdHTTP {
	w := &stdHTTP{url: u, method: method, body: body}
	for _, h := range headers {
		if strings.EqualFold(h[0], "Host") {
			w.host = h[1] // net/http ignores a Host in req.Header
			continue
		}
		w.headers = append(w.headers, h)
	}
	tr := &http.Transport{
		// Loopback benchmarks must not go through a proxy; a nil local
		// address leaves the source address to the OS.
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, LocalAddr: local}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns, // as h1 and fasthttp: tasks past it wait for a connection
		IdleConnTimeout:     90 * time.Second,
		DisableKeepAlives:   noKeepalive,
		DisableCompression:  true,
	}
	w.client = &http.Client{
		Transport: tr,
		// Unless followed, a redirect is an answer, counted by its status,
		// as for h1 and fasthttp.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > follow || !sameOrigin(via[0].URL, req.URL) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return w
}

// Close closes the idle connections.
func (w *stdHTTP) Close() error {
	w.client.CloseIdleConnections()
	return nil
}

func (w *stdHTTP) Do(ctx context.Context, i int) (int64, error) {
	n, _, err := w.DoCounted(ctx, i)
	return n, err
}

// DoCounted sends the request and reads the whole response, and says how
// many times net/http wrote the request (at least 1). It blocks until the
// response is read, ctx's deadline (or maxRequestTime) passes or ctx is
// done.
func (w *stdHTTP) DoCounted(ctx context.Context, _ int) (int64, int, error) {
	var body io.Reader
	if w.body != nil {
		body = bytes.NewReader(w.body)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, maxRequestTime)
		defer cancel()
	}
	var wrote atomic.Int32
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				wrote.Add(1)
			}
		},
	})
	sends := func() int { return max(int(wrote.Load()), 1) }
	req, err := http.NewRequestWithContext(ctx, w.method, w.url, body)
	if err != nil {
		return 0, 1, &workloads.KindError{Kind: KindTransport, Msg: err.Error()}
	}
	req.Host = w.host
	for _, h := range w.headers {
		req.Header.Set(h[0], h[1])
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, sends(), netError(ctx, err)
	}
	// Read the whole body so the connection can be reused.
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return n, sends(), netError(ctx, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return n, sends(), statusError(resp.StatusCode)
	}
	return n, sends(), nil
}
