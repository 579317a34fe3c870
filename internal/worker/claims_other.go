//go:build !linux

package worker

import (
	"os"
	"time"
)

// Elsewhere, Go's monotonic clock is not one that every process reads
// alike (or not one this package can read), so a worker could not give a
// claimed task's start in its parent's time: dispatch goes over the pipe.

func sharedMemory(int) (*os.File, []byte, error) { return nil, nil, ErrNoClaims }
func mapShared(*os.File) ([]byte, error)         { return nil, ErrNoClaims }
func unmapShared([]byte) error                   { return nil }

// MonoAt is 0 here: there are no claims to time.
func MonoAt(time.Time) int64 { return 0 }

func timeAt(int64) time.Time { return time.Now() }
