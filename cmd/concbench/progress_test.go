package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestProgressLineFits: the live line is cut to one less than the
// terminal's width (a full-width line wraps, and every redraw at 80
// columns left a new line behind); off a terminal it is left whole.
func TestProgressLineFits(t *testing.T) {
	long := "cell 12/40 semaphore conc=1000 latency=10ms run 3/5: 123456/1000000 tasks started,  42% of the sweep, elapsed 1m2s, ETA 1m30s"
	for _, tc := range []struct {
		width, want int // want: characters
	}{
		{80, 79}, {40, 39}, {200, utf8.RuneCountInString(long)}, {0, utf8.RuneCountInString(long)},
	} {
		got := fit(long, tc.width)
		if n := utf8.RuneCountInString(got); n != tc.want || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
			t.Errorf("width %d: %d characters %q, want %d", tc.width, n, got, tc.want)
		}
	}
}
