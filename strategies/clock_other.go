//go:build !linux

package strategies

import "time"

// sleepOSHoldsP is false: Go's timers hold no P while they wait.
const sleepOSHoldsP = false

// sleepOS sleeps until t with Go's timers: elsewhere than Linux, the best the
// OS gives without privileges (about 1 ms on Windows, tens of µs on macOS
// and the BSDs); the busy wait after it does the rest.
func sleepOS(t time.Time) { time.Sleep(time.Until(t)) }
