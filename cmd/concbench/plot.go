package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/concbench/concbench/internal/chartjob"
	"github.com/concbench/concbench/results"
	"github.com/spf13/pflag"
)

const plotUsage = `Usage: concbench plot RESULTS.json... [flags]

Renders charts from saved results (several files are combined): wall time
and speedup against concurrency, throughput and memory against task count,
latency percentiles and the latency distribution per strategy. Each chart
is drawn when the data has the dimension it needs; the others are listed
as skipped, with the reason.

Examples:
  concbench plot results.json --out charts/
  concbench plot a.json b.json --out charts/ --plot-format svg

Flags:
`

const reportUsage = `Usage: concbench report RESULTS.json... [flags]

Writes DIR/report.md: the environment, the parameters, the results tables
and the charts (rendered into DIR too), each with a line saying what it
shows. It is meant to be pasted into a pull request.

Examples:
  concbench report results.json --out report/

Flags:
`

// plotFlags are the chart options shared by run, search, plot and report.
type plotFlags struct {
	format        choice
	width, height count
}

func addPlotFlags(fs *pflag.FlagSet) *plotFlags {
	f := &plotFlags{format: choice{v: "png", allowed: chartjob.Formats}, width: count{1200}, height: count{800}}
	fs.Var(&f.format, "plot-format", "chart format: png, svg or pdf")
	fs.Var(&f.width, "plot-width", "chart width in pixels")
	fs.Var(&f.height, "plot-height", "chart height in pixels")
	return f
}

func (f *plotFlags) options() (chartjob.Options, error) {
	o := chartjob.Options{Width: f.width.v, Height: f.height.v, Format: f.format.v}
	if f.width.v == 0 || f.height.v == 0 {
		return o, usagef("--plot-width and --plot-height must be at least 1")
	}
	if err := o.Validate(); err != nil {
		return o, usageError{err}
	}
	return o, nil
}

// renderer returns the path of concbench-plot, which draws the charts,
// or a usage error naming what asked for charts (a flag, or the plot or
// report command) when it is not installed: checked before anything runs.
func renderer(what string) (string, error) {
	p, err := chartjob.Find()
	if err != nil {
		return "", usagef("%s: %v", what, err)
	}
	return p, nil
}

// draw has the renderer at path carry out job (doc: nil for a search's
// chart) and blocks until it is done. An interrupt, of this process (ctx)
// or of the renderer, is errInterrupted.
func draw(ctx context.Context, path string, job chartjob.Job, doc *results.Document) (chartjob.Result, error) {
	res, err := chartjob.Run(ctx, path, job, doc, os.Stderr)
	if ctx.Err() != nil || errors.Is(err, chartjob.ErrInterrupted) {
		return res, errInterrupted
	}
	return res, err
}

// chartDocument has the renderer at path draw doc's charts into dir and,
// if report is set, report.md. Unless quiet, it lists the files written
// on out and the charts skipped on errOut, one line each. When ctx ends,
// or the renderer stops on a Ctrl-C, it returns errInterrupted (the
// charts drawn by then stay; no report is written).
func chartDocument(ctx context.Context, path string, doc *results.Document, dir string, opt chartjob.Options, report, quiet bool, out, errOut io.Writer) error {
	res, err := draw(ctx, path, chartjob.Job{Dir: dir, Options: opt, Report: report}, doc)
	if err != nil {
		return err
	}
	if quiet {
		out, errOut = io.Discard, io.Discard
	}
	for _, c := range res.Charts {
		fmt.Fprintln(out, filepath.Join(dir, c.File))
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(errOut, "concbench: chart %s skipped: %s\n", s.Chart, s.Reason)
	}
	if res.Report != "" {
		fmt.Fprintln(out, res.Report)
	}
	return nil
}

// readDocuments reads and combines results files; errors name the file.
// When ctx ends, even in the middle of a file, it returns errInterrupted.
func readDocuments(ctx context.Context, paths []string) (*results.Document, error) {
	if len(paths) == 0 {
		return nil, usagef("no results file given")
	}
	var doc *results.Document
	for _, p := range paths {
		d, err := readFile(ctx, p)
		if err != nil {
			return nil, err
		}
		if doc == nil {
			doc = d
			continue
		}
		doc.Runs = append(doc.Runs, d.Runs...)
		doc.Partial = doc.Partial || d.Partial
	}
	return doc, nil
}

func plotCmd(ctx context.Context, args []string, stdout io.Writer, report bool) error {
	name, usage := "plot", plotUsage
	if report {
		name, usage = "report", reportUsage
	}
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	out := fs.String("out", name, "output directory (created if missing)")
	quiet := fs.BoolP("quiet", "q", false, "list neither the files written nor the charts skipped")
	pf := addPlotFlags(fs)
	fs.SetInterspersed(true)
	if err := parseFlagsArgs(fs, args, stdout, usage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	opt, err := pf.options()
	if err != nil {
		return err
	}
	if err := checkOutputDir("out", *out); err != nil {
		return err
	}
	path, err := renderer(name)
	if err != nil {
		return err
	}
	doc, err := readDocuments(ctx, fs.Args())
	if err != nil {
		return err
	}
	return chartDocument(ctx, path, doc, *out, opt, report, *quiet, stdout, os.Stderr)
}

// readFile reads one results file the user named: a bad file is a usage
// error (exit 2), an interrupt errInterrupted.
// readFiles reads the results files the user named, in order, as
// readFile does.
func readFiles(ctx context.Context, paths []string) ([]*results.Document, error) {
	docs := make([]*results.Document, 0, len(paths))
	for _, p := range paths {
		d, err := readFile(ctx, p)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

func readFile(ctx context.Context, path string) (*results.Document, error) {
	d, err := results.ReadFileContext(ctx, path)
	switch {
	case ctx.Err() != nil:
		return nil, errInterrupted
	case err != nil:
		return nil, inputError(err)
	}
	return d, nil
}
