package network

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

// The conformance suite: every HTTP engine against a server that
// misbehaves on purpose. Each case asserts the outcome of every task and
// that the requests the server received equal the attempts reported. An
// engine that cannot conform (a limit of its library) is named in limits,
// with why; the README's table shows the same.

const (
	okKeep   = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	idleWait = 5 * time.Millisecond // a server's idle timeout, kept short; over idleCheck
)

// reqSpec is what a conformance case asks of the http workload.
type reqSpec struct {
	Method  string
	Headers []string
	Body    []byte
	Timeout time.Duration
	Follow  int // --follow-redirects
}

// httpTask builds the http workload under engine for a test.
func httpTask(t testing.TB, engine, url string, r reqSpec) *workloads.Task {
	t.Helper()
	p := params.Values{"url": url, "http-engine": engine}
	if r.Method != "" {
		p["method"] = r.Method
	}
	if len(r.Headers) > 0 {
		p["header"] = strings.Join(r.Headers, "\n")
	}
	if r.Follow > 0 {
		p["follow-redirects"] = strconv.Itoa(r.Follow)
	}
	if r.Body != nil {
		f := filepath.Join(t.TempDir(), "body")
		if err := os.WriteFile(f, r.Body, 0o600); err != nil {
			t.Fatal(err)
		}
		p["body-file"] = f
	}
	task := mustNew(t, workloads.Spec{Name: "http", Params: p, Conns: 1, Timeout: r.Timeout})
	t.Cleanup(func() { task.Close() })
	return task
}

type conformCase struct {
	name    string
	spec    reqSpec
	tasks   int
	handle  func(c *oddConn, r oddRequest)
	idle    bool               // the server closes idle connections: wait for it between tasks
	want    func(i int) string // the error kind of task i ("" for ok)
	attempt func(i int) int    // the attempts of task i, when the case knows them
	limits  map[string]string  // engine: why it cannot conform
}

func okAll(int) string { return "" }

