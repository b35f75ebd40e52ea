package api

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// TestSupplyChainStory walks one device from commissioning to the patient and back through
// the HTTP API, as the five organisations would, on the embedded ledger.
func TestSupplyChainStory(t *testing.T) {
	w := newWorld(t)
	w.seed()
	pallet, box := ssccCode(1), caseCode(1)

	t.Run("the manufacturer commissions units given in several code forms", func(t *testing.T) {
		var r model.EventResult
		w.must(201, &r, mfr, "POST", "/v1/events/commission", map[string]any{
			"eventId": "urn:uuid:story-commission", "di": deviceDI, "lot": "L1", "location": mfrGLN,
			"codes": []string{deviceCode(1), "01" + deviceDI + "21S000002", digitalLink(3), deviceCode(4), deviceCode(5)},
		})
		if r.UnitCount != 5 || r.Codes[2] != deviceKey(3) || r.Replayed {
			t.Fatalf("commission result %+v, want 5 canonical codes", r)
		}
	})
	t.Run("the manufacturer packs units into a case and the case onto a pallet", func(t *testing.T) {
		w.must(201, nil, mfr, "POST", "/v1/events/pack", map[string]any{"parent": box, "children": []string{deviceCode(1), deviceCode(2), deviceCode(3)}})
		w.must(201, nil, mfr, "POST", "/v1/events/pack", map[string]any{"parent": pallet, "children": []string{box}})
	})
	t.Run("the pallet ships to the distributor in one event and is received", func(t *testing.T) {
		var r model.EventResult
		w.must(201, &r, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{pallet}, "location": mfrGLN,
			"bizTransactions": []map[string]string{{"type": "po", "bizTransaction": "PO-1"}}})
		if r.UnitCount != 3 {
			t.Fatalf("ship unitCount = %d, want 3 (the case's units)", r.UnitCount)
		}
		w.must(201, nil, dst, "POST", "/v1/events/receive", map[string]any{"codes": []string{pallet}, "location": dstGLN})
	})
	t.Run("the distributor holds the pallet", func(t *testing.T) {
		var page model.HoldingPage
		w.must(200, &page, dst, "GET", "/v1/holders/"+dst+"/units", nil)
		if page.Count != 1 || page.Holdings[0].Code != pallet || page.Holdings[0].UnitCount != 3 {
			t.Fatalf("distributor holdings %+v, want the pallet with 3 units", page)
		}
	})
	t.Run("the distributor unpacks and ships the case to the hospital, which receives it", func(t *testing.T) {
		w.must(201, nil, dst, "POST", "/v1/events/unpack", map[string]any{"parent": pallet})
		w.must(201, nil, dst, "POST", "/v1/events/ship", map[string]any{"to": hsp, "codes": []string{box}})
		w.must(201, nil, hsp, "POST", "/v1/events/receive", map[string]any{"codes": []string{box}, "location": hspGLN})
		w.must(201, nil, hsp, "POST", "/v1/events/unpack", map[string]any{"parent": box})
	})
	t.Run("the hospital verifies a unit before dispensing", func(t *testing.T) {
		var v model.Verification
		w.must(200, &v, hsp, "GET", "/v1/verify?code="+url.QueryEscape(digitalLink(1)), nil)
		if !v.Genuine || !v.Sellable || v.Owner != hsp {
			t.Fatalf("verification %+v, want genuine and sellable, held by the hospital", v)
		}
	})
	t.Run("a dispense keeps the patient reference out of the arguments and the public record", func(t *testing.T) {
		var r model.EventResult
		w.must(201, &r, hsp, "POST", "/v1/events/dispense", map[string]any{"eventId": "urn:uuid:story-dispense",
			"codes": []string{deviceCode(1)}, "location": hspGLN, "patientRef": "PATIENT-4711", "prescriptionRef": "RX-99"})
		props, public := w.rec.proposals("unit:PrepareDispense"), w.rec.proposals("unit:Dispense")
		if len(props) != 1 || len(public) != 1 {
			t.Fatalf("%d private and %d public dispense proposals, want one each", len(props), len(public))
		}
		p := props[0]
		for _, args := range [][]string{p.Args, public[0].Args} {
			if strings.Contains(strings.Join(args, " "), "PATIENT-4711") || strings.Contains(strings.Join(args, " "), "RX-99") {
				t.Fatalf("patient or prescription reference in the arguments: %q", args)
			}
		}
		if len(public[0].Transient) != 0 {
			t.Fatalf("the public dispense carries a transient map %q", public[0].Transient)
		}
		var priv model.DispensePrivate
		if err := json.Unmarshal(p.Transient[model.TransientDispense], &priv); err != nil || priv.PatientRef != "PATIENT-4711" ||
			priv.PrescriptionRef != "RX-99" || len(priv.Salt) < model.MinSaltLength {
			t.Fatalf("transient %q, want the references and a salt of at least %d characters", p.Transient[model.TransientDispense], model.MinSaltLength)
		}
		ev := w.must(200, nil, reg, "GET", "/v1/events/"+url.PathEscape("urn:uuid:story-dispense"), nil)
		if strings.Contains(string(ev.body), "PATIENT-4711") || !strings.Contains(string(ev.body), "patientHash") {
			t.Fatalf("public event %s holds the reference or lacks its hash", ev.body)
		}
	})
	t.Run("dispense details are for the dispenser and the regulator only", func(t *testing.T) {
		var rec model.DispenseRecord
		w.must(200, &rec, hsp, "GET", "/v1/dispenses/"+url.PathEscape("urn:uuid:story-dispense"), nil)
		if rec.PatientRef != "PATIENT-4711" {
			t.Fatalf("dispense record %+v", rec)
		}
		w.must(200, nil, reg, "GET", "/v1/dispenses/"+url.PathEscape("urn:uuid:story-dispense"), nil)
		p := problemOf(t, w.must(403, nil, mfr, "GET", "/v1/dispenses/"+url.PathEscape("urn:uuid:story-dispense"), nil))
		if p.Code != "FORBIDDEN" {
			t.Fatalf("problem %+v, want code FORBIDDEN", p)
		}
		// The distributor may not see the dispense at all (ADR 012): not told of it.
		p = problemOf(t, w.must(404, nil, dst, "GET", "/v1/dispenses/"+url.PathEscape("urn:uuid:story-dispense"), nil))
		if p.Code != "NOT_FOUND" || strings.Contains(p.Detail, hsp) {
			t.Fatalf("problem %+v, want NOT_FOUND naming no one", p)
		}
	})
	t.Run("the trace of a unit includes its containers' events, in order", func(t *testing.T) {
		var prov model.Provenance
		w.must(200, &prov, reg, "GET", "/v1/trace?code="+url.QueryEscape(deviceCode(1)), nil)
		var steps []string
		via := 0
		for _, e := range prov.Events {
			steps = append(steps, string(e.Event.BizStep))
			if e.Via != "" {
				via++
			}
		}
		want := "commissioning packing packing shipping receiving unpacking shipping receiving unpacking dispensing"
		if strings.Join(steps, " ") != want || via == 0 {
			t.Fatalf("trace steps %q (%d inherited), want %q with container events", strings.Join(steps, " "), via, want)
		}
	})
	t.Run("the hospital undoes the dispense, then returns, destroys and decommissions units", func(t *testing.T) {
		w.must(201, nil, hsp, "POST", "/v1/events/undo-dispense", map[string]any{"codes": []string{deviceCode(1)}, "reason": "wrong patient"})
		var r model.EventResult
		w.must(201, &r, hsp, "POST", "/v1/events/return", map[string]any{"codes": []string{deviceCode(1)}, "reason": "damaged"})
		w.must(201, nil, mfr, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1)}})
		w.must(201, nil, hsp, "POST", "/v1/events/destroy", map[string]any{"codes": []string{deviceCode(2)}, "reason": "broken seal"})
		w.must(201, nil, mfr, "POST", "/v1/events/decommission", map[string]any{"codes": []string{deviceCode(5)}, "reason": "sample"})
		var v model.Verification
		w.must(200, &v, reg, "GET", "/v1/verify?code="+url.QueryEscape(deviceCode(2)), nil)
		if v.Status != model.StatusDestroyed || v.Sellable {
			t.Fatalf("destroyed unit verifies as %+v", v)
		}
		var u model.UnitView
		w.must(200, &u, reg, "GET", "/v1/units?code="+url.QueryEscape(deviceCode(1)), nil)
		if u.Status != model.StatusReturned || u.Owner != mfr {
			t.Fatalf("returned unit %+v, want returned to the manufacturer", u)
		}
	})
	t.Run("a temperature excursion raises an alert and quarantines; a release lifts it", func(t *testing.T) {
		var r model.EventResult
		w.must(201, &r, mfr, "POST", "/v1/events/sensor", map[string]any{"codes": []string{deviceCode(4)},
			"sensorElementList": []map[string]any{{"deviceID": "logger-1", "sensorReport": []map[string]any{{"type": "gs1:Temperature", "value": 41.5, "uom": "CEL"}}}}})
		if r.AlertID == "" {
			t.Fatalf("sensor result %+v, want an alert", r)
		}
		var alerts model.AlertPage
		w.must(200, &alerts, reg, "GET", "/v1/alerts", nil)
		if alerts.Count != 1 || alerts.Alerts[0].Kind != model.AlertTemperature {
			t.Fatalf("alerts %+v, want the excursion", alerts)
		}
		var v model.Verification
		w.must(200, &v, reg, "GET", "/v1/verify?code="+url.QueryEscape(deviceCode(4)), nil)
		if v.Status != model.StatusQuarantined {
			t.Fatalf("unit after excursion %+v, want quarantined", v)
		}
		w.must(201, nil, mfr, "POST", "/v1/events/release", map[string]any{"codes": []string{deviceCode(4)}, "reason": "logger fault"})
		w.must(200, &v, reg, "GET", "/v1/verify?code="+url.QueryEscape(deviceCode(4)), nil)
		if v.Status != model.StatusActive {
			t.Fatalf("unit after release %+v, want active", v)
		}
	})
	t.Run("an inspection of a code never commissioned raises a counterfeit alert", func(t *testing.T) {
		var r model.InspectResult
		w.must(201, &r, hsp, "POST", "/v1/events/inspect", map[string]any{"code": deviceCode(999), "location": hspGLN})
		if r.Verification.Genuine || r.AlertID == "" {
			t.Fatalf("inspect result %+v, want not genuine with an alert", r)
		}
	})
	t.Run("events are listed by time and read one by one", func(t *testing.T) {
		var page model.EventPage
		r := w.must(200, &page, reg, "GET", "/v1/events?pageSize=3", nil)
		if page.Count != 3 || page.Bookmark == "" || !strings.Contains(r.header.Get("Link"), `rel="next"`) {
			t.Fatalf("first page %+v (Link %q), want 3 events and a next link", page, r.header.Get("Link"))
		}
		var next model.EventPage
		w.must(200, &next, reg, "GET", "/v1/events?pageSize=3&bookmark="+url.QueryEscape(page.Bookmark), nil)
		if next.Count == 0 || next.Events[0].EventID == page.Events[0].EventID {
			t.Fatalf("second page %+v repeats the first", next)
		}
		var ev model.Event
		w.must(200, &ev, reg, "GET", "/v1/events/"+url.PathEscape("urn:uuid:story-commission"), nil)
		if ev.BizStep != model.BizStepCommissioning || ev.Actor != mfr {
			t.Fatalf("event %+v", ev)
		}
	})
}
