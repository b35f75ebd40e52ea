package console

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// maxListPages bounds how many pages of a list the console reads for one page of its own.
const maxListPages = 20

// recallRow is one recall of the dashboard.
type recallRow struct {
	ID, Href       string
	State, Class   string
	Depth, Product string
	Scope          string
	Started        *when
	Percent        int
	Bar            bar
	Back           string
	Overdue        int // holders past the acknowledgement deadline
}

// bar is a progress bar drawn in SVG: Width of 200 filled.
type bar struct {
	Width int
	Done  bool
}

func newBar(progress float64) bar {
	return bar{Width: int(math.Round(200 * min(max(progress, 0), 1))), Done: progress >= 1}
}

func percent(progress float64) int { return int(math.Round(100 * progress)) }

// recalls is the dashboard: every recall the user follows, with its progress.
func (s *console) recalls(c *gin.Context) {
	u := userOf(c)
	p, dir := s.newPage(c, "recallsTitle")
	products := s.products(c, u)
	var rows []recallRow
	bookmark := ""
	for range maxListPages {
		r, err := ledger.Do(c, s.ledger, u.principal.Identity, ops.ListRecalls, model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark})
		if err != nil {
			s.failed(c, p, err)
			return
		}
		for _, rc := range r.Value.Recalls {
			if !follows(dir, u, rc, products) {
				continue
			}
			row := recallRow{ID: rc.ID, Href: Prefix + "/recalls/" + rc.ID, State: p.T.lookup("state_", string(rc.Current())),
				Class: string(rc.Class), Depth: p.T.lookup("depth_", string(rc.Depth)),
				Product: productName(products, rc.Scope.DI), Scope: scopeText(p.T, rc.Scope), Started: timeOf(p.Lang, rc.StartedAt)}
			st, err := ledger.Do(c, s.ledger, u.principal.Identity, ops.RecallScope, model.ScopeQuery{RecallID: rc.ID})
			if err == nil {
				row.Percent, row.Bar = percent(st.Value.Progress), newBar(st.Value.Progress)
				row.Back = fmt.Sprintf(p.T.get("unitsBack"), st.Value.Done, st.Value.Required)
				for _, h := range st.Value.Holders {
					if h.Overdue {
						row.Overdue++
					}
				}
			}
			rows = append(rows, row)
		}
		if bookmark = r.Value.Bookmark; bookmark == "" || len(r.Value.Recalls) == 0 {
			break
		}
	}
	p.Data = rows
	render(c, http.StatusOK, "recalls", p)
}

// follows: the regulator follows every recall; a manufacturer those it started and those of
// its products.
func follows(dir *directory, u *user, r model.Recall, products map[string]model.Product) bool {
	if dir.is(u, model.RoleRegulator) {
		return true
	}
	me := u.principal.Identity.MSPID
	return r.InitiatedBy == me || r.Scope.DI != "" && products[r.Scope.DI].Manufacturer == me
}

// products reads the product register, by DI.
func (s *console) products(c *gin.Context, u *user) map[string]model.Product {
	out := map[string]model.Product{}
	bookmark := ""
	for range maxListPages {
		r, err := ledger.Do(c, s.ledger, u.principal.Identity, ops.ListProducts, model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark})
		if err != nil {
			_ = c.Error(err)
			break
		}
		for _, p := range r.Value.Products {
			out[p.DI] = p
		}
		if bookmark = r.Value.Bookmark; bookmark == "" || len(r.Value.Products) == 0 {
			break
		}
	}
	return out
}

func productName(products map[string]model.Product, di string) string {
	if p, ok := products[di]; ok && p.Name != "" {
		return p.Name
	}
	return di
}

func scopeText(t words, sc model.RecallScope) string {
	switch sc.Type {
	case model.ScopeLot:
		return fmt.Sprintf(t.get("scope_lot"), sc.Lot)
	case model.ScopeDI:
		return t.get("scope_di")
	case model.ScopeCodes:
		return fmt.Sprintf(t.get("scope_codes"), len(sc.Codes))
	}
	return string(sc.Type)
}

