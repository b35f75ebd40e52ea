package api

import (
	"encoding/json"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestScans(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:scan-commission", 1, 4)
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{deviceCode(1), deviceCode(2), deviceCode(3)}})

	// As a warehouse scanner sends them: GS1 element strings with FNC1 and symbology identifier.
	raw := func(n int) string { return "]d201" + deviceDI + "21" + deviceCode(n)[len("(01)")+14+len("(21)"):] }
	batch := map[string]any{"location": dstGLN, "scans": []map[string]any{
		{"code": raw(1), "action": "receive"},
		{"code": raw(1), "action": "verify"},
		{"code": raw(2), "action": "receive"},
		{"code": raw(2), "action": "ship", "to": hsp},
		{"code": "]d201" + deviceDI + "21NOPE", "action": "inspect"},
		{"code": raw(4), "action": "receive"},
		{"code": "garbage", "action": "receive"},
		{"code": raw(3), "action": "destroy", "reason": "crushed"},
	}}
	var first ScanBatchResult
	t.Run("each scan gets its own result, in the order sent", func(t *testing.T) {
		w.must(200, &first, dst, "POST", "/v1/scans", batch, "Idempotency-Key: dock-3-batch-1")
		want := []int{201, 200, 201, 201, 201, 422, 422, 403}
		for i, r := range first.Results {
			if r.Index != i || r.Status != want[i] {
				t.Errorf("scan %d: status %d (%s %+v), want %d", i, r.Status, r.Result, r.Problem, want[i])
			}
		}
		if first.Succeeded != 5 || first.Failed != 3 {
			t.Fatalf("succeeded %d failed %d, want 5 and 3", first.Succeeded, first.Failed)
		}
		var v model.Verification
		if err := json.Unmarshal(first.Results[1].Result, &v); err != nil || v.Owner != dst || !v.Sellable {
			t.Fatalf("verify after receive in the same batch: %s, want held by the distributor", first.Results[1].Result)
		}
		var insp model.InspectResult
		if err := json.Unmarshal(first.Results[4].Result, &insp); err != nil || insp.AlertID == "" {
			t.Fatalf("inspect of an unknown code: %s, want an alert", first.Results[4].Result)
		}
		if first.Results[0].Key != deviceKey(1) || first.Results[6].Problem == nil || first.Results[6].Problem.Errors[0].Field != "scans[6].code" {
			t.Fatalf("results %+v, want canonical keys and the unreadable code named", first.Results)
		}
		if first.Results[5].Problem.Code != "INVALID" || first.Results[7].Problem.Code != "FORBIDDEN" {
			t.Fatalf("receiving a unit never shipped: %+v, destroying one still the sender's: %+v; want INVALID and FORBIDDEN",
				first.Results[5].Problem, first.Results[7].Problem)
		}
	})
	t.Run("the same batch again writes nothing twice", func(t *testing.T) {
		var again ScanBatchResult
		w.must(200, &again, dst, "POST", "/v1/scans", batch, "Idempotency-Key: dock-3-batch-1")
		for _, i := range []int{0, 2, 3, 4} {
			var r model.EventResult
			if err := json.Unmarshal(again.Results[i].Result, &r); err != nil || !r.Replayed || again.Results[i].Status != 200 ||
				again.Results[i].EventID != first.Results[i].EventID {
				t.Errorf("scan %d on retry: %d %s, want the first event replayed", i, again.Results[i].Status, again.Results[i].Result)
			}
		}
		var prov model.Provenance
		w.must(200, &prov, reg, "GET", "/v1/trace?code="+deviceCode(2), nil)
		if len(prov.Events) != 4 {
			t.Fatalf("%d events for unit 2, want 4 (commission, ship, receive, ship)", len(prov.Events))
		}
	})
	t.Run("a batch whose shape is wrong is refused whole", func(t *testing.T) {
		p := problemOf(t, w.must(422, nil, dst, "POST", "/v1/scans", map[string]any{"scans": []map[string]any{
			{"code": raw(1), "action": "ship"}, {"code": raw(1), "action": "teleport"}}}))
		if len(p.Errors) != 2 || p.Errors[0].Field != "scans[0].to" || p.Errors[1].Field != "scans[1].action" {
			t.Fatalf("problem %+v, want scans[0].to and scans[1].action named", p)
		}
		w.must(422, nil, dst, "POST", "/v1/scans", map[string]any{"scans": []map[string]any{}})
	})
}
