//go:build unix

package harness

import "syscall"

// openFileLimit returns this process's soft limit on open files.
func openFileLimit() (uint64, bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, false
	}
	// Cur is an int64 on FreeBSD, a uint64 elsewhere; a negative one
	// (RLIM_INFINITY there) means no limit.
	if int64(r.Cur) < 0 {
		return 1<<63 - 1, true
	}
	return uint64(r.Cur), true
}
