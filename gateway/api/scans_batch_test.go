package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// scanStation is a gateway whose ledger holds units 1 to 8, 1 to 6 shipped to the distributor.
func scanStation(t *testing.T) *world {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:station-c", 1, 8)
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"eventId": "urn:uuid:station-s", "to": dst, "codes": codesOf(1, 6)})
	return w
}

// withoutTx blanks what differs between two transactions of a scan's result.
func withoutTx(t *testing.T, r ScanResult) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Result, &m); err != nil {
		t.Fatalf("result %s: %v", r.Result, err)
	}
	delete(m, "txId")
	delete(m, "eventTime")
	b, _ := json.Marshal(map[string]any{"status": r.Status, "eventId": r.EventID, "key": r.Key, "result": m})
	return string(b)
}

func TestScansGoInOneTransaction(t *testing.T) {
	scans := []map[string]any{
		{"code": deviceCode(1), "action": "receive"},
		{"code": deviceCode(2), "action": "receive"},
		{"code": deviceCode(1), "action": "verify"},
		{"code": deviceCode(2), "action": "ship", "to": hsp}, // the code's second write: a second transaction
		{"code": deviceCode(3), "action": "inspect"},
		{"code": deviceCode(4), "action": "receive", "id": "urn:uuid:station-own-id"},
	}
	batch := map[string]any{"location": dstGLN, "scans": scans}
	// refused adds scans the ledger refuses, more than a transaction takes out: the scans of
	// the transaction go one by one.
	refused := map[string]any{"location": dstGLN, "scans": append(append([]map[string]any{}, scans...),
		map[string]any{"code": deviceCode(7), "action": "destroy", "reason": "crushed"},
		map[string]any{"code": deviceCode(8), "action": "destroy", "reason": "crushed"},
		map[string]any{"code": deviceCode(98), "action": "receive"},
		map[string]any{"code": deviceCode(99), "action": "receive"})}
	key := "Idempotency-Key: dock-4-batch-1"

	w := scanStation(t)
	singles := len(w.rec.proposals("unit:Ship")) // the station's shipment
	var got ScanBatchResult
	w.must(200, &got, dst, "POST", "/v1/scans", batch, key)
	t.Run("the write scans take one transaction per write of a code", func(t *testing.T) {
		want := []int{201, 201, 200, 201, 201, 201}
		for i, r := range got.Results {
			if r.Status != want[i] {
				t.Errorf("scan %d: %d %s %+v, want %d", i, r.Status, r.Result, r.Problem, want[i])
			}
		}
		if n := len(w.rec.proposals("unit:Scans")); n != 2 {
			t.Fatalf("%d unit:Scans transactions, want 2", n)
		}
		if n := len(w.rec.proposals("unit:Ship")) - singles; n != 0 {
			t.Fatalf("%d unit:Ship transactions, want none", n)
		}
		for _, fn := range []string{"unit:Receive", "unit:Inspect"} {
			if n := len(w.rec.proposals(fn)); n != 0 {
				t.Fatalf("%d %s transactions, want none", n, fn)
			}
		}
		var first, second model.EventResult
		_ = json.Unmarshal(got.Results[0].Result, &first)
		_ = json.Unmarshal(got.Results[5].Result, &second)
		if first.TxID == "" || first.TxID != second.TxID || second.EventID != "urn:uuid:station-own-id" {
			t.Fatalf("results %+v and %+v, want one transaction and the station's own event ID", first, second)
		}
	})
	t.Run("a verification sees the writes sent before it", func(t *testing.T) {
		var v model.Verification
		if err := json.Unmarshal(got.Results[2].Result, &v); err != nil || v.Owner != dst {
			t.Fatalf("verification %s, want the unit held by the distributor", got.Results[2].Result)
		}
	})

	one := scanStation(t)
	var each ScanBatchResult
	one.must(200, &each, dst, "POST", "/v1/scans", refused, key)
	t.Run("a transaction refused again and again falls back to one transaction per scan, with the same answers", func(t *testing.T) {
		for i, want := range []int{403, 403, 404, 404} {
			if r := each.Results[6+i]; r.Status != want {
				t.Errorf("refused scan %d: %d %+v, want %d", 6+i, r.Status, r.Problem, want)
			}
		}
		if each.Succeeded != 6 || each.Failed != 4 {
			t.Fatalf("succeeded %d, failed %d; want 6 and 4", each.Succeeded, each.Failed)
		}
		var r0, r1 model.EventResult
		_ = json.Unmarshal(each.Results[0].Result, &r0)
		_ = json.Unmarshal(each.Results[1].Result, &r1)
		if r0.TxID == "" || r0.TxID == r1.TxID {
			t.Fatalf("receipts in transactions %q and %q, want one each", r0.TxID, r1.TxID)
		}
		for i := range got.Results {
			if i == 2 {
				continue // a verification
			}
			if a, b := withoutTx(t, got.Results[i]), withoutTx(t, each.Results[i]); a != b {
				t.Errorf("scan %d in one transaction: %s; on its own: %s", i, a, b)
			}
		}
	})
	t.Run("the same batch again is answered from the ledger, written once", func(t *testing.T) {
		var again, againEach ScanBatchResult
		w.must(200, &again, dst, "POST", "/v1/scans", batch, key)
		one.must(200, &againEach, dst, "POST", "/v1/scans", refused, key)
		for i, r := range again.Results {
			if i == 2 {
				continue
			}
			var e model.EventResult
			if err := json.Unmarshal(r.Result, &e); err != nil || r.Status != 200 || !e.Replayed || r.EventID != got.Results[i].EventID {
				t.Errorf("scan %d again: %d %s, want its first result replayed", i, r.Status, r.Result)
			}
			if a, b := withoutTx(t, r), withoutTx(t, againEach.Results[i]); a != b {
				t.Errorf("scan %d replayed in one transaction: %s; on its own: %s", i, a, b)
			}
		}
		var prov model.Provenance
		w.must(200, &prov, reg, "GET", "/v1/trace?code="+deviceCode(2), nil)
		if len(prov.Events) != 4 {
			t.Fatalf("%d events for unit 2, want 4 (commission, ship, receive, ship)", len(prov.Events))
		}
	})
	t.Run("scans written in one transaction are answered as retries on their own", func(t *testing.T) {
		var r ScanBatchResult
		w.must(200, &r, dst, "POST", "/v1/scans", refused, key)
		for i := range scans {
			if i != 2 && r.Results[i].Status != 200 {
				t.Errorf("scan %d: %d %s %+v, want 200 replayed", i, r.Results[i].Status, r.Results[i].Result, r.Results[i].Problem)
			}
		}
	})
}

