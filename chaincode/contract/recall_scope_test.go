package contract

import (
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

// otherMaker makes the distributor also the manufacturer of a gauze product, and answers its DI.
func (e *env) otherMaker() string {
	e.t.Helper()
	d := e.partyRecord(dst, model.RoleDistributor, model.RoleManufacturer)
	d.CompanyPrefixes = []string{"6905555"}
	e.must(nil, reg, "party:Update", d)
	di := gtin("0690555500002")
	if _, err := e.submitAs(e.user(dst, "maker", "manufacturer"), "product:Register", nil, model.Product{DI: di, Name: "Gauze", Kind: model.KindDevice}); err != nil {
		e.t.Fatal(err)
	}
	return di
}

func scopeOf(e *env, id string) model.RecallStatus {
	e.t.Helper()
	var s model.RecallStatus
	e.mustEval(&s, reg, "recall:Scope", id, "false")
	return s
}

func holderOf(s model.RecallStatus, msp string) model.HolderScope {
	for _, h := range s.Holders {
		if h.Holder == msp {
			return h
		}
	}
	return model.HolderScope{}
}

func TestAmendmentsExtendARecallsScope(t *testing.T) {
	e := newEnv(t)
	e.seed()
	otherDI := e.otherMaker()
	e.must(nil, mfr, "lot:Register", model.Lot{DI: deviceDI, Lot: "L2", Expiry: e.day(300), Quantity: 10})
	e.commission("c1", 1, 2)
	e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c2"}, DI: deviceDI, Lot: "L2", Codes: codes(deviceCode, 3, 2)})
	e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c3"}, DI: drugCode7, Lot: "D1", Codes: codes(drugCode, 1, 2)})
	e.shipAndReceive("to-dst", mfr, dst, deviceCode(3))
	e.must(nil, mfr, "recall:Start", lotRecall("RX", model.DepthRetail))
	amend := func(as string, add ...model.RecallScope) (model.RecallAmendRequest, error) {
		req := model.RecallAmendRequest{RecallID: "RX", Reason: "more lots affected", AddScopes: add}
		_, err := e.submit(as, "recall:Amend", req)
		return req, err
	}

	t.Run("a holder of nothing in scope cannot acknowledge", func(t *testing.T) {
		_, err := e.submit(dst, "recall:Acknowledge", model.AckRequest{RecallID: "RX"})
		wantCode(t, err, model.CodeForbidden)
	})
	refusals := []struct {
		name string
		as   string
		give model.RecallScope
		want model.Code
	}{
		{"a manufacturer cannot extend its recall to another's product", mfr, model.RecallScope{Type: model.ScopeDI, DI: otherDI}, model.CodeForbidden},
		{"a holder that did not start the recall cannot extend it", dst, model.RecallScope{Type: model.ScopeLot, DI: deviceDI, Lot: "L2"}, model.CodeForbidden},
		{"a lot already in scope changes nothing", mfr, model.RecallScope{Type: model.ScopeLot, DI: deviceDI, Lot: "L1"}, model.CodeInvalid},
		{"a code of a lot already in scope changes nothing", mfr, model.RecallScope{Type: model.ScopeCodes, Codes: []string{deviceCode(2)}}, model.CodeInvalid},
		{"a scope without its lot is invalid", mfr, model.RecallScope{Type: model.ScopeLot, DI: deviceDI}, model.CodeInvalid},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := amend(tt.as, tt.give)
			wantCode(t, err, tt.want)
		})
	}
	t.Run("refused extensions leave the recall as it was", func(t *testing.T) {
		var r model.Recall
		e.mustEval(&r, reg, "recall:Get", "RX")
		if len(r.MoreScopes) != 0 || len(r.History) != 0 || scopeOf(e, "RX").Counts.Total != 2 {
			t.Fatalf("recall %+v", r)
		}
	})

	var r model.Recall
	e.must(&r, mfr, "recall:Amend", model.RecallAmendRequest{RecallID: "RX", Reason: "more lots affected", AcknowledgeWithinHours: 24,
		AddScopes: []model.RecallScope{{Type: model.ScopeLot, DI: deviceDI, Lot: "L2"}, {Type: model.ScopeCodes, Codes: []string{drugCode(1)}}}})
	t.Run("the extension is kept after the first scope and named in the history", func(t *testing.T) {
		if r.Scope.Lot != "L1" || len(r.MoreScopes) != 2 || r.MoreScopes[0].Lot != "L2" || r.MoreScopes[1].Type != model.ScopeCodes {
			t.Fatalf("scopes %+v + %+v", r.Scope, r.MoreScopes)
		}
		ch := strings.Join(r.History[0].Changes, "; ")
		if !strings.Contains(ch, "added lot "+deviceDI+"/L2") || !strings.Contains(ch, "added 1 codes") || !strings.Contains(ch, "acknowledge within 24 h") {
			t.Fatalf("changes %q", ch)
		}
	})
	t.Run("an extension may set a new acknowledgement deadline", func(t *testing.T) {
		at, _ := model.ParseTime(r.History[0].At)
		if by, _ := model.ParseTime(r.AcknowledgeBy); !by.Equal(at.Add(24 * time.Hour)) {
			t.Fatalf("acknowledge by %s, amended at %s", r.AcknowledgeBy, r.History[0].At)
		}
	})
	t.Run("the added lot and code are marked recalled", func(t *testing.T) {
		var l model.Lot
		e.mustEval(&l, reg, "lot:Get", deviceDI, "L2")
		var v model.Verification
		e.mustEval(&v, reg, "query:Verify", drugCode(1))
		if l.Status != model.LotRecalled || !v.Recalled || len(v.RecallIDs) != 1 || v.RecallIDs[0] != "RX" {
			t.Fatalf("lot %+v, verification %+v", l, v)
		}
	})
	t.Run("the extension counts in the progress", func(t *testing.T) {
		s := scopeOf(e, "RX")
		if s.Counts.Total != 5 || s.Required != 5 || holderOf(s, dst).Counts.InStock != 1 {
			t.Fatalf("counts %+v required %d holders %+v", s.Counts, s.Required, s.Holders)
		}
	})
	t.Run("a holder of an added lot acknowledges", func(t *testing.T) {
		e.must(nil, dst, "recall:Acknowledge", model.AckRequest{RecallID: "RX"})
		if !holderOf(scopeOf(e, "RX"), dst).Acknowledged {
			t.Fatal("the distributor's acknowledgement is not shown")
		}
	})
	t.Run("a regulator extends it to the whole product and a unit covered twice counts once", func(t *testing.T) {
		if _, err := amend(reg, model.RecallScope{Type: model.ScopeDI, DI: deviceDI}); err != nil {
			t.Fatal(err)
		}
		if _, err := amend(reg, model.RecallScope{Type: model.ScopeLot, DI: deviceDI, Lot: "L2"}); model.CodeOf(err) != model.CodeInvalid {
			t.Fatalf("a lot of a recalled product: %v", err)
		}
		if s := scopeOf(e, "RX"); s.Counts.Total != 5 {
			t.Fatalf("counts %+v", s.Counts)
		}
	})
	t.Run("the manufacturer of every product in scope still sees every holder", func(t *testing.T) {
		var s model.RecallStatus
		e.mustEval(&s, mfr, "recall:Scope", "RX", "false")
		if len(s.Holders) != 2 {
			t.Fatalf("holders %+v", s.Holders)
		}
	})
}

