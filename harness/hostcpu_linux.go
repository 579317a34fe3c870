package harness

import (
	"bytes"
	"os"
	"strconv"
)

// hostCPU returns the jiffies all the host's CPUs spent busy and in all
// since boot (the first line of /proc/stat), and whether it could read
// them. Their deltas over a run give how busy the whole machine was,
// which the process's own CPU cannot tell: a target, other programs.
func hostCPU() (busy, total uint64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 5 || string(f[0]) != "cpu" {
		return 0, 0, false
	}
	// user nice system idle iowait irq softirq steal (guest time is
	// already in user): idle and iowait are not busy.
	for i, s := range f[1:min(len(f), 9)] {
		v, err := strconv.ParseUint(string(s), 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total += v
		if i != 3 && i != 4 {
			busy += v
		}
	}
	return busy, total, true
}
