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
	return uint64(ru.Maxrss), true // bytes on darwin, unlike the other unixes
}

// ChildRSS reports whether PeakRSS knows a child's peak on this system.
const ChildRSS = true
