package console

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

// chart is a recall's progress over time, drawn as inline SVG: the units back (returned or
// destroyed), cumulated at the times the scope gives for each, against the units required;
// the recall's start and its later steps marked.
type chart struct {
	Width, Height            int
	Left, Right, Top, Bottom int // the plot area
	Line                     string
	RequiredY                int
	RequiredLabel            string
	XLabels, YLabels         []label
	Marks                    []mark
	Desc                     string
}

type label struct {
	X, Y   int
	Text   string
	Anchor string // start, middle, end
}

type mark struct {
	X, LabelY int
	Label     string
	Anchor    string
}

// The chart's size in SVG units.
const (
	chartWidth, chartHeight = 720, 300
	chartLeft, chartRight   = 56, 700
	chartTop, chartBottom   = 34, 260
)

// progressChart draws st's progress from its start to its end (the last step or unit back,
// or now while it runs); back are the times its units came back.
func progressChart(st *model.RecallStatus, back []time.Time, lang string, t words, now time.Time) chart {
	rc := st.Recall
	start, err := time.Parse(time.RFC3339Nano, rc.StartedAt)
	if err != nil {
		start = now
	}
	for i := range back {
		back[i] = later(back[i], start) // back before the recall: there at its start
	}
	sort.Slice(back, func(i, j int) bool { return back[i].Before(back[j]) })
	type step struct {
		at   time.Time
		name string
	}
	steps := []step{{start, t.get("chartStart")}}
	for _, h := range rc.History {
		if at, err := time.Parse(time.RFC3339Nano, h.At); err == nil {
			steps = append(steps, step{at, t.lookup("step_", h.Step)})
		}
	}

	end := start
	if rc.Current() == model.RecallStarted && now.After(end) {
		end = now
	}
	for _, s := range steps {
		end = later(end, s.at)
	}
	if len(back) > 0 {
		end = later(end, back[len(back)-1])
	}
	if !end.After(start) {
		end = start.Add(time.Minute)
	}
	top := max(st.Required, len(back), 1)

	c := chart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Right: chartRight, Top: chartTop, Bottom: chartBottom}
	x := func(at time.Time) int {
		f := float64(at.Sub(start)) / float64(end.Sub(start))
		return chartLeft + int(f*float64(chartRight-chartLeft)+0.5)
	}
	y := func(n int) int {
		return chartBottom - int(float64(n)/float64(top)*float64(chartBottom-chartTop)+0.5)
	}
	pts := []string{point(x(start), y(0))}
	for i, at := range back {
		pts = append(pts, point(x(at), y(i)), point(x(at), y(i+1)))
	}
	pts = append(pts, point(x(end), y(len(back))))
	c.Line = strings.Join(pts, " ")
	c.RequiredY = y(st.Required)
	c.RequiredLabel = fmt.Sprintf("%s %d", t.get("chartRequired"), st.Required)
	c.XLabels = []label{
		{X: chartLeft, Y: chartBottom + 18, Text: timeText(lang, start), Anchor: "start"},
		{X: chartRight, Y: chartBottom + 18, Text: timeText(lang, end) + " (" + t.get("zone") + ")", Anchor: "end"},
	}
	c.YLabels = []label{{X: chartLeft - 6, Y: y(0) + 4, Text: "0", Anchor: "end"}, {X: chartLeft - 6, Y: y(top) + 4, Text: strconv.Itoa(top), Anchor: "end"}}
	for i, s := range steps {
		m := mark{X: x(s.at), LabelY: chartTop - 20 + 11*(i%2), Label: s.name, Anchor: "middle"}
		switch {
		case m.X < chartLeft+40:
			m.Anchor = "start"
		case m.X > chartRight-40:
			m.Anchor = "end"
		}
		c.Marks = append(c.Marks, m)
	}
	c.Desc = fmt.Sprintf(t.get("unitsBack"), len(back), st.Required)
	return c
}

func point(x, y int) string { return strconv.Itoa(x) + "," + strconv.Itoa(y) }

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
