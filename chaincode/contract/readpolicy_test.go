package contract

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// The read policy: a party sees its own goods and the events it took part in, a manufacturer
// follows its products, a regulator sees everything.
func TestReadsAreNeedToKnow(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.shipAndReceive("s1", mfr, dst, deviceCode(1))
	e.must(nil, plt, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: "plt-scan"}, Code: deviceCode(1)})

	t.Run("a competitor may not list what a party holds", func(t *testing.T) {
		wantCode(t, e.eval(nil, plt, "query:UnitsByHolder", dst, "0", ""), model.CodeForbidden)
		var own, all model.HoldingPage
		e.mustEval(&own, dst, "query:UnitsByHolder", dst, "0", "")
		e.mustEval(&all, reg, "query:UnitsByHolder", dst, "0", "")
		if own.Count != 1 || all.Count != 1 {
			t.Fatalf("the holder sees %d, the regulator %d, want 1 each", own.Count, all.Count)
		}
	})
	t.Run("verify names the holder only to the holder, the manufacturer and regulators", func(t *testing.T) {
		for msp, want := range map[string]string{hsp: "", plt: "", dst: dst, mfr: dst, reg: dst} {
			var v model.Verification
			e.mustEval(&v, msp, "query:Verify", deviceCode(1))
			if !v.Genuine || v.Owner != want {
				t.Errorf("%s reads owner %q, want %q", msp, v.Owner, want)
			}
		}
	})
	t.Run("a party sees the alerts it raised, a regulator all", func(t *testing.T) {
		var mine, others, all model.AlertPage
		e.mustEval(&mine, plt, "query:Alerts", "0", "")
		e.mustEval(&others, hsp, "query:Alerts", "0", "")
		e.mustEval(&all, reg, "query:Alerts", "0", "")
		var maker model.AlertPage
		e.mustEval(&maker, mfr, "query:Alerts", "0", "")
		if mine.Count != 1 || others.Count != 0 || all.Count != 1 || maker.Count != 1 {
			t.Fatalf("platform %d, hospital %d, regulator %d, manufacturer %d alerts; want 1, 0, 1, 1", mine.Count, others.Count, all.Count, maker.Count)
		}
		if mine.Alerts[0].Message != "suspected clone: presented to "+plt+" while active" {
			t.Fatalf("the reporter's alert %q names more than it may", mine.Alerts[0].Message)
		}
	})
	t.Run("events are listed to those who took part in them", func(t *testing.T) {
		ids := func(msp string) map[string]bool {
			var p model.EventPage
			e.mustEval(&p, msp, "query:EventsByTime", "", "", "0", "")
			out := map[string]bool{}
			for _, ev := range p.Events {
				out[ev.EventID] = true
			}
			return out
		}
		if got := ids(hsp); len(got) != 0 {
			t.Errorf("the hospital sees %v, want nothing", got)
		}
		if got := ids(dst); !got["s1-ship"] {
			t.Errorf("the receiver does not see the shipment to it: %v", got)
		}
		if got := ids(dst); got["c1"] {
			t.Errorf("the distributor sees the manufacturer's commissioning: %v", got)
		}
		if got := ids(reg); !got["c1"] || !got["plt-scan"] {
			t.Errorf("the regulator misses events: %v", got)
		}
		if got := ids(mfr); !got["plt-scan"] || !got["s1-recv"] {
			t.Errorf("the manufacturer does not follow its product down the chain: %v", got)
		}
	})
	t.Run("another party's event is not found", func(t *testing.T) {
		wantCode(t, e.eval(nil, hsp, "query:Event", "c1", ""), model.CodeNotFound)
		if err := e.eval(nil, mfr, "query:Event", "c1", ""); err != nil {
			t.Fatalf("the submitter reads its event: %v", err)
		}
	})
}