func TestHTTPConformance(t *testing.T) {
	cases := []conformCase{{
		// #19 item 1: a connection the server closed while idle is not
		// reused, whatever the method; nothing is sent on it.
		name: "closes idle connections, POST", spec: reqSpec{Method: "POST", Body: []byte("x")}, tasks: 4,
		handle: func(c *oddConn, r oddRequest) { c.answer(r, okKeep); c.idleThen(idleWait, "") },
		idle:   true, want: okAll,
	}, {
		name: "closes idle connections, GET", tasks: 4,
		handle: func(c *oddConn, r oddRequest) { c.answer(r, okKeep); c.idleThen(idleWait, "") },
		idle:   true, want: okAll, attempt: func(int) int { return 1 },
	}, {
		// #19 item 2: an unsolicited 408 on an idle connection is not the
		// answer to the next request.
		name: "408 on idle connections", tasks: 4,
		handle: func(c *oddConn, r oddRequest) {
			c.answer(r, okKeep)
			c.idleThen(idleWait, "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
		},
		idle: true, want: okAll, attempt: func(int) int { return 1 },
	}, {
		// #19 item 3: a request the server closes on without answering is
		// sent once: no library retries behind the tool's back.
		name: "closes without answering", tasks: 3,
		handle: func(c *oddConn, r oddRequest) { c.closeNow() },
		want:   func(int) string { return KindReset }, attempt: func(int) int { return 1 },
	}, {
		// A reused connection that dies without answering: a GET is sent
		// again once, and both sends count.
		name: "drops the second request on a connection, GET", tasks: 2,
		handle: func(c *oddConn, r oddRequest) {
			if c.n > 0 {
				c.closeNow()
				return
			}
			c.answer(r, okKeep)
		},
		want: okAll, attempt: func(i int) int { return i + 1 },
	}, {
		name: "drops the second request on a connection, POST", spec: reqSpec{Method: "POST", Body: []byte("x")}, tasks: 2,
		handle: func(c *oddConn, r oddRequest) {
			if c.n > 0 {
				c.closeNow()
				return
			}
			c.answer(r, okKeep)
		},
		want:    func(i int) string { return []string{"", KindReset}[i] },
		attempt: func(int) int { return 1 },
	}, {
		// #19 item 4: redirects are not followed: counted by status.
		name: "redirects", tasks: 2,
		handle: func(c *oddConn, r oddRequest) {
			if r.target == "/next" {
				c.answer(r, okKeep)
				return
			}
			c.answer(r, "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n")
		},
		want: func(int) string { return "http 302" }, attempt: func(int) int { return 1 },
	}, {
		name: "307 after a POST", spec: reqSpec{Method: "POST", Body: []byte("body")}, tasks: 2,
		handle: func(c *oddConn, r oddRequest) {
			c.answer(r, "HTTP/1.1 307 Temporary Redirect\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n")
		},
		want: func(int) string { return "http 307" }, attempt: func(int) int { return 1 },
	}, {
		// --follow-redirects N: the same for every engine, each request
		// an attempt.
		name: "redirects followed", spec: reqSpec{Follow: 2}, tasks: 2,
		handle: redirector(map[string]string{"/": "302 /a", "/a": "301 /b", "/b": "GET 0"}),
		want:   okAll, attempt: func(int) int { return 3 },
	}, {
		name: "redirects beyond --follow-redirects", spec: reqSpec{Follow: 1}, tasks: 2,
		handle: redirector(map[string]string{"/": "302 /a", "/a": "302 /b"}),
		want:   func(int) string { return "http 302" }, attempt: func(int) int { return 2 },
	}, {
		name: "redirect to another origin", spec: reqSpec{Follow: 3}, tasks: 2,
		handle: redirector(map[string]string{"/": "302 http://elsewhere.invalid/"}),
		want:   func(int) string { return "http 302" }, attempt: func(int) int { return 1 },
	}, {
		name: "307 after a POST, followed", spec: reqSpec{Method: "POST", Body: []byte("body"), Follow: 1}, tasks: 2,
		handle: redirector(map[string]string{"/": "307 /b", "/b": "POST 4"}),
		want:   okAll, attempt: func(int) int { return 2 },
	}, {
		name: "303 after a POST, followed", spec: reqSpec{Method: "POST", Body: []byte("body"), Follow: 1}, tasks: 2,
		handle: redirector(map[string]string{"/": "303 /b", "/b": "GET 0"}),
		want:   okAll, attempt: func(int) int { return 2 },
	}, {
		name: "1xx before the answer", tasks: 3,
		handle: func(c *oddConn, r oddRequest) {
			c.answer(r, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n"+okKeep)
		},
		want: okAll, attempt: func(int) int { return 1 },
	}, {
		name: "chunk extensions and trailers", tasks: 3,
		handle: func(c *oddConn, r oddRequest) {
			c.answer(r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n"+
				"5;name=\"v a\"\r\nhello\r\n6;x;y=z\r\n world\r\n0;last\r\nX-T: 1\r\nX-U: 2\r\n\r\n")
		},
		want: okAll, attempt: func(int) int { return 1 },
	}, {
		// RFC 9112 7.1.1 allows whitespace before a chunk extension; a
		// size may have leading zeros.
		name: "chunk extensions after spaces, zero-padded sizes", tasks: 3,
		handle: func(c *oddConn, r oddRequest) {
			c.answer(r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"+
				"5 ; name=\"v a\"\r\nhello\r\n0000000000000000006\r\n world\r\n0 ; last\r\n\r\n")
		},
		want: okAll, attempt: func(int) int { return 1 },
		limits: map[string]string{
			"fasthttp": "fasthttp refuses a space before a chunk extension",
			"std":      "net/http refuses a space before a chunk extension and chunk sizes of 16 or more digits",
		},
	}, {
		name: "bare LF line ends", spec: reqSpec{Timeout: time.Second}, tasks: 1,
		handle: func(c *oddConn, r oddRequest) { c.answer(r, "HTTP/1.1 200 OK\nContent-Length: 2\n\nok") },
		want:   okAll, attempt: func(int) int { return 1 },
		limits: map[string]string{"fasthttp": "fasthttp waits for a CR LF to the timeout"},
	}, {
		name: "two equal Content-Length fields", tasks: 2,
		handle: func(c *oddConn, r oddRequest) {
			c.answer(r, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
		},
		want: okAll, attempt: func(int) int { return 1 },
		limits: map[string]string{"fasthttp": "fasthttp refuses duplicate Content-Length fields"},
	}, {
		name: "a 100 KiB header line", tasks: 2,
		handle: func(c *oddConn, r oddRequest) {
			c.answer(r, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 100<<10)+"\r\nContent-Length: 2\r\n\r\nok")
		},
		want: okAll, attempt: func(int) int { return 1 },
		limits: map[string]string{"fasthttp": "fasthttp refuses response heads over its 16 KiB read buffer"},
	}, {
		name: "a large body read whole", spec: reqSpec{Method: "POST", Body: make([]byte, 4<<20)}, tasks: 3,
		handle: func(c *oddConn, r oddRequest) { c.answer(r, okKeep) },
		want:   okAll, attempt: func(int) int { return 1 },
	}, {
		// #19 item 6: a server that answers before reading a large body,
		// then resets: the answer counts.
		name: "early 413 and reset", spec: reqSpec{Method: "POST", Body: make([]byte, 8<<20)}, tasks: 2,
		handle: func(c *oddConn, r oddRequest) {
			io.WriteString(c, "HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
			c.Conn.(interface{ SetLinger(int) error }).SetLinger(0)
			c.closeNow()
		},
		want: func(int) string { return "http 413" }, attempt: func(int) int { return 1 },
		limits: map[string]string{
			"fasthttp": "fasthttp reads no answer once a write fails: it counts reset",
			"std":      "net/http reports the failed write, not the early answer: it counts reset",
		},
	}}
	for _, tc := range cases {
		for _, engine := range Engines {
			t.Run(fmt.Sprintf("case=%s/engine=%s", tc.name, engine), func(t *testing.T) {
				conform(t, tc, engine)
			})
		}
	}
}

// redirector answers a path with "CODE location" (a redirect) or with
// "METHOD length" (200 if the request has that method and body length,
// else 400); other paths get 404.
func redirector(routes map[string]string) func(c *oddConn, r oddRequest) {
	return func(c *oddConn, r oddRequest) {
		what, arg, _ := strings.Cut(routes[r.target], " ")
		switch {
		case what == "":
			c.answer(r, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
		case what == r.method && arg == strconv.Itoa(r.length):
			c.answer(r, okKeep)
		case what[0] == '3':
			c.answer(r, "HTTP/1.1 "+what+" Moved\r\nLocation: "+arg+"\r\nContent-Length: 0\r\n\r\n")
		default:
			c.answer(r, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
		}
	}
}

func conform(t *testing.T, tc conformCase, engine string) {
	srv := newOddServer(t, tc.handle)
	task := httpTask(t, engine, srv.url()+"/", tc.spec)
	why, limited := tc.limits[engine]
	missed := false
	fail := func(format string, a ...any) {
		t.Helper()
		missed = true
		if limited {
			t.Logf(format, a...)
		} else {
			t.Errorf(format, a...)
		}
	}
	attempts := 0
	for i := range tc.tasks {
		s := task.Run(context.Background(), i, time.Now())
		attempts += int(s.Attempts)
		if got := workloads.Kind(s.Err); got != tc.want(i) {
			fail("task %d: %q (%v), want %q", i, got, s.Err, tc.want(i))
		}
		if tc.attempt != nil && int(s.Attempts) != tc.attempt(i) {
			fail("task %d: %d attempts, want %d", i, s.Attempts, tc.attempt(i))
		}
		if tc.idle {
			await(t, srv.closed, "closed by the server")
			if engine == "std" {
				// net/http notices a close in the background, not on reuse:
				// wait until it has, or the next request races it.
				await(t, srv.dropped, "dropped by the client")
			}
		}
	}
	if got := srv.received.Load(); got != int64(attempts) {
		fail("the server received %d requests; %d attempts reported", got, attempts)
	}
	if n := srv.resets.Load(); n > 0 {
		fail("%d requests sent on connections the server had closed", n)
	}
	if limited && missed {
		t.Logf("%s cannot conform: %s", engine, why)
	}
}

// TestHTTPHostAsGiven: #19 item 5, --header "Host: ..." goes on the wire
// as given, for every engine.
func TestHTTPHostAsGiven(t *testing.T) {
	for _, engine := range Engines {
		t.Run("engine="+engine, func(t *testing.T) {
			srv := newOddServer(t, func(c *oddConn, r oddRequest) { c.answer(r, okKeep) })
			task := httpTask(t, engine, srv.url()+"/", reqSpec{Headers: []string{"Host: vhost.example", "X-A: 1"}})
			if s := task.Run(context.Background(), 0, time.Now()); s.Err != nil {
				t.Fatal(s.Err)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if len(srv.hosts) != 1 || srv.hosts[0] != "vhost.example" {
				t.Errorf("Host on the wire: %q, want [vhost.example]", srv.hosts)
			}
		})
	}
}

// TestHTTPTruncated: a response cut at every position fails the task
// (the one whose cut leaves a whole response aside), sent once.
func TestHTTPTruncated(t *testing.T) {
	for _, full := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;a=b\r\n0123\r\n6\r\n456789\r\n0\r\nX-T: 1\r\n\r\n",
	} {
		for _, engine := range Engines {
			t.Run(fmt.Sprintf("framing=%s/engine=%s", strings.Fields(full)[3], engine), func(t *testing.T) {
				var at atomic.Int64 // where the server cuts
				srv := newOddServer(t, func(c *oddConn, r oddRequest) {
					io.WriteString(c, full[:at.Load()])
					c.closeNow()
				})
				task := httpTask(t, engine, srv.url()+"/", reqSpec{Timeout: 10 * time.Second})
				attempts := 0
				for cut := range len(full) {
					at.Store(int64(cut))
					s := task.Run(context.Background(), cut, time.Now())
					attempts += int(s.Attempts)
					if s.Err == nil || workloads.Kind(s.Err) == "timeout" {
						t.Errorf("cut at %d (%q): %v, want a failure at once", cut, full[max(cut-10, 0):cut], s.Err)
					}
				}
				if got := srv.received.Load(); got != int64(attempts) {
					t.Errorf("the server received %d requests; %d attempts reported", got, attempts)
				}
			})
		}
	}
}

// TestHTTPCancelSilentTarget: #13 item 5. A target that reads requests
// and never answers; with no --timeout, canceling the run ends every
// engine's requests at once (fasthttp, which takes deadlines and not
// contexts, waited out its minute), and the client still serves the next
// run.
func TestHTTPCancelSilentTarget(t *testing.T) {
	const tasks = 4
	for _, engine := range Engines {
		t.Run("engine="+engine, func(t *testing.T) {
			got := make(chan struct{}, tasks)
			var answer atomic.Bool // after the cancel: the target wakes up
			srv := newOddServer(t, func(c *oddConn, r oddRequest) {
				if answer.Load() {
					c.answer(r, okKeep)
					return
				}
				got <- struct{}{}
			})
			task := mustNew(t, workloads.Spec{Name: "http", Conns: tasks,
				Params: params.Values{"url": srv.url() + "/", "http-engine": engine}})
			t.Cleanup(func() { task.Close() })
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan string, tasks)
			for i := range tasks {
				go func() { s := task.Run(ctx, i, time.Now()); done <- workloads.Kind(s.Err) }()
			}
			for range tasks { // every request is out and waiting
				await(t, got, "request")
			}
			cancel()
			limit := time.After(2 * time.Second)
			for range tasks {
				select {
				case k := <-done:
					if k != "canceled" {
						t.Errorf("a canceled request counts %q, want canceled", k)
					}
				case <-limit:
					t.Fatalf("requests still running 2 s after the cancel")
				}
			}
			// The next run finds the client whole.
			answer.Store(true)
			if s := task.Run(context.Background(), tasks, time.Now()); s.Err != nil {
				t.Errorf("a run after the cancel: %v", s.Err)
			}
		})
	}
}
