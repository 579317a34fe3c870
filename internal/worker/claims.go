package worker

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Claims is memory a parent shares with its worker processes (one task in
// flight each), from which each worker claims the next task index itself
// as soon as it is free. A closed loop's tasks then go out as over the
// pipe, in order and each to the first worker free (list scheduling), but
// without a round trip through the parent per task: over the pipe, the
// parent's write, the worker's read, its answer and the parent's read
// cost two context switches a task, which on 2 cores bounded 2 workers
// to 300k-600k empty tasks a second whatever either side did. A worker
// sends its answers in batches, each carrying the task's start.
//
// Each worker's slot remembers its last claims (index and start), so
// that the parent fails the tasks a dead worker took with it: those
// claimed but not answered. A worker flushes its answers at least every
// flushEvery claims, so they are always among the last claimRing. While
// it claims, the slot also holds the index it is taking (Unlogged), for a
// worker killed between taking an index and logging it.
//
// Where the OS gives no shared memory (NewClaims fails), the process
// strategy dispatches over the pipe. A Claims is used by one run: its
// parent side is safe for concurrent use on distinct slots.
type Claims struct {
	mem  []byte
	file *os.File // the parent's, to pass on; nil in a worker

	mu     sync.Mutex // Stop may come from ctx's goroutine as Close runs
	closed bool

	from, to int // what Give gave, which a slot's claims must be among
}

// Claim is a task a worker took: its index and when it became free to
// run it, an offset from the parent's t0.
type Claim struct {
	Index int
	Start time.Duration
}

// The layout: next and end, each on a cache line of its own, then a slot
// per worker: its claim count, the index it is taking plus one (0: none)
// and that claim's start, then its ring of claims (index, start).
const (
	claimRing    = 256
	flushEvery   = claimRing / 2
	offNext      = 0
	offEnd       = 64
	claimsHeader = 128
	offCount     = 0  // in a slot
	offPending   = 8  // in a slot
	offFree      = 16 // in a slot
	slotHeader   = 64
	claimSize    = 16
	slotSize     = slotHeader + claimRing*claimSize
)

// ErrNoClaims means this OS does not share memory with worker processes
// here: dispatch goes over the pipe.
var ErrNoClaims = errors.New("no shared memory for task claims on this OS")

func claimsSize(workers int) int { return claimsHeader + workers*slotSize }

// NewClaims returns shared memory for workers 0..workers-1 to claim
// task indices from (none until Give), to be passed to each worker as its
// first extra file (fd 3). It fails with ErrNoClaims where the OS has
// none.
func NewClaims(workers int) (*Claims, error) {
	f, mem, err := sharedMemory(claimsSize(workers))
	if err != nil {
		return nil, err
	}
	return &Claims{mem: mem, file: f}, nil
}

// Give makes the indices [from, to) the ones to claim. Call it before
// any worker claims.
func (c *Claims) Give(from, to int) {
	c.from, c.to = from, to
	atomic.StoreInt64(c.word(offNext), int64(from))
	atomic.StoreInt64(c.word(offEnd), int64(to))
}

// openClaims maps the claims the parent passed as fd 3, and closes the
// file: the mapping stays, and no process this one starts inherits it.
func openClaims(id int) (*Claims, error) {
	f := os.NewFile(3, "claims")
	mem, err := mapShared(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("task claims: %w", err)
	}
	c := &Claims{mem: mem}
	if claimsSize(id+1) > len(mem) {
		c.Close()
		return nil, fmt.Errorf("task claims: %d bytes hold no slot for worker %d", len(mem), id)
	}
	return c, nil
}

func (c *Claims) word(off int) *int64 { return (*int64)(unsafe.Pointer(&c.mem[off])) }
func (c *Claims) slot(id int) int     { return claimsHeader + id*slotSize }

// entry is the offset of the k-th claim (counted from 0) in a slot's ring.
func entry(slot, k int64) int { return int(slot) + slotHeader + int(k%claimRing)*claimSize }

// File is the file to pass to a worker as fd 3.
func (c *Claims) File() *os.File { return c.file }

// Left reports whether indices remain to be claimed.
func (c *Claims) Left() bool {
	return atomic.LoadInt64(c.word(offNext)) < atomic.LoadInt64(c.word(offEnd))
}

// Given reports whether i is among the indices given to claim.
func (c *Claims) Given(i int) bool { return c.from <= i && i < c.to }

// Stop ends claiming: the workers' next claims fail. It does nothing
// once c is closed.
func (c *Claims) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		atomic.StoreInt64(c.word(offEnd), 0)
	}
}