func TestProvenanceIsForTheManufacturerRegulatorsAndThoseWhoTookPart(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	e.shipAndReceive("s1", mfr, dst, deviceCode(1))
	e.shipAndReceive("s2", dst, hsp, deviceCode(1))
	count := func(msp string) int {
		var p model.Provenance
		e.mustEval(&p, msp, "query:Provenance", deviceCode(1))
		return len(p.Events)
	}
	for msp, want := range map[string]int{reg: 5, mfr: 5, dst: 4, hsp: 2, plt: 0} {
		if got := count(msp); got != want {
			t.Errorf("%s sees %d events of the unit, want %d", msp, got, want)
		}
	}
}

func TestStockLinesAreTheirHoldersOwn(t *testing.T) {
	e := newEnv(t)
	e.seed()
	lot := "(01)" + deviceDI + "(10)L1"
	e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "q1"}, DI: deviceDI, Lot: "L1", Quantity: 50})
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "q2"}, To: dst, Quantities: []model.QuantityElement{{Code: lot, Quantity: 20}}})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "q3"}, Quantities: []model.QuantityElement{{Code: lot, Quantity: 20, From: mfr}}})
	e.must(nil, dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "q4"}, To: hsp, Quantities: []model.QuantityElement{{Code: lot, Quantity: 5}}})
	lines := func(msp string) (int, int) {
		var sv model.StockView
		e.mustEval(&sv, msp, "query:Stock", lot)
		return len(sv.InStock), len(sv.InTransit)
	}
	for msp, want := range map[string][2]int{mfr: {2, 1}, reg: {2, 1}, dst: {1, 1}, hsp: {0, 1}, plt: {0, 0}} {
		if s, tr := lines(msp); s != want[0] || tr != want[1] {
			t.Errorf("%s sees %d stock and %d transit lines, want %v", msp, s, tr, want)
		}
	}
}

func TestARecallsScopeShowsEachHolderItsOwnPart(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 3)
	e.shipAndReceive("s1", mfr, dst, deviceCode(1))
	e.shipAndReceive("s2", mfr, hsp, deviceCode(2))
	e.must(nil, mfr, "recall:Start", model.RecallRequest{ID: "R1", Class: model.RecallClassII, Depth: model.DepthRetail,
		Reason: "seal", Scope: model.RecallScope{Type: model.ScopeLot, DI: deviceDI, Lot: "L1"}})
	for msp, want := range map[string]int{reg: 3, mfr: 3, dst: 1, hsp: 1, plt: 0} {
		var st model.RecallStatus
		e.mustEval(&st, msp, "recall:Scope", "R1", "false")
		if len(st.Holders) != want || st.Counts.InStock+st.Counts.InTransit != 3 {
			t.Errorf("%s sees %d holders and counts %+v, want %d holders and the totals", msp, len(st.Holders), st.Counts, want)
		}
		if want == 1 && st.Holders[0].Holder != msp {
			t.Errorf("%s sees %s's part", msp, st.Holders[0].Holder)
		}
	}
}

func TestOnlyHoldersAcknowledgeARecall(t *testing.T) {
	e := newEnv(t)
	e.seed()
	pallet := e.packPallet()
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{pallet}})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1"}, Codes: []string{pallet}})
	e.must(nil, reg, "recall:Start", lotRecall("R1", model.DepthRetail))

	_, err := e.submit(plt, "recall:Acknowledge", model.AckRequest{RecallID: "R1"})
	wantCode(t, err, model.CodeForbidden)
	if _, err := e.submit(dst, "recall:Acknowledge", model.AckRequest{RecallID: "R1"}); err != nil {
		t.Fatalf("the holder of a pallet of the lot acknowledges: %v", err)
	}
	var st model.RecallStatus
	e.mustEval(&st, reg, "recall:Scope", "R1", "false")
	if len(st.Acknowledgements) != 1 || st.Acknowledgements[0].MSPID != dst {
		t.Fatalf("acknowledgements %+v, want the holder's only", st.Acknowledgements)
	}
}

