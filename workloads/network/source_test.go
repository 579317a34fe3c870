package network

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

// TestSourceAddr: with --source-addr every engine's connections, and the
// tcp workload's, come from that address, as the server sees them.
func TestSourceAddr(t *testing.T) {
	const src = "127.0.0.2"
	if l, err := net.Listen("tcp", src+":0"); err != nil {
		t.Skipf("%s is not an address of this host: %v", src, err)
	} else {
		l.Close()
	}
	var mu sync.Mutex
	var seen []string
	see := func(addr string) {
		host, _, _ := net.SplitHostPort(addr)
		mu.Lock()
		seen = append(seen, host)
		mu.Unlock()
	}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { see(r.RemoteAddr) }))
	defer web.Close()
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer echo.Close() // before the wait: it ends the accept loop
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			see(c.RemoteAddr().String())
			wg.Add(1)
			go func() { defer wg.Done(); defer c.Close(); io.Copy(c, c) }()
		}
	}()
	for _, s := range []workloads.Spec{
		{Name: "http", Params: params.Values{"url": web.URL, "http-engine": "h1", "source-addr": src}},
		{Name: "http", Params: params.Values{"url": web.URL, "http-engine": "fasthttp", "source-addr": src}},
		{Name: "http", Params: params.Values{"url": web.URL, "http-engine": "std", "source-addr": src}},
		{Name: "tcp", Params: params.Values{"addr": echo.Addr().String(), "size": "16", "source-addr": src}},
	} {
		mu.Lock()
		seen = nil
		mu.Unlock()
		task := mustNew(t, s)
		sample := task.Run(context.Background(), 0, time.Now())
		task.Close()
		mu.Lock()
		got := seen
		mu.Unlock()
		if sample.Err != nil || len(got) != 1 || got[0] != src {
			t.Errorf("%s %s: err %v, the server saw connections from %v, want %s", s.Name, s.Params["http-engine"], sample.Err, got, src)
		}
	}
}
