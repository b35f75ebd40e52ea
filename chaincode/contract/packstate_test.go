package contract

import (
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

func packState(id, loc string, state model.Status, cs ...string) model.PackStateRequest {
	return model.PackStateRequest{EventHeader: model.EventHeader{EventID: id, Location: loc}, Codes: cs, State: state, Reason: "test"}
}

func undoPackState(id, loc string, cs ...string) model.UndoPackStateRequest {
	return model.UndoPackStateRequest{EventHeader: model.EventHeader{EventID: id, Location: loc}, Codes: cs}
}

func TestEachPackStateIsNotSellableAndNamed(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 7)
	e.shipAndReceive("s1", mfr, hsp, deviceCode(7))
	_, err := e.submit(mfr, "unit:SetPackState", packState("x0", mfrGLN, model.StatusCheckedOut, deviceCode(5)))
	t.Run("only a hospital checks packs out", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })
	for i, s := range model.PackStates {
		code, by, at := deviceCode(i+1), mfr, mfrGLN
		if s == model.StatusCheckedOut {
			code, by, at = deviceCode(7), hsp, hspGLN
		}
		e.must(nil, by, "unit:SetPackState", packState("ps-"+string(s), at, s, code))
		var v model.Verification
		e.mustEval(&v, hsp, "query:Verify", code)
		if v.Sellable || v.Status != s || !strings.Contains(strings.Join(v.Reasons, ";"), string(s)) {
			t.Errorf("%s: verify says %+v", s, v)
		}
		_, err := e.submit(by, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "sh-" + string(s)}, To: dst, Codes: []string{code}})
		wantCode(t, err, model.CodeInvalid)
	}
	t.Run("who set a state and where is for those who see the holder", func(t *testing.T) {
		var own, other model.UnitView
		e.mustEval(&own, mfr, "query:Unit", deviceCode(1))
		e.mustEval(&other, hsp, "query:Unit", deviceCode(1))
		if own.Unit.PackState == nil || own.Unit.PackState.Location != mfrGLN || other.Unit.PackState != nil || other.Status != model.PackStates[0] {
			t.Fatalf("holder sees %+v, another party %+v", own.Unit.PackState, other.Unit.PackState)
		}
	})
}

func TestPackStateRules(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 6)
	_, err := e.submit(dst, "unit:SetPackState", packState("x1", dstGLN, model.StatusLocked, deviceCode(1)))
	t.Run("only the holder sets a pack state", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })
	_, err = e.submit(reg, "unit:SetPackState", packState("x2", "", model.StatusLocked, deviceCode(1)))
	t.Run("a regulator does not lock", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })
	e.must(nil, reg, "unit:SetPackState", packState("x3", "", model.StatusStolen, deviceCode(1)))
	t.Run("a regulator reports a unit stolen, which is final", func(t *testing.T) {
		if v := e.unitView(deviceCode(1)); v.Status != model.StatusStolen {
			t.Fatalf("status %s", v.Status)
		}
		_, err := e.submit(mfr, "unit:UndoPackState", undoPackState("x4", mfrGLN, deviceCode(1)))
		wantCode(t, err, model.CodeInvalid)
	})

	e.must(nil, mfr, "unit:SetPackState", packState("s1", mfrGLN, model.StatusSample, deviceCode(2), deviceCode(3)))
	e.must(nil, mfr, "unit:SetPackState", packState("l1", mfrGLN, model.StatusLocked, deviceCode(4)))
	e.advance(3 * 24 * time.Hour)
	_, err = e.submit(mfr, "unit:UndoPackState", undoPackState("u0", dstGLN, deviceCode(2)))
	t.Run("an undo elsewhere is refused", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
	_, err = e.submit(dst, "unit:UndoPackState", undoPackState("u0", mfrGLN, deviceCode(2)))
	t.Run("an undo by another party is refused", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })
	e.must(nil, mfr, "unit:UndoPackState", undoPackState("u1", mfrGLN, deviceCode(2)))
	t.Run("an undo within ten days at the same location returns the unit to active stock", func(t *testing.T) {
		v := e.unitView(deviceCode(2))
		if v.Status != model.StatusActive || v.Owner != mfr || v.Unit.PackState != nil {
			t.Fatalf("got %+v", v)
		}
		var ev model.Event
		e.mustEval(&ev, mfr, "query:Event", "u1", "")
		if ev.Detail == nil || ev.Detail.Undoes != "s1" || ev.Detail.PackState != model.StatusSample {
			t.Fatalf("event %+v", ev.Detail)
		}
	})
	e.advance(8 * 24 * time.Hour)
	_, err = e.submit(mfr, "unit:UndoPackState", undoPackState("u2", mfrGLN, deviceCode(3)))
	t.Run("an undo after ten days is refused", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
	e.must(nil, mfr, "unit:UndoPackState", undoPackState("u3", mfrGLN, deviceCode(4)))
	t.Run("a lock is lifted after ten days too", func(t *testing.T) {
		if v := e.unitView(deviceCode(4)); v.Status != model.StatusActive {
			t.Fatalf("status %s", v.Status)
		}
	})
}

func TestStolenInTransitCannotBeReceivedOrShipped(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "sh1", Location: mfrGLN}, To: dst, Codes: []string{deviceCode(1)}})
	e.must(nil, mfr, "unit:SetPackState", packState("st1", mfrGLN, model.StatusStolen, deviceCode(1)))
	_, err := e.submit(dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1"}, Codes: []string{deviceCode(1)}})
	wantCode(t, err, model.CodeInvalid)
	_, err = e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "sh2"}, To: hsp, Codes: []string{deviceCode(1)}})
	wantCode(t, err, model.CodeInvalid)
}

