package api

import (
	"net/url"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// TestEraseDispense erases a dispense's private details through the HTTP API.
func TestEraseDispense(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:erase-commission", 1, 1)
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": hsp, "codes": []string{deviceCode(1)}})
	w.must(201, nil, hsp, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1)}})
	w.must(201, nil, hsp, "POST", "/v1/events/dispense", map[string]any{"eventId": "urn:uuid:erase-dispense",
		"codes": []string{deviceCode(1)}, "patientRef": "PATIENT-0815"})
	details := "/v1/dispenses/" + url.PathEscape("urn:uuid:erase-dispense")
	erase := func(id string) map[string]any {
		return map[string]any{"eventId": id, "dispense": "urn:uuid:erase-dispense", "reason": "patient's request"}
	}

	refusals := []struct {
		name, who string
		body      map[string]any
		status    int
		code      string
	}{
		{"the regulator may not erase", reg, erase("urn:uuid:erase-reg"), 403, "FORBIDDEN"},
		{"another dispenser has no such dispense of its own to erase", plt, erase("urn:uuid:erase-plt"), 404, "NOT_FOUND"},
		{"an unknown dispense is not found", hsp, map[string]any{"dispense": "urn:uuid:nope"}, 404, "NOT_FOUND"},
		{"the dispense to erase is required", hsp, map[string]any{"reason": "x"}, 422, ""},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			p := problemOf(t, w.must(tt.status, nil, tt.who, "POST", "/v1/events/erase-dispense", tt.body))
			if tt.code != "" && p.Code != tt.code {
				t.Fatalf("problem %+v, want code %s", p, tt.code)
			}
		})
	}

	var r model.EventResult
	resp := w.must(201, &r, hsp, "POST", "/v1/events/erase-dispense", erase("urn:uuid:erase-1"))
	t.Run("the erasure is recorded as an event", func(t *testing.T) {
		if loc := resp.header.Get("Location"); loc != "/v1/events/"+url.PathEscape("urn:uuid:erase-1") {
			t.Fatalf("Location %q", loc)
		}
		ev := w.must(200, nil, reg, "GET", "/v1/events/"+url.PathEscape("urn:uuid:erase-1"), nil)
		if !strings.Contains(string(ev.body), `"erases":"urn:uuid:erase-dispense"`) || strings.Contains(string(ev.body), "PATIENT-0815") {
			t.Fatalf("erasure event %s", ev.body)
		}
	})
	t.Run("the details are gone for the dispenser and the regulator", func(t *testing.T) {
		for _, msp := range []string{hsp, reg} {
			if p := problemOf(t, w.must(404, nil, msp, "GET", details, nil)); p.Code != "NOT_FOUND" {
				t.Fatalf("problem %+v", p)
			}
		}
	})
	t.Run("a retry replays the erasure", func(t *testing.T) {
		var again model.EventResult
		w.must(200, &again, hsp, "POST", "/v1/events/erase-dispense", erase("urn:uuid:erase-1"))
		if !again.Replayed || again.TxID != r.TxID {
			t.Fatalf("retry %+v, first %+v", again, r)
		}
	})
	t.Run("erasing again under another event ID is a conflict", func(t *testing.T) {
		if p := problemOf(t, w.must(409, nil, hsp, "POST", "/v1/events/erase-dispense", erase("urn:uuid:erase-2"))); p.Code != "CONFLICT" {
			t.Fatalf("problem %+v", p)
		}
	})
}
