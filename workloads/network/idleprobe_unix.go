//go:build unix

package network

import (
	"crypto/tls"
	"net"
	"syscall"
)

// idleProbe looks at an idle keep-alive connection before it is reused,
// as net/http's background read does: one non-blocking peek at the
// socket. Data (an unsolicited response such as a 408) or end of file
// (the server closed it) means the connection must not carry another
// request.
type idleProbe struct {
	rc   syscall.RawConn
	buf  [1]byte
	dead bool
	peek func(fd uintptr) bool // bound once: no allocation per probe
}

// newIdleProbe returns a probe of c's socket (the TCP connection under
// TLS too), or nil when c has none.
func newIdleProbe(c net.Conn) *idleProbe {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	p := &idleProbe{rc: rc}
	p.peek = p.look
	return p
}

func (p *idleProbe) look(fd uintptr) bool {
	for {
		// Go's sockets are non-blocking: an empty socket answers EAGAIN.
		n, _, err := syscall.Recvfrom(int(fd), p.buf[:], syscall.MSG_PEEK)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			p.dead = false
		default: // data, end of file or an error such as a reset
			p.dead = err != nil || n >= 0
		}
		return true // never wait
	}
}

// Dead reports whether the connection was closed or spoke while idle. It
// does not block. A nil probe knows nothing: the connection is not dead.
func (p *idleProbe) Dead() bool {
	if p == nil {
		return false
	}
	if err := p.rc.Read(p.peek); err != nil {
		return true // closed locally
	}
	return p.dead
}
