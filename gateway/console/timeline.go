package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// timelineView is a code's provenance: the form, and the picture once a code is asked.
type timelineView struct {
	Code    string
	Key     string
	Message string
	Picture *timeline
}

// timeline is a provenance drawn as inline SVG: the events down a vertical line, time on the
// left, what happened, who and where on the right; the containers the code travelled in as
// brackets along the events they carried it through.
type timeline struct {
	Width, Height    int
	AxisX            int
	AxisTop, AxisEnd int
	Events           []timelineEvent
	Brackets         []bracket
}

type timelineEvent struct {
	Y, TextX           int
	Time               *when
	Step, Party, Place string
	Detail             string
	Inherited          bool // the event was a container's
}

// bracket spans the events a container (or a lot recall) carried the code through.
type bracket struct {
	X, Top, Bottom int
	Label          string
	Kind           string // case, pallet, recall: its colour in the style sheet
}

// The timeline's geometry in SVG units.
const (
	rowHeight      = 66
	timelineTop    = 28
	timelineAxisX  = 176
	timelineTextX  = 198
	bracketX       = 640
	bracketSpacing = 34
)

// timeline shows ?code's provenance as the user's organisation may see it.
func (s *console) timeline(c *gin.Context) {
	u := userOf(c)
	p, dir := s.newPage(c, "timelineTitle")
	v := timelineView{Code: strings.TrimSpace(c.Query("code"))}
	p.Data = &v
	if v.Code == "" {
		render(c, http.StatusOK, "timeline", p)
		return
	}
	r, err := ledger.Do(c, s.ledger, u.principal.Identity, ops.Provenance, model.CodeQuery{Code: v.Code})
	if err != nil {
		status := statusOf(err)
		switch status {
		case http.StatusNotFound, http.StatusForbidden:
			v.Message = p.T.get("timelineHidden")
		case http.StatusUnprocessableEntity:
			v.Message = refusal(p.T, err)
		default:
			s.failed(c, p, err)
			return
		}
		render(c, status, "timeline", p)
		return
	}
	if len(r.Value.Events) == 0 { // the read policy hides every event: as good as unknown
		v.Message = p.T.get("timelineHidden")
		render(c, http.StatusNotFound, "timeline", p)
		return
	}
	v.Key = r.Value.Key
	v.Picture = drawTimeline(r.Value.Events, p.Lang, p.T, dir)
	render(c, http.StatusOK, "timeline", p)
}

// drawTimeline lays out the events, one row each, in the order the ledger gives them.
func drawTimeline(entries []model.ProvenanceEntry, lang string, t words, dir *directory) *timeline {
	tl := &timeline{AxisX: timelineAxisX, AxisTop: timelineTop - 10}
	columns := map[string]int{} // bracket column by kind of container
	open, openVia := -1, ""     // the bracket of the events' container, its index
	for i, e := range entries {
		ev := e.Event
		y := timelineTop + i*rowHeight
		row := timelineEvent{Y: y, TextX: timelineTextX, Time: eventTime(lang, ev), Step: t.lookup("bizStep_", string(ev.BizStep)),
			Party: dir.name(ev.Actor), Inherited: e.Via != ""}
		if where := firstNonEmpty(ev.BizLocation, ev.ReadPoint); where != "" {
			row.Place = dir.place(where)
		}
		if e.Part != "" {
			row.Detail = t.get("partOf") + " " + e.Part
		}
		tl.Events = append(tl.Events, row)

		if e.Via != openVia {
			open, openVia = -1, e.Via
			if e.Via != "" {
				kind, label := containerOf(e.Via, t)
				col, ok := columns[kind]
				if !ok {
					col = len(columns)
					columns[kind] = col
				}
				tl.Brackets = append(tl.Brackets, bracket{X: bracketX + col*bracketSpacing, Top: y - 14, Label: label, Kind: kind})
				open = len(tl.Brackets) - 1
			}
		}
		if open >= 0 {
			tl.Brackets[open].Bottom = y + 36
		}
	}
	n := len(entries)
	tl.AxisEnd = timelineTop + (n-1)*rowHeight + 10
	tl.Height = timelineTop + n*rowHeight
	tl.Width = bracketX + max(len(columns), 1)*bracketSpacing + 10
	return tl
}

// containerOf names what carried the code: a pallet (an SSCC), a lot recall, or a case.
func containerOf(via string, t words) (kind, label string) {
	switch {
	case via == "recall":
		return "recall", t.get("byRecall")
	case strings.HasPrefix(via, "(00)"):
		return "pallet", t.get("pallet") + " " + strings.TrimPrefix(via, "(00)")
	}
	return "case", t.get("container") + " " + via
}

func eventTime(lang string, ev model.Event) *when {
	at, err := time.Parse(time.RFC3339Nano, ev.EventTime)
	if err != nil {
		return &when{Text: ev.EventTime}
	}
	return &when{Machine: at.UTC().Format(time.RFC3339), Text: timeText(lang, at)}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
