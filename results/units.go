package results

import (
	"fmt"
	"math"
	"strconv"
)

// Seconds formats a duration given in seconds with three significant
// digits and a unit a person reads at a glance: 812µs, 41.2ms, 1.50s.
func Seconds(s float64) string {
	a := math.Abs(s)
	switch {
	case math.IsNaN(s):
		return "-"
	case a == 0:
		return "0"
	case a < 1e-6:
		return sig(s*1e9) + "ns"
	case a < 1e-3:
		return sig(s*1e6) + "µs"
	case a < 1:
		return sig(s*1e3) + "ms"
	case a < 600:
		return sig(s) + "s"
	}
	return sig(s/60) + "min"
}

// Bytes formats a byte count in binary units: 512B, 3.2KiB, 1.05GiB.
func Bytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for math.Abs(b) >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(math.Round(b), 'f', -1, 64) + "B"
	}
	return sig(b) + units[i]
}

// Rate formats a per-second rate: 950/s, 12.3k/s, 1.20M/s.
func Rate(r float64) string {
	switch {
	case r >= 1e6:
		return sig(r/1e6) + "M/s"
	case r >= 1e3:
		return sig(r/1e3) + "k/s"
	}
	return sig(r) + "/s"
}

// sig formats x with three significant digits, without exponent.
func sig(x float64) string {
	a := math.Abs(x)
	switch {
	case a >= 100:
		return fmt.Sprintf("%.0f", x)
	case a >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}
