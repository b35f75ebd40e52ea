package contract

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestVerifyAndInspect(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 2)
	e.shipAndReceive("m2p", mfr, plt, deviceCode(1), deviceCode(2))

	tests := []struct {
		name         string
		give         string
		wantGenuine  bool
		wantSellable bool
		wantStatus   model.Status
	}{
		{"a commissioned unit in stock is genuine and sellable", deviceCode(1), true, true, model.StatusActive},
		{"a code never commissioned is not genuine", deviceCode(99), false, false, ""},
		{"a code with a wrong lot on the pack is not genuine", "(01)" + deviceDI + "(10)FAKE(21)S000001", false, false, model.StatusActive},
		{"a malformed code is not genuine", "(01)12345", false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v model.Verification
			e.mustEval(&v, hsp, "query:Verify", tt.give)
			if v.Genuine != tt.wantGenuine || v.Sellable != tt.wantSellable || v.Status != tt.wantStatus {
				t.Fatalf("got %+v", v)
			}
		})
	}

	var counterfeit model.InspectResult
	e.must(&counterfeit, hsp, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: "i1", Location: hspGLN}, Code: deviceCode(99)})
	t.Run("inspecting a counterfeit code raises a counterfeit alert", func(t *testing.T) {
		var alerts model.AlertPage
		e.mustEval(&alerts, reg, "query:Alerts", "0", "")
		if counterfeit.AlertID != "i1" || len(alerts.Alerts) != 1 || alerts.Alerts[0].Kind != model.AlertCounterfeit {
			t.Fatalf("result %+v alerts %+v", counterfeit, alerts.Alerts)
		}
	})

	if _, err := e.submitT(plt, "unit:Dispense", dispenseTransient("buyer", ""), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "sale1"}, Codes: []string{deviceCode(1)}}); err != nil {
		t.Fatal(err)
	}
	var clone model.InspectResult
	e.must(&clone, hsp, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: "i2", Location: hspGLN}, Code: deviceCode(1)})
	t.Run("a code presented again after it was sold is a suspected clone", func(t *testing.T) {
		if !clone.Verification.CloneSuspected || clone.Verification.Sellable || clone.AlertID != "i2" {
			t.Fatalf("got %+v", clone)
		}
		var v model.Verification
		e.mustEval(&v, reg, "query:Verify", deviceCode(1))
		if !v.CloneSuspected {
			t.Fatalf("verify after inspection = %+v", v)
		}
	})

	var fine model.InspectResult
	e.must(&fine, plt, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: "i3"}, Code: deviceCode(2)})
	t.Run("the holder inspecting its own stock raises nothing", func(t *testing.T) {
		if fine.AlertID != "" || !fine.Verification.Sellable {
			t.Fatalf("got %+v", fine)
		}
	})
	var elsewhere model.InspectResult
	e.must(&elsewhere, hsp, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: "i4"}, Code: deviceCode(2)})
	t.Run("a code presented at a party that does not hold it raises an alert but leaves the holder's goods sellable", func(t *testing.T) {
		if elsewhere.AlertID != "i4" || elsewhere.Verification.CloneSuspected || !elsewhere.Verification.Sellable {
			t.Fatalf("got %+v", elsewhere)
		}
		var v model.Verification
		e.mustEval(&v, reg, "query:Verify", deviceCode(2))
		if v.CloneSuspected || !v.Sellable {
			t.Fatalf("verify after another party's scan = %+v", v)
		}
	})
	t.Run("the same party scanning the same code again raises no second alert", func(t *testing.T) {
		var again model.InspectResult
		e.must(&again, hsp, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: "i5"}, Code: deviceCode(2)})
		var alerts model.AlertPage
		e.mustEval(&alerts, reg, "query:Alerts", "0", "")
		n := 0
		for _, a := range alerts.Alerts {
			if a.Kind == model.AlertClone && a.Codes[0] == deviceCode(2) {
				n++
			}
		}
		if again.AlertID != "i4" || n != 1 {
			t.Fatalf("second scan %+v, %d clone alerts for the code, want the first alert once", again, n)
		}
	})
	t.Run("the manufacturer's word marks its goods held elsewhere", func(t *testing.T) {
		var marked model.InspectResult
		e.must(&marked, mfr, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: "i6"}, Code: deviceCode(2)})
		if !marked.Verification.CloneSuspected || marked.Verification.Sellable {
			t.Fatalf("got %+v", marked)
		}
	})
	t.Run("a code longer than any code is refused", func(t *testing.T) {
		_, err := e.submit(hsp, "unit:Inspect", model.InspectRequest{EventHeader: model.EventHeader{EventID: "i7"}, Code: strings.Repeat("x", model.MaxCodeLength+1)})
		wantCode(t, err, model.CodeInvalid)
	})
}
