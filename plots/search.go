package plots

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/concbench/concbench/internal/chartjob"
	"github.com/concbench/concbench/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SearchPoint is one probe of a capacity search: the rate offered, the
// latency measured (corrected where the run has it) and whether every
// threshold held.
type SearchPoint = chartjob.SearchPoint

// SearchSeries is the probes of one searched cell and the rate found.
type SearchSeries = chartjob.SearchSeries

// SearchChart writes dir/file: p99 latency against offered rate for every
// probe of every searched cell, failed probes hollow, the rate each search
// found marked with a large ring. It returns the chart written.
func SearchChart(dir, file, title string, ss []SearchSeries, opt Options) (Chart, error) {
	if err := opt.Validate(); err != nil {
		return Chart{}, err
	}
	p := newPlot(title, "offered rate (tasks/s)", "p99 latency (ms)")
	var xs, ys []float64
	for _, s := range ss {
		st := styleOf(s.Strategy)
		var pass, fail plotter.XYs
		for _, pt := range s.Points {
			xy := plotter.XY{X: pt.Rate, Y: 1000 * pt.P99}
			xs, ys = append(xs, pt.Rate), append(ys, xy.Y)
			if pt.Pass {
				pass = append(pass, xy)
			} else {
				fail = append(fail, xy)
			}
		}
		for _, set := range []struct {
			xys   plotter.XYs
			glyph draw.GlyphDrawer
			label string
		}{{pass, draw.CircleGlyph{}, s.Name + " (pass)"}, {fail, draw.RingGlyph{}, s.Name + " (fail)"}} {
			if len(set.xys) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(set.xys)
			if err != nil {
				return Chart{}, err
			}
			sc.Color, sc.Shape, sc.Radius = st.color, set.glyph, vg.Points(4)
			p.add(set.label, "points", set.xys, sc)
		}
		for _, pt := range s.Points {
			if s.Best > 0 && pt.Rate == s.Best && pt.Pass {
				best := plotter.XYs{{X: pt.Rate, Y: 1000 * pt.P99}}
				sc, err := plotter.NewScatter(best)
				if err != nil {
					return Chart{}, err
				}
				sc.Color, sc.Shape, sc.Radius = st.color, draw.RingGlyph{}, vg.Points(10)
				p.add(fmt.Sprintf("%s: best %s", s.Name, results.Rate(s.Best)), "points", best, sc)
				break
			}
		}
	}
	if len(xs) == 0 {
		return Chart{}, fmt.Errorf("no probes to chart")
	}
	p.X.Scale = plot.LogScale{} // readable ticks follow the scale
	scaleAxis(&p.Y, ys)
	headroom(&p.Y)
	c := chart{name: file, caption: "Each probe of the capacity search: p99 latency (corrected in open loop) against the offered rate; hollow rings failed a threshold, the large ring marks the highest rate that held.", panels: []*panel{p}}
	data, err := c.encode(opt)
	if err != nil {
		return Chart{}, err
	}
	name := file + "." + opt.Ext()
	err = results.WriteFileAtomic(filepath.Join(dir, name), func(w io.Writer) error { _, err := w.Write(data); return err })
	return Chart{File: name, Title: title, Caption: c.caption}, err
}