func TestCancelAndRefuseShipment(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	ship := func(id string) {
		e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: id, Location: mfrGLN}, To: dst, Codes: []string{deviceCode(1)}})
	}
	shipment := func(id string) model.ShipmentRequest {
		return model.ShipmentRequest{EventHeader: model.EventHeader{EventID: id}, Codes: []string{deviceCode(1)}, Reason: "test"}
	}
	ship("sh1")
	_, err := e.submit(dst, "unit:CancelShipment", shipment("cx0"))
	t.Run("only the sender cancels", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })
	e.must(nil, mfr, "unit:CancelShipment", shipment("cx1"))
	t.Run("a cancelled shipment is back in the sender's stock and cannot be received", func(t *testing.T) {
		v := e.unitView(deviceCode(1))
		if v.Status != model.StatusActive || v.Owner != mfr || v.Unit.ShipTo != "" || v.Location != mfrGLN {
			t.Fatalf("got %+v", v)
		}
		_, err := e.submit(dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r0"}, Codes: []string{deviceCode(1)}})
		wantCode(t, err, model.CodeInvalid)
	})

	ship("sh2")
	_, err = e.submit(hsp, "unit:RefuseShipment", shipment("rf0"))
	t.Run("only the receiver refuses", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })
	e.must(nil, dst, "unit:RefuseShipment", shipment("rf1"))
	_, err = e.submit(dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1"}, Codes: []string{deviceCode(1)}})
	t.Run("a refused shipment cannot be received by the refuser", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })
	e.must(nil, mfr, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r2", Location: mfrGLN}, Codes: []string{deviceCode(1)}})
	t.Run("the sender receives a refused shipment back into active stock", func(t *testing.T) {
		v := e.unitView(deviceCode(1))
		if v.Status != model.StatusActive || v.Owner != mfr {
			t.Fatalf("got %+v", v)
		}
		var h model.HoldingPage
		e.mustEval(&h, reg, "query:UnitsByHolder", dst, "0", "")
		for _, x := range h.Holdings {
			if x.Code == v.Unit.Key {
				t.Fatalf("%s still held by the refuser", x.Code)
			}
		}
	})
}

func TestRelocateKeepsTheOwner(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	second := gln("690123400002")
	p := e.partyRecord(mfr, model.RoleManufacturer)
	p.Locations = append(p.Locations, model.Location{GLN: second, Name: "warehouse"})
	e.must(nil, reg, "party:Update", p)
	move := func(id, from, to string) model.RelocateRequest {
		return model.RelocateRequest{EventHeader: model.EventHeader{EventID: id, Location: from}, Codes: []string{deviceCode(1)}, Destination: to}
	}
	_, err := e.submit(mfr, "unit:Relocate", move("m0", mfrGLN, dstGLN))
	t.Run("a GLN of another party is refused", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
	e.must(nil, mfr, "unit:Relocate", move("m1", mfrGLN, second))
	t.Run("the unit is at the other site, same owner, active", func(t *testing.T) {
		v := e.unitView(deviceCode(1))
		if v.Owner != mfr || v.Location != second || v.Status != model.StatusActive {
			t.Fatalf("got %+v", v)
		}
	})
	_, err = e.submit(mfr, "unit:Relocate", move("m2", mfrGLN, second))
	t.Run("goods not at the origin are refused", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
}

func TestEPCISVoidShippingAndStolenGoThroughTheirTransactions(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "sh1", Location: mfrGLN}, To: dst, Codes: []string{deviceCode(1)}})
	at := e.clock().Add(-time.Minute).Format(time.RFC3339)
	capture := func(id, step, disp string, n int) model.EPCISResult {
		var res model.EPCISResult
		e.must(&res, mfr, "epcis:Capture", epcisEvent(t, map[string]any{
			"type": "ObjectEvent", "eventID": id, "action": "OBSERVE", "bizStep": step, "disposition": disp,
			"eventTime": at, "eventTimeZoneOffset": "+00:00", "epcList": []string{deviceURI(n)},
		}))
		return res
	}
	if res := capture("urn:uuid:void-1", "void_shipping", "active", 1); res.Operation != "unit:CancelShipment" {
		t.Fatalf("void_shipping: %+v", res)
	}
	if v := e.unitView(deviceCode(1)); v.Status != model.StatusActive || v.Owner != mfr || v.Unit.ShipTo != "" {
		t.Fatalf("after void_shipping %+v", v)
	}
	if res := capture("urn:uuid:stolen-1", "decommissioning", "stolen", 2); res.Operation != "unit:SetPackState" {
		t.Fatalf("stolen: %+v", res)
	}
	if v := e.unitView(deviceCode(2)); v.Status != model.StatusStolen {
		t.Fatalf("after a stolen decommissioning %+v", v)
	}
}

func TestAReturnIsNeitherCancelledNorRefused(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	e.shipAndReceive("s1", mfr, dst, deviceCode(1))
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "rt1"}, Codes: []string{deviceCode(1)}})
	req := model.ShipmentRequest{EventHeader: model.EventHeader{EventID: "x1"}, Codes: []string{deviceCode(1)}}
	_, err := e.submit(dst, "unit:CancelShipment", req)
	wantCode(t, err, model.CodeInvalid)
	_, err = e.submit(mfr, "unit:RefuseShipment", req)
	wantCode(t, err, model.CodeInvalid)
}
