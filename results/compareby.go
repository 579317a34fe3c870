package results

import (
	"fmt"
	"slices"
)

// CompareBy sets the values of one parameter side by side, as benchstat's
// -col does: the runs of docs are grouped by everything in their key but
// by (a key part such as strategy, conc or rate, or a workload parameter
// such as http-engine), and in each group every other value of by is
// compared with the first one seen (the baseline), metric by metric, over
// their repetitions. It returns an error when no run has by, or no group
// has two values of it.
func CompareBy(docs []*Document, by string) ([]CellDeltas, error) {
	type group struct {
		key    string
		values []string
		runs   map[string]*Summary
	}
	var groups []*group
	byKey := map[string]*group{}
	found := false
	for _, d := range docs {
		for i := range d.Runs {
			s := &d.Runs[i]
			parts := keyParts(s)
			k := slices.IndexFunc(parts, func(p keyPart) bool { return p.name == by })
			if k < 0 {
				continue
			}
			found = true
			rest := keyText(parts, by)
			g := byKey[rest]
			if g == nil {
				g = &group{key: rest, runs: map[string]*Summary{}}
				byKey[rest] = g
				groups = append(groups, g)
			}
			v := parts[k].value
			if _, seen := g.runs[v]; !seen {
				g.values = append(g.values, v)
			}
			g.runs[v] = s // a later file's run of the same cell replaces an earlier one
		}
	}
	if !found {
		return nil, fmt.Errorf("no run has %q in its key; want one of strategy, tasks, duration, conc, per-process, rate, arrival, stages, workload or a workload parameter", by)
	}
	var out []CellDeltas
	for _, g := range groups {
		base := g.runs[g.values[0]]
		for _, v := range g.values[1:] {
			cd := CellDeltas{Key: g.key, Old: by + "=" + g.values[0], New: by + "=" + v}
			cd.Deltas = compareRuns(base, g.runs[v])
			out = append(out, cd)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no cell has two values of %s to set side by side", by)
	}
	return out, nil
}

// sideLabel is the header of a side of a comparison: its label, or the
// default.
func sideLabel(label, def string) string {
	if label == "" {
		return def
	}
	return label
}
