package worker

import (
	"errors"
	"runtime"
	"slices"
	"testing"
	"time"
)

func newClaims(t *testing.T, workers int) *Claims {
	t.Helper()
	c, err := NewClaims(workers)
	if errors.Is(err, ErrNoClaims) && runtime.GOOS != "linux" {
		t.Skipf("no claims on %s: %v", runtime.GOOS, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestClaimsInOrder(t *testing.T) {
	c := newClaims(t, 2)
	if c.Left() {
		t.Error("indices left before Give")
	}
	c.Give(5, 12)
	var got []int
	for k := 0; ; k++ {
		i, ok := c.claim(k%2, time.Duration(k))
		if !ok {
			break
		}
		got = append(got, i)
	}
	if want := []int{5, 6, 7, 8, 9, 10, 11}; !slices.Equal(got, want) {
		t.Errorf("claimed %v, want %v", got, want)
	}
	if c.Left() {
		t.Error("indices left after all were claimed")
	}
	// Worker 0 claimed 5, 7, 9 and 11 (at 0, 2, 4, 6); it answered one.
	want := []Claim{{7, 2}, {9, 4}, {11, 6}}
	if lost := c.Lost(0, 1); !slices.Equal(lost, want) {
		t.Errorf("lost %v, want %v", lost, want)
	}
	if lost := c.Lost(1, 3); len(lost) != 0 {
		t.Errorf("worker 1 answered all it claimed, lost %v", lost)
	}
	c.Reset(0)
	if lost := c.Lost(0, 0); len(lost) != 0 {
		t.Errorf("after a reset, lost %v", lost)
	}
}

// TestClaimsRing: a worker's slot remembers its last claimRing claims,
// which are the only ones it can hold unanswered.
func TestClaimsRing(t *testing.T) {
	c := newClaims(t, 1)
	c.Give(0, 1000)
	for k := range 3*claimRing + 7 {
		if i, ok := c.claim(0, time.Duration(k)); !ok || i != k {
			t.Fatalf("claim %d gave %d, %v", k, i, ok)
		}
	}
	n := 3*claimRing + 7
	lost := c.Lost(0, n-flushEvery)
	if len(lost) != flushEvery || lost[0] != (Claim{n - flushEvery, time.Duration(n - flushEvery)}) || lost[len(lost)-1].Index != n-1 {
		t.Errorf("lost %d claims from %v to %v, want %d from %d", len(lost), lost[0], lost[len(lost)-1], flushEvery, n-flushEvery)
	}
}

func TestClaimsStop(t *testing.T) {
	c := newClaims(t, 1)
	c.Give(0, 10)
	c.claim(0, 0)
	c.Stop()
	if _, ok := c.claim(0, 0); ok || c.Left() {
		t.Error("claimed after Stop")
	}
	c.Close()
	c.Stop() // after Close: nothing, not a fault
}

// TestClaimsUnlogged: a worker that dies in the middle of a claim leaves
// the index it was taking in its slot, whether it took it or not; one
// that died after logging it leaves nothing there.
func TestClaimsUnlogged(t *testing.T) {
	c := newClaims(t, 2)
	c.Give(0, 100)
	c.claim(0, 1)
	c.claim(0, 2)
	if _, ok := c.Unlogged(0); ok {
		t.Error("a worker between claims is taking an index")
	}
	// Worker 1 marks index 2 as pending and dies before its CAS: the
	// index is not claimed.
	base := c.slot(1)
	*c.word(base + offFree), *c.word(base + offPending) = 7, 2+1
	if cl, ok := c.Unlogged(1); !ok || cl != (Claim{2, 7}) || c.Claimed() != 2 {
		t.Errorf("Unlogged = %v, %v with %d claimed; want {2 7}, true with 2", cl, ok, c.Claimed())
	}
	// Or after it: claimed, not logged.
	*c.word(offNext) = 3
	if cl, ok := c.Unlogged(1); !ok || cl.Index != 2 || c.Claimed() != 3 {
		t.Errorf("Unlogged = %v, %v with %d claimed; want index 2, true with 3", cl, ok, c.Claimed())
	}
	// Worker 0 logs index 3 and dies before it clears its mark.
	i, _ := c.claim(0, 3)
	*c.word(c.slot(0) + offPending) = int64(i) + 1
	if cl, ok := c.Unlogged(0); ok {
		t.Errorf("a logged claim read as unlogged: %v", cl)
	}
	c.Reset(1)
	if _, ok := c.Unlogged(1); ok {
		t.Error("a reset slot is taking an index")
	}
}
