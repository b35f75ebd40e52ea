package contract

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestCommission(t *testing.T) {
	e := newEnv(t)
	e.seed()
	r := e.commission("c1", 1, 3)
	t.Run("commissioning returns the canonical keys and the unit count", func(t *testing.T) {
		if r.UnitCount != 3 || len(r.Codes) != 3 || r.Codes[0] != deviceCode(1) || r.TxID == "" {
			t.Fatalf("got %+v", r)
		}
	})
	t.Run("a commissioned unit is active, held by the manufacturer, with the lot's expiry", func(t *testing.T) {
		v := e.unitView(deviceCode(2))
		if v.Status != model.StatusActive || v.Owner != mfr || v.Unit.Lot != "L1" || v.Unit.Expiry != e.day(365) {
			t.Fatalf("got %+v", v)
		}
	})

	tests := []struct {
		name string
		as   string
		give model.CommissionRequest
		want model.Code
	}{
		{"a code commissioned before is a conflict", mfr, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c2"}, DI: deviceDI, Lot: "L1", Codes: []string{deviceCode(1)}}, model.CodeConflict},
		{"a distributor cannot commission", dst, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c3"}, DI: deviceDI, Lot: "L1", Codes: []string{deviceCode(9)}}, model.CodeForbidden},
		{"a code of another product is invalid", mfr, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c4"}, DI: deviceDI, Lot: "L1", Codes: []string{drugCode(1)}}, model.CodeInvalid},
		{"a code carrying another lot is invalid", mfr, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c5"}, DI: deviceDI, Lot: "L1", Codes: []string{"(01)" + deviceDI + "(10)L2(21)X1"}}, model.CodeInvalid},
		{"a malformed code is invalid", mfr, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c6"}, DI: deviceDI, Lot: "L1", Codes: []string{"(01)123"}}, model.CodeInvalid},
		{"an unknown lot is not found", mfr, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c7"}, DI: deviceDI, Lot: "NOPE", Codes: []string{deviceCode(9)}}, model.CodeNotFound},
		{"more than 10,000 codes are invalid", mfr, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c8"}, DI: deviceDI, Lot: "L1", Codes: codes(deviceCode, 100, model.MaxCommission+1)}, model.CodeInvalid},
		{"a lot-controlled code without serial is invalid", mfr, model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c9"}, DI: deviceDI, Lot: "L1", Codes: []string{"(01)" + deviceDI + "(10)L1"}}, model.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.submit(tt.as, "unit:Commission", tt.give)
			wantCode(t, err, tt.want)
		})
	}

	t.Run("a drug trace code is commissioned under its 7-digit product code", func(t *testing.T) {
		e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "d1"}, DI: drugCode7, Lot: "D1", Codes: codes(drugCode, 1, 2)})
		v := e.unitView(drugCode(1))
		if v.Unit.Scheme != model.SchemeCNDrug || v.Unit.DI != drugCode7 {
			t.Fatalf("got %+v", v.Unit)
		}
	})
}

func TestCommissionExpiredLot(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.must(nil, mfr, "lot:Register", model.Lot{DI: deviceDI, Lot: "OLD", Expiry: e.day(0)})
	e.advance(48 * 3600e9)
	_, err := e.submit(mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c1"}, DI: deviceDI, Lot: "OLD", Codes: []string{deviceCode(1)}})
	wantCode(t, err, model.CodeInvalid)
}

func TestEventIDIdempotency(t *testing.T) {
	e := newEnv(t)
	e.seed()
	first := e.commission("c1", 1, 2)
	var again model.EventResult
	e.must(&again, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c1", Location: mfrGLN}, DI: deviceDI, Lot: "L1", Codes: codes(deviceCode, 1, 2)})
	t.Run("the same event ID with the same request returns the first result", func(t *testing.T) {
		if !again.Replayed || again.TxID != first.TxID || again.EventTime != first.EventTime {
			t.Fatalf("first %+v, again %+v", first, again)
		}
	})
	t.Run("the same event ID with another request is a conflict", func(t *testing.T) {
		_, err := e.submit(mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c1"}, DI: deviceDI, Lot: "L1", Codes: codes(deviceCode, 5, 2)})
		wantCode(t, err, model.CodeConflict)
	})
	t.Run("the same event ID in another transaction type is a conflict", func(t *testing.T) {
		_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "c1"}, To: dst, Codes: []string{deviceCode(1)}})
		wantCode(t, err, model.CodeConflict)
	})
	t.Run("a missing event ID is invalid", func(t *testing.T) {
		_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{To: dst, Codes: []string{deviceCode(1)}})
		wantCode(t, err, model.CodeInvalid)
	})
}

func TestShipAndReceive(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 3)

	_, err := e.submit(dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s0"}, To: hsp, Codes: []string{deviceCode(1)}})
	t.Run("only the holder ships", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	_, err = e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s0b"}, To: "NobodyMSP", Codes: []string{deviceCode(1)}})
	t.Run("shipping to an unregistered party is not found", func(t *testing.T) { wantCode(t, err, model.CodeNotFound) })

	var shipped model.EventResult
	e.must(&shipped, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1", Location: mfrGLN}, To: dst, Codes: []string{deviceCode(1), deviceCode(2)}, BizTransactions: []model.BizTransaction{{Type: model.BizTxDespatch, Value: "urn:desadv:1"}}})
	t.Run("a shipped unit is in transit, still held by the sender", func(t *testing.T) {
		v := e.unitView(deviceCode(1))
		if v.Status != model.StatusInTransit || v.Owner != mfr || v.Unit.ShipTo != dst {
			t.Fatalf("got %+v", v)
		}
	})

	_, err = e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s2"}, To: hsp, Codes: []string{deviceCode(1)}})
	t.Run("a unit in transit cannot be shipped again and the error names its status", func(t *testing.T) {
		wantCode(t, err, model.CodeInvalid)
		if !strings.Contains(err.Error(), "in_transit") {
			t.Fatalf("error %q does not name the status", err)
		}
	})

	_, err = e.submit(hsp, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r0"}, Codes: []string{deviceCode(1)}})
	t.Run("only the named receiver receives", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	_, err = e.submit(dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r0b"}, Codes: []string{deviceCode(3)}})
	t.Run("a unit not in transit cannot be received", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })

	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1", Location: dstGLN}, Codes: []string{deviceCode(1), deviceCode(2)}})
	t.Run("a received unit is active at the receiver's place", func(t *testing.T) {
		v := e.unitView(deviceCode(2))
		if v.Status != model.StatusActive || v.Owner != dst || v.Location != dstGLN {
			t.Fatalf("got %+v", v)
		}
	})
	t.Run("the receiver holds the units and the sender no longer does", func(t *testing.T) {
		var d, m model.HoldingPage
		e.mustEval(&d, reg, "query:UnitsByHolder", dst, "0", "")
		e.mustEval(&m, reg, "query:UnitsByHolder", mfr, "0", "")
		if len(d.Holdings) != 2 || len(m.Holdings) != 1 || m.Holdings[0].Code != deviceCode(3) {
			t.Fatalf("distributor %+v, manufacturer %+v", d.Holdings, m.Holdings)
		}
	})
}

func TestExpiredLotCannotMove(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.must(nil, mfr, "lot:Register", model.Lot{DI: deviceDI, Lot: "SHORT", Expiry: e.day(1)})
	e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c1"}, DI: deviceDI, Lot: "SHORT", Codes: []string{deviceCode(1)}})
	e.advance(3 * 24 * 3600e9)
	_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{deviceCode(1)}})
	t.Run("a unit of an expired lot cannot be shipped", func(t *testing.T) {
		wantCode(t, err, model.CodeInvalid)
		if !strings.Contains(err.Error(), "expired") {
			t.Fatalf("error %q does not name the status", err)
		}
	})
}
