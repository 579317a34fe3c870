package results

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Formats lists the formats Write accepts.
var Formats = []string{"table", "markdown", "csv", "json", "gobench"}

// Write renders doc in format (one of Formats) to w.
func Write(w io.Writer, format string, doc *Document) error {
	return WriteWith(w, format, doc, TableOptions{})
}

// WriteWith is Write with the columns of the table and markdown formats
// chosen by opt (CSV and the others carry every figure).
func WriteWith(w io.Writer, format string, doc *Document, opt TableOptions) error {
	switch format {
	case "table":
		return writeText(w, doc, false, opt)
	case "markdown":
		return writeText(w, doc, true, opt)
	case "csv":
		return writeCSV(w, doc)
	case "gobench":
		return writeGobench(w, doc)
	case "json":
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(doc)
	}
	return fmt.Errorf("unknown format %q; want one of %s", format, strings.Join(Formats, ", "))
}

// groups splits the runs by workload and parameters, in first-seen order,
// so each table shares one heading.
func groups(runs []Summary) [][]*Summary {
	var keys []string
	byKey := map[string][]*Summary{}
	for i := range runs {
		k := groupTitle(&runs[i])
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], &runs[i])
	}
	out := make([][]*Summary, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

func groupTitle(s *Summary) string { return "workload " + s.Workload + " " + ParamText(s, true) }

// warmupNote says, after a group's title, that its cells ran unrecorded
// first: a network cell does by default, and its figures leave out the
// connection set-up that the first run pays.
func warmupNote(s *Summary) string {
	switch s.Warmups {
	case 0:
		return ""
	case 1:
		return " (each cell warmed up once first, not recorded: --warmup 0 records it)"
	}
	return fmt.Sprintf(" (each cell warmed up %d times first, not recorded)", s.Warmups)
}

// ParamText renders a run's workload parameters as "k=v" pairs in a
// stable order, with or without the seed.
func ParamText(s *Summary, seed bool) string {
	var parts []string
	params := CellParams(s)
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if k != "seed" || seed {
			parts = append(parts, k+"="+params[k])
		}
	}
	return strings.Join(parts, " ")
}

// CellParams returns a run's workload parameters as they identify its
// cell across runs (Key, ParamText, gobench configuration lines). A run
// against the embedded target (Target set) had a random port: its url
// keeps only the path (which carries the delay) and its addr goes, so
// that two identical runs compare. s.Params is not modified.
func CellParams(s *Summary) map[string]string {
	if s.Target == nil {
		return s.Params
	}
	p := maps.Clone(s.Params)
	delete(p, "addr")
	if u, err := url.Parse(p["url"]); err == nil && u.Host != "" {
		p["url"] = u.RequestURI()
	}
	return p
}

// Groups splits runs by workload and parameters, in first-seen order: the
// runs of one group are comparable with each other.
func Groups(runs []Summary) [][]*Summary { return groups(runs) }

func writeText(w io.Writer, doc *Document, markdown bool, opt TableOptions) error {
	var b strings.Builder
	for gi, g := range groups(doc.Runs) {
		if gi > 0 {
			b.WriteString("\n")
		}
		cols := tableColumns(g, opt)
		rows := [][]string{headRow(cols)}
		for _, s := range g {
			row := make([]string, len(cols))
			for j, c := range cols {
				row[j] = c.human(s)
			}
			rows = append(rows, row)
		}
		if markdown {
			fmt.Fprintf(&b, "**%s**%s\n\n", groupTitle(g[0]), warmupNote(g[0]))
			markdownTable(&b, rows)
		} else {
			fmt.Fprintf(&b, "%s\n", Wrap(groupTitle(g[0])+warmupNote(g[0]), TableWidth))
			alignedTable(&b, rows)
		}
		errorLines(&b, g, markdown)
	}
	if vs := Verdicts(doc.Runs); len(vs) > 0 {
		b.WriteString("\n")
		for _, v := range vs {
			line := v.String()
			if !markdown {
				line = Wrap(line, TableWidth)
			}
			fmt.Fprintf(&b, "%s\n", line)
		}
	}
	fmt.Fprintf(&b, "\nlatency = service time per task; wait = queue wait; percentiles: %s", doc.PercentileMethod)
	if slices.ContainsFunc(doc.Runs, func(s Summary) bool { return s.PercentileMethod == HDRPercentileMethod }) {
		fmt.Fprintf(&b, " (runs of over %d tasks: %s)", DefaultExactLimit, HDRPercentileMethod)
	}
	if slices.ContainsFunc(doc.Runs, func(s Summary) bool { return s.OpenLoop != nil }) {
		b.WriteString("; open loop: corr = end minus due time (what a user waits, free of coordinated omission), send = the generator's own lateness (release minus due), late = started after --late-after, drop = arrivals to a full --max-queue")
	}
	if slices.ContainsFunc(doc.Runs, func(s Summary) bool { return s.Target != nil && s.Target.Mode == "inproc" }) {
		b.WriteString("; the target ran in-process, so heap, rss and goroutines include the server")
	}
	if doc.Partial {
		b.WriteString("; * = interrupted, partial results")
	}
	if n := countFunc(doc.Runs, (*Summary).Incomplete); n > 0 {
		fmt.Fprintf(&b, "; %d of %d cells have fewer repetitions than --repeat asked (repetitions_done in the JSON): --resume adds the rest", n, len(doc.Runs))
	}
	b.WriteString("\n")
	text := b.String()
	if !markdown { // the footer, the last paragraph, fits the table's width too
		i := strings.LastIndex(strings.TrimSuffix(text, "\n"), "\n") + 1
		text = text[:i] + Wrap(strings.TrimSuffix(text[i:], "\n"), TableWidth) + "\n"
	}
	_, err := io.WriteString(w, text)
	return err
}

