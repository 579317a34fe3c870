package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/concbench/concbench/target"
	"github.com/spf13/pflag"
)

const serveUsage = `Usage: concbench serve [flags]

Starts the loopback target that the http and tcp workloads use: an HTTP
server and a TCP echo server. It prints the addresses it bound, one
"name=host:port" line each, and serves until SIGINT or SIGTERM; then
requests in flight get 1 s to finish, longer ones (a /delay/30s) are cut,
and it exits 0.

HTTP endpoints, for load generation:
  /                  a small fixed body
  /delay/{duration}  answers after a Go duration, e.g. /delay/10ms, uncapped up to 1m
                     (?jitter=2ms: +- uniform), with the same small body
  /bytes/{n}         n deterministic pseudo-random bytes (at most 64 MiB)
  /stats             connections and requests counted so far
and a local httpbin (https://httpbin.org), same statuses, content types and
JSON shapes, for code written against it:
  /delay/{seconds}   e.g. /delay/1 or /delay/0.5 (capped at 10 s, as httpbin does)
  /status/{codes}    200-599; a list picks at random: /status/200,500 or weighted /status/200:3,500:1
  /get /post /put /patch /delete /anything[/...]   echo args, headers, origin, url, form, data, json
  /headers /user-agent /ip /uuid /json
  /stream/{n}        min(n, 100) JSON lines
  /drip              ?duration=2&numbytes=10&delay=0&code=200: bytes dripped over seconds
Bad parameters get a 400 with a message.

Examples:
  concbench serve
  concbench serve --http-addr 127.0.0.1:8080 --tcp-addr 127.0.0.1:9000
  # in a script: serve in the background, then read its addresses as $http and $tcp
  concbench serve > addrs.env & until grep -q '^tcp=' addrs.env 2>/dev/null; do sleep 0.1; done; . ./addrs.env

Flags:
`

func serveCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	httpAddr := fs.String("http-addr", "127.0.0.1:0", "HTTP listen address; port 0 picks a free port")
	tcpAddr := fs.String("tcp-addr", "127.0.0.1:0", "TCP echo listen address; port 0 picks a free port")
	if err := parseFlags(fs, args, stdout, serveUsage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	for _, a := range []struct{ flag, addr string }{{"http-addr", *httpAddr}, {"tcp-addr", *tcpAddr}} {
		if err := checkListenAddr(a.addr); err != nil {
			return usagef("--%s %q: %v", a.flag, a.addr, err)
		}
	}
	return target.Serve(ctx, *httpAddr, *tcpAddr, stdout)
}

// checkListenAddr rejects an address no listener could bind, before
// anything starts: a typo is a usage error (exit 2); a port in use is
// found when listening, a runtime failure (exit 1).
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("want host:port, e.g. 127.0.0.1:8080 (port 0 picks a free one)")
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("port %q: want a number in [0, 65535]", port)
	}
	return nil
}