// A return is a shipment its receiver accepts: nobody puts goods into another's books.
func TestAReturnWaitsForItsReceiver(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.shipAndReceive("s1", mfr, dst, deviceCode(1), deviceCode(2))
	e.must(nil, dst, "unit:Return", model.ReturnRequest{EventHeader: model.EventHeader{EventID: "ret"}, Codes: []string{deviceCode(1)}, To: plt, Reason: "wrong order"})

	if v := e.unitView(deviceCode(1)); v.Stage != model.StatusInTransit || v.Owner != dst {
		t.Fatalf("a return on its way: %+v, want in transit and still the sender's", v)
	}
	var held model.HoldingPage
	e.mustEval(&held, plt, "query:UnitsByHolder", plt, "0", "")
	if held.Count != 0 {
		t.Fatalf("the receiver's books hold %+v before it accepted anything", held)
	}
	_, err := e.submit(hsp, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "grab"}, Codes: []string{deviceCode(1)}})
	wantCode(t, err, model.CodeForbidden)
	e.must(nil, dst, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s2"}, To: plt, Codes: []string{deviceCode(2)}})
	_, err = e.submit(plt, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "mixed"}, Codes: []string{deviceCode(1), deviceCode(2)}})
	wantCode(t, err, model.CodeInvalid)

	e.must(nil, plt, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "accept"}, Codes: []string{deviceCode(1)}})
	if v := e.unitView(deviceCode(1)); v.Unit.Status != model.StatusReturned || v.Owner != plt || v.Unit.Returning {
		t.Fatalf("an accepted return: %+v, want returned and the receiver's", v)
	}
}

func TestAUnitsHolderIsNeedToKnow(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	e.shipAndReceive("s1", mfr, dst, deviceCode(1))
	for msp, sees := range map[string]bool{dst: true, mfr: true, reg: true, plt: false, hsp: false} {
		var v model.UnitView
		e.mustEval(&v, msp, "query:Unit", deviceCode(1))
		if got := v.Owner == dst && v.Unit.Owner == dst && v.Unit.LastEventID != ""; got != sees {
			t.Errorf("%s reads holder %q/%q, last event %q; sees the holder: %v, want %v", msp, v.Owner, v.Unit.Owner, v.Unit.LastEventID, got, sees)
		}
		if v.Unit.Key == "" || v.Status != model.StatusActive || v.Unit.Lot != "L1" {
			t.Errorf("%s does not learn the unit's public facts: %+v", msp, v)
		}
		if !sees && (v.Unit.Location != "" || v.Unit.ShipFrom != "" || v.Unit.UpdatedAt != "" || v.Unit.LastEventBy != "") {
			t.Errorf("%s learns where the unit is or was: %+v", msp, v.Unit)
		}
	}
}

// A refusal tells a party that it may not act, never who holds the goods (ADR 012).
func TestRefusalsDoNotNameTheHolder(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.shipAndReceive("s1", mfr, dst, deviceCode(1))
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s2"}, To: dst, Codes: []string{deviceCode(2)}})
	h := model.EventHeader{EventID: "x"}
	for name, try := range map[string]func() error{
		"ship": func() error {
			_, err := e.submit(plt, "unit:Ship", model.ShipRequest{EventHeader: h, To: hsp, Codes: []string{deviceCode(1)}})
			return err
		},
		"receive": func() error {
			_, err := e.submit(hsp, "unit:Receive", model.ReceiveRequest{EventHeader: h, Codes: []string{deviceCode(2)}})
			return err
		},
		"destroy": func() error {
			_, err := e.submit(plt, "unit:Destroy", model.DisposeRequest{EventHeader: h, Codes: []string{deviceCode(1)}, Reason: "r"})
			return err
		},
	} {
		err := try()
		wantCode(t, err, model.CodeForbidden)
		if strings.Contains(err.Error(), dst) || strings.Contains(err.Error(), mfr) {
			t.Errorf("%s by a stranger: %q names a holder", name, err)
		}
	}
}
