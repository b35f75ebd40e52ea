package api

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
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
	w.must(201, nil, mfr, "POST", "/v1/events/transform", map[string]any{"eventId": "relabel-1", "inputs": codes(8), "outputs": codes(900),
		"di": deviceDI, "lot": "L1", "transformationId": "relabel 1", "location": mfrGLN})
	w.must(201, nil, mfr, "POST", "/v1/events/associate", map[string]any{"eventId": "logger-on", "action": "ADD", "device": "urn:example:logger:9", "codes": codes(6)})
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
		if len(events) != 25 { // 3 commissions, 16 unit events, release and undo included, 3 recalls, 1 inspection, a transformation, an association
			t.Errorf("%d events, want the 25 recorded", len(events))
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
	t.Run("every event by its eventID conforms, and each resource's events", func(t *testing.T) {
		for id := range byID {
			r := w.must(200, nil, reg, "GET", "/epcis/events/"+url.PathEscape(id), nil)
			if evs := conforms(t, r); len(evs) != 1 || evs[0]["eventID"] != id {
				t.Errorf("GET /epcis/events/%s answered %d events", id, len(evs))
			}
		}
		n := 0
		for _, path := range []string{"/epcis/eventTypes/ObjectEvent/events", "/epcis/eventTypes/AggregationEvent/events",
			"/epcis/eventTypes/TransactionEvent/events", "/epcis/eventTypes/TransformationEvent/events", "/epcis/eventTypes/AssociationEvent/events"} {
			n += len(conforms(t, w.must(200, nil, reg, "GET", path+"?perPage=1000", nil)))
		}
		if n != len(events) {
			t.Errorf("the event types' events are %d, want the %d events", n, len(events))
		}
		for _, step := range steps {
			step, _, _ = strings.Cut(step, "/returned")
			if step != "" {
				conforms(t, w.must(200, nil, reg, "GET", "/epcis/bizSteps/"+url.PathEscape(step)+"/events", nil))
			}
		}
		for _, path := range []string{"/epcis/dispositions/returned/events", "/epcis/bizLocations/" + hspGLN + "/events",
			"/epcis/readPoints/" + mfrGLN + "/events"} {
			if evs := conforms(t, w.must(200, nil, reg, "GET", path, nil)); len(evs) == 0 {
				t.Errorf("%s: no events", path)
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

// TestEPCISHeadersAndContentNegotiation: the REST binding's headers on every EPCIS answer,
// Accept honoured (406 when nothing the gateway serves is acceptable) and GS1-EPC-Format.
func TestEPCISHeadersAndContentNegotiation(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:hdr-commission", 1, 2)
	events := "/epcis/events?EQ_bizStep=commissioning"

	t.Run("answers carry the EPCIS and CBV versions, the extensions and the EPC format", func(t *testing.T) {
		r := w.must(200, nil, reg, "GET", events, nil)
		for h, want := range map[string]string{"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0",
			"GS1-Extensions": "udi=urn:udiledger:voc:", "GS1-EPC-Format": "No_Preference",
			"Content-Type": "application/ld+json; charset=utf-8"} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
		if !strings.Contains(r.header.Get("Vary"), "Accept") {
			t.Errorf("Vary %q", r.header.Get("Vary"))
		}
		p := w.must(400, nil, reg, "GET", "/epcis/events?GE_eventTime=yesterday", nil)
		if p.header.Get("GS1-EPCIS-Version") != "2.0.0" {
			t.Errorf("a problem lacks the version headers: %v", p.header)
		}
	})
	t.Run("Accept chooses JSON-LD or JSON", func(t *testing.T) {
		for accept, want := range map[string]string{
			"application/json":                      "application/json; charset=utf-8",
			"application/ld+json;q=0, */*":          "application/json; charset=utf-8",
			"application/json;q=0.5, application/*": "application/ld+json; charset=utf-8",
			"*/*":                                   "application/ld+json; charset=utf-8",
			"text/html, application/ld+json;q=0.1":  "application/ld+json; charset=utf-8",
		} {
			r := w.must(200, nil, reg, "GET", events, nil, "Accept: "+accept)
			if got := r.header.Get("Content-Type"); got != want {
				t.Errorf("Accept %q: Content-Type %q, want %q", accept, got, want)
			}
			conforms(t, r)
		}
	})
	t.Run("an Accept the gateway cannot serve is a 406 problem", func(t *testing.T) {
		for _, c := range []struct{ method, path, accept string }{
			{"GET", events, "image/png"},
			{"GET", "/epcis/epcs/" + url.PathEscape(dlURI(1)) + "/events", "text/html"},
			{"GET", events, "application/json;q=0, application/ld+json;q=0"},
			{"POST", "/epcis/capture", "application/xml"},
		} {
			var body any
			if c.method == "POST" {
				body = epcisDoc()
			}
			r := w.call(reg, c.method, c.path, body, "Accept: "+c.accept)
			if p := problemOf(t, r); r.status != 406 || p.Status != 406 || !strings.Contains(p.Detail, c.accept) {
				t.Errorf("%s %s with Accept %q: %s", c.method, c.path, c.accept, r)
			}
		}
	})
	t.Run("GS1-EPC-Format Always_EPC_URN writes EPC URNs for the company prefixes the ledger knows", func(t *testing.T) {
		r := w.must(200, nil, reg, "GET", events, nil, "GS1-EPC-Format: Always_EPC_URN")
		evs := conforms(t, r)
		if r.header.Get("GS1-EPC-Format") != "Always_EPC_URN" || len(evs) != 1 {
			t.Fatalf("%s", r)
		}
		wantEPC := "urn:epc:id:sgtin:" + mfrGCP + "." + deviceDI[:1] + deviceDI[8:13] + ".S000001"
		if epcs := evs[0]["epcList"].([]any); epcs[0] != wantEPC {
			t.Errorf("epcList %v, want %s first", epcs, wantEPC)
		}
		if rp := evs[0]["readPoint"].(map[string]any)["id"]; rp != "urn:epc:id:sgln:"+mfrGCP+"."+mfrGLN[7:12]+".0" {
			t.Errorf("readPoint %v", rp)
		}
		var q queryDoc
		w.must(200, &q, reg, "GET", "/epcis/epcs/"+url.PathEscape(wantEPC)+"/events", nil, "GS1-EPC-Format: Always_EPC_URN")
		if len(q.ids()) != 1 || q.EPCISBody.QueryResults.ResultsBody.EventList[0].EPCList[0] != wantEPC {
			t.Errorf("the events of %s: %+v", wantEPC, q)
		}
	})
	t.Run("No_Preference and Never_Translates answer captured EPCs as captured, Always_GS1_Digital_Link translates them; an unknown format is a 400", func(t *testing.T) {
		urn := "urn:epc:id:sgtin:" + mfrGCP + "." + deviceDI[:1] + deviceDI[8:13] + ".S000009"
		w.must(200, nil, mfr, "POST", "/epcis/capture", epcisDoc(`{"type":"ObjectEvent","eventID":"urn:uuid:hdr-urn",`+
			`"eventTime":"`+time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)+`","eventTimeZoneOffset":"+00:00","action":"ADD",`+
			`"bizStep":"commissioning","epcList":["`+urn+`"],"ilmd":{"cbvmda:lotNumber":"L1"}}`))
		one := "/epcis/events/urn:uuid:hdr-urn"
		for format, want := range map[string]string{"No_Preference": urn, "Never_Translates": urn,
			"Always_GS1_Digital_Link": dlURI(9), "Always_EPC_URN": urn} {
			r := w.must(200, nil, mfr, "GET", one, nil, "GS1-EPC-Format: "+format)
			evs := conforms(t, r)
			if r.header.Get("GS1-EPC-Format") != format || len(evs) != 1 || evs[0]["epcList"].([]any)[0] != want {
				t.Errorf("%s: %s", format, r)
			}
		}
		r := w.must(200, nil, reg, "GET", events, nil, "GS1-EPC-Format: No_Preference")
		if !strings.Contains(string(r.body), dlURI(1)) {
			t.Errorf("a ledger event is not written with Digital Links: %s", r)
		}
		if p := problemOf(t, w.must(400, nil, reg, "GET", events, nil, "GS1-EPC-Format: Sometimes")); len(p.Errors) != 1 || p.Errors[0].Field != "GS1-EPC-Format" {
			t.Errorf("problem %+v", p)
		}
	})
}

func TestNegotiate(t *testing.T) {
	offers := []string{mediaJSONLD, mediaJSON}
	for accept, want := range map[string]string{
		"":                             mediaJSONLD,
		"APPLICATION/JSON":             mediaJSON,
		"application/*;q=0.2, */*;q=0": mediaJSONLD,
		"application/json;q=bad":       "",
		"application/json;q=2":         "",
		"application/ld+json; profile=\"https://gs1.github.io/EPCIS/epcis-context.jsonld\"": mediaJSONLD,
		"*/*;q=0.1, application/json;q=0.1":                                                 mediaJSONLD,
		"application/json, application/ld+json;q=0.9":                                       mediaJSON,
		"text/*, image/png": "",
		"nonsense":          "",
	} {
		if got := negotiate(accept, offers...); got != want {
			t.Errorf("negotiate(%q) = %q, want %q", accept, got, want)
		}
	}
}
