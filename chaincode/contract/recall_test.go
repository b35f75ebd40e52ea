package contract

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func lotRecall(id string, depth model.RecallDepth) model.RecallRequest {
	return model.RecallRequest{ID: id, Class: model.RecallClassI, Depth: depth, Reason: "sterility breach",
		Scope: model.RecallScope{Type: model.ScopeLot, DI: deviceDI, Lot: "L1"}}
}

func TestRecallWhoMayStart(t *testing.T) {
	e := newEnv(t)
	e.seed()
	d := e.partyRecord(dst, model.RoleDistributor, model.RoleManufacturer)
	d.CompanyPrefixes = []string{"6905555"}
	e.must(nil, reg, "party:Update", d)
	otherDI := gtin("0690555500002")
	if _, err := e.submitAs(e.user(dst, "maker", "manufacturer"), "product:Register", nil, model.Product{DI: otherDI, Name: "Gauze", Kind: model.KindDevice}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		as   string
		give model.RecallRequest
		want model.Code
	}{
		{"a hospital cannot start a recall", hsp, lotRecall("R1", model.DepthRetail), model.CodeForbidden},
		{"a manufacturer cannot recall another manufacturer's product", mfr, model.RecallRequest{ID: "R2", Class: model.RecallClassII,
			Depth: model.DepthRetail, Reason: "x", Scope: model.RecallScope{Type: model.ScopeDI, DI: otherDI}}, model.CodeForbidden},
		{"a recall without a class is invalid", reg, model.RecallRequest{ID: "R3", Depth: model.DepthRetail, Reason: "x",
			Scope: model.RecallScope{Type: model.ScopeDI, DI: deviceDI}}, model.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "recall:Start", tt.give)
			wantCode(t, err, tt.want)
		})
	}
	t.Run("the manufacturer recalls its own lot", func(t *testing.T) {
		var r model.Recall
		e.must(&r, mfr, "recall:Start", lotRecall("R4", model.DepthRetail))
		if r.InitiatedBy != mfr {
			t.Fatalf("got %+v", r)
		}
	})
	t.Run("a regulator recalls any product", func(t *testing.T) {
		e.must(nil, reg, "recall:Start", model.RecallRequest{ID: "R5", Class: model.RecallClassIII, Depth: model.DepthWholesale,
			Reason: "label", Scope: model.RecallScope{Type: model.ScopeDI, DI: otherDI}})
	})
	t.Run("starting the same recall again returns it and another under its ID conflicts", func(t *testing.T) {
		e.must(nil, mfr, "recall:Start", lotRecall("R4", model.DepthRetail))
		_, err := e.submit(mfr, "recall:Start", lotRecall("R4", model.DepthConsumer))
		wantCode(t, err, model.CodeConflict)
	})
}