// recallView is the page of one recall.
type recallView struct {
	recallRow
	Reason        string
	InitiatedBy   string
	AcknowledgeBy *when
	Holders       []holderRow
	History       []historyRow
	Checks        []checkRow
	Chart         chart
}

type holderRow struct {
	Name         string
	Counts       model.StageCounts
	Acknowledged *when // nil: not yet
	Overdue      bool
}

type historyRow struct {
	Step, By, Reason string
	At               *when
	Changes          []string
}

type checkRow struct {
	Holder, Level, By, Note string
	Effective               bool
	At                      *when
}

// recall is one recall's page: progress by holder, history, checks and the chart.
func (s *console) recall(c *gin.Context) {
	u := userOf(c)
	p, dir := s.newPage(c, "recall")
	st, err := ledger.Do(c, s.ledger, u.principal.Identity, ops.RecallScope, model.ScopeQuery{RecallID: c.Param("id"), Units: true})
	if err != nil {
		s.failed(c, p, err)
		return
	}
	status := st.Value
	rc := status.Recall
	products := s.products(c, u)
	p.Title = p.T.get("recall") + " " + rc.ID
	v := recallView{
		recallRow: recallRow{ID: rc.ID, State: p.T.lookup("state_", string(rc.Current())), Class: string(rc.Class),
			Depth: p.T.lookup("depth_", string(rc.Depth)), Product: productName(products, rc.Scope.DI), Scope: scopeText(p.T, rc.Scope),
			Started: timeOf(p.Lang, rc.StartedAt), Percent: percent(status.Progress), Bar: newBar(status.Progress),
			Back: fmt.Sprintf(p.T.get("unitsBack"), status.Done, status.Required)},
		Reason: rc.Reason, InitiatedBy: dir.name(rc.InitiatedBy), AcknowledgeBy: timeOf(p.Lang, rc.AcknowledgeBy),
	}
	acks := map[string]string{}
	for _, a := range status.Acknowledgements {
		acks[a.MSPID] = a.At
	}
	for _, h := range status.Holders {
		row := holderRow{Name: dir.name(h.Holder), Counts: h.Counts, Overdue: h.Overdue}
		if h.Acknowledged {
			row.Acknowledged = timeOf(p.Lang, acks[h.Holder])
			if row.Acknowledged == nil {
				row.Acknowledged = &when{}
			}
		}
		v.Holders = append(v.Holders, row)
		delete(acks, h.Holder)
	}
	// Holders that acknowledged and hold none of it any more (all returned) keep their row.
	for _, a := range status.Acknowledgements {
		if _, left := acks[a.MSPID]; left {
			row := holderRow{Name: dir.name(a.MSPID), Acknowledged: timeOf(p.Lang, a.At)}
			if row.Acknowledged == nil {
				row.Acknowledged = &when{}
			}
			v.Holders = append(v.Holders, row)
			delete(acks, a.MSPID)
		}
	}
	for _, h := range rc.History {
		v.History = append(v.History, historyRow{Step: p.T.lookup("step_", h.Step), By: dir.name(h.By), Reason: h.Reason,
			At: timeOf(p.Lang, h.At), Changes: h.Changes})
	}
	for _, ch := range rc.Checks {
		v.Checks = append(v.Checks, checkRow{Holder: dir.name(ch.Holder), Level: string(ch.Level), By: dir.name(ch.By), Note: ch.Note,
			Effective: ch.Effective, At: timeOf(p.Lang, ch.At)})
	}
	v.Chart = progressChart(status, backTimes(status), p.Lang, p.T, s.now())
	p.Data = v
	render(c, http.StatusOK, "recall", p)
}

// backTimes are when the units of st came back (returned or destroyed): the scope gives each
// unit's last change, a unit inside a case the case's.
func backTimes(st *model.RecallStatus) []time.Time {
	var out []time.Time
	for _, h := range st.Holders {
		for _, unit := range h.Units {
			if unit.Stage != model.StatusReturned && unit.Stage != model.StatusDestroyed {
				continue
			}
			if at, err := time.Parse(time.RFC3339Nano, unit.At); err == nil {
				out = append(out, at)
			}
		}
	}
	return out
}
