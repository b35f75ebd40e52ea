package api

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestRecallExtensionsAndDispensedLists(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:rd-commission", 1, 3)
	w.must(201, nil, mfr, "POST", "/v1/lots", map[string]any{"di": deviceDI, "lot": "L2", "expiry": day(300), "quantity": 10})
	w.must(201, nil, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": "urn:uuid:rd-commission-2", "di": deviceDI, "lot": "L2",
		"codes": []string{deviceCode(4)}, "location": mfrGLN})
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": hsp, "codes": []string{deviceCode(1), deviceCode(2), deviceCode(4)}})
	w.must(201, nil, hsp, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1), deviceCode(2), deviceCode(4)}})
	w.must(201, nil, hsp, "POST", "/v1/events/dispense", map[string]any{"eventId": "urn:uuid:rd-dispense", "codes": []string{deviceCode(1)},
		"location": hspGLN, "patientRef": "P-1", "prescriptionRef": "RX-1"})
	w.must(201, nil, hsp, "POST", "/v1/events/dispense", map[string]any{"eventId": "urn:uuid:rd-dispense-2", "codes": []string{deviceCode(4)},
		"location": hspGLN, "patientRef": "P-4"})
	w.must(201, nil, reg, "POST", "/v1/recalls", map[string]any{"id": "RC-D", "class": "I", "depth": "retail", "reason": "sterility",
		"scope": map[string]string{"type": "lot", "di": deviceDI, "lot": "L1"}})

	dispensed := "/v1/recalls/RC-D/dispensed"
	t.Run("the hospital lists the units it dispensed with its own references", func(t *testing.T) {
		var d model.RecallDispensed
		w.must(200, &d, hsp, "GET", dispensed, nil)
		if d.RecallID != "RC-D" || d.PatientContact || len(d.Units) != 1 || d.Units[0].Code != deviceCode(1) ||
			d.Units[0].PatientRef != "P-1" || d.Units[0].PrescriptionRef != "RX-1" || d.Units[0].EventID != "urn:uuid:rd-dispense" {
			t.Fatalf("dispensed %+v", d)
		}
	})
	t.Run("a distributor is refused and a dispenser without dispenses gets none", func(t *testing.T) {
		if p := problemOf(t, w.must(403, nil, dst, "GET", dispensed, nil)); p.Code != "FORBIDDEN" {
			t.Fatalf("problem %+v", p)
		}
		var d model.RecallDispensed
		w.must(200, &d, plt, "GET", dispensed, nil)
		if len(d.Units) != 0 {
			t.Fatalf("the platform got %+v", d.Units)
		}
		w.must(404, nil, hsp, "GET", "/v1/recalls/RC-404/dispensed", nil)
	})
	t.Run("an amendment adds a lot and the consumer depth; the list follows", func(t *testing.T) {
		var r model.Recall
		w.must(200, &r, reg, "POST", "/v1/recalls/RC-D/amend", map[string]any{"reason": "second lot affected", "depth": "consumer",
			"acknowledgeWithinHours": 12, "addScopes": []map[string]string{{"type": "lot", "di": deviceDI, "lot": "L2"}}})
		if len(r.MoreScopes) != 1 || r.Depth != model.DepthConsumer || !strings.Contains(strings.Join(r.History[0].Changes, ";"), "added lot") {
			t.Fatalf("amended %+v", r)
		}
		var d model.RecallDispensed
		w.must(200, &d, hsp, "GET", dispensed, nil)
		if !d.PatientContact || len(d.Units) != 2 || d.Units[1].PatientRef != "P-4" {
			t.Fatalf("dispensed %+v", d)
		}
		var st model.RecallStatus
		w.must(200, &st, reg, "GET", "/v1/recalls/RC-D/scope", nil)
		if st.Counts.Total != 4 || st.Required != 4 || len(st.Holders) != 2 || st.Holders[0].Level == "" {
			t.Fatalf("scope %+v", st)
		}
	})
	t.Run("a wholesale recall waits for no acknowledgement from retail holders", func(t *testing.T) {
		w.must(201, nil, reg, "POST", "/v1/recalls", map[string]any{"id": "RC-W", "class": "III", "depth": "wholesale", "reason": "label",
			"scope": map[string]string{"type": "lot", "di": deviceDI, "lot": "L1"}})
		var p recallProgress
		w.must(200, &p, reg, "GET", "/v1/recalls/RC-W/progress", nil)
		if p.Holders != 2 || strings.Join(p.Pending, ",") != mfr || p.Required != 1 || len(p.Overdue) != 0 {
			t.Fatalf("progress %+v, want the manufacturer's unit required and its acknowledgement pending", p)
		}
	})
	t.Run("an added scope without its lot is refused with the field named", func(t *testing.T) {
		p := problemOf(t, w.must(422, nil, reg, "POST", "/v1/recalls/RC-D/amend", map[string]any{"reason": "x",
			"addScopes": []map[string]string{{"type": "lot", "di": deviceDI}}}))
		fields := []string{}
		for _, e := range p.Errors {
			fields = append(fields, e.Field)
		}
		if !strings.Contains(strings.Join(fields, ","), "lot") {
			t.Fatalf("problem %+v", p)
		}
	})
}
