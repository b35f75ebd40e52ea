package contract

import (
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

// lotQ is the lot-level code of lot Q1 of the device, traced as quantities.
var lotQ = "(01)" + deviceDI + "(10)Q1"

// q is a quantity of lot Q1, from a sender when received.
func q(n int, from string) []model.QuantityElement {
	return []model.QuantityElement{{Code: lotQ, Quantity: n, From: from}}
}

// commissionLotQ registers lot Q1 of the device and commissions n of it at the maker.
func (e *env) commissionLotQ(n int) {
	e.t.Helper()
	e.must(nil, mfr, "lot:Register", model.Lot{DI: deviceDI, Lot: "Q1", Expiry: e.day(365), Quantity: 1000})
	e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: hdr("cq"), DI: deviceDI, Lot: "Q1", Quantity: n})
}

func TestLotLevelStockIsReturnedDestroyedAndRecalledLikeUnits(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commissionLotQ(100)
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s1"), To: dst, Quantities: q(40, "")})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("r1"), Quantities: q(40, mfr)})
	e.must(nil, mfr, "recall:Start", model.RecallRequest{ID: "RQ", Class: model.RecallClassI, Depth: model.DepthRetail, Reason: "x",
		Scope: model.RecallScope{Type: model.ScopeLot, DI: deviceDI, Lot: "Q1"}})
	holderQ := func(s model.RecallStatus, msp string) model.StageCounts {
		for _, h := range s.Holders {
			if h.Holder == msp {
				return h.Quantities
			}
		}
		return model.StageCounts{}
	}

	t.Run("a lot recall counts the quantities in stock per holder", func(t *testing.T) {
		s := e.scope("RQ")
		if s.Quantities.InStock != 100 || holderQ(s, dst).InStock != 40 || holderQ(s, mfr).InStock != 60 || s.Required != 100 || s.Done != 0 {
			t.Fatalf("quantities %+v holders %+v, %d of %d", s.Quantities, s.Holders, s.Done, s.Required)
		}
	})
	t.Run("a return cannot take more than the holder's stock", func(t *testing.T) {
		_, err := e.submit(dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("x1"), Quantities: q(41, ""), RecallID: "RQ"})
		wantCode(t, err, model.CodeInvalid)
	})
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("ret"), Quantities: q(30, ""), RecallID: "RQ"})
	t.Run("a returned quantity on its way back is to do", func(t *testing.T) {
		s := e.scope("RQ")
		if s.Quantities.InTransit != 30 || s.Done != 0 || len(s.Stock.Returning) != 1 || s.Stock.Returning[0].Holder != mfr {
			t.Fatalf("quantities %+v stock %+v", s.Quantities, s.Stock)
		}
		if ev := e.event("ret", dst); ev.Detail.To != mfr || len(ev.QuantityList) != 1 || ev.Detail.UnitCount != 30 {
			t.Fatalf("return %+v", ev)
		}
	})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("acc"), Quantities: q(30, dst)})
	t.Run("the firm's receipt makes it returned, named by the recall", func(t *testing.T) {
		ev := e.event("acc", mfr)
		if ev.Disposition != model.DispositionReturned || ev.Detail.RecallID != "RQ" {
			t.Fatalf("receipt %+v %+v", ev, ev.Detail)
		}
		s := e.scope("RQ")
		if s.Quantities.Returned != 30 || holderQ(s, mfr).Returned != 30 || s.Done != 30 {
			t.Fatalf("quantities %+v", s.Quantities)
		}
	})
	t.Run("destruction takes quantities from stock or from returned goods into a tally", func(t *testing.T) {
		e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: hdr("d1"), Quantities: q(60, ""), RecallID: "RQ", Reason: "incinerated"})
		e.must(nil, mfr, "unit:Destroy", model.DisposeRequest{EventHeader: hdr("d2"), Quantities: q(30, ""), FromReturned: true, RecallID: "RQ", Reason: "incinerated"})
		_, err := e.submit(dst, "unit:Destroy", model.DisposeRequest{EventHeader: hdr("d3"), Quantities: q(1, ""), FromReturned: true, Reason: "x"})
		wantCode(t, err, model.CodeInvalid) // the distributor holds no returned goods
		e.must(nil, dst, "unit:Destroy", model.DisposeRequest{EventHeader: hdr("d4"), Quantities: q(10, ""), Reason: "damaged"})
		if ev := e.event("d1", mfr); ev.Detail.RecallID != "RQ" || ev.QuantityList[0].Quantity != 60 {
			t.Fatalf("destruction %+v", ev)
		}
		s := e.scope("RQ")
		if s.Quantities.Destroyed != 100 || s.Quantities.Returned != 0 || s.Quantities.InStock != 0 || s.Progress != 1 {
			t.Fatalf("quantities %+v progress %v", s.Quantities, s.Progress)
		}
		var sv model.StockView
		e.mustEval(&sv, mfr, "query:Stock", lotQ)
		if len(sv.Destroyed) != 2 || len(sv.InStock) != 0 || len(sv.Returned) != 0 {
			t.Fatalf("stock %+v", sv)
		}
	})
}

