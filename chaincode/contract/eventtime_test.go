package contract

import (
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
)

func TestDeclaredEventTime(t *testing.T) {
	e := newEnv(t)
	e.seed()
	shanghai := time.FixedZone("CST", 8*3600)
	hourAgo := e.now.Add(-time.Hour).In(shanghai)

	var r model.EventResult
	e.must(&r, mfr, "unit:Commission", model.CommissionRequest{EventHeader: model.EventHeader{EventID: "c1", EventTime: hourAgo.Format(time.RFC3339)}, DI: deviceDI, Lot: "L1", Codes: codes(deviceCode, 1, 2)})
	var ev model.Event
	e.mustEval(&ev, reg, "query:Event", "c1", "")
	t.Run("an event keeps the time it declares and the ledger's record time beside it", func(t *testing.T) {
		if ev.EventTime != model.FormatTime(hourAgo.Truncate(time.Second)) || ev.EventTimeZoneOffset != "+08:00" {
			t.Fatalf("event time %s offset %s", ev.EventTime, ev.EventTimeZoneOffset)
		}
		if ev.RecordTime == "" || ev.RecordTime <= ev.EventTime || r.EventTime != ev.EventTime {
			t.Fatalf("record time %s, event time %s, result %s", ev.RecordTime, ev.EventTime, r.EventTime)
		}
	})

	_, err := e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s-future", EventTime: e.now.Add(time.Hour).Format(time.RFC3339)}, To: dst, Codes: []string{deviceCode(1)}})
	t.Run("an event time after the transaction is invalid", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
	_, err = e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s-bad", EventTime: "2026-11-30 09:00"}, To: dst, Codes: []string{deviceCode(1)}})
	t.Run("an event time without RFC 3339 form is invalid", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })
	_, err = e.submit(mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s-old", EventTime: e.now.Add(-model.MaxEventAge - time.Hour).Format(time.RFC3339)}, To: dst, Codes: []string{deviceCode(1)}})
	t.Run("an event time further back than the upload window is invalid", func(t *testing.T) { wantCode(t, err, model.CodeInvalid) })

	// Shipped and received now, but the receipt declares a time before the commissioning.
	e.must(nil, mfr, "unit:Ship", model.ShipRequest{EventHeader: model.EventHeader{EventID: "s1"}, To: dst, Codes: []string{deviceCode(1)}})
	e.must(nil, dst, "unit:Receive", model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "r1", EventTime: hourAgo.Add(-time.Hour).Format(time.RFC3339)}, Codes: []string{deviceCode(1)}})
	var p model.Provenance
	e.mustEval(&p, reg, "query:Provenance", deviceCode(1))
	t.Run("provenance follows the ledger's order, not declared times", func(t *testing.T) {
		var ids []string
		for _, x := range p.Events {
			ids = append(ids, x.Event.EventID)
		}
		if len(ids) != 3 || ids[0] != "c1" || ids[1] != "s1" || ids[2] != "r1" {
			t.Fatalf("events %v", ids)
		}
	})
}
