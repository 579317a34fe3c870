package network

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"

	"github.com/concbench/concbench/workloads"
	"github.com/valyala/fasthttp"
)

// Kinds of transport failure, as counted in summaries.
const (
	KindRefused   = "refused"
	KindReset     = "reset"
	KindDNS       = "dns"
	KindTransport = "transport"
	// KindLocal is a failure of the generator's own host: out of file
	// descriptors or of ephemeral ports. It says nothing of the target.
	KindLocal = "local"
)

// netError classifies a transport error. Timeouts come back wrapping
// context.DeadlineExceeded, so they count as outcome timeout; everything
// else is a *KindError of one of the kinds above.
func netError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, fasthttp.ErrTimeout), errors.Is(err, fasthttp.ErrDialTimeout),
		errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w: %v", context.DeadlineExceeded, err)
	case errors.As(err, &dns):
		return &workloads.KindError{Kind: KindDNS, Msg: err.Error()}
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE), errors.Is(err, syscall.EADDRNOTAVAIL):
		return &workloads.KindError{Kind: KindLocal, Msg: err.Error()}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &workloads.KindError{Kind: KindRefused, Msg: err.Error()}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, fasthttp.ErrConnectionClosed):
		return &workloads.KindError{Kind: KindReset, Msg: err.Error()}
	}
	return &workloads.KindError{Kind: KindTransport, Msg: err.Error()}
}

// statusError is the error of an HTTP response outside 2xx: its kind
// names the code, so summaries count failures per status code.
func statusError(code int) error {
	return &workloads.KindError{Kind: fmt.Sprintf("http %d", code), Msg: fmt.Sprintf("HTTP status %d", code)}
}
