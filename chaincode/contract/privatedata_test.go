package contract

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// transientWithSalt is a dispense's private part with a salt of the test's choosing.
func transientWithSalt(patient, salt string) map[string][]byte {
	b, _ := json.Marshal(model.DispensePrivate{PatientRef: patient, PrescriptionRef: "rx-1", Salt: salt})
	return map[string][]byte{model.TransientDispense: b}
}

// privateRecord reads the dispense record of by's event straight from a collection as msp
// (probe contract).
func (e *env) privateRecord(msp, collection, eventID, by string) (string, error) {
	b, err := e.eng.Evaluate(context.Background(), ledger.Proposal{Identity: e.identity(msp),
		Function: "probe:PrivateRecord", Args: []string{collection, eventID, by}})
	return string(b), err
}

// privateEnv is a ledger with the probe contract: the hospital dispensed "h1" (drug unit 1)
// and the platform sold "p1" (device unit 1).
func privateEnv(t *testing.T) *env {
	cc, err := probeChaincode()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, cc)
	e.seed()
	e.stockHospital(2)
	e.commission("c1", 1, 1)
	e.shipAndReceive("m2p", mfr, plt, deviceCode(1))
	if _, err := e.submitT(hsp, "unit:Dispense", transientWithSalt("patient-h", "salt-h-0123456789"), model.DispenseRequest{
		EventHeader: model.EventHeader{EventID: "h1"}, Codes: []string{drugCode(1)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.submitT(plt, "unit:Dispense", transientWithSalt("buyer-p", "salt-p-0123456789"), model.DispenseRequest{
		EventHeader: model.EventHeader{EventID: "p1"}, Codes: []string{deviceCode(1)}}); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestOneDispenseCollectionPerDispenser(t *testing.T) {
	e := privateEnv(t)
	hc, pc := orgs.DispenseCollection(hsp).Name, orgs.DispenseCollection(plt).Name
	if hc != "dispense-"+hsp || pc != "dispense-"+plt {
		t.Fatalf("collections %s, %s", hc, pc)
	}
	reads := []struct {
		name, who, collection, event, by string
		want                             string // a substring of the record; "" for none
		refused                          bool
	}{
		{"the hospital's dispense is in the hospital's collection", hsp, hc, "h1", hsp, "patient-h", false},
		{"the regulator reads the hospital's collection", reg, hc, "h1", hsp, "patient-h", false},
		{"the platform cannot read the hospital's collection", plt, hc, "h1", hsp, "", true},
		{"the platform's sale is in the platform's collection", plt, pc, "p1", plt, "buyer-p", false},
		{"the regulator reads the platform's collection", reg, pc, "p1", plt, "buyer-p", false},
		{"the hospital cannot read the platform's collection", hsp, pc, "p1", plt, "", true},
		{"the platform's sale is not in the hospital's collection", hsp, hc, "p1", plt, "", false},
	}
	for _, tt := range reads {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.privateRecord(tt.who, tt.collection, tt.event, tt.by)
			if tt.refused {
				if err == nil || !strings.Contains(err.Error(), "read access permission") {
					t.Fatalf("read %q, %v; want refused", got, err)
				}
				return
			}
			if err != nil || (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("read %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	t.Run("the platform is not told of the hospital's dispense details, the regulator reads them", func(t *testing.T) {
		wantCode(t, e.eval(nil, plt, "unit:DispenseDetails", "h1", hsp), model.CodeNotFound)
		var rec model.DispenseRecord
		e.mustEval(&rec, reg, "unit:DispenseDetails", "h1", hsp)
		if rec.PatientRef != "patient-h" || rec.By != hsp {
			t.Fatalf("regulator read %+v", rec)
		}
	})
	t.Run("a retry under a new salt replays the dispense under the recorded salt", func(t *testing.T) {
		b, err := e.submitT(hsp, "unit:Dispense", transientWithSalt("patient-h", "another-salt-0123456789"), model.DispenseRequest{
			EventHeader: model.EventHeader{EventID: "h1"}, Codes: []string{drugCode(1)}})
		if err != nil {
			t.Fatal(err)
		}
		var r model.EventResult
		decode(t, b, &r)
		if !r.Replayed {
			t.Fatalf("not replayed: %+v", r)
		}
		if h := e.unitView(drugCode(1)).Unit.Dispense.PatientHash; h != model.SaltedHash("salt-h-0123456789", "patient-h") {
			t.Fatalf("patient hash %s changed", h)
		}
	})
	t.Run("a retry naming another patient is a conflict", func(t *testing.T) {
		_, err := e.submitT(hsp, "unit:Dispense", transientWithSalt("patient-x", "another-salt-0123456789"), model.DispenseRequest{
			EventHeader: model.EventHeader{EventID: "h1"}, Codes: []string{drugCode(1)}})
		wantCode(t, err, model.CodeConflict)
	})
}

func TestEraseDispense(t *testing.T) {
	e := privateEnv(t)
	hc := orgs.DispenseCollection(hsp).Name
	erase := func(msp, id, dispense string) ([]byte, error) {
		return e.submit(msp, "unit:EraseDispense", model.EraseDispenseRequest{EventHeader: model.EventHeader{EventID: id}, Dispense: dispense, Reason: "patient's request"})
	}
	refusals := []struct {
		name, who, dispense string
		want                model.Code
	}{
		// Event IDs are each submitter's own (ADR 015): another party names none of its own.
		{"another dispenser has no such dispense to erase", plt, "h1", model.CodeNotFound},
		{"the regulator may not erase", reg, "h1", model.CodeForbidden},
		{"a distributor may not erase", dst, "h1", model.CodeForbidden},
		{"an unknown dispense is NOT_FOUND", hsp, "nope", model.CodeNotFound},
		{"an event that is no dispense is INVALID", hsp, "d2h-recv", model.CodeInvalid},
		{"an empty dispense ID is INVALID", hsp, "", model.CodeInvalid},
	}
	for i, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := erase(tt.who, "er-refused-"+string(rune('a'+i)), tt.dispense)
			wantCode(t, err, tt.want)
		})
	}
	before := e.unitView(drugCode(1)).Unit.Dispense.PatientHash

	b, err := erase(hsp, "er1", "h1")
	if err != nil {
		t.Fatalf("erase: %v", err)
	}
	var r model.EventResult
	decode(t, b, &r)
	t.Run("the details are gone for the hospital and the regulator", func(t *testing.T) {
		for _, msp := range []string{hsp, reg} {
			err := e.eval(nil, msp, "unit:DispenseDetails", "h1", hsp)
			wantCode(t, err, model.CodeNotFound)
			if got, err := e.privateRecord(msp, hc, "h1", hsp); err != nil || got != "" {
				t.Fatalf("%s reads %q, %v from the collection", msp, got, err)
			}
		}
	})
	t.Run("the platform's own records are untouched", func(t *testing.T) {
		var rec model.DispenseRecord
		e.mustEval(&rec, plt, "unit:DispenseDetails", "p1", "")
	})
	t.Run("the public dispense stays, its hash now linkable to no one", func(t *testing.T) {
		if got := e.unitView(drugCode(1)).Unit.Dispense.PatientHash; got != before || got == "" {
			t.Fatalf("patient hash %q, was %q", got, before)
		}
	})
	t.Run("the erasure is an event naming the dispense, not the patient", func(t *testing.T) {
		var ev model.Event
		e.mustEval(&ev, reg, "query:Event", "er1", "")
		raw, _ := json.Marshal(ev)
		if ev.Actor != hsp || ev.BizStep != model.BizStepErasing || ev.Detail == nil || ev.Detail.Erases != "h1" || strings.Contains(string(raw), "patient-h") || ev.Detail.PatientHash != "" {
			t.Fatalf("erasure event %s", raw)
		}
	})
	t.Run("a retry of the erasure replays it", func(t *testing.T) {
		b, err := erase(hsp, "er1", "h1")
		if err != nil {
			t.Fatal(err)
		}
		var again model.EventResult
		decode(t, b, &again)
		if !again.Replayed || again.TxID != r.TxID {
			t.Fatalf("got %+v, first %+v", again, r)
		}
	})
	t.Run("a second erasure of the same dispense is a conflict", func(t *testing.T) {
		_, err := erase(hsp, "er2", "h1")
		wantCode(t, err, model.CodeConflict)
	})
	t.Run("a retry of the erased dispense under a new salt is a conflict and writes nothing", func(t *testing.T) {
		_, err := e.submitT(hsp, "unit:Dispense", transientWithSalt("patient-h", "new-salt-0123456789"), model.DispenseRequest{
			EventHeader: model.EventHeader{EventID: "h1"}, Codes: []string{drugCode(1)}})
		wantCode(t, err, model.CodeConflict)
		if got, err := e.privateRecord(hsp, hc, "h1", hsp); err != nil || got != "" {
			t.Fatalf("record %q, %v", got, err)
		}
	})
	t.Run("the ledger verifies after the purge", func(t *testing.T) {
		if rep, err := e.eng.Verify(context.Background()); err != nil || !rep.OK() {
			t.Fatalf("verify = %+v, %v", rep, err)
		}
	})
}
