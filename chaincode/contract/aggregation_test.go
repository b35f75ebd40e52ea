package contract

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// packPallet commissions 6 units, packs them 3 by 3 into cases 1 and 2 and the cases onto a
// pallet; it returns the pallet code.
func (e *env) packPallet() string {
	e.t.Helper()
	e.commission("c1", 1, 6)
	e.must(nil, mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "p1", Location: mfrGLN}, Parent: caseCode(1), Children: codes(deviceCode, 1, 3)})
	e.must(nil, mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "p2", Location: mfrGLN}, Parent: caseCode(2), Children: codes(deviceCode, 4, 3)})
	pallet := sscc("06901234000000001")
	e.must(nil, mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "p3", Location: mfrGLN}, Parent: pallet, Children: []string{caseCode(1), caseCode(2)}})
	return pallet
}

func TestPackAndShipPallet(t *testing.T) {
	e := newEnv(t)
	e.seed()
	pallet := e.packPallet()

	t.Run("a packed unit names its container chain", func(t *testing.T) {
		v := e.unitView(deviceCode(5))
		if len(v.Chain) != 2 || v.Chain[0] != caseCode(2) || v.Chain[1] != pallet {
			t.Fatalf("chain = %v", v.Chain)
		}
	})
	t.Run("the manufacturer holds one pallet of six units", func(t *testing.T) {
		var h model.HoldingPage
		e.mustEval(&h, reg, "query:UnitsByHolder", mfr, "0", "")
		if len(h.Holdings) != 1 || h.Holdings[0].Code != pallet || h.Holdings[0].UnitCount != 6 {
			t.Fatalf("holdings = %+v", h.Holdings)
		}
	})

	_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s0"}, To: dst, Codes: []string{deviceCode(1)}})
	t.Run("a packed unit cannot be shipped on its own", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })

	_, err = e.submit(mfr, "unit:Pack", model.PackRequest{EventHeader: model.EventHeader{EventID: "p9"}, Parent: caseCode(3), Children: []string{deviceCode(1)}})
	t.Run("a packed unit cannot be packed again", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })

	var r model.EventResult
	e.must(&r, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{pallet}})
	t.Run("shipping a pallet moves every unit inside", func(t *testing.T) {
		if r.UnitCount != 6 {
			t.Fatalf("unit count = %d", r.UnitCount)
		}
		v := e.unitView(deviceCode(1))
		if v.Status != model.StatusInTransit {
			t.Fatalf("unit status = %s", v.Status)
		}
	})
	t.Run("shipping a pallet does not rewrite the units", func(t *testing.T) {
		v := e.unitView(deviceCode(1))
		if v.Unit.LastEventID != "p1" {
			t.Fatalf("unit last event = %s, want p1", v.Unit.LastEventID)
		}
	})

	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1", Location: dstGLN}, Codes: []string{pallet}})
	t.Run("after receipt the units are held by the receiver through the pallet", func(t *testing.T) {
		v := e.unitView(deviceCode(6))
		if v.Owner != dst || v.Location != dstGLN || v.Status != model.StatusActive {
			t.Fatalf("got owner %s location %s status %s", v.Owner, v.Location, v.Status)
		}
	})

	_, err = e.submit(dst, "unit:Unpack", model.UnpackRequest{EventHeader: model.EventHeader{EventID: "u0"}, Parent: caseCode(1)})
	t.Run("a case still on a pallet cannot be unpacked", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })

	e.must(nil, dst, "unit:Unpack", model.UnpackRequest{EventHeader: model.EventHeader{EventID: "u1"}, Parent: pallet})
	e.must(nil, dst, "unit:Unpack", model.UnpackRequest{EventHeader: model.EventHeader{EventID: "u2"}, Parent: caseCode(1), Children: []string{deviceCode(1)}})
	t.Run("an unpacked unit is loose at the holder and the case keeps the rest", func(t *testing.T) {
		v := e.unitView(deviceCode(1))
		if v.Unit.Parent != "" || v.Owner != dst || v.Location != dstGLN {
			t.Fatalf("got %+v", v)
		}
		var h model.HoldingPage
		e.mustEval(&h, reg, "query:UnitsByHolder", dst, "0", "")
		counts := map[string]int{}
		for _, x := range h.Holdings {
			counts[x.Code] = x.UnitCount
		}
		if counts[deviceCode(1)] != 1 || counts[caseCode(1)] != 2 || counts[caseCode(2)] != 3 || counts[pallet] != 0 {
			t.Fatalf("holdings = %+v", h.Holdings)
		}
	})

	e.shipAndReceive("h", dst, hsp, caseCode(2))
	var prov model.Provenance
	e.mustEval(&prov, reg, "query:Provenance", deviceCode(4))
	t.Run("provenance lists the unit's events and its containers' events while inside, in order", func(t *testing.T) {
		var got []string
		for _, p := range prov.Events {
			got = append(got, p.Event.EventID)
		}
		want := []string{"c1", "p2", "p3", "s1", "r1", "u1", "h-ship", "h-recv"}
		if len(got) != len(want) {
			t.Fatalf("events = %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("events = %v, want %v", got, want)
			}
		}
		if prov.Events[3].Via != pallet || prov.Events[6].Via != caseCode(2) || prov.Events[0].Event.Actor != mfr {
			t.Fatalf("via/actor wrong: %+v", prov.Events)
		}
	})
	var prov1 model.Provenance
	e.mustEval(&prov1, reg, "query:Provenance", deviceCode(1))
	t.Run("provenance leaves out container events after the unit was unpacked", func(t *testing.T) {
		for _, p := range prov1.Events {
			if p.Event.EventID == "h-ship" {
				t.Fatalf("unit 1 inherited the case's shipment after leaving it: %+v", prov1.Events)
			}
		}
		last := prov1.Events[len(prov1.Events)-1].Event.EventID
		if last != "u2" {
			t.Fatalf("last event = %s, want u2", last)
		}
	})
}