func TestDepthDecidesWhichUnitsMustComeBack(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 6)
	// 1 in the maker's stock; 2 in the distributor's; 3 on its way from the maker to the
	// hospital; 4 in the hospital's stock; 5 dispensed by it; 6 on its way to the distributor.
	e.shipAndReceive("a", mfr, dst, deviceCode(2))
	e.shipAndReceive("b", mfr, hsp, deviceCode(4), deviceCode(5))
	if _, err := e.submitT(hsp, "unit:Dispense", dispenseTransient("p1", ""), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "x5"}, Codes: []string{deviceCode(5)}}); err != nil {
		t.Fatal(err)
	}
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s3"}, To: hsp, Codes: []string{deviceCode(3)}})
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s6"}, To: dst, Codes: []string{deviceCode(6)}})
	for _, d := range []model.RecallDepth{model.DepthWholesale, model.DepthRetail, model.DepthConsumer} {
		e.must(nil, reg, "recall:Start", lotRecall("R-"+string(d), d))
	}

	tests := []struct {
		depth                     model.RecallDepth
		required, mfrReq, dstReq  int
		hspReq                    int
		hspInDepth                bool
		wantWholesale, wantRetail int
		wantConsumer              int
	}{
		{model.DepthWholesale, 3, 2, 1, 0, false, 3, 2, 1},
		{model.DepthRetail, 5, 3, 1, 1, true, 3, 2, 1},
		{model.DepthConsumer, 6, 3, 1, 2, true, 3, 2, 1},
	}
	for _, tt := range tests {
		t.Run("at "+string(tt.depth)+" depth", func(t *testing.T) {
			s := scopeOf(e, "R-"+string(tt.depth))
			m, d, h := holderOf(s, mfr), holderOf(s, dst), holderOf(s, hsp)
			if s.Counts.Total != 6 || m.Counts.InTransit != 2 || h.Counts.Dispensed != 1 {
				t.Fatalf("every unit is still counted where it is: %+v, holders %+v", s.Counts, s.Holders)
			}
			if s.ByLevel[model.LevelWholesale].Total != tt.wantWholesale || s.ByLevel[model.LevelRetail].Total != tt.wantRetail ||
				s.ByLevel[model.LevelConsumer].Total != tt.wantConsumer {
				t.Fatalf("by level %+v", s.ByLevel)
			}
			if s.Required != tt.required || m.Required != tt.mfrReq || d.Required != tt.dstReq || h.Required != tt.hspReq {
				t.Fatalf("required %d (maker %d, distributor %d, hospital %d)", s.Required, m.Required, d.Required, h.Required)
			}
			if m.Level != model.LevelWholesale || d.Level != model.LevelWholesale || h.Level != model.LevelRetail ||
				!m.InDepth || !d.InDepth || h.InDepth != tt.hspInDepth {
				t.Fatalf("levels %+v", s.Holders)
			}
		})
	}

	e.advance(49 * time.Hour)
	t.Run("only holders the depth reaches are overdue", func(t *testing.T) {
		w, r := scopeOf(e, "R-wholesale"), scopeOf(e, "R-retail")
		if !holderOf(w, dst).Overdue || holderOf(w, hsp).Overdue || !holderOf(r, hsp).Overdue {
			t.Fatalf("wholesale %+v\nretail %+v", w.Holders, r.Holders)
		}
	})

	e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: model.EventHeader{EventID: "d1"}, Codes: []string{deviceCode(1)}, Reason: "recall"})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r6"}, Codes: []string{deviceCode(6)}})
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "ret"}, Codes: []string{deviceCode(2), deviceCode(6)}, RecallID: "R-wholesale"})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "acc"}, Codes: []string{deviceCode(2), deviceCode(6)}})
	closeReq := func(id string) model.RecallCloseRequest {
		return model.RecallCloseRequest{RecallID: id, Reason: "wholesale stock back"}
	}
	for _, d := range []model.RecallDepth{model.DepthWholesale, model.DepthRetail} {
		e.must(nil, reg, "recall:Complete", closeReq("R-"+string(d)))
	}
	t.Run("termination follows the depth", func(t *testing.T) {
		if _, err := e.submit(reg, "recall:Terminate", closeReq("R-retail")); model.CodeOf(err) != model.CodeInvalid ||
			!strings.Contains(err.Error(), "3 of 5 units") {
			t.Fatalf("terminating the retail recall with the hospital's stock out: %v", err)
		}
		var r model.Recall
		e.must(&r, reg, "recall:Terminate", closeReq("R-wholesale"))
		if r.Current() != model.RecallTerminated || r.History[len(r.History)-1].Override {
			t.Fatalf("terminated %+v", r)
		}
	})
}

