package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/internal/chartjob"
	"github.com/concbench/concbench/results"
	"github.com/spf13/pflag"
)

const searchUsage = `Usage: concbench search [run flags] --threshold EXPR [--threshold ...]

Finds, for every strategy and concurrency of the plan, the highest open-loop
arrival rate at which every threshold holds: it probes rates growing from
--rate (default 10/s) by a factor of 2 until one fails, then bisects until
the bracket is within --precision, and measures the best point again. Each
probe runs --duration (default 5s) and must reach a steady state (a latency
still rising at its end fails). A probe whose generator was the limit (see
"generator-limited" in concbench run --help) ends the search there: the
target's capacity is then only known to be above the last passing rate.

Every probe is a results cell (--out); --plot DIR charts the probes.

Examples:
  concbench search --workload http --url http://127.0.0.1:8080/ --strategies pool --concurrency 64 \
      --threshold 'corrected.p99<50ms' --threshold 'errors<1%'
  concbench search --latency 5ms --strategies pool,unbounded --concurrency 8 --threshold 'p99<20ms' --format json

Flags:
`

// searchOut is what --format json prints: one entry per searched cell.
type searchOut struct {
	Strategy         string        `json:"strategy"`
	Concurrency      int           `json:"concurrency"`
	MaxRate          float64       `json:"max_rate_per_s"`
	MinFailing       *float64      `json:"min_failing_rate_per_s"` // null when no rate failed
	GeneratorLimited bool          `json:"generator_limited,omitempty"`
	Note             string        `json:"note,omitempty"`
	Probes           []searchProbe `json:"probes"`
}

type searchProbe struct {
	Rate   float64 `json:"rate_per_s"`
	Pass   bool    `json:"pass"`
	Reason string  `json:"reason,omitempty"`
}

