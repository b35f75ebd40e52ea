package api

import (
	"encoding/json"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/epcis/schema"
)

// conforms checks an EPCIS answer against the official EPCIS 2.0 JSON schema and returns its
// events.
func conforms(t *testing.T, r resp) []map[string]any {
	t.Helper()
	vs, err := schema.ValidateJSON(r.body)
	if err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	if len(vs) > 0 {
		t.Fatalf("the answer breaks the EPCIS 2.0 JSON schema:\n%v\nanswer: %s", vs, r.body)
	}
	var doc struct {
		Type      string `json:"type"`
		EPCISBody struct {
			QueryResults struct {
				ResultsBody struct {
					EventList []map[string]any `json:"eventList"`
				} `json:"resultsBody"`
			} `json:"queryResults"`
		} `json:"epcisBody"`
	}
	r.decode(t, &doc)
	if doc.Type != "EPCISQueryDocument" {
		t.Fatalf("answer of type %q", doc.Type)
	}
	return doc.EPCISBody.QueryResults.ResultsBody.EventList
}

// TestEveryKindOfLedgerEventIsAnsweredAsValidEPCIS records every kind of ledger event through
// the gateway's REST API (event IDs that are not URIs, business transactions and sensor
// devices that are not URIs included) and EPCIS capture, then checks that the query answers
// conform to the official EPCIS 2.0 JSON schema (issue 11).
func TestEveryKindOfLedgerEventIsAnsweredAsValidEPCIS(t *testing.T) {
	w := newWorld(t)
	w.seed()
	box := caseCode(1)
	codes := func(ns ...int) []string {
		var out []string
		for _, n := range ns {
			out = append(out, deviceCode(n))
		}
		return out
	}
	w.must(201, nil, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": "evt-commission 1", "di": deviceDI, "lot": "L1",
		"codes": codes(1, 2, 3, 4, 5, 6, 7), "location": mfrGLN})
	w.must(201, nil, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": "evt-lot-quantity", "di": deviceDI, "lot": "L1",
		"quantity": 20, "location": mfrGLN})
	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	var captured CaptureResult
	w.must(200, &captured, mfr, "POST", "/epcis/capture", epcisDoc(`{"type":"ObjectEvent","eventID":"urn:uuid:0f6e8d1c-2b1a-4c55-9d1e-5a7b3c2d1e0f",`+
		`"eventTime":"`+hourAgo+`","eventTimeZoneOffset":"+08:00","action":"ADD","bizStep":"commissioning","epcList":["`+dlURI(8)+`"],`+
		`"bizLocation":{"id":"https://id.gs1.org/414/`+mfrGLN+`"},"ilmd":{"cbvmda:lotNumber":"L1"}}`))
	if captured.Succeeded != 1 {
		t.Fatalf("capture %+v", captured)
	}
	w.must(201, nil, mfr, "POST", "/v1/events/pack", map[string]any{"eventId": "evt-pack", "parent": box, "children": codes(1, 2, 3)})
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{box}, "location": mfrGLN,
		"bizTransactions": []map[string]string{{"type": "po", "bizTransaction": "PO 1"}, {"type": "prescription", "bizTransaction": "urn:example:rx:1"}}})
	w.must(201, nil, dst, "POST", "/v1/events/receive", map[string]any{"codes": []string{box}, "location": dstGLN})
	w.must(201, nil, dst, "POST", "/v1/events/unpack", map[string]any{"parent": box})
	w.must(201, nil, dst, "POST", "/v1/events/ship", map[string]any{"to": hsp, "codes": codes(1, 2)})
	w.must(201, nil, hsp, "POST", "/v1/events/receive", map[string]any{"codes": codes(1, 2), "location": hspGLN})
	w.must(201, nil, hsp, "POST", "/v1/events/dispense", map[string]any{"eventId": "dispense-1", "codes": codes(1), "location": hspGLN, "patientRef": "P-1"})
	w.must(201, nil, hsp, "POST", "/v1/events/undo-dispense", map[string]any{"codes": codes(1), "reason": "wrong patient"})
	w.must(201, nil, hsp, "POST", "/v1/events/return", map[string]any{"codes": codes(1), "reason": "damaged"})
	w.must(201, nil, mfr, "POST", "/v1/events/receive", map[string]any{"codes": codes(1)})
	w.must(201, nil, hsp, "POST", "/v1/events/dispense", map[string]any{"eventId": "dispense-2", "codes": codes(2), "location": hspGLN, "patientRef": "P-2"})
	w.must(201, nil, hsp, "POST", "/v1/events/erase-dispense", map[string]any{"eventId": "erase-2", "dispense": "dispense-2", "reason": "patient's request", "location": hspGLN})
	w.must(201, nil, mfr, "POST", "/v1/events/destroy", map[string]any{"codes": codes(4), "reason": "broken seal"})
	w.must(201, nil, mfr, "POST", "/v1/events/decommission", map[string]any{"codes": codes(5), "reason": "sample"})
	w.must(201, nil, mfr, "POST", "/v1/events/sensor", map[string]any{"codes": codes(6), "location": mfrGLN,
		"sensorElementList": []map[string]any{{"deviceID": "logger 1", "sensorReport": []map[string]any{{"type": "gs1:Temperature", "value": 41.5, "uom": "CEL"}}}}})
	w.must(201, nil, mfr, "POST", "/v1/events/release", map[string]any{"codes": codes(6), "reason": "logger fault"})
	w.must(201, nil, hsp, "POST", "/v1/events/inspect", map[string]any{"code": deviceCode(999), "location": hspGLN})
	for _, rc := range []map[string]any{
		{"id": "RC-lot", "scope": map[string]any{"type": "lot", "di": deviceDI, "lot": "L1"}},
		{"id": "RC-di", "scope": map[string]any{"type": "di", "di": drugCode7}},
		{"id": "urn:uuid:6a1f0c3e-7d2b-4e8f-9a10-bb2c3d4e5f60", "scope": map[string]any{"type": "codes", "codes": codes(7)}},
	} {
		rc["class"], rc["depth"], rc["reason"] = "II", "retail", "sterility"
		w.must(201, nil, reg, "POST", "/v1/recalls", rc)
	}

	r := w.must(200, nil, reg, "GET", "/epcis/events?perPage=1000", nil)
	events := conforms(t, r)
	byID := map[string]map[string]any{}
	var steps []string
	for _, e := range events {
		byID[e["eventID"].(string)] = e
		step, _ := e["bizStep"].(string)
		if disp, _ := e["disposition"].(string); disp == "returned" {
			step += "/returned"
		}
		if !slices.Contains(steps, step) {
			steps = append(steps, step)
		}
	}
	t.Run("every kind of ledger event is in the answer", func(t *testing.T) {
		if len(events) != 23 { // 3 commissions, 16 unit events, release and undo included, 3 recalls, 1 inspection
			t.Errorf("%d events, want the 23 recorded", len(events))
		}
		for _, want := range []string{"commissioning", "packing", "shipping", "receiving", "unpacking", "dispensing",
			"shipping/returned", "receiving/returned", "urn:udiledger:bizstep:erasing", "destroying", "decommissioning",
			"sensor_reporting", "inspecting", "urn:udiledger:bizstep:recalling"} {
			if !slices.Contains(steps, want) {
				t.Errorf("no %s event among %v", want, steps)
			}
		}
	})
	t.Run("event IDs that are URIs come back as captured, the others as the ledger's event URN", func(t *testing.T) {
		for _, id := range []string{"urn:uuid:0f6e8d1c-2b1a-4c55-9d1e-5a7b3c2d1e0f", "urn:udiledger:event:evt-commission%201",
			"urn:udiledger:event:RC-lot", "urn:uuid:6a1f0c3e-7d2b-4e8f-9a10-bb2c3d4e5f60", "urn:udiledger:event:erase-2"} {
			if byID[id] == nil {
				t.Errorf("no event %s among %v", id, keys(byID))
			}
		}
		var q queryDoc
		w.must(200, &q, reg, "GET", "/epcis/events?EQ_eventID="+url.QueryEscape("urn:udiledger:event:evt-commission%201"), nil)
		if ids := q.ids(); len(ids) != 1 || ids[0] != "urn:udiledger:event:evt-commission%201" {
			t.Errorf("EQ_eventID of the rendered URN found %v", ids)
		}
	})
	t.Run("a lot or product recall names what it recalls as an EPC class", func(t *testing.T) {
		lot, _ := json.Marshal(byID["urn:udiledger:event:RC-lot"]["quantityList"])
		if want := `[{"epcClass":"https://id.gs1.org/01/` + deviceDI + `/10/L1"}]`; string(lot) != want {
			t.Errorf("lot recall quantityList %s, want %s", lot, want)
		}
		di, _ := json.Marshal(byID["urn:udiledger:event:RC-di"]["quantityList"])
		if want := `[{"epcClass":"urn:udiledger:class:` + drugCode7 + `"}]`; string(di) != want {
			t.Errorf("product recall quantityList %s, want %s", di, want)
		}
	})
	t.Run("the events of one EPC conform too", func(t *testing.T) {
		for _, epc := range []string{dlURI(1), dlURI(2), dlURI(6), dlURI(7)} {
			r := w.must(200, nil, reg, "GET", "/epcis/epcs/"+url.PathEscape(epc)+"/events", nil)
			if evs := conforms(t, r); len(evs) < 2 {
				t.Errorf("%s: %d events", epc, len(evs))
			}
		}
	})
	t.Run("each organisation's answer conforms", func(t *testing.T) {
		for _, msp := range []string{mfr, dst, hsp, plt} {
			conforms(t, w.must(200, nil, msp, "GET", "/epcis/events", nil))
		}
	})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
