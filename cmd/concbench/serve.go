package main

import (
	"context"
	"errors"
	"io"

	"github.com/concbench/concbench/target"
	"github.com/spf13/pflag"
)

const serveUsage = `Usage: concbench serve [flags]

Starts the loopback target that the http and tcp workloads use: an HTTP
server and a TCP echo server. It prints the addresses it bound, one
"name=host:port" line each, and serves until SIGINT or SIGTERM, then shuts
down gracefully.

HTTP endpoints:
  /                  a small fixed body
  /delay/{duration}  answers after the duration, e.g. /delay/10ms (?jitter=2ms: +- uniform)
  /status/{code}     answers with that status code (100-599)
  /bytes/{n}         n deterministic pseudo-random bytes (at most 64 MiB)
  /json              a small JSON document
  /stats             connections and requests counted so far
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
	return target.Serve(ctx, *httpAddr, *tcpAddr, stdout)
}
