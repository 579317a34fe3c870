//go:build linux || freebsd || netbsd || openbsd || dragonfly

package osproc

import (
	"os"
	"syscall"
)

// PeakRSS returns the peak resident set size of an exited child, from its
// rusage, in bytes. ok is false when the state carries none.
func PeakRSS(st *os.ProcessState) (bytes uint64, ok bool) {
	ru, ok := st.SysUsage().(*syscall.Rusage)
	if !ok || ru.Maxrss <= 0 {
		return 0, false
	}
	return uint64(ru.Maxrss) << 10, true // KiB on these kernels
}

// ChildRSS reports whether PeakRSS knows a child's peak on this system.
const ChildRSS = true