func searchCmd(ctx context.Context, args []string, stdout io.Writer) error {
	f := newRunFlags()
	precision := share{0.05}
	var maxRate rate
	f.fs.Var(&precision, "precision", "stop when the bracket [highest pass, lowest failure] is this narrow, relative to its lower end")
	f.fs.Var(&maxRate, "max-rate", "probe no rate above this (default 1M/s)")
	if err := parseFlags(f.fs, args, stdout, searchUsage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	if len(f.thresholds.v) == 0 {
		return usagef("search needs at least one --threshold: the condition every probe must meet")
	}
	if f.fs.Changed("tasks") {
		return usagef("--tasks does not apply to search: each probe runs --duration")
	}
	if !(precision.v > 0) {
		return usagef("--precision must be positive")
	}
	if f.fs.Changed("rate") && f.rate.v <= 0 {
		return usagef("--rate: the first rate probed must be positive")
	}
	start := f.rate.v
	if !f.fs.Changed("rate") {
		f.fs.Set("rate", "10")
	}
	if !f.fs.Changed("duration") {
		f.fs.Set("duration", "5s")
	}
	if !f.fs.Changed("interval") {
		// Ten steps a probe, so that a latency still rising at its end
		// shows (harness.Search's steady-state check).
		f.fs.Set("interval", (f.duration.v / 10).String())
	}
	plan, err := f.plan()
	if err != nil {
		return err
	}
	if len(plan.Sweeps) > 0 {
		return usagef("--%s %s: search takes one value of each parameter (it varies the rate itself)", plan.Sweeps[0].Name, strings.Join(plan.Sweeps[0].Values, ","))
	}
	if f.format.v != "json" && f.format.v != "table" {
		return usagef("--format %s: search prints a table or json", f.format.v)
	}
	var out output
	if f.out != "" {
		if out, err = checkOutput("out", f.out, stdout); err != nil {
			return err
		}
	}
	plotOpt, err := f.plot.options()
	if err != nil {
		return err
	}
	var plotter string
	if f.plotDir != "" {
		if err := checkOutputDir("plot", f.plotDir); err != nil {
			return err
		}
		if plotter, err = renderer("--plot"); err != nil {
			return err
		}
	}

	s := &harness.Search{Thresholds: f.thresholds.v, Start: start, Max: maxRate.v, Precision: precision.v}
	doc := results.NewDocument(results.CurrentEnvironment(version))
	var found []harness.SearchResult
	for _, cell := range plan.Cells() {
		probe := func(ctx context.Context, r float64) (results.Summary, error) {
			p := *plan
			p.Rate = r
			runs, err := harness.Execute(ctx, &p, &harness.Hooks{Skip: func(c harness.Cell) bool { return c != cell }})
			if err != nil || len(runs) == 0 {
				return results.Summary{}, errors.Join(err, ctx.Err(), errors.New("the probe measured nothing"))
			}
			if !f.quiet {
				fmt.Fprintf(os.Stderr, "concbench: search %s conc=%d: probed %s: %s\n", cell.Strategy, cell.Concurrency, results.Rate(r), verdictOf(s, runs[0]))
			}
			return runs[0], nil
		}
		res, err := s.Run(ctx, cell, probe)
		for _, p := range res.Probes {
			doc.Runs = append(doc.Runs, p.Summary)
		}
		found = append(found, res)
		if err != nil {
			doc.Partial = ctx.Err() != nil
			werr := writeSearch(stdout, f.format.v, found, out, doc)
			if ctx.Err() != nil {
				return errors.Join(werr, errInterrupted)
			}
			return errors.Join(err, werr)
		}
	}
	if err := writeSearch(stdout, f.format.v, found, out, doc); err != nil {
		return err
	}
	if f.plotDir != "" {
		var ss []chartjob.SearchSeries
		for _, r := range found {
			sr := chartjob.SearchSeries{Name: fmt.Sprintf("%s conc=%d", r.Cell.Strategy, r.Cell.Concurrency), Strategy: r.Cell.Strategy, Best: r.MaxRate}
			for _, p := range r.Probes {
				p99 := p.Summary.Latency.P99
				if o := p.Summary.OpenLoop; o != nil {
					p99 = o.Corrected.P99
				}
				sr.Points = append(sr.Points, chartjob.SearchPoint{Rate: p.Rate, P99: p99, Pass: p.Pass})
			}
			ss = append(ss, sr)
		}
		job := chartjob.Job{Dir: f.plotDir, Options: plotOpt, Search: &chartjob.Search{File: "search", Title: plan.Spec.Name + ": capacity search", Series: ss}}
		res, err := draw(ctx, plotter, job, nil)
		if errors.Is(err, errInterrupted) {
			return err
		}
		if err != nil {
			return fmt.Errorf("search chart: %w", err)
		}
		if !f.quiet {
			for _, c := range res.Charts {
				fmt.Fprintf(os.Stderr, "concbench: wrote %s\n", c.File)
			}
		}
	}
	return nil
}

// verdictOf says, for progress, whether one probe passed.
func verdictOf(s *harness.Search, sum results.Summary) string {
	for _, t := range s.Thresholds {
		if c := t.Eval(&sum); !c.Pass {
			return "fail, " + c.Threshold + ": " + c.Reason
		}
	}
	return "pass"
}

// writeSearch prints the searches' answers and writes every probe as a
// results cell to --out.
func writeSearch(stdout io.Writer, format string, found []harness.SearchResult, out output, doc *results.Document) error {
	var werr error
	if out.path != "" && len(doc.Runs) > 0 {
		werr = out.write(stdout, func(w io.Writer) error { return results.Write(w, formatFor(out.path), doc) })
	}
	if format == "json" {
		var list []searchOut
		for _, r := range found {
			o := searchOut{Strategy: r.Cell.Strategy, Concurrency: r.Cell.Concurrency, MaxRate: r.MaxRate, GeneratorLimited: r.GeneratorLimited, Note: r.Note}
			if r.MinFailing > 0 {
				o.MinFailing = &r.MinFailing
			}
			for _, p := range r.Probes {
				o.Probes = append(o.Probes, searchProbe{p.Rate, p.Pass, p.Reason})
			}
			list = append(list, o)
		}
		e := json.NewEncoder(stdout)
		e.SetIndent("", "  ")
		return errors.Join(werr, e.Encode(map[string]any{"searches": list}))
	}
	var b strings.Builder
	rows := [][]string{{"strategy", "conc", "max rate", "min failing", "probes", "note"}}
	for _, r := range found {
		failing := "-"
		if r.MinFailing > 0 {
			failing = results.Rate(r.MinFailing)
		}
		best := "none"
		if r.MaxRate > 0 {
			best = results.Rate(r.MaxRate)
		}
		rows = append(rows, []string{r.Cell.Strategy, strconv.Itoa(r.Cell.Concurrency), best, failing, strconv.Itoa(len(r.Probes)), r.Note})
	}
	results.AlignedTable(&b, rows)
	_, err := io.WriteString(stdout, b.String())
	return errors.Join(werr, err)
}
