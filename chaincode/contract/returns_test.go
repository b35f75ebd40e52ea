package contract

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func hdr(id string) model.EventHeader { return model.EventHeader{EventID: id} }

func (e *env) event(id, by string) model.Event {
	e.t.Helper()
	var ev model.Event
	e.mustEval(&ev, reg, "query:Event", id, by)
	return ev
}

func (e *env) scope(id string) model.RecallStatus {
	e.t.Helper()
	var s model.RecallStatus
	e.mustEval(&s, reg, "recall:Scope", id, "true")
	return s
}

func TestReturnsUnderARecallAreCheckedAndConfirmedByTheFirm(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 4)
	e.shipAndReceive("a", mfr, dst, codes(deviceCode, 1, 3)...)
	e.must(nil, reg, "recall:Start", lotRecall("R1", model.DepthRetail))
	e.must(nil, reg, "recall:Start", model.RecallRequest{ID: "RC", Class: model.RecallClassIII, Depth: model.DepthRetail, Reason: "label",
		Scope: model.RecallScope{Type: model.ScopeCodes, Codes: []string{deviceCode(4)}}})

	tests := []struct {
		name   string
		recall string
		code   string
		want   string
	}{
		{"a recall that does not exist is refused", "R-none", deviceCode(1), "not found"},
		{"a recall that does not cover the goods is refused", "RC", deviceCode(1), "does not cover"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("x-" + tt.recall), Codes: []string{tt.code}, RecallID: tt.recall})
			wantCode(t, err, model.CodeInvalid)
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want %q", err, tt.want)
			}
		})
	}

	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("ret"), Codes: codes(deviceCode, 1, 2), RecallID: "R1"})
	t.Run("a return under a recall goes to the recalling firm and stays to do while on its way", func(t *testing.T) {
		if ev := e.event("ret", dst); ev.Detail.To != mfr || ev.Detail.RecallID != "R1" {
			t.Fatalf("return %+v", ev.Detail)
		}
		if s := e.scope("R1"); s.Counts.InTransit != 2 || s.Done != 0 || s.Required != 4 {
			t.Fatalf("counts %+v, %d of %d", s.Counts, s.Done, s.Required)
		}
	})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("acc"), Codes: codes(deviceCode, 1, 2)})
	t.Run("the firm's receipt names the recall and brings the units to done", func(t *testing.T) {
		ev := e.event("acc", mfr)
		if ev.Disposition != model.DispositionReturned || ev.Detail.RecallID != "R1" || ev.Detail.From != dst {
			t.Fatalf("receipt %+v %+v", ev, ev.Detail)
		}
		s := e.scope("R1")
		if s.Counts.Returned != 2 || s.Done != 2 {
			t.Fatalf("counts %+v, done %d", s.Counts, s.Done)
		}
		for _, h := range s.Holders {
			for _, u := range h.Units {
				if u.Code == deviceCode(1) && (u.EventID != "acc" || u.EventBy != mfr || u.Stage != model.StatusReturned) {
					t.Fatalf("unit %+v", u)
				}
			}
		}
	})
	t.Run("a destruction names its recall, which must cover the goods", func(t *testing.T) {
		_, err := e.submit(mfr, "unit:Destroy", model.DisposeRequest{EventHeader: hdr("d0"), Codes: []string{deviceCode(1)}, RecallID: "RC", Reason: "x"})
		wantCode(t, err, model.CodeInvalid)
		e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: hdr("d1"), Codes: []string{deviceCode(1)}, RecallID: "R1", Reason: "incinerated"})
		if ev := e.event("d1", mfr); ev.Detail.RecallID != "R1" || ev.BizStep != model.BizStepDestroying {
			t.Fatalf("destruction %+v", ev)
		}
	})
	t.Run("a terminated recall takes no more returns", func(t *testing.T) {
		e.must(nil, reg, "recall:Complete", model.RecallCloseRequest{RecallID: "RC", Reason: "done"})
		e.must(nil, reg, "recall:Terminate", model.RecallCloseRequest{RecallID: "RC", Reason: "stop", Override: true})
		_, err := e.submit(mfr, "unit:Destroy", model.DisposeRequest{EventHeader: hdr("d2"), Codes: []string{deviceCode(4)}, RecallID: "RC", Reason: "x"})
		wantCode(t, err, model.CodeInvalid)
		if !strings.Contains(err.Error(), "terminated") {
			t.Fatalf("error %q", err)
		}
	})
}

