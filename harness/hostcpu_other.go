//go:build !linux

package harness

// hostCPU is unknown where there is no /proc/stat.
func hostCPU() (busy, total uint64, ok bool) { return 0, 0, false }
