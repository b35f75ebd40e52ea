package api

import (
	"net/url"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// TestReturnsOverHTTP returns units and quantities under a recall, re-works and destroys
// them, and restocks an ordinary return, through the REST routes.
func TestReturnsOverHTTP(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:rt-commission", 1, 3)
	lotCode := "(01)" + deviceDI + "(10)L1"
	w.must(201, nil, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": "urn:uuid:rt-q", "di": deviceDI, "lot": "L1", "quantity": 10})
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{deviceCode(1), deviceCode(2)},
		"quantities": []map[string]any{{"code": lotCode, "quantity": 10}}})
	w.must(201, nil, dst, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(1), deviceCode(2)},
		"quantities": []map[string]any{{"code": lotCode, "quantity": 10, "from": mfr}}})

	t.Run("an ordinary return is verified before it re-enters stock", func(t *testing.T) {
		w.must(201, nil, dst, "POST", "/v1/events/return", map[string]any{"codes": []string{deviceCode(2)}, "reason": "overstock"})
		w.must(201, nil, mfr, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(2)}, "location": mfrGLN})
		w.must(403, nil, dst, "POST", "/v1/events/restock", map[string]any{"codes": []string{deviceCode(2)}})
		w.must(201, nil, mfr, "POST", "/v1/events/restock", map[string]any{"codes": []string{deviceCode(2)}, "location": mfrGLN, "reason": "inspected"})
		var v model.Verification
		w.must(200, &v, mfr, "GET", "/v1/verify?code="+url.QueryEscape(deviceCode(2)), nil)
		if !v.Sellable {
			t.Fatalf("verification %+v", v)
		}
	})

	w.must(201, nil, reg, "POST", "/v1/recalls", map[string]any{"id": "RC-rt", "class": "I", "depth": "retail", "reason": "sterility",
		"scope": map[string]any{"type": "lot", "di": deviceDI, "lot": "L1"}})
	t.Run("a return names its recall and carries quantities", func(t *testing.T) {
		w.must(422, nil, dst, "POST", "/v1/events/return", map[string]any{"codes": []string{deviceCode(1)}, "recallId": "RC-none"})
		w.must(422, nil, dst, "POST", "/v1/events/return", map[string]any{"quantities": []map[string]any{{"code": lotCode, "quantity": 0}}})
		w.must(201, nil, dst, "POST", "/v1/events/return", map[string]any{"eventId": "urn:uuid:rt-ret", "codes": []string{deviceCode(1)},
			"quantities": []map[string]any{{"code": lotCode, "quantity": 10}}, "recallId": "RC-rt"})
		w.must(201, nil, mfr, "POST", "/v1/events/receive", map[string]any{"eventId": "urn:uuid:rt-acc", "codes": []string{deviceCode(1)},
			"quantities": []map[string]any{{"code": lotCode, "quantity": 10, "from": dst}}, "location": mfrGLN})
		var ev model.Event
		w.must(200, &ev, mfr, "GET", "/v1/events/"+url.PathEscape("urn:uuid:rt-acc"), nil)
		if ev.Detail == nil || ev.Detail.RecallID != "RC-rt" || ev.Disposition != model.DispositionReturned {
			t.Fatalf("receipt %+v", ev)
		}
	})
	t.Run("the firm re-works units and destroys returned quantities under the recall", func(t *testing.T) {
		w.must(403, nil, dst, "POST", "/v1/events/rework", map[string]any{"codes": []string{deviceCode(1)}, "recallId": "RC-rt", "reason": "relabelled"})
		w.must(422, nil, mfr, "POST", "/v1/events/rework", map[string]any{"codes": []string{deviceCode(1)}, "reason": "relabelled"})
		w.must(201, nil, mfr, "POST", "/v1/events/rework", map[string]any{"codes": []string{deviceCode(1)}, "recallId": "RC-rt", "reason": "relabelled", "location": mfrGLN})
		w.must(201, nil, mfr, "POST", "/v1/events/destroy", map[string]any{"quantities": []map[string]any{{"code": lotCode, "quantity": 10}},
			"fromReturned": true, "recallId": "RC-rt", "reason": "incinerated"})
		var s model.RecallStatus
		w.must(200, &s, reg, "GET", "/v1/recalls/RC-rt/scope", nil)
		if s.Counts.Reworked != 1 || s.Quantities.Destroyed != 10 || s.Done != 11 {
			t.Fatalf("counts %+v quantities %+v done %d of %d", s.Counts, s.Quantities, s.Done, s.Required)
		}
		r := w.must(422, nil, mfr, "POST", "/v1/events/restock", map[string]any{"codes": []string{deviceCode(3)}})
		if !strings.Contains(string(r.body), "returned") {
			t.Fatalf("restock of active stock: %s", r)
		}
	})
}
