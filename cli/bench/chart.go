package bench

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// Series is one line of a chart: a value for each of the chart's categories.
type Series struct {
	Name   string
	Values []float64
}

// Chart is a line chart over categories (the sweep's client counts).
type Chart struct {
	Title, XLabel, YLabel string
	Categories            []string
	Series                []Series
}

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
	step := niceStep(top_ / 5)
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
	for i, cat := range c.Categories {
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
func niceStep(raw float64) float64 {
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

// Charts are the run's charts: throughput and latency of single scans against clients.
func (r *Report) Charts() map[string]Chart {
	var cats []string
	scan, ref := Series{Name: "UDI scans"}, Series{Name: "reference"}
	p50, p90, p99 := Series{Name: "p50"}, Series{Name: "p90"}, Series{Name: "p99"}
	for _, l := range r.Sweep {
		cats = append(cats, strconv.Itoa(l.Clients))
		scan.Values = append(scan.Values, round(l.Scan.PerSecond, 1))
		if l.Trivial != nil {
			ref.Values = append(ref.Values, round(l.Trivial.PerSecond, 1))
		}
		p50.Values, p90.Values, p99.Values = append(p50.Values, l.Scan.P50Ms), append(p90.Values, l.Scan.P90Ms), append(p99.Values, l.Scan.P99Ms)
	}
	tput := Chart{Title: fmt.Sprintf("Single-scan transactions, %s (%s profile)", r.Backend, r.Profile), XLabel: "concurrent clients",
		YLabel: "committed tx/s", Categories: cats, Series: []Series{scan}}
	if len(ref.Values) == len(cats) {
		tput.Series = append(tput.Series, ref)
	}
	return map[string]Chart{
		"bench-throughput-" + r.Backend + ".svg": tput,
		"bench-latency-" + r.Backend + ".svg": {Title: fmt.Sprintf("Scan commit latency, %s (%s profile)", r.Backend, r.Profile), XLabel: "concurrent clients",
			YLabel: "ms from submit to commit", Categories: cats, Series: []Series{p50, p90, p99}},
	}
}

// WriteCharts writes the run's charts into dir and returns their paths.
func (r *Report) WriteCharts(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	var paths []string
	for name, c := range r.Charts() {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, c.SVG(), 0o600); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
