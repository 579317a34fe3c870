package plots

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concbench/concbench/results"
)

// WriteReport writes dir/report.md: the environment, the parameters, the
// tables and the charts given (which Render wrote into dir), each with a
// line saying what it shows, and the charts skipped with their reasons. A
// person can paste it into a pull request. It replaces any old report
// atomically.
func WriteReport(doc *results.Document, dir string, charts []Chart, skipped []Skip) error {
	var b strings.Builder
	e := doc.Environment
	fmt.Fprintf(&b, "# concbench report\n\n")
	if doc.Partial {
		b.WriteString("**The run was interrupted: rows marked * are partial.**\n\n")
	}
	conclusion(&b, doc)
	b.WriteString("## Environment\n\n| | |\n|---|---|\n")
	for _, kv := range [][2]string{
		{"concbench", e.Version}, {"Go", e.GoVersion}, {"OS/arch", e.GOOS + "/" + e.GOARCH},
		{"CPU", fmt.Sprintf("%s (%d cores, GOMAXPROCS %d)", e.CPUModel, e.NumCPU, e.GOMAXPROCS)},
		{"measured", e.Time.Format("2006-01-02 15:04:05 MST")},
	} {
		fmt.Fprintf(&b, "| %s | %s |\n", kv[0], kv[1])
	}
	if e.Command != "" {
		fmt.Fprintf(&b, "\nCommand:\n\n```\n%s\n```\n", e.Command)
	}

	b.WriteString("\n## Parameters\n\n")
	for _, g := range results.Groups(doc.Runs) {
		// Only the bounded strategies were given a limit; the others'
		// concurrency is their task count.
		limits := "none (no bounded strategy)"
		if bd := slices.DeleteFunc(slices.Clone(g), func(s *results.Summary) bool { return !bounded(s) }); len(bd) > 0 {
			limits = ints(distinct(bd, func(s *results.Summary) int { return s.Concurrency }))
		}
		fmt.Fprintf(&b, "- workload `%s`: %s; strategies %s; tasks %s; concurrency %s; %d repetition(s) per cell\n",
			g[0].Workload, results.ParamText(g[0], true), strings.Join(strategyOrder(g), ", "),
			ints(distinct(g, func(s *results.Summary) int { return s.Tasks })), limits, len(g[0].Repetitions))
	}

	b.WriteString("\n## Results\n\n")
	if err := results.Write(&b, "markdown", doc); err != nil {
		return err
	}

	if len(charts) > 0 {
		b.WriteString("\n## Charts\n\n")
	}
	for _, c := range charts {
		fmt.Fprintf(&b, "### %s\n\n%s\n\n![%s](%s)\n\n", c.Title, c.Caption, c.Title, c.File)
	}
	if len(skipped) > 0 {
		b.WriteString("## Charts not drawn\n\n")
		for _, s := range skipped {
			fmt.Fprintf(&b, "- %s: %s\n", s.Chart, s.Reason)
		}
	}
	return results.WriteFileAtomic(filepath.Join(dir, "report.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, b.String())
		return err
	})
}

func ints(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range slices.Clone(xs) {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// conclusion opens the report with its answer: the thresholds' outcome
// where there were any, then each verdict.
func conclusion(b *strings.Builder, doc *results.Document) {
	var lines []string
	checks, failed := 0, 0
	for i := range doc.Runs {
		for _, c := range doc.Runs[i].Thresholds {
			checks++
			if !c.Pass {
				failed++
				lines = append(lines, fmt.Sprintf("**FAIL** %s conc=%d: `%s`: %s", doc.Runs[i].Strategy, doc.Runs[i].Concurrency, c.Threshold, c.Reason))
			}
		}
	}
	if checks > 0 && failed == 0 {
		lines = append(lines, fmt.Sprintf("**Every threshold holds** (%d checks).", checks))
	}
	for _, v := range results.Verdicts(doc.Runs) {
		lines = append(lines, v.String())
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("## Conclusion\n\n")
	for _, l := range lines {
		fmt.Fprintf(b, "- %s\n", l)
	}
	b.WriteString("\n")
}
