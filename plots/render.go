package plots

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concbench/concbench/internal/chartjob"
	"github.com/concbench/concbench/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart is a chart file Render wrote: its base name in the output
// directory, its title and a caption saying what it shows.
type Chart = chartjob.Chart

// Render writes every chart the document's runs support into dir (created
// if missing; existing files are replaced atomically), one set per
// workload and parameters. It returns the charts written and those skipped
// for lack of data, each with the reason (a panel with no value its axes
// can show is skipped, never drawn). It fails if the options are invalid,
// there are no runs, a file cannot be written, or ctx ends: it checks ctx
// before each chart and returns ctx.Err() with the charts written so far.
func Render(ctx context.Context, doc *results.Document, dir string, opt Options) ([]Chart, []Skip, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	if len(doc.Runs) == 0 {
		return nil, nil, errors.New("the results hold no runs to chart")
	}
	var written []Chart
	var skipped []Skip
	// write encodes c and writes it, or lists it as skipped if it cannot
	// be drawn. It fails if ctx has ended, before drawing.
	write := func(prefix string, c chart) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := c.encode(opt)
		if err != nil {
			skipped = append(skipped, Skip{Chart: prefix + c.name, Reason: err.Error()})
			return nil
		}
		file := prefix + c.name + "." + opt.Ext()
		if err := results.WriteFileAtomic(filepath.Join(dir, file), func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		}); err != nil {
			return err
		}
		written = append(written, Chart{File: file, Title: c.heading(), Caption: c.caption})
		return nil
	}
	gs := bySwept(results.Groups(doc.Runs))
	for gi, runs := range gs {
		title := briefTitle(runs[0])
		if hidden := hiddenSwept(runs[0]); hidden != "" {
			title += " " + hidden
		}
		g := group{title: title, runs: runs, procs: doc.Environment.GOMAXPROCS}
		prefix := ""
		if len(gs) > 1 {
			prefix = fmt.Sprintf("%d-%s-", gi+1, runs[0].Workload)
		}
		charts, skips := concurrencyCharts(g)
		for _, build := range []struct {
			name string
			f    func(group) (chart, string)
		}{
			{"throughput-vs-tasks", throughputChart},
			{"memory-vs-tasks", memoryChart},
			{"latency-percentiles", percentilesChart},
			{"latency-spectrum", spectrumChart},
			{"over-time", timelineChart},
		} {
			c, why := build.f(g)
			if why != "" {
				skips = append(skips, Skip{Chart: build.name, Reason: why})
				continue
			}
			charts = append(charts, c)
		}
		for _, s := range skips {
			skipped = append(skipped, Skip{Chart: prefix + s.Chart, Reason: s.Reason})
		}
		for _, c := range charts {
			if err := write(prefix, c); err != nil {
				return written, skipped, err
			}
		}
	}
	// One chart per swept parameter, that parameter on the x axis.
	charts, skips := sweepCharts(doc.Runs)
	skipped = append(skipped, skips...)
	for _, c := range charts {
		if err := write("", c); err != nil {
			return written, skipped, err
		}
	}
	return written, skipped, nil
}

// encode draws the chart's panels side by side in the chosen format.
// gonum/plot panics on some degenerate data, and its tickers loop forever
// on an axis without a finite range (a log axis at 0, a panel with no
// data): both become errors, checked here, where every chart is drawn, so
// a bad chart is skipped and never written half-drawn or left spinning.
func (c chart) encode(o Options) (data []byte, err error) {
	for _, p := range c.panels {
		if err := drawable(p.Plot); err != nil {
			return nil, err
		}
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("could not be drawn: %v", v)
		}
	}()
	w, h := size(o)
	var canvas vg.CanvasWriterTo
	switch o.Ext() {
	case "svg":
		canvas = vgsvg.New(w, h)
	case "pdf":
		canvas = vgpdf.New(w, h)
	default:
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))}
	}
	dc := draw.New(canvas)
	if c.title != "" {
		sty := c.panels[0].Title.TextStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		pad := vg.Points(6)
		dc.FillText(sty, vg.Point{X: dc.Center().X, Y: dc.Max.Y - pad}, c.title)
		dc = draw.Crop(dc, 0, 0, 0, -(sty.Height(c.title) + 2*pad))
	}
	if len(c.panels) == 1 {
		c.panels[0].Draw(dc)
	} else {
		tiles := draw.Tiles{Rows: 1, Cols: len(c.panels), PadX: vg.Points(30), PadTop: vg.Points(8), PadBottom: vg.Points(8), PadLeft: vg.Points(8), PadRight: vg.Points(8)}
		row := make([]*plot.Plot, len(c.panels))
		for j, p := range c.panels {
			row[j] = p.Plot
		}
		cs := plot.Align([][]*plot.Plot{row}, tiles, dc)
		for j, p := range c.panels {
			p.Draw(cs[0][j])
		}
	}
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// maxTitle is the most characters of workload and parameters a chart's
// title carries: more would be cut at the default size, and on a chart of
// two panels the titles would run into each other.
const maxTitle = 48

// briefTitle names a group's workload and parameters for chart titles,
// shortened with "…" past maxTitle (report.md and the JSON have them all).
// An embedded target's address is never in it (results.CellParams).
func briefTitle(s *results.Summary) string {
	t := strings.TrimSpace(s.Workload + " " + results.ParamText(s, false))
	if r := []rune(t); len(r) > maxTitle {
		t = string(r[:maxTitle-1]) + "…"
	}
	return t
}

// hiddenSwept writes the swept values of a run that its parameters do not
// show, "rate=100".
func hiddenSwept(s *results.Summary) string {
	params := results.CellParams(s)
	var k []string
	for _, name := range slices.Sorted(maps.Keys(s.Swept)) {
		if _, shown := params[name]; !shown {
			k = append(k, name+"="+s.Swept[name])
		}
	}
	return strings.Join(k, " ")
}

// bySwept splits groups further by the values of the sweeps that the
// parameters do not show (--rate): each chart of a group then shows runs
// of one setting, and sweepCharts puts the swept one on the x axis.
func bySwept(gs [][]*results.Summary) [][]*results.Summary {
	var out [][]*results.Summary
	for _, g := range gs {
		var keys []string
		parts := map[string][]*results.Summary{}
		for _, s := range g {
			key := hiddenSwept(s)
			if _, ok := parts[key]; !ok {
				keys = append(keys, key)
			}
			parts[key] = append(parts[key], s)
		}
		for _, k := range keys {
			out = append(out, parts[k])
		}
	}
	return out
}