func TestDispensersListTheirOwnPatientsOfARecall(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.stockHospital(1) // a drug unit, outside the recall
	e.commission("c1", 1, 4)
	e.shipAndReceive("h", mfr, hsp, deviceCode(1), deviceCode(2))
	e.shipAndReceive("p", mfr, plt, deviceCode(3))
	dispense := func(msp, id, patient, rx, code string) {
		t.Helper()
		if _, err := e.submitT(msp, "unit:Dispense", dispenseTransient(patient, rx), model.DispenseRequest{EventHeader: model.EventHeader{EventID: id}, Codes: []string{code}}); err != nil {
			t.Fatal(err)
		}
	}
	dispense(hsp, "x1", "patient-1", "rx-1", deviceCode(1))
	dispense(hsp, "x2", "patient-2", "", deviceCode(2))
	dispense(plt, "y3", "buyer-3", "", deviceCode(3))
	dispense(hsp, "xd", "patient-d", "rx-d", drugCode(1))
	e.must(nil, hsp, "unit:EraseDispense", model.EraseDispenseRequest{EventHeader: model.EventHeader{EventID: "er2"}, Dispense: "x2", Reason: "patient's request"})
	e.must(nil, reg, "recall:Start", lotRecall("RP", model.DepthRetail))

	list := func(msp string) model.RecallDispensed {
		t.Helper()
		var d model.RecallDispensed
		e.mustEval(&d, msp, "recall:Dispensed", "RP")
		return d
	}
	t.Run("the hospital gets its own dispenses in scope with its references", func(t *testing.T) {
		d := list(hsp)
		if d.Dispenser != hsp || d.PatientContact || len(d.Units) != 2 {
			t.Fatalf("got %+v", d)
		}
		u1, u2 := d.Units[0], d.Units[1]
		if u1.Code != deviceCode(1) || u1.EventID != "x1" || u1.PatientRef != "patient-1" || u1.PrescriptionRef != "rx-1" || u1.At == "" || u1.Erased {
			t.Fatalf("first %+v", u1)
		}
		if u2.Code != deviceCode(2) || u2.EventID != "x2" || !u2.Erased || u2.PatientRef != "" {
			t.Fatalf("an erased record shows as erased: %+v", u2)
		}
	})
	t.Run("the platform gets its own buyer only", func(t *testing.T) {
		d := list(plt)
		if len(d.Units) != 1 || d.Units[0].PatientRef != "buyer-3" {
			t.Fatalf("got %+v", d)
		}
	})
	for _, msp := range []string{dst, mfr, reg} {
		t.Run("a party that dispenses nothing is refused: "+msp, func(t *testing.T) {
			wantCode(t, e.eval(nil, msp, "recall:Dispensed", "RP"), model.CodeForbidden)
		})
	}
	t.Run("at consumer depth the answer says patients must be reached", func(t *testing.T) {
		e.must(nil, reg, "recall:Amend", model.RecallAmendRequest{RecallID: "RP", Depth: model.DepthConsumer, Reason: "injuries reported"})
		if d := list(hsp); !d.PatientContact || len(d.Units) != 2 {
			t.Fatalf("got %+v", d)
		}
	})
	t.Run("an unknown recall is NOT_FOUND", func(t *testing.T) {
		wantCode(t, e.eval(nil, hsp, "recall:Dispensed", "nope"), model.CodeNotFound)
	})
}