func TestRecallScopeAndProgress(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 5)
	e.shipAndReceive("a", mfr, dst, deviceCode(1), deviceCode(2))
	e.shipAndReceive("b", mfr, hsp, deviceCode(3))
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "c-ship"}, To: plt, Codes: []string{deviceCode(4)}})
	if _, err := e.submitT(hsp, "unit:Dispense", dispenseTransient("p1", ""), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "x1"}, Codes: []string{deviceCode(3)}}); err != nil {
		t.Fatal(err)
	}
	e.must(nil, reg, "recall:Start", lotRecall("R1", model.DepthConsumer))

	var s model.RecallStatus
	e.mustEval(&s, reg, "recall:Scope", "R1", "true")
	t.Run("the scope groups every unit of the lot by holder with counts by stage", func(t *testing.T) {
		by := map[string]model.StageCounts{}
		for _, h := range s.Holders {
			by[h.Holder] = h.Counts
		}
		if s.Counts.Total != 5 || by[dst].InStock != 2 || by[hsp].Dispensed != 1 || by[mfr].InStock != 1 || by[mfr].InTransit != 1 {
			t.Fatalf("counts %+v holders %+v", s.Counts, by)
		}
		if s.Required != 5 || s.Done != 0 || s.Progress != 0 {
			t.Fatalf("progress %d/%d = %v", s.Done, s.Required, s.Progress)
		}
	})

	_, err := e.submit(dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s9"}, To: hsp, Codes: []string{deviceCode(1)}})
	t.Run("a recalled unit cannot be shipped and the error names its status", func(t *testing.T) {
		wantCode(t, err, model.CodeInvalid)
		if !strings.Contains(err.Error(), "recalled") {
			t.Fatalf("error %q", err)
		}
	})
	t.Run("verify reports the recall", func(t *testing.T) {
		var v model.Verification
		e.mustEval(&v, hsp, "query:Verify", deviceCode(2))
		if !v.Recalled || v.Sellable || len(v.RecallIDs) != 1 || v.RecallIDs[0] != "R1" {
			t.Fatalf("got %+v", v)
		}
	})

	e.must(nil, dst, "recall:Acknowledge", model.AckRequest{RecallID: "R1", Note: "quarantined 2 units"})
	e.must(nil, plt, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "c-recv"}, Codes: []string{deviceCode(4)}})
	e.must(nil, plt, "unit:Return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "ret-p"}, Codes: []string{deviceCode(4)}, RecallID: "R1"})
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "ret-d"}, Codes: []string{deviceCode(1), deviceCode(2)}, RecallID: "R1"})

	_, err = e.submit(dst, "unit:Return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "ret-h0"}, Codes: []string{deviceCode(3)}, RecallID: "R1"})
	t.Run("only the dispensing party returns a dispensed unit", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	e.must(nil, hsp, "unit:Return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "ret-h"}, Codes: []string{deviceCode(3)}, RecallID: "R1", Reason: "patient returned it"})
	e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: model.EventHeader{EventID: "d1"}, Codes: []string{deviceCode(5)}, Reason: "recall R1"})

	e.mustEval(&s, reg, "recall:Scope", "R1", "false")
	t.Run("returns on their way count as in transit until the manufacturer accepts them", func(t *testing.T) {
		if s.Counts.InTransit != 4 || s.Counts.Returned != 0 || s.Progress != 0.2 {
			t.Fatalf("counts %+v progress %v", s.Counts, s.Progress)
		}
	})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "acc"}, Codes: []string{deviceCode(1), deviceCode(2), deviceCode(3), deviceCode(4)}})
	e.mustEval(&s, reg, "recall:Scope", "R1", "false")
	t.Run("returned and destroyed units bring the recall to 100 percent", func(t *testing.T) {
		if s.Counts.Returned != 4 || s.Counts.Destroyed != 1 || s.Progress != 1 {
			t.Fatalf("counts %+v progress %v", s.Counts, s.Progress)
		}
		if len(s.Holders) != 1 || s.Holders[0].Holder != mfr {
			t.Fatalf("holders %+v", s.Holders)
		}
	})
	t.Run("acknowledgements are listed", func(t *testing.T) {
		if len(s.Acknowledgements) != 1 || s.Acknowledgements[0].MSPID != dst {
			t.Fatalf("acks %+v", s.Acknowledgements)
		}
	})
	t.Run("provenance of a unit includes the recall of its lot", func(t *testing.T) {
		var p model.Provenance
		e.mustEval(&p, reg, "query:Provenance", deviceCode(1))
		found := false
		for _, x := range p.Events {
			found = found || x.Event.EventID == "R1" && x.Event.BizStep == model.BizStepRecalling
		}
		if !found {
			t.Fatalf("events %+v", p.Events)
		}
	})
}

func TestRecallOfCodesBlocksTheirContainer(t *testing.T) {
	e := newEnv(t)
	e.seed()
	pallet := e.packPallet()
	e.must(nil, reg, "recall:Start", model.RecallRequest{ID: "R1", Class: model.RecallClassII, Depth: model.DepthRetail, Reason: "x",
		Scope: model.RecallScope{Type: model.ScopeCodes, Codes: []string{deviceCode(2)}}})
	_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{pallet}})
	t.Run("a pallet holding a recalled unit cannot be shipped", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
	var s model.RecallStatus
	e.mustEval(&s, reg, "recall:Scope", "R1", "true")
	t.Run("a codes recall's scope is the named units", func(t *testing.T) {
		if s.Counts.Total != 1 || s.Holders[0].Units[0].Code != deviceCode(2) {
			t.Fatalf("got %+v", s)
		}
	})
}
