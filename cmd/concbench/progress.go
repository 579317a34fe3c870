package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
	"golang.org/x/term"
)

// progress reports a sweep on stderr: on a terminal a live line (cell i of
// n, tasks started, elapsed, ETA) redrawn five times a second; otherwise a
// plain line per finished cell. It reads the running source's counter of
// tasks started, an atomic the strategy updates anyway, so the task loop
// pays nothing for it.
type progress struct {
	w       io.Writer
	live    bool
	plan    *harness.Plan
	start   time.Time
	mu      sync.Mutex // guards the fields below and the writes
	cell    harness.Cell
	index   int
	cells   int
	run     int
	runs    int
	round   int // of rounds, in an interleaved plan; 0 otherwise
	rounds  int
	src     atomic.Value // strategies.Source of the current run
	runFrom time.Time
	// Each run (warmups too) is weighted by its cell's estimated cost
	// (harness.Plan.Cost): doneCost of the runs finished, of total for
	// the sweep, the current run costing runCost.
	doneCost, total, runCost float64
	quit                     chan struct{}
	done                     chan struct{}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newProgress starts a progress display for plan on w; Stop ends it.
func newProgress(w io.Writer, live bool, plan *harness.Plan) *progress {
	p := &progress{w: w, live: live, plan: plan, start: time.Now(), quit: make(chan struct{}), done: make(chan struct{})}
	if live {
		go p.loop()
	} else {
		close(p.done)
	}
	return p
}

// hooks follows a sweep whose cells skip skips and whose cells in
// pending have those runs recorded already.
func (p *progress) hooks(skip func(harness.Cell) bool, pending map[harness.Cell][]results.Summary) *harness.Hooks {
	for _, c := range p.plan.Cells() {
		if skip == nil || !skip(c) {
			runs := p.plan.Warmup + max(p.plan.Repeat, 1) - len(pending[c])
			p.total += p.plan.Cost(c) * float64(max(runs, 1))
		}
	}
	return &harness.Hooks{
		Skip: skip,
		RoundStart: func(r, rounds int) {
			p.mu.Lock()
			p.round, p.rounds = r, rounds
			p.mu.Unlock()
		},
		CellStart: func(i, n int, c harness.Cell) {
			p.mu.Lock()
			p.index, p.cells, p.cell = i, n, c
			p.mu.Unlock()
		},
		RunStart: func(k, runs int, src strategies.Source) {
			p.mu.Lock()
			p.doneCost += p.runCost // the run before this one is over
			p.run, p.runs, p.runFrom, p.runCost = k, runs, time.Now(), p.plan.Cost(p.cell)
			p.mu.Unlock()
			p.src.Store(src)
		},
		CellDone: func(i, n int, s results.Summary) {
			if p.live {
				return
			}
			p.mu.Lock()
			defer p.mu.Unlock()
			swept := ""
			if len(s.Swept) > 0 {
				swept = " " + results.SweptText(&s)
			}
			reps := ""
			if s.Incomplete() {
				reps = fmt.Sprintf(", %d of %d repetitions", s.RepetitionsDone, s.Repeat)
			}
			fmt.Fprintf(p.w, "concbench: %scell %d/%d done: %s tasks=%d conc=%d%s wall %s%s (elapsed %s)\n",
				p.roundText(), i+1, n, s.Strategy, s.Tasks, s.Concurrency, swept, results.Seconds(s.WallSeconds), reps, p.elapsed())
		},
	}
}

func (p *progress) elapsed() string {
	return results.Seconds(time.Since(p.start).Seconds())
}

// roundText is "round r/R " in an interleaved plan, "" otherwise.
func (p *progress) roundText() string {
	if p.rounds == 0 {
		return ""
	}
	return fmt.Sprintf("round %d/%d ", p.round, p.rounds)
}

// share estimates the share of the sweep done when the current run is
// runFrac done, weighting each run by its cell's estimated cost so that a
// long cell moves the ETA as much as it should.
func (p *progress) share(runFrac float64) float64 {
	if p.total <= 0 {
		return 0
	}
	return min((p.doneCost+p.runCost*runFrac)/p.total, 1)
}

func (p *progress) loop() {
	defer close(p.done)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			p.mu.Lock()
			fmt.Fprint(p.w, "\r\033[K")
			p.mu.Unlock()
			return
		case <-t.C:
			p.draw()
		}
	}
}

// fraction estimates how much of the current run is done.
func (p *progress) fraction() (started int, frac float64) {
	src, _ := p.src.Load().(strategies.Source)
	if src == nil {
		return 0, 0
	}
	started = src.Issued()
	switch {
	case p.plan.Duration > 0:
		frac = float64(time.Since(p.runFrom)) / float64(p.plan.Duration)
	case p.cell.Tasks > 0:
		frac = float64(started) / float64(p.cell.Tasks)
	}
	return started, min(frac, 1)
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cells == 0 {
		return
	}
	started, frac := p.fraction()
	done := p.share(frac)
	eta := "?"
	if el := time.Since(p.start); done > 0.01 {
		eta = (time.Duration(float64(el) * (1 - done) / done)).Round(time.Second).String()
	}
	of := ""
	if p.cell.Tasks > 0 {
		of = fmt.Sprintf("/%d", p.cell.Tasks)
	}
	conc := ""
	if p.cell.Concurrency > 0 {
		conc = fmt.Sprintf(" conc=%d", p.cell.Concurrency)
	}
	if p.cell.Params != "" {
		conc += " " + p.cell.Params
	}
	line := fmt.Sprintf("%scell %d/%d %s%s run %d/%d: %d%s tasks started, %3.0f%% of the sweep, elapsed %s, ETA %s",
		p.roundText(), p.index+1, p.cells, p.cell.Strategy, conc, p.run+1, p.runs, started, of, 100*done, p.elapsed(), eta)
	fmt.Fprint(p.w, "\r\033[K"+fit(line, p.width()))
}

// width is the terminal's width in characters, 0 if w is not one (or it
// does not say), asked at each redraw so that a resize is followed.
func (p *progress) width() int {
	f, ok := p.w.(*os.File)
	if !ok {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// fit cuts line to width-1 characters (0: as it is): a line as wide as
// the terminal wraps, and every redraw then leaves a line behind.
func fit(line string, width int) string {
	if r := []rune(line); width > 1 && len(r) > width-1 {
		return string(r[:width-2]) + "…"
	}
	return line
}

// Stop ends the display and waits for its goroutine.
func (p *progress) Stop() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
	<-p.done
}
