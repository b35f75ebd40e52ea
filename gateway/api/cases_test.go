package api

import (
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// TestCaseRoutes follows a counterfeit scan's case through the HTTP API: listed, read, noted,
// investigated and closed as confirmed, with the notice to the regulator.
func TestCaseRoutes(t *testing.T) {
	w := newWorld(t)
	w.seed()
	var scan model.InspectResult
	w.must(201, &scan, hsp, "POST", "/v1/events/inspect", map[string]any{"eventId": "urn:uuid:case-scan", "code": deviceCode(999), "location": hspGLN})

	var open model.CasePage
	w.must(200, &open, mfr, "GET", "/v1/cases?state=open", nil)
	if open.Count != 1 || open.Cases[0].Kind != model.AlertCounterfeit || open.Cases[0].Owner != mfr || open.Cases[0].Alerts[0].EventID != scan.AlertID {
		t.Fatalf("open cases %+v", open)
	}
	id := open.Cases[0].ID
	path := "/v1/cases/" + id

	t.Run("a party that is neither owner nor reporter is not told of the case", func(t *testing.T) {
		w.must(404, nil, dst, "GET", path, nil)
		var none model.CasePage
		w.must(200, &none, dst, "GET", "/v1/cases", nil)
		if none.Count != 0 {
			t.Fatalf("distributor lists %+v", none)
		}
	})
	t.Run("a state that is none is refused", func(t *testing.T) {
		w.must(422, nil, mfr, "GET", "/v1/cases?state=pending", nil)
	})
	t.Run("the finder notes, the holder's role cannot close", func(t *testing.T) {
		var c model.Case
		w.must(200, &c, hsp, "POST", path+"/notes", map[string]any{"note": "label smudged"})
		if len(c.Notes) != 1 || c.Notes[0].By != hsp {
			t.Fatalf("case %+v", c)
		}
		w.must(403, nil, hsp, "POST", path+"/close", map[string]any{"resolution": "false_positive", "reason": "looks fine"})
	})
	t.Run("the regulator takes the case and gives it back", func(t *testing.T) {
		var c model.Case
		w.must(200, &c, reg, "POST", path+"/take", map[string]any{})
		if c.Owner != reg {
			t.Fatalf("case %+v", c)
		}
		w.must(200, &c, mfr, "POST", path+"/take", map[string]any{"note": "ours to follow"})
		if c.Owner != mfr {
			t.Fatalf("case %+v", c)
		}
	})
	t.Run("the manufacturer investigates and confirms; the regulator is notified", func(t *testing.T) {
		var c model.Case
		w.must(200, &c, mfr, "POST", path+"/investigate", map[string]any{})
		if c.State != model.CaseInvestigating {
			t.Fatalf("case %+v", c)
		}
		w.must(200, &c, mfr, "POST", path+"/close", map[string]any{"resolution": "confirmed", "reason": "serial never issued"})
		if c.State != model.CaseClosed || c.NotifiedAt == "" || c.Notice == nil || c.Notice.Locations[0] != hspGLN {
			t.Fatalf("case %+v", c)
		}
		var got model.Case
		w.must(200, &got, reg, "GET", path, nil)
		if got.Resolution != model.ResolutionConfirmed || got.Overdue {
			t.Fatalf("case %+v", got)
		}
	})
	t.Run("a resolution that is none is refused", func(t *testing.T) {
		w.must(422, nil, mfr, "POST", path+"/close", map[string]any{"resolution": "maybe", "reason": "x"})
	})
}
