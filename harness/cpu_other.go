//go:build !unix

package harness

import "time"

// processCPU returns false: this OS gives no CPU time through syscall.
func processCPU() (time.Duration, bool) { return 0, false }
