package api

import (
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestOfflineScansKeepTheirTime(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:t-commission", 1, 2)
	w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"to": dst, "codes": []string{deviceCode(1), deviceCode(2)}})

	read := time.Now().Add(-2 * time.Hour).In(time.FixedZone("CST", 8*3600)).Truncate(time.Second)
	var res ScanBatchResult
	w.must(200, &res, dst, "POST", "/v1/scans", map[string]any{"scans": []map[string]any{
		{"id": "urn:uuid:offline-1", "code": deviceCode(1), "action": "receive", "at": read.Format(time.RFC3339)},
	}})
	t.Run("a scan read offline is recorded at the time it was read", func(t *testing.T) {
		if res.Succeeded != 1 {
			t.Fatalf("results %+v", res.Results)
		}
		var ev model.Event
		w.must(200, &ev, reg, "GET", "/v1/events/urn:uuid:offline-1", nil)
		if ev.EventTime != model.FormatTime(read) || ev.EventTimeZoneOffset != "+08:00" || ev.RecordTime <= ev.EventTime {
			t.Fatalf("event time %s offset %s record time %s", ev.EventTime, ev.EventTimeZoneOffset, ev.RecordTime)
		}
	})
	t.Run("a time that is not RFC 3339 is refused with its field", func(t *testing.T) {
		r := w.call(dst, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(2)}, "eventTime": "30/11/2026 09:00"})
		p := problemOf(t, r)
		if r.status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "eventTime" {
			t.Fatalf("got %s", r)
		}
	})
	t.Run("a time in the future is refused by the ledger", func(t *testing.T) {
		r := w.call(dst, "POST", "/v1/events/receive", map[string]any{"codes": []string{deviceCode(2)}, "eventTime": time.Now().Add(time.Hour).Format(time.RFC3339)})
		if r.status != 422 || problemOf(t, r).Code != "INVALID" {
			t.Fatalf("got %s", r)
		}
	})
}
