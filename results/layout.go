package results

import (
	"fmt"
	"slices"
	"strings"
)

// TableWidth is what the default table fits in: characters a line.
const TableWidth = 100

// TableOptions choose the columns of the table and markdown formats.
// The zero value is the compact table: the columns that matter for the
// group's workload and mode (compactColumns), those with nothing to show
// left out, fitted to TableWidth.
type TableOptions struct {
	Columns []string // by name (ColumnNames), in this order; overrides the rest
	Wide    bool     // every column some row of the group has
}

// ColumnNames lists the names --columns takes: a metric's name where the
// column shows that metric (results/metrics.go), so one name means one
// figure everywhere.
func ColumnNames() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.name
	}
	return out
}

// CheckColumns returns an error naming the first of names no column has.
func CheckColumns(names []string) error {
	for _, n := range names {
		if !slices.Contains(ColumnNames(), n) {
			return fmt.Errorf("no column %q; want some of %s", n, strings.Join(ColumnNames(), ", "))
		}
	}
	return nil
}

// compactColumns is the default table's columns for a group, most
// important first: the figures a reader compares strategies on, for the
// mode the group ran in, then what tells the rows apart. The table shows
// them in the usual column order; when they do not fit, the last go
// first. Others (memory, threads, send lateness, ...) are for --wide and
// --columns.
func compactColumns(g []*Summary) []string {
	open := slices.ContainsFunc(g, func(s *Summary) bool { return s.OpenLoop != nil })
	timed := slices.ContainsFunc(g, func(s *Summary) bool { return s.DurationSeconds > 0 })
	failures := []string{"error", "timeout", "panic", "canceled"}
	switch {
	case open:
		return slices.Concat([]string{"strategy", "rate", "corrected.p99"}, failures, []string{"drops", "concurrency", "swept", "corrected.p50", "p99", "tasks", "late"})
	case timed:
		return slices.Concat([]string{"strategy", "throughput", "p99"}, failures, []string{"concurrency", "swept", "tasks", "p50", "rss"})
	}
	return slices.Concat([]string{"strategy", "wall", "p99"}, failures, []string{"concurrency", "tasks", "swept", "interval", "speedup", "throughput", "p50", "ideal", "efficiency", "rss"})
}

// empty reports whether a column has nothing to say in g: every cell is
// "-" or, for a count of outcomes, 0.
func empty(c column, g []*Summary) bool {
	outcome := slices.Contains([]string{"error", "timeout", "panic", "canceled", "drops"}, c.name)
	for _, s := range g {
		if v := c.human(s); v != "-" && v != "" && !(outcome && v == "0") {
			return false
		}
	}
	return true
}

// tableColumns returns the columns to show for g under opt.
func tableColumns(g []*Summary, opt TableOptions) []column {
	all := visibleColumns(g)
	if opt.Wide && opt.Columns == nil {
		return all
	}
	byName := func(n string) (column, bool) {
		i := slices.IndexFunc(all, func(c column) bool { return c.name == n })
		if i < 0 {
			// asked for by name: shown even where no row has it
			j := slices.IndexFunc(columns, func(c column) bool { return c.name == n })
			if j < 0 || opt.Columns == nil {
				return column{}, false
			}
			return columns[j], true
		}
		return all[i], true
	}
	if opt.Columns != nil {
		var cols []column
		for _, n := range opt.Columns {
			if c, ok := byName(n); ok {
				cols = append(cols, c)
			}
		}
		return cols
	}
	var picked []column // by importance
	for _, n := range compactColumns(g) {
		if c, ok := byName(n); ok && !empty(c, g) {
			picked = append(picked, c)
		}
	}
	// Fit: drop the least important until the lines fit; show the rest
	// in the usual order.
	for len(picked) > 3 && tableWidth(picked, g) > TableWidth {
		picked = picked[:len(picked)-1]
	}
	var cols []column
	for _, c := range all {
		if slices.ContainsFunc(picked, func(p column) bool { return p.name == c.name }) {
			cols = append(cols, c)
		}
	}
	return cols
}

// tableWidth is the width of the aligned table of cols over g.
func tableWidth(cols []column, g []*Summary) int {
	w := 0
	for j, c := range cols {
		cw := len([]rune(c.head))
		for _, s := range g {
			cw = max(cw, len([]rune(c.human(s))))
		}
		if j > 0 {
			cw += 2
		}
		w += cw
	}
	return w
}
