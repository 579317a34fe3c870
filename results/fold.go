package results

// folder adds a growing Recorder's full pages to a Counter while the run
// goes on, so that a long run's memory is bounded by the pages still
// being written, not by its task count. Its goroutine is owned by the
// Recorder: Finish waits for it.
type folder struct {
	counter *Counter
	keep    int                // pages kept after folding while the run is short
	forget  func(from, to int) // called with each freed page's index range
	full    chan int           // pages whose every slot was set
	done    chan struct{}

	// Written by the folder's goroutine, then by Finish once it is done.
	folded []bool
	kept   []int // folded pages not freed yet
	lossy  bool  // pages were freed: Finish returns no samples
}

// foldBacklog is how many full pages may wait for the folder before Set
// blocks: about 64 million samples.
const foldBacklog = 1024

// Fold makes a growing Recorder add every sample to c as soon as the page
// holding it is full, on a goroutine of its own. The first keep samples'
// pages are kept for Finish to return; once a run goes past them, folded
// pages are freed (and forget, if not nil, is told their index range), and
// Finish returns no samples, only c's count. Call Fold before the first
// Set, on a Recorder from NewGrowingRecorder; c must not be used until
// Finish has returned.
func (r *Recorder) Fold(c *Counter, keep int, forget func(from, to int)) {
	f := &folder{
		counter: c,
		keep:    (keep + PageLen - 1) / PageLen,
		forget:  forget,
		full:    make(chan int, foldBacklog),
		done:    make(chan struct{}),
		folded:  make([]bool, len(r.pages)),
	}
	r.fold = f
	go func() {
		defer close(f.done)
		for k := range f.full {
			r.foldPage(k, PageLen, nil)
		}
	}()
}

// foldPage adds the first n samples of page k to the folder's Counter,
// then keeps or frees the page.
func (r *Recorder) foldPage(k, n int, cause error) {
	f := r.fold
	release := f.lossy || k >= f.keep
	for j := range n {
		s := r.slotSample(r.pageSlot(k, j), cause, release)
		f.counter.Add(&s)
	}
	f.folded[k] = true
	f.kept = append(f.kept, k)
	if k >= f.keep {
		f.lossy = true
	}
	if f.lossy {
		for _, k := range f.kept {
			r.pages[k].Store(nil)
			if f.forget != nil {
				f.forget(k<<pageBits, (k+1)<<pageBits)
			}
		}
		f.kept = f.kept[:0]
	}
}
