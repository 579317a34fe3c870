package target

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// ServeGrace is how long Serve lets requests in flight finish once ctx
// ends; longer ones (a /delay/30s) are cut, so that a SIGTERM ends serve
// promptly, as a supervisor expects.
const ServeGrace = time.Second

// Serve runs a target on the given addresses until ctx ends, then shuts
// it down, giving requests in flight ServeGrace to finish. Once listening
// it writes "http=ADDR" and "tcp=ADDR" lines to out, for scripts and
// parents to read. It blocks, and returns an error if it cannot listen;
// requests cut at the end are not errors.
func Serve(ctx context.Context, httpAddr, tcpAddr string, out io.Writer) error {
	s, err := Start(httpAddr, tcpAddr)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "http=%s\ntcp=%s\n", s.HTTPAddr, s.TCPAddr)
	if f, ok := out.(interface{ Sync() error }); ok {
		f.Sync()
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), ServeGrace)
	defer cancel()
	return s.Close(sctx)
}

const childEnv = "CONCBENCH_TARGET"

// IsChild reports whether StartChild started this process (whether or
// not it serves as a target).
func IsChild() bool { return os.Getenv(childEnv) == "1" }

// ServeIfChild turns this process into a target and exits if StartChild
// started it; otherwise it returns at once. Call it first in main and in
// TestMain of test binaries that start a child target. The child stops
// when its parent closes its stdin or sends SIGTERM; it ignores SIGINT,
// so a Ctrl-C meant for the parent leaves the parent's requests served.
func ServeIfChild() {
	if !IsChild() {
		return
	}
	signal.Ignore(os.Interrupt)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	go func() {
		io.Copy(io.Discard, os.Stdin) // EOF: the parent is done or gone
		stop()
	}()
	if err := Serve(ctx, "127.0.0.1:0", "127.0.0.1:0", os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "concbench target: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Child is a target running in a child process.
type Child struct {
	HTTPAddr, TCPAddr string
	cmd               *exec.Cmd
	stdin             io.WriteCloser
	stderr            strings.Builder
}

// StartChild re-executes this binary as a target on free loopback ports
// and waits until it answers. It blocks; it fails with the child's stderr
// if the child does not come up within 10 s or ctx ends.
func StartChild(ctx context.Context) (*Child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	c := &Child{cmd: exec.Command(exe)}
	c.cmd.Env = append(os.Environ(), childEnv+"=1")
	// No Pdeathsig: the kernel sends it when the *thread* that started
	// the child exits, and a goroutine that ends locked to its thread
	// (the threads strategy) ends that thread, killing the target in the
	// middle of a sweep. The child exits when its stdin reaches EOF, which
	// the parent's death causes as well.
	c.cmd.Stderr = &c.stderr
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("target: cannot start %s: %w", exe, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	up := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for (c.HTTPAddr == "" || c.TCPAddr == "") && sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), "=")
			switch k {
			case "http":
				c.HTTPAddr = v
			case "tcp":
				c.TCPAddr = v
			}
		}
		if c.HTTPAddr == "" || c.TCPAddr == "" {
			up <- errors.New("exited before printing its addresses")
			return
		}
		go io.Copy(io.Discard, stdout)
		up <- nil
	}()
	select {
	case err = <-up:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err == nil {
		err = waitAnswers(ctx, c.HTTPAddr, c.TCPAddr)
	}
	if err != nil {
		c.cmd.Process.Kill()
		c.cmd.Wait()
		return nil, fmt.Errorf("target child did not come up: %v%s", err, oneLine(c.stderr.String()))
	}
	return c, nil
}

// waitAnswers polls until the HTTP server answers / and the echo server
// accepts, or ctx ends.
func waitAnswers(ctx context.Context, httpAddr, tcpAddr string) error {
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get("http://" + httpAddr + "/")
		if err == nil {
			resp.Body.Close()
			var c net.Conn
			if c, err = net.DialTimeout("tcp", tcpAddr, time.Second); err == nil {
				c.Close()
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	return "; stderr: " + s
}

// Stats asks the child for its counters.
func (c *Child) Stats() (Stats, error) {
	return FetchStats(c.HTTPAddr)
}

// statsClient opens a fresh connection per call, so every FetchStats adds
// exactly one to the server's connection count.
var statsClient = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// FetchStats asks the target at httpAddr for its counters. The counters
// include the one connection this call opens.
func FetchStats(httpAddr string) (Stats, error) {
	var st Stats
	resp, err := statsClient.Get("http://" + httpAddr + "/stats")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// Stop ends the child: EOF on its stdin, then SIGTERM, then SIGKILL after
// 5 s. It blocks until the child has exited.
func (c *Child) Stop() error {
	c.stdin.Close()
	c.cmd.Process.Signal(syscall.SIGTERM)
	t := time.AfterFunc(5*time.Second, func() { c.cmd.Process.Kill() })
	defer t.Stop()
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == -1 {
		return nil // ended by our signal
	}
	return err
}
