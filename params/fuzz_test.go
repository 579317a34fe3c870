package params

import (
	"strings"
	"testing"
)

// FuzzValues feeds any text to every typed getter: none panics, each
// either returns a value within what it promises or an *Error naming the
// parameter, and a size it accepts reads back the same once formatted.
func FuzzValues(f *testing.F) {
	for _, s := range []string{"", "10ms", "40ms, 30ms,1h", "-1s", "1_000", "64KiB", "1 GiB", "9223372036854775807", "NaN", "1e308", "yes", "Off", "4611686018427387904B", "1.5", ",", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := Values{"p": s}
		check := func(getter string, err error) {
			if err == nil {
				return
			}
			if e, ok := err.(*Error); !ok || e.Param != "p" || !strings.HasPrefix(e.Error(), "--p ") {
				t.Errorf("%s(%q): error %v does not name the parameter", getter, s, err)
			}
		}
		d, err := v.Duration("p")
		check("Duration", err)
		if err == nil && d < 0 {
			t.Errorf("Duration(%q) = %v", s, d)
		}
		ds, err := v.Durations("p")
		check("Durations", err)
		for _, d := range ds {
			if d < 0 {
				t.Errorf("Durations(%q) holds %v", s, d)
			}
		}
		n, err := v.Int("p", -5, 5)
		check("Int", err)
		if err == nil && s != "" && (n < -5 || n > 5) {
			t.Errorf("Int(%q) = %d outside [-5, 5]", s, n)
		}
		x, err := v.Float("p", 0, 1)
		check("Float", err)
		if err == nil && s != "" && !(x >= 0 && x <= 1) {
			t.Errorf("Float(%q) = %v outside [0, 1]", s, x)
		}
		_, err = v.Bool("p")
		check("Bool", err)
		size, err := v.Size("p", 0, 1<<40)
		check("Size", err)
		if err == nil && s != "" {
			if size < 0 || size > 1<<40 {
				t.Errorf("Size(%q) = %d", s, size)
			}
			if back, err := ParseSize(FormatSize(size)); err != nil || back != size {
				t.Errorf("Size(%q) = %d formats as %q, which reads back as %d, %v", s, size, FormatSize(size), back, err)
			}
		}
	})
}
