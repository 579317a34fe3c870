package main

import (
	"encoding/csv"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/concbench/concbench/results"
)

// TestShow prints files of every kind without running anything: one
// from an earlier schema (v1), ones run wrote (v2) and one merge wrote,
// in every format. CSV leaves missing numbers empty (pandas read "-" as
// text) and carries the interval and the repetitions.
func TestShow(t *testing.T) {
	dir := t.TempDir()
	v1 := filepath.Join("..", "..", "results", "testdata", "v1.json")
	a, b := filepath.Join("testdata", "cpu-v2.json"), filepath.Join("testdata", "durations-v2.json")
	merged := filepath.Join(dir, "merged.json")
	if r := concbench(t, "merge", a, b, "-o", merged); r.code != 0 {
		t.Fatalf("merge: exit %d: %s", r.code, r.stderr)
	}
	for _, file := range []string{v1, a, merged} {
		for _, format := range results.Formats {
			r := concbench(t, "show", file, "--format", format)
			if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "pool") {
				t.Errorf("show %s --format %s: exit %d, stderr %q, stdout %q", filepath.Base(file), format, r.code, r.stderr, r.stdout)
			}
		}
	}
	r := concbench(t, "show", v1, "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("csv: %v %q", err, r.stdout)
	}
	head := rows[0]
	for _, row := range rows[1:] {
		for j, v := range row {
			if text := []string{"strategy", "swept", "generator_limited", "thresholds"}; v == "-" && !slices.Contains(text, head[j]) {
				t.Errorf("a missing number written as - in %s: %v", head[j], row)
			}
		}
		col := func(name string) string { return row[slices.Index(head, name)] }
		reps, err := strconv.Atoi(col("repetitions"))
		if err != nil || reps < 1 {
			t.Errorf("repetitions %q", col("repetitions"))
			continue
		}
		if reps == 1 { // one run: no interval
			if col("wall_interval_lo_seconds")+col("wall_interval_level") != "" {
				t.Errorf("an interval from one run: %v", row)
			}
			continue
		}
		lo, err1 := strconv.ParseFloat(col("wall_interval_lo_seconds"), 64)
		hi, err2 := strconv.ParseFloat(col("wall_interval_hi_seconds"), 64)
		wall, err3 := strconv.ParseFloat(col("wall_seconds"), 64)
		level, err4 := strconv.ParseFloat(col("wall_interval_level"), 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || !(lo <= wall && wall <= hi) || !(level > 0 && level < 1) {
			t.Errorf("interval columns of %v", row)
		}
	}
	if !slices.ContainsFunc(rows[1:], func(row []string) bool { return row[slices.Index(head, "wall_interval_level")] != "" }) {
		t.Error("no row of the v1 file has an interval")
	}
	if r := concbench(t, "show", "--columns", "nonsense", a); r.code != 2 || !strings.Contains(r.stderr, "--columns") {
		t.Errorf("show --columns nonsense: exit %d %q", r.code, r.stderr)
	}
	if r := concbench(t, "show", filepath.Join(dir, "missing.json")); r.code != 2 {
		t.Errorf("show of a missing file: exit %d", r.code)
	}
}
