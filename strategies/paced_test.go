package strategies

import (
	"context"
	"testing"
	"time"
)

// TestForgetReleasesWholePagesOnly issues two pages and a bit of paced
// tasks, forgets ranges that cover pages partly and wholly, and checks that
// only the due times of whole pages inside a range are released.
func TestForgetReleasesWholePagesOnly(t *testing.T) {
	const n = 2*duePage + 10
	p := &Paced{Rate: 1e9, Tasks: n} // all due at once, in order
	p.Start(time.Now())
	for range n {
		if _, ok := p.Next(context.Background()); !ok {
			t.Fatal("source ended early")
		}
	}
	p.Stop()
	last := p.Due(n - 1)
	if last <= 0 {
		t.Fatalf("task %d due at %v", n-1, last)
	}
	p.Forget(1, duePage+5)         // page 0 only in part, page 1 in part: nothing
	p.Forget(duePage, 2*duePage+3) // page 1 whole, page 2 in part
	if p.Due(duePage-1) <= 0 || p.Due(2*duePage-1) != 0 || p.Due(n-1) != last {
		t.Errorf("due times after Forget: page 0 %v, page 1 %v, page 2 %v", p.Due(duePage-1), p.Due(2*duePage-1), p.Due(n-1))
	}
	p.Forget(0, 1<<40) // past the last page: no panic
	if p.Due(duePage-1) != 0 || p.Due(n-1) != 0 {
		t.Error("a range over every page should release them all")
	}
}
