package worker

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// sharedMemory returns size bytes of memory backed by an anonymous file
// that a child inherits (memfd_create), mapped shared.
func sharedMemory(size int) (*os.File, []byte, error) {
	fd, err := unix.MemfdCreate("concbench-claims", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: memfd_create: %w", ErrNoClaims, err)
	}
	f := os.NewFile(uintptr(fd), "concbench-claims")
	if err := f.Truncate(int64(size)); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%w: %w", ErrNoClaims, err)
	}
	mem, err := mapShared(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%w: %w", ErrNoClaims, err)
	}
	return f, mem, nil
}

// mapShared maps all of f, shared.
func mapShared(f *os.File) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() < claimsHeader || st.Size() > 1<<30 {
		return nil, fmt.Errorf("shared memory of %d bytes", st.Size())
	}
	return unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
}

func unmapShared(mem []byte) error { return unix.Munmap(mem) }

// monoRaw reads CLOCK_MONOTONIC, the clock under Go's monotonic time on
// Linux, which every process reads alike: a parent's instant passes to
// a worker as such a reading.
func monoRaw() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// MonoAt returns the CLOCK_MONOTONIC reading of t, a time taken with
// time.Now in this process.
func MonoAt(t time.Time) int64 {
	var best, gap int64
	for k := range clockTries {
		a := time.Since(t)
		r := monoRaw()
		b := time.Since(t)
		if k == 0 || int64(b-a) < gap {
			best, gap = r-int64(a+b)/2, int64(b-a)
		}
	}
	return best
}

// timeAt returns the time of this process that stands for the
// CLOCK_MONOTONIC reading mono.
func timeAt(mono int64) time.Time {
	var best time.Time
	var gap time.Duration
	for k := range clockTries {
		a := time.Now()
		r := monoRaw()
		b := time.Now()
		if k == 0 || b.Sub(a) < gap {
			best, gap = a.Add(b.Sub(a)/2).Add(-time.Duration(r-mono)), b.Sub(a)
		}
	}
	return best
}

// clockTries: each reading of CLOCK_MONOTONIC is bracketed by two of Go's
// clock, and the tightest pair of a few is kept, so that a thread
// preempted between two readings does not shift every start it gives.
const clockTries = 5
