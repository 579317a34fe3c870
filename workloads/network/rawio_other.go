//go:build !unix

package network

import (
	"io"
	"net"
)

// newRawIO returns c: raw system calls are used on Unix only.
func newRawIO(c net.Conn) io.ReadWriter { return c }
