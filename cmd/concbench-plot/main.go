// Command concbench-plot draws concbench's charts: concbench plot,
// concbench report, run --plot and search --plot start it once the
// measuring is over and send it the results. It is apart so that the
// process that measures never links the chart library (gonum/plot parses
// its fonts and LaTeX tables at start-up: 3.3 MiB of resident pages and
// 1.1 ms of initialisation in concbench on 2026-12-03).
//
// concbench finds it in $CONCBENCH_PLOT, else beside the concbench
// binary (go install github.com/concbench/concbench/cmd/... installs
// both), else on PATH. It is not meant to be run by hand.
package main

import (
	"fmt"
	"os"

	"github.com/concbench/concbench/internal/chartjob"
	"github.com/concbench/concbench/internal/chartserve"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == chartjob.Arg {
		os.Exit(chartserve.Main())
	}
	fmt.Fprintln(os.Stderr, "concbench-plot: concbench plot, concbench report and --plot DIR start this binary to draw charts; it does nothing by hand")
	os.Exit(2)
}
