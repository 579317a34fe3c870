//go:build !linux

package strategies

import "time"

// sleepOS sleeps d with Go's timers: elsewhere than Linux, the best the
// OS gives without privileges (about 1 ms on Windows, tens of µs on macOS
// and the BSDs); the busy wait after it does the rest.
func sleepOS(d time.Duration) { time.Sleep(d) }
