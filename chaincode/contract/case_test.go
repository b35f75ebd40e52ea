package contract

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

// inspect has msp scan code at location and returns the result.
func (e *env) inspect(msp, eventID, location, code string) model.InspectResult {
	e.t.Helper()
	var r model.InspectResult
	e.must(&r, msp, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: eventID, Location: location}, Code: code})
	return r
}

// cases lists the cases msp sees in state ("" for all).
func (e *env) cases(msp string, state model.CaseState) []model.Case {
	e.t.Helper()
	var p model.CasePage
	e.mustEval(&p, msp, "case:List", string(state), "0", "")
	return p.Cases
}

// caseAbout is the one case the regulator sees of kind about code.
func (e *env) caseAbout(kind model.AlertKind, code string) model.Case {
	e.t.Helper()
	var found []model.Case
	for _, c := range e.cases(reg, "") {
		if c.Kind == kind && slices.Contains(c.Codes, code) {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("%d cases of %s about %s, want 1: %+v", len(found), kind, code, found)
	}
	return found[0]
}

func closeCase(id string, res model.Resolution) model.CloseCaseRequest {
	return model.CloseCaseRequest{CaseID: id, Resolution: res, Reason: "checked the pack"}
}

func TestCounterfeitScanOpensOneCase(t *testing.T) {
	e := newEnv(t)
	e.seed()
	fake := deviceCode(99)
	first := e.inspect(hsp, "i1", hspGLN, fake)
	cs := e.caseAbout(model.AlertCounterfeit, fake)
	t.Run("a counterfeit scan opens a case the manufacturer owns", func(t *testing.T) {
		if cs.State != model.CaseOpen || cs.Owner != mfr || cs.DI != deviceDI || len(cs.Alerts) != 1 || cs.Alerts[0].EventID != first.AlertID {
			t.Fatalf("got %+v", cs)
		}
		var alerts model.AlertPage
		e.mustEval(&alerts, reg, "query:Alerts", "0", "")
		if len(alerts.Alerts) != 1 || alerts.Alerts[0].CaseID != cs.ID {
			t.Fatalf("alerts %+v", alerts.Alerts)
		}
	})

	e.inspect(plt, "p1", pltGLN, fake)
	t.Run("a second scan of the same code adds its event to the case", func(t *testing.T) {
		again := e.caseAbout(model.AlertCounterfeit, fake)
		if again.ID != cs.ID || len(again.Alerts) != 2 || again.Alerts[1].Party != plt || again.Alerts[1].EventID != "p1" {
			t.Fatalf("got %+v", again)
		}
	})

	t.Run("the reporters and the manufacturer see the case, others are not told of it", func(t *testing.T) {
		for _, msp := range []string{mfr, hsp, plt, reg} {
			var c model.Case
			e.mustEval(&c, msp, "case:Get", cs.ID)
			if len(e.cases(msp, model.CaseOpen)) != 1 {
				t.Fatalf("%s lists %+v", msp, e.cases(msp, model.CaseOpen))
			}
		}
		wantCode(t, e.eval(nil, dst, "case:Get", cs.ID), model.CodeNotFound)
		if got := e.cases(dst, ""); len(got) != 0 {
			t.Fatalf("distributor lists %+v", got)
		}
		if got := e.cases(reg, model.CaseClosed); len(got) != 0 {
			t.Fatalf("closed cases %+v", got)
		}
	})

	_, err := e.submit(hsp, "case:Close", closeCase(cs.ID, model.ResolutionFalsePositive))
	t.Run("the party that found it cannot close it", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	e.must(nil, hsp, "case:Note", model.CaseRequest{CaseID: cs.ID, Note: "pack printed badly"})
	e.must(nil, mfr, "case:Investigate", model.CaseRequest{CaseID: cs.ID})
	var closed model.Case
	e.must(&closed, mfr, "case:Close", closeCase(cs.ID, model.ResolutionConfirmed))
	t.Run("a confirmed counterfeit records the notification to the regulator", func(t *testing.T) {
		n := closed.Notice
		if closed.State != model.CaseClosed || closed.Resolution != model.ResolutionConfirmed || closed.NotifiedAt == "" || closed.Overdue || n == nil {
			t.Fatalf("got %+v", closed)
		}
		if n.DI != deviceDI || !slices.Equal(n.Codes, []string{fake}) || !slices.Equal(n.Locations, []string{hspGLN, pltGLN}) || !slices.Equal(n.Finders, []string{hsp, plt}) {
			t.Fatalf("notice %+v", n)
		}
		if len(closed.Notes) != 1 || closed.Notes[0].By != hsp || len(closed.History) != 3 {
			t.Fatalf("notes %+v history %+v", closed.Notes, closed.History)
		}
	})
	t.Run("a closed case takes no more steps", func(t *testing.T) {
		_, err := e.submit(mfr, "case:Investigate", model.CaseRequest{CaseID: cs.ID})
		wantCode(t, err, model.CodeInvalid)
	})

	e.inspect(hsp, "i2", hspGLN, fake)
	t.Run("an alert after the case closed opens a new one", func(t *testing.T) {
		open := e.cases(reg, model.CaseOpen)
		if len(open) != 1 || open[0].ID == cs.ID {
			t.Fatalf("open cases %+v", open)
		}
	})
}

func TestCloneCaseClosedAsFalsePositive(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	unit := deviceCode(1)
	e.shipAndReceive("m2d", mfr, dst, unit)
	// The manufacturer's word marks the distributor's unit at once.
	if r := e.inspect(mfr, "m1", mfrGLN, unit); !r.Verification.CloneSuspected {
		t.Fatalf("scan %+v", r)
	}
	cs := e.caseAbout(model.AlertClone, unit)

	_, err := e.submit(dst, "case:Close", closeCase(cs.ID, model.ResolutionFalsePositive))
	t.Run("the holder cannot close it", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	e.must(nil, reg, "case:Take", model.CaseRequest{CaseID: cs.ID, Note: "taken over"})
	_, err = e.submit(mfr, "case:Close", closeCase(cs.ID, model.ResolutionFalsePositive))
	t.Run("a case a regulator took is the regulator's to close", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	e.must(nil, mfr, "case:Take", model.CaseRequest{CaseID: cs.ID})
	var closed model.Case
	e.must(&closed, mfr, "case:Close", closeCase(cs.ID, model.ResolutionFalsePositive))
	t.Run("the manufacturer clears a false positive and the unit is sellable again", func(t *testing.T) {
		var v model.Verification
		e.mustEval(&v, dst, "query:Verify", unit)
		if !v.Sellable || v.CloneSuspected {
			t.Fatalf("verify %+v", v)
		}
		if closed.Owner != mfr || closed.Resolution != model.ResolutionFalsePositive || closed.NotifiedAt != "" {
			t.Fatalf("case %+v", closed)
		}
		var ev model.Event
		e.mustEval(&ev, reg, "query:Event", cs.ID+"-closed", mfr)
		if ev.Actor != mfr || ev.Disposition != model.DispositionConformant {
			t.Fatalf("closing event %+v", ev)
		}
	})
}

func TestTemperatureCaseLiftsTheQuarantine(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	unit := deviceCode(1)
	e.shipAndReceive("m2d", mfr, dst, unit)
	e.must(nil, dst, "unit:ReportSensor", model.SensorRequest{EventHeader: model.EventHeader{EventID: "t1"}, Codes: []string{unit}, SensorElementList: reading(35)})
	cs := e.caseAbout(model.AlertTemperature, unit)
	e.must(nil, mfr, "case:Close", closeCase(cs.ID, model.ResolutionFalsePositive))
	if s := e.unitView(unit).Status; s != model.StatusActive {
		t.Fatalf("unit is %s after the false positive", s)
	}
	if cs.NeedsNotice() {
		t.Fatalf("a cold-chain case needs no notice")
	}
}

func TestCaseOverdueAfter24Hours(t *testing.T) {
	e := newEnv(t)
	e.seed()
	fake := deviceCode(99)
	e.inspect(hsp, "i1", hspGLN, fake)
	cs := e.caseAbout(model.AlertCounterfeit, fake)
	get := func() model.Case {
		var c model.Case
		e.mustEval(&c, mfr, "case:Get", cs.ID)
		return c
	}
	if get().Overdue {
		t.Fatal("overdue at once")
	}
	e.advance(23 * time.Hour)
	if get().Overdue {
		t.Fatal("overdue after 23 hours")
	}
	e.advance(2 * time.Hour)
	if !get().Overdue || !e.cases(reg, "")[0].Overdue {
		t.Fatal("not overdue after 25 hours")
	}
	var closed model.Case
	e.must(&closed, mfr, "case:Close", closeCase(cs.ID, model.ResolutionConfirmed))
	if !closed.Overdue || closed.NotifiedAt == "" {
		t.Fatalf("a notice sent late: %+v", closed)
	}
}

func TestRecalledCodePresentedOpensACase(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	unit := deviceCode(1)
	e.shipAndReceive("m2h", mfr, hsp, unit)
	e.must(nil, reg, "recall:Start", model.RecallRequest{ID: "R1", Class: model.RecallClassII, Depth: model.DepthRetail,
		Reason: "sterility", Scope: model.RecallScope{Type: model.ScopeLot, DI: deviceDI, Lot: "L1"}})
	r := e.inspect(hsp, "i1", hspGLN, unit)
	cs := e.caseAbout(model.AlertRecalledPresented, unit)
	if r.AlertID != "i1" || cs.Owner != mfr || cs.Lot != "L1" || cs.NeedsNotice() {
		t.Fatalf("scan %+v case %+v", r, cs)
	}
	var closed model.Case
	e.must(&closed, mfr, "case:Close", closeCase(cs.ID, model.ResolutionConfirmed))
	if v := e.unitView(unit); v.Status != model.StatusRecalled || closed.NotifiedAt != "" {
		t.Fatalf("unit %s case %+v", v.Status, closed)
	}
}

func TestCaseListPagesAndFilters(t *testing.T) {
	e := newEnv(t)
	e.seed()
	for i := range 3 {
		e.inspect(hsp, fmt.Sprintf("i%d", i), hspGLN, deviceCode(90+i))
	}
	first := e.caseAbout(model.AlertCounterfeit, deviceCode(90))
	e.must(nil, mfr, "case:Investigate", model.CaseRequest{CaseID: first.ID})
	var seen []string
	bookmark := ""
	for range 3 {
		var p model.CasePage
		e.mustEval(&p, mfr, "case:List", "", "2", bookmark)
		for _, c := range p.Cases {
			seen = append(seen, c.ID)
		}
		if bookmark = p.Bookmark; bookmark == "" || p.Count == 0 {
			break
		}
	}
	slices.Sort(seen)
	if len(seen) != 3 || len(slices.Compact(seen)) != 3 {
		t.Fatalf("pages of two gave %v", seen)
	}
	if got := e.cases(mfr, model.CaseInvestigating); len(got) != 1 || got[0].ID != first.ID {
		t.Fatalf("investigating %+v", got)
	}
	if got := e.cases(mfr, model.CaseOpen); len(got) != 2 {
		t.Fatalf("open %+v", got)
	}
	wantCode(t, e.eval(nil, mfr, "case:List", "pending", "0", ""), model.CodeInvalid)
	_, err := e.submit(mfr, "case:Investigate", model.CaseRequest{CaseID: first.ID})
	wantCode(t, err, model.CodeInvalid)
	_, err = e.submit(dst, "case:Note", model.CaseRequest{CaseID: first.ID, Note: "mine?"})
	wantCode(t, err, model.CodeNotFound)
}
