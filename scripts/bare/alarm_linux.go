package main

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// startAlarm makes the runtime look at its timers every period: a timerfd
// that ticks in the network poller ends any wait there at once, so the
// scheduler runs the timers due. It shows what waking more often than the
// poller's whole milliseconds costs in CPU (scripts/timer-floor.sh). It
// does not block; stop closes the timerfd and waits for its reader.
func startAlarm(period time.Duration) (stop func(), err error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	ts := unix.NsecToTimespec(period.Nanoseconds())
	if err := unix.TimerfdSettime(fd, 0, &unix.ItimerSpec{Interval: ts, Value: ts}, nil); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	// Nonblocking, so os.File reads it through the poller.
	f := os.NewFile(uintptr(fd), "alarm")
	done := make(chan struct{})
	go func() {
		defer close(done)
		var b [8]byte
		for {
			if _, err := f.Read(b[:]); err != nil {
				return // closed by stop
			}
		}
	}()
	return func() { f.Close(); <-done }, nil
}
