package console

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// casesView is the inbox: the filter and the cases in it.
type casesView struct {
	Filters []link
	State   string
	Cases   []caseRow
}

type caseRow struct {
	ID, Kind, State, StateKey string
	Owner                     string
	Codes                     []string
	Product, Lot              string
	Opened, Closed            *when
	Overdue                   bool
	Resolution, Reason        string
	Alerts                    []alertRow
	Notes                     []noteRow
	History                   []historyRow
	Open                      bool // not closed: the actions apply
	Action                    string
}

type alertRow struct {
	Party, Place, EventID string
	At                    *when
}

type noteRow struct {
	By, Text string
	At       *when
}

// caseStates are the inbox's filters, "" for every case.
var caseStates = []model.CaseState{"", model.CaseOpen, model.CaseInvestigating, model.CaseClosed}

// cases is the inbox, filtered by ?state.
func (s *console) cases(c *gin.Context) {
	p, _ := s.newPage(c, "casesTitle")
	if done := c.Query("done"); done != "" {
		if key := "done_" + done; p.T[key] != "" {
			p.Notice = fmt.Sprintf(p.T[key], c.Query("case"))
		}
	}
	s.inbox(c, p, http.StatusOK, model.CaseState(c.Query("state")))
}

// inbox renders the inbox of cases in state ("" for all) in p with status.
func (s *console) inbox(c *gin.Context, p *page, status int, state model.CaseState) {
	u := userOf(c)
	dir := s.directory(c, u)
	v := casesView{State: string(state)}
	known := false
	for _, st := range caseStates {
		label := p.T.get("filterAll")
		if st != "" {
			label = p.T.lookup("caseState_", string(st))
		}
		href := Prefix + "/cases"
		if st != "" {
			href += "?state=" + string(st)
		}
		v.Filters = append(v.Filters, link{Href: href, Label: label, Current: st == state})
		known = known || st == state
	}
	if !known {
		state = ""
	}
	products := s.products(c, u)
	bookmark := ""
	for range maxListPages {
		r, err := ledger.Do(c, s.ledger, u.principal.Identity, ops.ListCases, model.CaseListQuery{State: state,
			PageQuery: model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark}})
		if err != nil {
			s.failed(c, p, err)
			return
		}
		for _, cs := range r.Value.Cases {
			v.Cases = append(v.Cases, caseRowOf(p, dir, products, cs))
		}
		if bookmark = r.Value.Bookmark; bookmark == "" || len(r.Value.Cases) == 0 {
			break
		}
	}
	p.Data = v
	render(c, status, "cases", p)
}

func caseRowOf(p *page, dir *directory, products map[string]model.Product, cs model.Case) caseRow {
	row := caseRow{ID: cs.ID, Kind: p.T.lookup("kind_", string(cs.Kind)), State: p.T.lookup("caseState_", string(cs.State)),
		StateKey: string(cs.State), Owner: dir.name(cs.Owner), Codes: cs.Codes, Lot: cs.Lot,
		Opened: timeOf(p.Lang, cs.OpenedAt), Closed: timeOf(p.Lang, cs.ClosedAt), Overdue: cs.Overdue,
		Reason: cs.Reason, Open: cs.State != model.CaseClosed, Action: Prefix + "/cases/" + url.PathEscape(cs.ID) + "/"}
	if cs.DI != "" {
		row.Product = productName(products, cs.DI)
	}
	if cs.Resolution != "" {
		row.Resolution = p.T.lookup("resolution_", string(cs.Resolution))
	}
	for _, a := range cs.Alerts {
		row.Alerts = append(row.Alerts, alertRow{Party: dir.name(a.Party), Place: placeOf(dir, a.Location), EventID: a.EventID, At: timeOf(p.Lang, a.Time)})
	}
	for _, n := range cs.Notes {
		row.Notes = append(row.Notes, noteRow{By: dir.name(n.By), Text: n.Text, At: timeOf(p.Lang, n.At)})
	}
	for _, h := range cs.History {
		row.History = append(row.History, historyRow{Step: p.T.lookup("action_", h.Action), By: dir.name(h.By), At: timeOf(p.Lang, h.At)})
	}
	return row
}

func placeOf(dir *directory, gln string) string {
	if gln == "" {
		return ""
	}
	return dir.place(gln)
}

// caseAction runs take, investigate, note or close on a case, as the REST API's routes do;
// the chaincode decides. Done, it shows the inbox again (a redirect, so a reload repeats
// nothing); refused, the inbox with the chaincode's message.
func (s *console) caseAction(c *gin.Context) {
	u := userOf(c)
	id, note := c.Param("id"), c.PostForm("note")
	var err error
	var done string
	switch c.Param("action") {
	case "take":
		_, err = ledger.Do(c, s.ledger, u.principal.Identity, ops.TakeCase, model.CaseRequest{CaseID: id, Note: note})
		done = "taken"
	case "investigate":
		_, err = ledger.Do(c, s.ledger, u.principal.Identity, ops.InvestigateCase, model.CaseRequest{CaseID: id, Note: note})
		done = "investigating"
	case "note":
		_, err = ledger.Do(c, s.ledger, u.principal.Identity, ops.NoteCase, model.CaseRequest{CaseID: id, Note: note})
		done = "noted"
	case "close":
		_, err = ledger.Do(c, s.ledger, u.principal.Identity, ops.CloseCase, model.CloseCaseRequest{CaseID: id,
			Resolution: model.Resolution(c.PostForm("resolution")), Reason: c.PostForm("reason")})
		done = "closed"
	default:
		s.message(c, http.StatusNotFound, "notFound")
		return
	}
	if err != nil {
		p, _ := s.newPage(c, "casesTitle")
		status := statusOf(err)
		if status == http.StatusBadGateway || status == http.StatusServiceUnavailable {
			_ = c.Error(err)
			p.Alert = p.T.get("unavailable")
		} else {
			p.Alert = refusal(p.T, err)
		}
		s.inbox(c, p, status, model.CaseState(c.PostForm("state")))
		return
	}
	q := url.Values{"done": {done}, "case": {id}}
	if st := c.PostForm("state"); st != "" {
		q.Set("state", st)
	}
	c.Redirect(http.StatusSeeOther, Prefix+"/cases?"+q.Encode())
}
