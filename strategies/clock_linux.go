package strategies

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// sleepOSHoldsP: a goroutine in sleepOS keeps its P until sysmon takes it.
const sleepOSHoldsP = true

// sleepOS sleeps until t with clock_nanosleep to an absolute
// CLOCK_MONOTONIC time (no drift from the call's own cost), on a thread
// whose timer slack is 1 ns instead of the default 50 µs the kernel may
// add to a sleep.
func sleepOS(t time.Time) {
	d := time.Until(t)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0)
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		time.Sleep(d)
		return
	}
	abs := unix.NsecToTimespec(ts.Nano() + int64(d))
	for {
		err := unix.ClockNanosleep(unix.CLOCK_MONOTONIC, unix.TIMER_ABSTIME, &abs, nil)
		if err != unix.EINTR {
			return
		}
	}
}