func TestReturnedQuantitiesAreRestockedOnlyWhenTheLotIsSellable(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commissionLotQ(50)
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s1"), To: dst, Quantities: q(20, "")})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("r1"), Quantities: q(20, mfr)})
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: hdr("ret"), Quantities: q(20, ""), Reason: "overstock"})
	t.Run("a receipt takes returns or deliveries, not both", func(t *testing.T) {
		e.commission("c1", 1, 1)
		e.shipAndReceive("a", mfr, dst, deviceCode(1))
		e.must(nil, dst, "unit:Ship", model.ShipRequest{EventHeader: hdr("back"), To: mfr, Codes: []string{deviceCode(1)}})
		_, err := e.submit(mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("mix"), Codes: []string{deviceCode(1)}, Quantities: q(20, dst)})
		wantCode(t, err, model.CodeInvalid)
	})
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("acc"), Quantities: q(20, dst)})
	t.Run("a quarantined lot's returns stay out of stock", func(t *testing.T) {
		e.must(nil, mfr, "lot:SetStatus", model.LotStatusRequest{DI: deviceDI, Lot: "Q1", Status: model.LotQuarantined, Reason: "deviation"})
		_, err := e.submit(mfr, "unit:Restock", model.RestockRequest{EventHeader: hdr("k0"), Quantities: q(20, "")})
		wantCode(t, err, model.CodeInvalid)
		e.must(nil, mfr, "lot:SetStatus", model.LotStatusRequest{DI: deviceDI, Lot: "Q1", Status: model.LotReleased, Reason: "cleared"})
	})
	t.Run("released, they are back in stock", func(t *testing.T) {
		e.must(nil, mfr, "unit:Restock", model.RestockRequest{EventHeader: hdr("k1"), Quantities: q(15, "")})
		var sv model.StockView
		e.mustEval(&sv, mfr, "query:Stock", lotQ)
		if len(sv.InStock) != 1 || sv.InStock[0].Quantity != 45 || len(sv.Returned) != 1 || sv.Returned[0].Quantity != 5 {
			t.Fatalf("stock %+v", sv)
		}
	})
}

func TestACapturedReturnAndDestructionOfALotQuantityMoveItsStock(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.must(nil, mfr, "lot:Register", model.Lot{DI: deviceDI, Lot: "Q1", Expiry: e.day(365), Quantity: 1000})
	e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: hdr("cq"), DI: deviceDI, Lot: "Q1", Quantity: 10})
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s1"), To: dst, Quantities: []model.QuantityElement{{Code: lotQ, Quantity: 10}}})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("r1"), Quantities: []model.QuantityElement{{Code: lotQ, Quantity: 10, From: mfr}}})
	class := "https://id.gs1.org/01/" + deviceDI + "/10/Q1"
	at := e.clock().Add(-time.Minute).Format(time.RFC3339)
	var res model.EPCISResult
	e.must(&res, dst, "epcis:Capture", epcisEvent(t, map[string]any{
		"type": "ObjectEvent", "eventID": "urn:uuid:rq-1", "action": "OBSERVE", "bizStep": "shipping", "disposition": "returned",
		"eventTime": at, "eventTimeZoneOffset": "+00:00", "quantityList": []any{map[string]any{"epcClass": class, "quantity": 6}},
	}))
	e.must(nil, dst, "epcis:Capture", epcisEvent(t, map[string]any{
		"type": "ObjectEvent", "eventID": "urn:uuid:dq-1", "action": "OBSERVE", "bizStep": "destroying", "disposition": "destroyed",
		"eventTime": at, "eventTimeZoneOffset": "+00:00", "quantityList": []any{map[string]any{"epcClass": class, "quantity": 4}},
	}))
	var sv model.StockView
	e.mustEval(&sv, mfr, "query:Stock", lotQ)
	if res.Operation != "unit:Return" || len(sv.InStock) != 0 || len(sv.Returning) != 1 || sv.Returning[0].Quantity != 6 ||
		len(sv.Destroyed) != 1 || sv.Destroyed[0].Holder != dst || sv.Destroyed[0].Quantity != 4 {
		t.Fatalf("capture %+v, stock %+v", res, sv)
	}
}

func TestLotLevelStockCountsAtItsHoldersLevel(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commissionLotQ(100)
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s1"), To: hsp, Quantities: q(30, "")})
	e.must(nil, hsp, "unit:Receive", model.ReceiveRequest{EventHeader: hdr("r1"), Quantities: q(30, mfr)})
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: hdr("s2"), To: hsp, Quantities: q(10, "")})
	e.must(nil, mfr, "recall:Start", model.RecallRequest{ID: "RW", Class: model.RecallClassII, Depth: model.DepthWholesale, Reason: "x",
		Scope: model.RecallScope{Type: model.ScopeLot, DI: deviceDI, Lot: "Q1"}})
	// 60 at the maker are required; the hospital's 30 and the 10 on their way to it are at
	// retail level, which a wholesale recall does not reach.
	if s := e.scope("RW"); s.Required != 60 || s.Quantities.Total != 100 || s.ByLevel[model.LevelRetail].InStock != 30 || s.ByLevel[model.LevelRetail].InTransit != 10 {
		t.Fatalf("required %d, quantities %+v, by level %+v", s.Required, s.Quantities, s.ByLevel)
	}
	e.must(nil, mfr, "recall:Amend", model.RecallAmendRequest{RecallID: "RW", Depth: model.DepthRetail, Reason: "hospitals too"})
	if s := e.scope("RW"); s.Required != 100 {
		t.Fatalf("at retail depth %d required", s.Required)
	}
}
