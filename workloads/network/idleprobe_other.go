//go:build !unix

package network

import "net"

// idleProbe is Unix only: elsewhere an idle connection is reused
// unchecked, and one the server closed fails the request that finds it.
type idleProbe struct{}

func newIdleProbe(net.Conn) *idleProbe { return nil }

// Dead reports false: nothing is known.
func (*idleProbe) Dead() bool { return false }