func TestReworkSettlesReturnedUnitsForItsRecallOnly(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 4)
	e.shipAndReceive("a", mfr, dst, codes(deviceCode, 1, 3)...)
	e.must(nil, mfr, "recall:Start", lotRecall("R1", model.DepthRetail))
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("ret"), Codes: codes(deviceCode, 1, 2), RecallID: "R1"})
	rework := func(id string, cs ...string) model.ReworkRequest {
		return model.ReworkRequest{EventHeader: model.EventHeader{EventID: id, Location: mfrGLN}, Codes: cs, RecallID: "R1", Reason: "relabelled"}
	}
	t.Run("a unit still on its way back is not re-worked", func(t *testing.T) {
		_, err := e.submit(mfr, "unit:Rework", rework("w0", deviceCode(1)))
		wantCode(t, err, model.CodeForbidden) // not the firm's yet
	})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("acc"), Codes: codes(deviceCode, 1, 2)})

	tests := []struct {
		name string
		as   string
		give model.ReworkRequest
		want model.Code
	}{
		{"only a manufacturer re-works", dst, rework("w1", deviceCode(3)), model.CodeForbidden},
		{"only returned units are re-worked", mfr, rework("w2", deviceCode(4)), model.CodeInvalid},
		{"a unit in someone else's stock is not the firm's to re-work", mfr, rework("w3", deviceCode(3)), model.CodeForbidden},
		{"a recall that does not exist is refused", mfr, model.ReworkRequest{EventHeader: hdr("w4"), Codes: []string{deviceCode(1)}, RecallID: "R9", Reason: "x"}, model.CodeInvalid},
		{"a reason is required", mfr, model.ReworkRequest{EventHeader: hdr("w5"), Codes: []string{deviceCode(1)}, RecallID: "R1"}, model.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "unit:Rework", tt.give)
			wantCode(t, err, tt.want)
		})
	}

	e.must(nil, mfr, "unit:Rework", rework("w", deviceCode(1)))
	t.Run("a re-worked unit is active, sellable and counted done", func(t *testing.T) {
		ev := e.event("w", mfr)
		if ev.BizStep != model.BizStepRepairing || ev.Disposition != model.DispositionActive || ev.Detail.RecallID != "R1" {
			t.Fatalf("event %+v", ev)
		}
		v := e.unitView(deviceCode(1))
		if v.Status != model.StatusActive || len(v.Unit.ReworkedFor) != 1 || v.Unit.ReworkedFor[0] != "R1" {
			t.Fatalf("unit %+v", v)
		}
		s := e.scope("R1")
		if s.Counts.Reworked != 1 || s.Counts.Returned != 1 || s.Done != 2 || s.Required != 4 {
			t.Fatalf("counts %+v, %d of %d", s.Counts, s.Done, s.Required)
		}
	})
	t.Run("it moves again while the units not re-worked stay blocked", func(t *testing.T) {
		e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s1"), To: hsp, Codes: []string{deviceCode(1)}})
		_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s2"), To: hsp, Codes: []string{deviceCode(2)}})
		wantCode(t, err, model.CodeInvalid)
		e.must(nil, hsp, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("r1"), Codes: []string{deviceCode(1)}})
		if s := e.scope("R1"); s.Counts.Reworked != 1 || s.Done != 2 {
			t.Fatalf("after the shipment: counts %+v", s.Counts)
		}
	})
	t.Run("a re-worked unit packed in a case ships; one not re-worked is not packed", func(t *testing.T) {
		e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("ret3"), Codes: []string{deviceCode(3)}, RecallID: "R1"})
		e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("acc3"), Codes: []string{deviceCode(3)}})
		e.must(nil, mfr, "unit:Rework", rework("w3b", deviceCode(3)))
		e.must(nil, mfr, "unit:Pack", model.PackRequest{EventHeader: hdr("pk1"), Parent: caseCode(1), Children: []string{deviceCode(3)}})
		e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s3"), To: dst, Codes: []string{caseCode(1)}})
		_, err := e.submit(mfr, "unit:Pack", model.PackRequest{EventHeader: hdr("pk2"), Parent: caseCode(2), Children: []string{deviceCode(4)}})
		wantCode(t, err, model.CodeInvalid)
	})
	t.Run("another recall still holds a re-worked unit back", func(t *testing.T) {
		e.must(nil, reg, "recall:Start", model.RecallRequest{ID: "R2", Class: model.RecallClassII, Depth: model.DepthRetail, Reason: "x",
			Scope: model.RecallScope{Type: model.ScopeDI, DI: deviceDI}})
		var v model.Verification
		e.mustEval(&v, hsp, "query:Verify", deviceCode(1))
		if v.Sellable || v.Status != model.StatusRecalled {
			t.Fatalf("verification %+v", v)
		}
	})
}

