// Package network holds the workloads that talk to a server over real
// sockets: http (three client engines: h1, fasthttp, net/http) and tcp (an
// echo round trip). Importing it registers them; the root package and the
// harness do not, so a user's test binary does not carry these clients.
package network

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

// Engines lists the HTTP client engines.
var Engines = []string{"h1", "fasthttp", "std"}

// MaxSize bounds the tcp workload's message size.
const MaxSize = 16 << 20

// MaxRedirects bounds --follow-redirects (net/http stops at 10).
const MaxRedirects = 10

// MaxBody bounds --body-file: the body is held in memory once per
// process (the parent's and every worker's), not copied per request.
const MaxBody = 64 << 20

// spec is what the http and tcp workloads are built from: their
// parameters, parsed and checked.
type spec struct {
	// http
	URL         string
	Method      string
	Headers     []string // "Name: value"
	Body        []byte
	NoKeepalive bool
	Engine      string // h1 (default), fasthttp or std
	Follow      int    // redirects followed per task, same origin only

	// tcp
	Addr       string
	Size       int
	Persistent bool

	// Source is the local IP address connections come from (a load
	// generator's host may have several); nil: the OS picks.
	Source net.IP

	Seed  int64
	Conns int
}

// local is the address connections are dialled from, nil for the OS's
// choice.
func (s *spec) local() net.Addr {
	if s.Source == nil {
		return nil
	}
	return &net.TCPAddr{IP: s.Source}
}

// sourceParam is the --source-addr parameter of the http and tcp
// workloads. It names where the load comes from, not what it is, so the
// results leave it out (shards of a plan may differ in it).
var sourceParam = params.Param{Name: "source-addr", Type: "string", Usage: "the local IP address connections come from (default: the OS's choice), e.g. one of the generator host's addresses"}

// sourceOf parses --source-addr.
func sourceOf(p params.Values) (net.IP, error) {
	v := strings.TrimSpace(p["source-addr"])
	if v == "" {
		return nil, nil
	}
	ip := net.ParseIP(v)
	if ip == nil {
		return nil, params.Errorf("source-addr", v, "want an IP address of this host, such as 127.0.0.2")
	}
	return ip, nil
}

func (s *spec) engine() string {
	if s.Engine == "" {
		return "h1"
	}
	return s.Engine
}

func init() {
	workloads.Register(workloads.Definition{
		Name:  "http",
		Usage: "an HTTP request per task, against --url or the embedded loopback target",
		Params: []params.Param{
			{Name: "url", Type: "string", Usage: "the URL to request (default: the embedded target's /delay/{latency})", Excludes: []string{"latency"}},
			{Name: "latency", Type: "duration", Default: "10ms", Sweep: true, Usage: "the embedded target's delay per request (/delay/{latency})"},
			{Name: "method", Type: "string", Default: "GET", Usage: "request method"},
			{Name: "header", Type: "string", Repeat: true, Usage: `a request header "Name: value"; repeat for more`},
			{Name: "body-file", Type: "string", Usage: "send this file as the request body (at most 64MiB; each process reads it)"},
			{Name: "no-keepalive", Type: "bool", Usage: "a new connection per request, to measure connection set-up"},
			{Name: "follow-redirects", Type: "int", Default: "0", Usage: "follow up to this many redirects per task, on the same origin; each request counts as an attempt (default: a redirect is an answer, counted by its status)"},
			{Name: "http-engine", Type: "string", Default: "h1", Sweep: true, Usage: "client engine: h1 (concbench's own HTTP/1.1 client, fastest), fasthttp (HTTP/1.1 library) or std (net/http: HTTP/2, full semantics)"},
			sourceParam,
		},
		Validate: func(p params.Values) error {
			_, err := httpSpec(workloads.Config{Params: p}, false)
			return err
		},
		New: func(c workloads.Config) (workloads.Doer, error) {
			s, err := httpSpec(c, true)
			if err != nil {
				return nil, err
			}
			return newHTTP(s)
		},
		Describe: func(p params.Values) map[string]string {
			d := map[string]string{"url": p["url"], "engine": p["http-engine"]}
			if m := p["method"]; m != "" && m != "GET" {
				d["method"] = m
			}
			if on, _ := p.Bool("no-keepalive"); on {
				d["keepalive"] = "off"
			}
			if f := p["follow-redirects"]; f != "" && f != "0" {
				d["follow-redirects"] = f
			}
			return d
		},
		Network: &workloads.Network{
			Target: func(p params.Values) bool { return !p.Has("url") },
			Point: func(p params.Values, httpAddr, _ string) params.Values {
				path := "/"
				if l, err := p.Duration("latency"); err == nil && l > 0 {
					path = "/delay/" + l.String()
				}
				p = p.Clone().Set("url", "http://"+httpAddr+path)
				delete(p, "latency") // now in the URL
				return p
			},
			Address: func(p params.Values) (string, error) {
				u, err := url.Parse(p["url"])
				if err != nil {
					return "", err
				}
				if u.Port() == "" {
					return net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme]), nil
				}
				return u.Host, nil
			},
		},
	})
	workloads.Register(workloads.Definition{
		Name:  "tcp",
		Usage: "an echo round trip per task, against --addr or the embedded loopback target",
		Params: []params.Param{
			{Name: "addr", Type: "string", Usage: "the echo server host:port (default: the embedded target's)"},
			{Name: "size", Type: "int", Default: "1024", Sweep: true, Usage: "bytes sent and echoed back per task"},
			{Name: "tcp-persistent", Type: "bool", Usage: "keep connections between tasks (about one per task running at once)"},
			sourceParam,
		},
		Validate: func(p params.Values) error {
			_, err := tcpSpec(workloads.Config{Params: p})
			return err
		},
		New: func(c workloads.Config) (workloads.Doer, error) {
			s, err := tcpSpec(c)
			if err != nil {
				return nil, err
			}
			return newTCP(s), nil
		},
		Describe: func(p params.Values) map[string]string {
			d := map[string]string{"addr": p["addr"], "size": p["size"]}
			if on, _ := p.Bool("tcp-persistent"); on {
				d["persistent"] = "on"
			}
			return d
		},
		Network: &workloads.Network{
			Target: func(p params.Values) bool { return !p.Has("addr") },
			Point: func(p params.Values, _, tcpAddr string) params.Values {
				return p.Clone().Set("addr", tcpAddr)
			},
			Address: func(p params.Values) (string, error) { return p["addr"], nil },
		},
	})
}

