// Package chartjob is what concbench asks of concbench-plot, the binary
// that draws its charts, and how it asks: the options, the request and
// the answer, their encoding on the child's stdin and stdout, and finding
// and running the binary. It links no chart library, so that concbench
// measures in a process that never loads gonum/plot and draws in a child
// once the measuring is over: gonum/plot parses its fonts and LaTeX
// tables at start-up, which cost the measuring process 3.3 MiB of
// resident pages, 270 KB of heap and 1.1 ms of initialisation
// (2026-12-03).
package chartjob

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/concbench/concbench/results"
)

// Version is the protocol's: a renderer refuses a job of another.
const Version = 1

// Arg is the one argument concbench-plot is started with; without it the
// binary does nothing (it is not meant to be run by hand).
const Arg = "chart-job"

// Formats lists the image formats the renderer writes.
var Formats = []string{"png", "svg", "pdf"}

// Options sets the size and format of the charts. The zero value means
// 1200x800 pixels, PNG.
type Options struct {
	Width, Height int    // pixels (at 96 dots per inch for SVG and PDF)
	Format        string // png, svg or pdf
}

// Size returns the width and height in pixels, defaults filled in.
func (o Options) Size() (w, h int) {
	w, h = o.Width, o.Height
	if w <= 0 {
		w = 1200
	}
	if h <= 0 {
		h = 800
	}
	return w, h
}

// Ext returns the format, and so the files' extension: png if unset.
func (o Options) Ext() string {
	if o.Format == "" {
		return "png"
	}
	return o.Format
}

// Validate reports a size or format the renderer cannot produce.
func (o Options) Validate() error {
	if o.Width < 0 || o.Height < 0 || o.Width > 10000 || o.Height > 10000 {
		return fmt.Errorf("chart size %dx%d: want 1 to 10000 pixels a side", o.Width, o.Height)
	}
	switch o.Ext() {
	case "png", "svg", "pdf":
		return nil
	}
	return fmt.Errorf("chart format %q: want png, svg or pdf", o.Format)
}

// Chart is a chart file the renderer wrote.
type Chart struct {
	File    string // base name, in the output directory
	Title   string
	Caption string // one line saying what it shows
}

// Skip is a chart not drawn, and why.
type Skip struct {
	Chart  string
	Reason string
}

// SearchPoint is one probe of a capacity search: the rate offered, the
// latency measured (corrected where the run has it) and whether every
// threshold held.
type SearchPoint struct {
	Rate, P99 float64
	Pass      bool
}

// SearchSeries is the probes of one searched cell and the rate found.
type SearchSeries struct {
	Name     string // the cell, e.g. "pool conc=50"
	Strategy string // for its colour
	Points   []SearchPoint
	Best     float64 // highest passing rate; 0 if none
}

// Search asks for the chart of capacity searches instead of a
// document's charts.
type Search struct {
	File, Title string
	Series      []SearchSeries
}

// Job is one request: the charts of a results document (and report.md
// if Report) into Dir, or, if Search is set, a capacity search's chart.
type Job struct {
	Version int
	Dir     string
	Options Options
	Report  bool
	Search  *Search `json:",omitempty"`
}

// Result is the renderer's answer: what it wrote and skipped, or why it
// failed.
type Result struct {
	Charts  []Chart
	Skipped []Skip
	Report  string // report.md's path, if written
	Error   string `json:",omitempty"`
}

// WriteJob writes job, then doc unless the job is a search's, to w.
func WriteJob(w io.Writer, job Job, doc *results.Document) error {
	b, err := json.Marshal(job)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return err
	}
	if job.Search != nil {
		return nil
	}
	if doc == nil {
		return errors.New("chart job without a document")
	}
	return json.NewEncoder(w).Encode(doc)
}

// ReadJob reads what WriteJob wrote. A job of another Version is an
// error naming both versions; so is one without its document.
func ReadJob(r io.Reader) (Job, *results.Document, error) {
	br := bufio.NewReader(r)
	line, err := br.ReadBytes('\n')
	if err != nil {
		return Job{}, nil, fmt.Errorf("reading the job: %w", err)
	}
	var job Job
	if err := json.Unmarshal(line, &job); err != nil {
		return Job{}, nil, fmt.Errorf("reading the job: %w", err)
	}
	if job.Version != Version {
		return job, nil, fmt.Errorf("a job of protocol %d, and this concbench-plot speaks %d: install concbench and concbench-plot from one release", job.Version, Version)
	}
	if job.Search != nil {
		return job, nil, nil
	}
	doc, err := results.ReadDocument(br)
	if err != nil {
		return job, nil, fmt.Errorf("reading the job's document: %w", err)
	}
	return job, doc, nil
}