func TestAScanRefusedInATransactionIsAnsweredOnItsOwn(t *testing.T) {
	w := scanStation(t)
	destroys := len(w.rec.proposals("unit:Destroy"))
	var got ScanBatchResult
	w.must(200, &got, dst, "POST", "/v1/scans", map[string]any{"location": dstGLN, "scans": []map[string]any{
		{"code": deviceCode(1), "action": "receive"},
		{"code": deviceCode(7), "action": "destroy", "reason": "crushed"}, // the manufacturer's
		{"code": deviceCode(2), "action": "receive"},
	}})
	if got.Results[1].Status != 403 || got.Results[1].Problem == nil || strings.Contains(got.Results[1].Problem.Detail, "scans[") {
		t.Fatalf("refused scan %+v, want 403 as on its own", got.Results[1])
	}
	var r0, r2 model.EventResult
	_ = json.Unmarshal(got.Results[0].Result, &r0)
	_ = json.Unmarshal(got.Results[2].Result, &r2)
	if got.Results[0].Status != 201 || got.Results[2].Status != 201 || r0.TxID == "" || r0.TxID != r2.TxID {
		t.Fatalf("results %+v, want the two receipts in one transaction", got.Results)
	}
	if n, m := len(w.rec.proposals("unit:Destroy"))-destroys, len(w.rec.proposals("unit:Receive")); n != 1 || m != 0 {
		t.Fatalf("%d unit:Destroy and %d unit:Receive transactions, want the destroy alone on its own", n, m)
	}
}

func TestTheStreamShowsEachScanOfATransaction(t *testing.T) {
	w := scanStation(t)
	before := w.readEvents(t, "", 11) // 9 of the seed, the commission, the shipment
	var got ScanBatchResult
	w.must(200, &got, dst, "POST", "/v1/scans", map[string]any{"location": dstGLN, "scans": []map[string]any{
		{"id": "urn:uuid:st-1", "code": deviceCode(1), "action": "receive"},
		{"id": "urn:uuid:st-2", "code": deviceCode(2), "action": "receive"},
		{"id": "urn:uuid:st-3", "code": deviceCode(3), "action": "receive"},
		{"id": "urn:uuid:st-4", "code": deviceCode(1), "action": "ship", "to": hsp},
	}})
	last := before[len(before)-1].id
	t.Run("each scan is its own server-sent event, under its transaction's ID", func(t *testing.T) {
		evs := w.readEvents(t, last, 4)
		for i, ev := range evs {
			var n model.Notification
			if err := json.Unmarshal([]byte(ev.data), &n); err != nil || n.Kind != "event" || n.ID != "urn:uuid:st-"+string(rune('1'+i)) ||
				n.Actor != dst || !strings.HasSuffix(ev.id, "."+n.TxID) {
				t.Fatalf("event %d: %+v, want scan %d's notification", i, ev, i+1)
			}
		}
		if evs[0].id != evs[2].id || evs[2].id == evs[3].id {
			t.Fatalf("event IDs %q %q %q, want the first three of one transaction", evs[0].id, evs[2].id, evs[3].id)
		}
	})
	t.Run("each scan is shown to whom its single transaction's event is", func(t *testing.T) {
		evs := w.readEventsAs(t, hsp, last, 1)
		var n model.Notification
		if err := json.Unmarshal([]byte(evs[0].data), &n); err != nil || n.ID != "urn:uuid:st-4" || n.To != hsp {
			t.Fatalf("the hospital's first event %+v, want the shipment to it (not the distributor's receipts)", evs[0])
		}
	})
}
