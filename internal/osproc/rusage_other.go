//go:build !(linux || freebsd || netbsd || openbsd || dragonfly || darwin)

package osproc

import "os"

// PeakRSS returns ok false: this system's process state carries no peak
// memory (Windows' rusage has times only), so the figure is unknown.
func PeakRSS(*os.ProcessState) (bytes uint64, ok bool) { return 0, false }

// ChildRSS reports whether PeakRSS knows a child's peak on this system.
const ChildRSS = false