// httpSpec parses and checks the http workload's parameters, and reads
// the body file if read is set (else checks only that it can be read).
func httpSpec(c workloads.Config, read bool) (*spec, error) {
	p := c.Params
	s := &spec{URL: p["url"], Method: p["method"], Engine: p["http-engine"], Seed: c.Seed, Conns: c.Conns}
	if err := checkURL(s.URL); err != nil {
		return nil, params.Errorf("url", s.URL, err.Error())
	}
	if _, err := p.Duration("latency"); err != nil {
		return nil, err
	}
	switch s.Engine {
	case "", "h1", "fasthttp", "std":
	default:
		return nil, params.Errorf("http-engine", s.Engine, "unknown engine; want one of "+strings.Join(Engines, ", "))
	}
	if h := p["header"]; h != "" {
		s.Headers = strings.Split(h, "\n")
	}
	for _, h := range s.Headers {
		if strings.ContainsAny(h, "\r\n\x00") {
			return nil, params.Errorf("header", h, "must not contain CR, LF or NUL: they would put other lines on the wire")
		}
		if k, _, ok := strings.Cut(h, ":"); !ok || strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \t") {
			return nil, params.Errorf("header", h, `want "Name: value"`)
		}
	}
	if s.Method != "" && strings.ToUpper(s.Method) != s.Method || strings.ContainsFunc(s.Method, notTokenChar) {
		return nil, params.Errorf("method", s.Method, "want an upper-case HTTP method such as GET or POST")
	}
	var err error
	if s.Source, err = sourceOf(p); err != nil {
		return nil, err
	}
	if s.NoKeepalive, err = p.Bool("no-keepalive"); err != nil {
		return nil, err
	}
	if s.Follow, err = p.Int("follow-redirects", 0, MaxRedirects); err != nil {
		return nil, err
	}
	if path := p["body-file"]; path != "" {
		if s.Body, err = readBody(path, read); err != nil {
			return nil, params.Errorf("body-file", path, err.Error())
		}
	}
	return s, nil
}

// readBody reads a request body of at most MaxBody bytes; with read
// unset it only opens the file and checks its size.
func readBody(path string, read bool) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.Unwrap(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, errors.New("a directory, not a file")
	} else if err == nil && st.Mode().IsRegular() && st.Size() > MaxBody {
		return nil, fmt.Errorf("%s bytes is over the limit of %s", strconv.FormatInt(st.Size(), 10), params.FormatSize(MaxBody))
	}
	if !read {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBody {
		return nil, fmt.Errorf("over the limit of %s", params.FormatSize(MaxBody))
	}
	return b, nil
}

// tcpSpec parses and checks the tcp workload's parameters.
func tcpSpec(c workloads.Config) (*spec, error) {
	p := c.Params
	s := &spec{Addr: p["addr"], Seed: c.Seed, Conns: c.Conns}
	if _, port, err := net.SplitHostPort(s.Addr); err != nil || !validPort(port) {
		return nil, params.Errorf("addr", s.Addr, "want host:port, e.g. 127.0.0.1:9000")
	}
	size, err := p.Int("size", 1, MaxSize)
	if err != nil {
		return nil, err
	}
	s.Size = size
	if s.Persistent, err = p.Bool("tcp-persistent"); err != nil {
		return nil, err
	}
	if s.Source, err = sourceOf(p); err != nil {
		return nil, err
	}
	return s, nil
}

// notTokenChar reports whether r may not appear in an HTTP token such as a
// method (RFC 9110 5.6.2): controls (CR, LF), spaces, separators.
func notTokenChar(r rune) bool {
	return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
}

// checkURL accepts absolute http and https URLs with a host.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return errors.New("no URL given")
	case err != nil:
		return fmt.Errorf("malformed URL: %v", errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("unsupported scheme %q; want http or https", u.Scheme)
	case u.Host == "":
		return errors.New("the URL has no host")
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return fmt.Errorf("port %s is not in [1, 65535]", p)
	}
	return nil
}

// validPort reports whether port is a number a client can connect to.
func validPort(port string) bool {
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535
}