// Wrap breaks s at spaces into lines of at most width characters (a
// longer word stays whole), continuation lines indented by two spaces.
func Wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Split(s, " ") {
		k := len([]rune(word))
		if i > 0 && n+1+k > width {
			b.WriteString("\n  ")
			n = 2
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += k
	}
	return b.String()
}

// visibleColumns drops the columns that no run in the group has.
func visibleColumns(g []*Summary) []column {
	var cols []column
	for _, c := range columns {
		if c.head == ciHead {
			c = ciColumn(c, g)
		}
		if c.only == nil || slices.ContainsFunc(g, c.only) {
			cols = append(cols, c)
		}
	}
	return cols
}

func headRow(cols []column) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.head
	}
	return h
}

func alignedTable(b *strings.Builder, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for j, c := range r {
			width[j] = max(width[j], len([]rune(c)))
		}
	}
	for _, r := range rows {
		for j, c := range r {
			pad := strings.Repeat(" ", width[j]-len([]rune(c)))
			switch {
			case j == 0:
				b.WriteString(c + pad)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
}

func markdownTable(b *strings.Builder, rows [][]string) {
	for i, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
		if i == 0 {
			seps := make([]string, len(r))
			for j := range seps {
				seps[j] = "---:"
			}
			seps[0] = ":---"
			b.WriteString("|" + strings.Join(seps, "|") + "|\n")
		}
	}
	b.WriteString("\n")
}

func errorLines(b *strings.Builder, g []*Summary, markdown bool) {
	for _, s := range g {
		if len(s.Errors) == 0 {
			continue
		}
		var parts []string
		for _, k := range SortedKinds(s.Errors) {
			e := s.Errors[k]
			parts = append(parts, fmt.Sprintf("%s %d (e.g. %q)", k, e.Count, e.Example))
		}
		bullet := ""
		if markdown {
			bullet = "- "
		}
		fmt.Fprintf(b, "%serrors %s tasks=%d conc=%d: %s\n", bullet, s.Strategy, s.Tasks, s.Concurrency, strings.Join(parts, ", "))
	}
}

// textColumns are the CSV columns of text, where "-" says none.
var textColumns = []string{"strategy", "swept", "generator-limited", "thresholds"}

func writeCSV(w io.Writer, doc *Document) error {
	cw := csv.NewWriter(w)
	var head []string
	var cols []column
	for _, c := range columns {
		if c.csvHead != "" {
			head = append(head, c.csvHead)
			cols = append(cols, c)
		}
	}
	head = append(head, "wall_interval_lo_seconds", "wall_interval_hi_seconds", "wall_interval_level", "repetitions", "workload", "params")
	if err := cw.Write(head); err != nil {
		return err
	}
	for i := range doc.Runs {
		s := &doc.Runs[i]
		row := make([]string, 0, len(head))
		for _, c := range cols {
			f := c.raw
			if f == nil {
				f = c.human
			}
			v := f(s)
			if (v == "-" || v == "n/a") && !slices.Contains(textColumns, c.name) {
				v = "" // a missing number is empty, as pandas and spreadsheets read it (NaN), not text
			}
			row = append(row, v)
		}
		lo, hi, level := "", "", ""
		if iv := s.WallCI; iv != nil {
			lo, hi, level = f64(iv.Lo), f64(iv.Hi), f64(iv.Level)
		}
		row = append(row, lo, hi, level, itoa(max(len(s.Repetitions), 1)))
		p, _ := json.Marshal(s.Params)
		row = append(row, s.Workload, string(p))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// AlignedTable writes rows as columns aligned with spaces, the first row
// a header, for other commands' tables.
func AlignedTable(b *strings.Builder, rows [][]string) { alignedTable(b, rows) }

// countFunc counts the summaries f holds for.
func countFunc(runs []Summary, f func(*Summary) bool) int {
	n := 0
	for i := range runs {
		if f(&runs[i]) {
			n++
		}
	}
	return n
}