// Reset clears worker id's slot, before a worker starts in it.
func (c *Claims) Reset(id int) {
	atomic.StoreInt64(c.word(c.slot(id)+offCount), 0)
	atomic.StoreInt64(c.word(c.slot(id)+offPending), 0)
}

// Lost returns the claims of worker id (which has exited) after its
// first answered ones, which it answered in order: the tasks it took with
// it.
func (c *Claims) Lost(id, answered int) []Claim {
	base := c.slot(id)
	n := int(atomic.LoadInt64(c.word(base + offCount)))
	var lost []Claim
	for k := max(answered, n-claimRing); k < n; k++ {
		e := entry(int64(base), int64(k))
		i := int(atomic.LoadInt64(c.word(e)))
		if !c.Given(i) {
			continue // not a claim: the worker wrote over its slot
		}
		lost = append(lost, Claim{i, time.Duration(atomic.LoadInt64(c.word(e + 8)))})
	}
	return lost
}

// claim takes the next index for worker id, free since free; false when
// none is left. The index it tries is in its slot before it takes it
// (pending), and stays there until the claim is logged: a worker killed
// between the two leaves it for the parent to find (Unlogged).
func (c *Claims) claim(id int, free time.Duration) (int, bool) {
	base := c.slot(id)
	for {
		i := atomic.LoadInt64(c.word(offNext))
		if i >= atomic.LoadInt64(c.word(offEnd)) {
			return 0, false
		}
		atomic.StoreInt64(c.word(base+offFree), int64(free))
		atomic.StoreInt64(c.word(base+offPending), i+1)
		if !atomic.CompareAndSwapInt64(c.word(offNext), i, i+1) {
			continue // another worker took it
		}
		n := atomic.LoadInt64(c.word(base + offCount))
		e := entry(int64(base), n)
		atomic.StoreInt64(c.word(e), i)
		atomic.StoreInt64(c.word(e+8), int64(free))
		atomic.StoreInt64(c.word(base+offCount), n+1)
		atomic.StoreInt64(c.word(base+offPending), 0)
		return int(i), true
	}
}

// Unlogged returns the index worker id (which has exited) was taking when
// it died, if it had not logged it: the worker took it, or another did,
// or none yet. Claimed tells which, once every worker has exited.
func (c *Claims) Unlogged(id int) (Claim, bool) {
	base := c.slot(id)
	p := atomic.LoadInt64(c.word(base + offPending))
	if p == 0 || !c.Given(int(p-1)) {
		return Claim{}, false
	}
	cl := Claim{int(p - 1), time.Duration(atomic.LoadInt64(c.word(base + offFree)))}
	if n := atomic.LoadInt64(c.word(base + offCount)); n > 0 {
		if atomic.LoadInt64(c.word(entry(int64(base), n-1))) == p-1 {
			return Claim{}, false // logged, but died before it cleared the mark
		}
	}
	return cl, true
}

// Claimed returns how many indices were claimed.
func (c *Claims) Claimed() int { return int(atomic.LoadInt64(c.word(offNext))) - c.from }

// Close unmaps the memory and closes its file.
func (c *Claims) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	err := unmapShared(c.mem)
	if c.file != nil {
		err = errors.Join(err, c.file.Close())
	}
	return err
}