func TestRestockOnlyWhatVerifyWouldSell(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 3)
	e.shipAndReceive("a", mfr, dst, codes(deviceCode, 1, 3)...)
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("ret"), Codes: codes(deviceCode, 1, 3), Reason: "overstock"})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("acc"), Codes: codes(deviceCode, 1, 3)})
	restock := func(id string, cs ...string) model.RestockRequest {
		return model.RestockRequest{EventHeader: model.EventHeader{EventID: id, Location: mfrGLN}, Codes: cs, Reason: "inspected"}
	}
	t.Run("a returned unit is not sellable before its restock", func(t *testing.T) {
		var v model.Verification
		e.mustEval(&v, mfr, "query:Verify", deviceCode(1))
		if v.Sellable || v.Status != model.StatusReturned {
			t.Fatalf("verification %+v", v)
		}
	})
	t.Run("only its holder restocks it", func(t *testing.T) {
		_, err := e.submit(dst, "unit:Restock", restock("k0", deviceCode(1)))
		wantCode(t, err, model.CodeForbidden)
	})
	e.must(nil, mfr, "unit:Restock", restock("k1", deviceCode(1)))
	t.Run("a sellable return is back in stock", func(t *testing.T) {
		ev := e.event("k1", mfr)
		if ev.BizStep != model.BizStepStocking || ev.Disposition != model.DispositionSellableAccessible {
			t.Fatalf("event %+v", ev)
		}
		var v model.Verification
		e.mustEval(&v, mfr, "query:Verify", deviceCode(1))
		if !v.Sellable {
			t.Fatalf("verification %+v", v)
		}
	})
	t.Run("active stock is not restocked", func(t *testing.T) {
		_, err := e.submit(mfr, "unit:Restock", restock("k2", deviceCode(1)))
		wantCode(t, err, model.CodeInvalid)
	})
	t.Run("a quarantined or recalled return is refused with verify's reason", func(t *testing.T) {
		e.must(nil, mfr, "lot:SetStatus", model.LotStatusRequest{DI: deviceDI, Lot: "L1", Status: model.LotQuarantined, Reason: "deviation"})
		_, err := e.submit(mfr, "unit:Restock", restock("k3", deviceCode(2)))
		wantCode(t, err, model.CodeInvalid)
		if !strings.Contains(err.Error(), "quarantined") {
			t.Fatalf("error %q", err)
		}
		e.must(nil, mfr, "recall:Start", lotRecall("R1", model.DepthRetail))
		_, err = e.submit(mfr, "unit:Restock", restock("k4", deviceCode(2)))
		if !strings.Contains(err.Error(), "recalled") {
			t.Fatalf("error %q", err)
		}
	})
}

func TestReturnedContainersOpenReturned(t *testing.T) {
	e := newEnv(t)
	e.seed()
	pallet := e.packPallet()
	e.shipAndReceive("a", mfr, dst, pallet)
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("ret"), Codes: []string{pallet}, Reason: "damaged"})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("acc"), Codes: []string{pallet}})
	e.must(nil, mfr, "unit:Unpack", model.UnpackRequest{EventHeader: hdr("u1"), Parent: pallet})
	if v := e.unitView(deviceCode(1)); v.Stage != model.StatusReturned || len(v.Chain) != 1 {
		t.Fatalf("a unit in a case out of a returned pallet: %+v", v)
	}
	e.must(nil, mfr, "unit:Restock", model.RestockRequest{EventHeader: hdr("k1"), Codes: []string{caseCode(1)}})
	var v model.Verification
	e.mustEval(&v, mfr, "query:Verify", deviceCode(1))
	if !v.Sellable {
		t.Fatalf("a unit in a restocked case: %+v", v)
	}
}

func TestAUnitInAReturnedPalletWasLastChangedByItsReceipt(t *testing.T) {
	e := newEnv(t)
	e.seed()
	pallet := e.packPallet()
	e.shipAndReceive("a", mfr, dst, pallet)
	e.must(nil, reg, "recall:Start", lotRecall("R1", model.DepthRetail))
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("ret"), Codes: []string{pallet}, RecallID: "R1"})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("acc"), Codes: []string{pallet}})
	s := e.scope("R1")
	if s.Counts.Returned != 6 || s.Done != 6 {
		t.Fatalf("counts %+v", s.Counts)
	}
	for _, h := range s.Holders {
		for _, u := range h.Units {
			if u.EventID != "acc" || u.EventBy != mfr {
				t.Fatalf("unit %+v", u)
			}
		}
	}
}

func TestAReleaseTakesCodesOnly(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	_, err := e.submit(mfr, "unit:Release", model.DisposeRequest{EventHeader: hdr("rl"), Codes: []string{deviceCode(1)}, RecallID: "R1", Reason: "x"})
	wantCode(t, err, model.CodeInvalid)
}
