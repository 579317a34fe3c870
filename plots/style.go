// Package plots renders results as charts: pure functions from summaries
// to image files (PNG, SVG or PDF), with gonum.org/v1/plot. Nothing here
// measures anything.
package plots

import (
	"fmt"
	"hash/fnv"
	"image/color"
	"math"

	"github.com/concbench/concbench/internal/chartjob"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Formats lists the image formats Render writes.
var Formats = chartjob.Formats

// Options sets the size and format of the charts. The zero value means
// 1200x800 pixels, PNG; Validate reports a size or format Render cannot
// produce. It is defined beside the chart protocol (internal/chartjob), so
// that concbench checks its flags without linking this package.
type Options = chartjob.Options

const dpi = 96

// size returns o's size in the canvas's units.
func size(o Options) (vg.Length, vg.Length) {
	w, h := o.Size()
	return vg.Length(w) * vg.Inch / dpi, vg.Length(h) * vg.Inch / dpi
}

// style is how a strategy looks on every chart.
type style struct {
	color color.Color
	glyph draw.GlyphDrawer
}

var styles = map[string]style{
	"sequential": {color.RGBA{0x55, 0x55, 0x55, 0xff}, draw.SquareGlyph{}},
	"unbounded":  {color.RGBA{0xd6, 0x27, 0x28, 0xff}, draw.TriangleGlyph{}},
	"pool":       {color.RGBA{0x1f, 0x77, 0xb4, 0xff}, draw.CircleGlyph{}},
	"semaphore":  {color.RGBA{0x2c, 0xa0, 0x2c, 0xff}, draw.PyramidGlyph{}},
	"process":    {color.RGBA{0x94, 0x67, 0xbd, 0xff}, draw.BoxGlyph{}},
}

// extra colours for strategies the palette does not name.
var extra = []color.Color{
	color.RGBA{0xff, 0x7f, 0x0e, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
	color.RGBA{0xe3, 0x77, 0xc2, 0xff}, color.RGBA{0x17, 0xbe, 0xcf, 0xff},
}

// styleOf returns a strategy's colour and marker. It depends on the name
// only, so a strategy looks the same on every chart of every report.
func styleOf(strategy string) style {
	if s, ok := styles[strategy]; ok {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(strategy))
	return style{extra[h.Sum32()%uint32(len(extra))], draw.RingGlyph{}}
}

var (
	idealColor = color.Black
	dashed     = []vg.Length{vg.Points(6), vg.Points(4)}
	dotted     = []vg.Length{vg.Points(1.5), vg.Points(3)}
)

// panel is one plot of a chart, with what was drawn on it: the legend
// entries, each with its kind and data, so tests can check a chart's
// series and axes rather than only its pixels.
type panel struct {
	*plot.Plot
	items []item
}

// item is one legend entry of a panel.
type item struct {
	name string
	kind string // line, dashed (a strategy without a limit), dotted (an ideal), bars, points
	xys  plotter.XYs
}

// add draws ps and gives them one legend entry, name, recorded as kind
// with data xys.
func (p *panel) add(name, kind string, xys plotter.XYs, ps ...plot.Plotter) {
	p.Add(ps...)
	var th []plot.Thumbnailer
	for _, x := range ps {
		if t, ok := x.(plot.Thumbnailer); ok {
			th = append(th, t)
		}
	}
	p.Legend.Add(name, th...)
	p.items = append(p.items, item{name, kind, xys})
}

// newPlot returns a panel with the house style: title, axis labels, grid.
func newPlot(title, x, y string) *panel {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(15)
	p.X.Label.Text = x
	p.Y.Label.Text = y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(13)
		a.Tick.Label.Font.Size = vg.Points(11)
		secs, count := axisKind(a.Label.Text)
		a.Tick.Marker = readable{axis: a, seconds: secs, count: count}
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(12)
	return &panel{Plot: p}
}

// scaleAxis sets a log scale when values span two decades or more (sweeps
// are geometric: 1, 10, 100 reads badly on a linear axis), and a range
// with a margin around the values either way, with room above them for
// the legend. Values must be positive for a log scale; others are ignored.
func scaleAxis(a *plot.Axis, values []float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v > 0 {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		return
	}
	if hi/lo >= 99.9 {
		a.Scale = plot.LogScale{} // readable ticks follow the scale
		a.Min, a.Max = lo/1.5, hi*1.5
		return
	}
	a.Min = 0
	a.Max = hi * 1.1
}

// headroom raises the top of a y axis so the legend, drawn in the top
// corner, does not cover the data.
func headroom(a *plot.Axis) {
	if _, log := a.Scale.(plot.LogScale); log {
		a.Max *= 4
		return
	}
	a.Max = a.Min + (a.Max-a.Min)*1.35
}

// drawable reports an axis of p that gonum could not draw: its range is
// not finite (no data, or NaN from scaling none), a log axis reaches 0 or
// below, or the range is too narrow for its magnitude for the tick loops
// to advance. The error names the axis by its label, e.g. "peak RSS (MiB):
// no value to draw".
func drawable(p *plot.Plot) error {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		lo, hi := a.Min, a.Max
		_, log := a.Scale.(plot.LogScale)
		ok := !math.IsNaN(lo) && !math.IsNaN(hi) && !math.IsInf(lo, 0) && !math.IsInf(hi, 0) && lo <= hi
		if ok && log {
			ok = lo > 0
		}
		if ok && lo != hi {
			// Below about 1e-12 of the magnitude, a tick step is lost in
			// the values' rounding: x += step leaves x where it was.
			ok = hi-lo > 1e-12*max(math.Abs(lo), math.Abs(hi))
		}
		if !ok && log {
			return fmt.Errorf("%s: no positive value to draw on a log scale", a.Label.Text)
		}
		if !ok {
			return fmt.Errorf("%s: no value to draw", a.Label.Text)
		}
	}
	return nil
}
