// Package chartserve is concbench-plot's body: it reads one chart job
// (internal/chartjob) on stdin, draws it with the plots package and
// answers on stdout. It lives apart from the command so that concbench's
// own tests can serve jobs from their test binary.
package chartserve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/concbench/concbench/internal/chartjob"
	"github.com/concbench/concbench/plots"
)

// Main serves the job on stdin and returns the process's exit code: 0 if
// drawn, 1 if it failed (the answer says why), 2 if the job could not be
// read, chartjob.ExitInterrupted on SIGINT. It blocks until done.
func Main() int {
	// concbench kills this process when its own run is interrupted; a
	// Ctrl-C at the terminal reaches both, and here it stops the drawing
	// between charts.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, code := Serve(ctx, os.Stdin)
	if ctx.Err() != nil {
		return chartjob.ExitInterrupted
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", chartjob.Name, err)
		return 1
	}
	return code
}

// Serve reads one job from r and draws it. It returns the answer and the
// exit code Main gives it; it stops between charts when ctx ends.
func Serve(ctx context.Context, r io.Reader) (chartjob.Result, int) {
	job, doc, err := chartjob.ReadJob(r)
	if err != nil {
		return chartjob.Result{Error: err.Error()}, 2
	}
	var res chartjob.Result
	if s := job.Search; s != nil {
		c, err := plots.SearchChart(job.Dir, s.File, s.Title, s.Series, job.Options)
		if err != nil {
			return chartjob.Result{Error: err.Error()}, 1
		}
		res.Charts = []chartjob.Chart{c}
		return res, 0
	}
	res.Charts, res.Skipped, err = plots.Render(ctx, doc, job.Dir, job.Options)
	if err != nil {
		if ctx.Err() != nil {
			return res, chartjob.ExitInterrupted
		}
		return chartjob.Result{Error: "charts: " + err.Error()}, 1
	}
	if job.Report {
		if err := plots.WriteReport(doc, job.Dir, res.Charts, res.Skipped); err != nil {
			return chartjob.Result{Error: "report: " + err.Error()}, 1
		}
		res.Report = filepath.Join(job.Dir, "report.md")
	}
	return res, 0
}
