package contract

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

func dispenseTransient(patient, rx string) map[string][]byte {
	b, _ := json.Marshal(model.DispensePrivate{PatientRef: patient, PrescriptionRef: rx, Salt: "0123456789abcdef-salt"})
	return map[string][]byte{model.TransientDispense: b}
}

// stockHospital commissions drug units 1..n and moves them to the hospital.
func (e *env) stockHospital(n int) {
	e.t.Helper()
	e.must(nil, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "dc"}, DI: drugCode7, Lot: "D1", Codes: codes(drugCode, 1, n)})
	e.shipAndReceive("m2d", mfr, dst, codes(drugCode, 1, n)...)
	e.shipAndReceive("d2h", dst, hsp, codes(drugCode, 1, n)...)
}

func TestDispense(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.stockHospital(4)

	_, err := e.submitT(hsp, "unit:Dispense", dispenseTransient("patient-42", ""), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "x1"}, Codes: []string{drugCode(1)}})
	t.Run("a prescription-only product needs a prescription reference", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })

	_, err = e.submitT(hsp, "unit:Dispense", nil, model.DispenseRequest{EventHeader: model.EventHeader{EventID: "x2"}, Codes: []string{drugCode(1)}})
	t.Run("a dispense without the transient patient reference is invalid", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })

	_, err = e.submitT(dst, "unit:Dispense", dispenseTransient("patient-42", "rx-7"), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "x3"}, Codes: []string{drugCode(1)}})
	t.Run("a distributor cannot dispense", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	var r model.EventResult
	b, err := e.submitT(hsp, "unit:Dispense", dispenseTransient("patient-42", "rx-7"), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "x4", Location: hspGLN}, Codes: []string{drugCode(1), drugCode(2)}})
	if err != nil {
		t.Fatalf("dispense: %v", err)
	}
	decode(t, b, &r)
	v := e.unitView(drugCode(1))
	t.Run("a dispensed unit is dispensed and public state holds only salted hashes", func(t *testing.T) {
		if v.Status != model.StatusDispensed || v.Unit.Dispense == nil || v.Unit.Dispense.PatientHash != model.SaltedHash("0123456789abcdef-salt", "patient-42") {
			t.Fatalf("got %+v", v.Unit)
		}
		raw, _ := json.Marshal(v)
		var ev model.Event
		e.mustEval(&ev, reg, "query:Event", "x4", "")
		evRaw, _ := json.Marshal(ev)
		if strings.Contains(string(raw)+string(evRaw), "patient-42") || strings.Contains(string(raw)+string(evRaw), "rx-7") {
			t.Fatalf("a reference reached public state: %s %s", raw, evRaw)
		}
	})
	t.Run("the dispensing hospital and the regulator read the private details", func(t *testing.T) {
		for _, msp := range []string{hsp, reg} {
			var rec model.DispenseRecord
			e.mustEval(&rec, msp, "unit:DispenseDetails", "x4", "")
			if rec.PatientRef != "patient-42" || rec.PrescriptionRef != "rx-7" {
				t.Fatalf("%s read %+v", msp, rec)
			}
		}
	})
	t.Run("the manufacturer sees the dispense of its product but not its private details", func(t *testing.T) {
		wantCode(t, e.eval(nil, mfr, "unit:DispenseDetails", "x4", ""), model.CodeForbidden)
	})
	t.Run("an organisation that may not see the dispense is not told of it (ADR 012)", func(t *testing.T) {
		for _, by := range []string{"", hsp} {
			err := e.eval(nil, dst, "unit:DispenseDetails", "x4", by)
			wantCode(t, err, model.CodeNotFound)
			if strings.Contains(err.Error(), hsp) {
				t.Fatalf("the refusal %q names the dispenser", err)
			}
		}
	})

	_, err = e.submitT(hsp, "unit:Dispense", dispenseTransient("patient-43", "rx-8"), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "x5"}, Codes: []string{drugCode(1)}})
	t.Run("a dispensed unit cannot be dispensed again and the error names its status", func(t *testing.T) {
		wantCode(t, err, model.CodeInvalid)
		if !strings.Contains(err.Error(), "dispensed") {
			t.Fatalf("error %q", err)
		}
	})

	_, err = e.submit(plt, "unit:UndoDispense", model.UndoDispenseRequest{EventHeader: model.EventHeader{EventID: "ud0"}, Codes: []string{drugCode(1)}})
	t.Run("only the dispensing party undoes a dispense", func(t *testing.T) { wantCode(t, err, model.CodeForbidden) })

	e.advance(3 * 24 * time.Hour)
	e.must(nil, hsp, "unit:UndoDispense", model.UndoDispenseRequest{EventHeader: model.EventHeader{EventID: "ud1"}, Codes: []string{drugCode(1)}, Reason: "wrong patient"})
	t.Run("the dispensing party undoes within ten days and the unit is back in stock", func(t *testing.T) {
		v := e.unitView(drugCode(1))
		if v.Status != model.StatusActive || v.Owner != hsp || v.Unit.Dispense != nil {
			t.Fatalf("got %+v", v)
		}
	})

	e.advance(8 * 24 * time.Hour)
	_, err = e.submit(hsp, "unit:UndoDispense", model.UndoDispenseRequest{EventHeader: model.EventHeader{EventID: "ud2"}, Codes: []string{drugCode(2)}})
	t.Run("a dispense older than ten days cannot be undone", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
}

func TestUndoDispenseNeverFromRecalled(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.stockHospital(1)
	if _, err := e.submitT(hsp, "unit:Dispense", dispenseTransient("p", "rx"), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "x1"}, Codes: []string{drugCode(1)}}); err != nil {
		t.Fatal(err)
	}
	e.must(nil, reg, "recall:Start", model.RecallRequest{ID: "R1", Class: model.RecallClassII, Depth: model.DepthConsumer, Reason: "potency",
		Scope: model.RecallScope{Type: model.ScopeLot, DI: drugCode7, Lot: "D1"}})
	_, err := e.submit(hsp, "unit:UndoDispense", model.UndoDispenseRequest{EventHeader: model.EventHeader{EventID: "ud1"}, Codes: []string{drugCode(1)}})
	wantCode(t, err, model.CodeInvalid)
}

func TestPlatformSells(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.commission("c1", 1, 1)
	e.shipAndReceive("m2p", mfr, plt, deviceCode(1))
	var r model.EventResult
	b, err := e.submitT(plt, "unit:Dispense", dispenseTransient("buyer-1", ""), model.DispenseRequest{EventHeader: model.EventHeader{EventID: "sale1"}, Codes: []string{deviceCode(1)}})
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b, &r)
	var ev model.Event
	e.mustEval(&ev, reg, "query:Event", "sale1", "")
	t.Run("a platform's sale of an OTC product is recorded as retail selling", func(t *testing.T) {
		if ev.BizStep != model.BizStepRetailSelling || ev.Disposition != model.DispositionRetailSold {
			t.Fatalf("got %s/%s", ev.BizStep, ev.Disposition)
		}
	})
}
