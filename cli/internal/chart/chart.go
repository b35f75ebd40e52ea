// Package chart draws the line charts of the benchmark and soak reports as small SVG files.
package chart

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"strconv"
)

// Series is one line of a chart: a value for each of the chart's categories.
type Series struct {
	Name   string
	Values []float64
}

// Chart is a line chart over categories, evenly spaced (client counts, sample times).
type Chart struct {
	Title, XLabel, YLabel string
	Categories            []string
	Series                []Series
}

// A chart labels at most maxLabels categories and marks the points of series up to maxPoints
// values: a time series of hundreds of samples stays legible.
const (
	maxLabels = 12
	maxPoints = 40
)

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"}

// SVG draws the chart.
func (c Chart) SVG() []byte {
	const (
		width, height          = 640, 360
		left, right, top, bott = 70, 160, 40, 50
	)
	plotW, plotH := float64(width-left-right), float64(height-top-bott)
	top_ := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			top_ = max(top_, v)
		}
	}
	step := NiceStep(top_ / 5)
	yMax := math.Max(step, math.Ceil(top_/step)*step)
	x := func(i int) float64 {
		if len(c.Categories) < 2 {
			return float64(left) + plotW/2
		}
		return float64(left) + plotW*float64(i)/float64(len(c.Categories)-1)
	}
	y := func(v float64) float64 { return float64(top) + plotH*(1-v/yMax) }

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", left, html.EscapeString(c.Title))
	for v := 0.0; v <= yMax+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, float64(left)+plotW, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, y(v)+4, strconv.FormatFloat(v, 'f', -1, 64))
	}
	every := max(1, (len(c.Categories)+maxLabels-1)/maxLabels) // label at most maxLabels categories
	for i, cat := range c.Categories {
		if i%every != 0 {
			continue
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x(i), float64(top)+plotH+18, html.EscapeString(cat))
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%.1f" stroke="#333"/>`+"\n", left, left, top, float64(top)+plotH)
	fmt.Fprintf(&b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#333"/>`+"\n", left, float64(left)+plotW, float64(top)+plotH, float64(top)+plotH)
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", float64(left)+plotW/2, height-8, html.EscapeString(c.XLabel))
	fmt.Fprintf(&b, `<text transform="translate(16 %.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", float64(top)+plotH/2, html.EscapeString(c.YLabel))
	for si, s := range c.Series {
		color := palette[si%len(palette)]
		var pts bytes.Buffer
		for i, v := range s.Values {
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(i), y(v))
			if len(s.Values) > maxPoints {
				continue // a dense series is its line
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s: %s</title></circle>`+"\n", x(i), y(v), color,
				html.EscapeString(s.Name), strconv.FormatFloat(v, 'f', -1, 64))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", bytes.TrimSpace(pts.Bytes()), color)
		ly := top + 10 + 18*si
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="2"/>`+"\n", width-right+12, width-right+32, ly, ly, color)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", width-right+38, ly+4, html.EscapeString(s.Name))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// niceStep rounds a raw axis step up to 1, 2 or 5 times a power of ten.
func NiceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}
