package contract

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
)

// epcisEvent is an EPCIS event as a capture sends it, with its request.
func epcisEvent(t *testing.T, fields map[string]any) model.EPCISCapture {
	t.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := epcis.ReadEvent(b)
	if err != nil {
		t.Fatal(err)
	}
	id, rej := epcis.Identify(ev, nil)
	if rej != nil {
		t.Fatal(rej)
	}
	return model.EPCISCapture{EventID: id.EventID, Event: b}
}

func deviceURI(n int) string { return fmt.Sprintf("https://id.gs1.org/01/%s/21/S%06d", deviceDI, n) }

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func TestAnEventAboutGoodsTheLedgerDoesNotGovernIsKeptWholeAsAnObservation(t *testing.T) {
	e := newEnv(t)
	e.seed()
	sent := epcisEvent(t, map[string]any{
		"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "storing", "disposition": "sellable_accessible",
		"eventTime": "2019-10-21T11:00:30.000+01:00", "eventTimeZoneOffset": "+01:00",
		"epcList":               []string{"urn:epc:id:sgtin:4012345.011111.9876", "urn:epc:id:grai:4012345.55555.1"},
		"readPoint":             map[string]any{"id": "urn:epc:id:sgln:4012345.00001.0"},
		"sensorElementList":     []any{map[string]any{"sensorMetadata": map[string]any{"deviceID": "urn:epc:id:giai:4000001.111", "time": "2019-10-21T11:00:00Z"}, "sensorReport": []any{map[string]any{"type": "gs1:Humidity", "minValue": 12.1, "maxValue": 12.4, "meanValue": 12.2, "uom": "A93"}}}},
		"certificationInfo":     "https://accreditation-council.example.org/certificate/ABC12345",
		"example:userField":     map[string]any{"@xmlns:example": "https://ns.example.com/epcis", "#text": "kept"},
		"persistentDisposition": map[string]any{"set": []string{"completeness_verified"}},
	})
	var res model.EPCISResult
	e.must(&res, dst, "epcis:Capture", sent)
	if !res.Observation || res.Operation != "" || !strings.HasPrefix(res.HashID, "ni:///sha-256;") || res.EventID != sent.EventID {
		t.Fatalf("result %+v: want an observation under the event's hash ID", res)
	}
	var ev model.Event
	if err := e.eval(&ev, dst, "query:Event", sent.EventID, ""); err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, ev.Captured, sent.Event) || !ev.Observation || ev.HashID != res.HashID {
		t.Fatalf("kept %s (observation %v), want the event as sent %s", ev.Captured, ev.Observation, sent.Event)
	}
	if ev.BizStep != "storing" || ev.ReadPoint != "4012345000016" || len(ev.EPCList) != 2 {
		t.Fatalf("indexed fields %+v", ev)
	}
	if ev.EventTime != "2019-10-21T11:00:30+01:00" && !strings.HasPrefix(ev.EventTime, "2019-10-21T") {
		t.Fatalf("eventTime %s, want the declared 2019 time", ev.EventTime)
	}
	var again model.EPCISResult
	e.must(&again, dst, "epcis:Capture", sent)
	if !again.Replayed || again.TxID != res.TxID {
		t.Fatalf("the same event again: %+v, want the first result replayed", again)
	}
	// The manufacturer, not named in it and not its product's maker, does not see it.
	if err := e.eval(&ev, mfr, "query:Event", sent.EventID, ""); model.CodeOf(err) != model.CodeNotFound {
		t.Fatalf("another party reads the observation: %v", err)
	}
}

func TestAnEventAboutGovernedGoodsGoesThroughItsTransaction(t *testing.T) {
	e := newEnv(t)
	e.seed()
	at := e.clock().Add(-time.Minute).Format(time.RFC3339)
	commission := epcisEvent(t, map[string]any{
		"type": "ObjectEvent", "eventID": "urn:uuid:epcis-commission-1", "action": "ADD", "bizStep": "commissioning",
		"disposition": "active", "eventTime": at, "eventTimeZoneOffset": "+00:00",
		"epcList": []string{deviceURI(1), deviceURI(2)}, "ilmd": map[string]any{"cbvmda:lotNumber": "L1"},
		"example:batchNote": "kept whole",
	})
	var res model.EPCISResult
	e.must(&res, mfr, "epcis:Capture", commission)
	if res.Operation != "unit:Commission" || res.Observation || res.UnitCount != 0 && res.UnitCount != 2 {
		t.Fatalf("commissioning: %+v", res)
	}
	if u := e.unitView(deviceCode(2)); u.Unit.Owner != mfr {
		t.Fatalf("unit after an EPCIS commissioning: %+v", u)
	}
	var ev model.Event
	if err := e.eval(&ev, mfr, "query:Event", "urn:uuid:epcis-commission-1", ""); err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, ev.Captured, commission.Event) || ev.Type != model.ObjectEvent || len(ev.EPCList) != 2 {
		t.Fatalf("the governed event keeps %s", ev.Captured)
	}

	// A shipment by a party that does not hold the goods is refused with the transaction's reason.
	ship := epcisEvent(t, map[string]any{
		"type": "ObjectEvent", "eventID": "urn:uuid:epcis-ship-1", "action": "OBSERVE", "bizStep": "shipping",
		"eventTime": at, "eventTimeZoneOffset": "+00:00", "epcList": []string{deviceURI(1)},
		"destinationList": []any{map[string]any{"type": "owning_party", "destination": "urn:udiledger:party:" + plt}},
	})
	_, err := e.submit(dst, "epcis:Capture", ship)
	if model.CodeOf(err) != model.CodeForbidden && model.CodeOf(err) != model.CodeInvalid || !strings.Contains(err.Error(), "not held") {
		t.Fatalf("a non-holder's shipment: %v, want it refused because it does not hold the unit", err)
	}
	// A business step no transaction records is refused for governed goods, not observed.
	store := epcisEvent(t, map[string]any{
		"type": "ObjectEvent", "eventID": "urn:uuid:epcis-store-1", "action": "OBSERVE", "bizStep": "storing",
		"eventTime": at, "eventTimeZoneOffset": "+00:00", "epcList": []string{deviceURI(1)},
	})
	if _, err := e.submit(mfr, "epcis:Capture", store); model.CodeOf(err) != model.CodeInvalid || !strings.Contains(err.Error(), "bizStep") {
		t.Fatalf("storing a governed unit: %v, want INVALID naming bizStep", err)
	}
}

func TestAnErrorDeclarationMarksItsSubmittersOriginal(t *testing.T) {
	e := newEnv(t)
	e.seed()
	fields := map[string]any{
		"type": "ObjectEvent", "eventID": "urn:uuid:epcis-wrong-1", "action": "OBSERVE", "bizStep": "inspecting",
		"eventTime": "2024-01-10T08:00:00Z", "eventTimeZoneOffset": "+00:00",
		"epcList": []string{"urn:epc:id:sgtin:4012345.011111.1"},
	}
	orig := epcisEvent(t, fields)
	e.must(nil, dst, "epcis:Capture", orig)
	fields["errorDeclaration"] = map[string]any{"declarationTime": "2024-01-11T08:00:00Z", "reason": "incorrect_data",
		"correctiveEventIDs": []string{"urn:uuid:epcis-right-1"}}
	decl := epcisEvent(t, fields)
	// Another organisation's declaration under the ID is its own: the distributor's event
	// stays unmarked by it.
	e.must(nil, plt, "epcis:Capture", decl)
	var ev model.Event
	if err := e.eval(&ev, dst, "query:Event", "urn:uuid:epcis-wrong-1", ""); err != nil || ev.Declared != nil {
		t.Fatalf("another party's declaration marked the original: %+v, %v", ev.Declared, err)
	}
	var res model.EPCISResult
	e.must(&res, dst, "epcis:Capture", decl)
	if !res.Declaration || res.EventID != "urn:uuid:epcis-wrong-1" {
		t.Fatalf("declaration: %+v", res)
	}
	if err := e.eval(&ev, dst, "query:Event", "urn:uuid:epcis-wrong-1", ""); err != nil {
		t.Fatal(err)
	}
	want := &model.ErrorDeclaration{DeclarationTime: "2024-01-11T08:00:00Z", Reason: "incorrect_data", CorrectiveEventIDs: []string{"urn:uuid:epcis-right-1"}}
	if !reflect.DeepEqual(ev.Declared, want) || !sameJSON(t, ev.Captured, orig.Event) {
		t.Fatalf("original after the declaration: declared %+v, kept %s", ev.Declared, ev.Captured)
	}
	var again model.EPCISResult
	e.must(&again, dst, "epcis:Capture", decl)
	if !again.Replayed || !again.Declaration {
		t.Fatalf("the declaration again: %+v", again)
	}
}

func TestEventsAreReadFromTheirIndexes(t *testing.T) {
	e := newEnv(t)
	e.seed()
	observe := func(id, step, epc string) {
		e.must(nil, dst, "epcis:Capture", epcisEvent(t, map[string]any{
			"type": "ObjectEvent", "eventID": id, "action": "OBSERVE", "bizStep": step,
			"eventTime": "2024-01-10T08:00:00Z", "eventTimeZoneOffset": "+00:00", "epcList": []string{epc},
			"readPoint": map[string]any{"id": "urn:epc:id:sgln:4012345.00001.0"},
		}))
	}
	observe("urn:uuid:ix-1", "storing", "urn:epc:id:sgtin:4012345.011111.1")
	e.advance(time.Second)
	mid := e.clock().Format(time.RFC3339Nano)
	e.advance(time.Second)
	observe("urn:uuid:ix-2", "picking", "urn:epc:id:sgtin:4012345.011111.2")
	e.commission("urn:uuid:ix-c", 1, 2)

	ids := func(msp string, q model.IndexQuery) []string {
		t.Helper()
		var page model.EventPage
		if err := e.eval(&page, msp, "query:EventsByIndex", q.Index, q.Value, q.From, q.To, 100, ""); err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		var out []string
		for _, ev := range page.Events {
			out = append(out, ev.EventID)
		}
		return out
	}
	for _, c := range []struct {
		q    model.IndexQuery
		want []string
	}{
		{model.IndexQuery{Index: model.IndexType, Value: "ObjectEvent"}, []string{"urn:uuid:ix-1", "urn:uuid:ix-2"}},
		{model.IndexQuery{Index: model.IndexBizStep, Value: "picking"}, []string{"urn:uuid:ix-2"}},
		{model.IndexQuery{Index: model.IndexLocation, Value: "4012345000016", From: mid}, []string{"urn:uuid:ix-2"}},
		{model.IndexQuery{Index: model.IndexCode, Value: "(01)04012345111118(21)1"}, []string{"urn:uuid:ix-1"}},
		{model.IndexQuery{Index: model.IndexLocation, Value: "4012345000016", To: mid}, []string{"urn:uuid:ix-1"}},
	} {
		if got := ids(dst, c.q); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v as the distributor: %v, want %v", c.q, got, c.want)
		}
	}
	// The commissioning is the manufacturer's: its index entry answers it, and only it.
	if got := ids(mfr, model.IndexQuery{Index: model.IndexBizStep, Value: "commissioning"}); !reflect.DeepEqual(got, []string{"urn:uuid:ix-c"}) {
		t.Errorf("commissioning as the manufacturer: %v", got)
	}
	if got := ids(plt, model.IndexQuery{Index: model.IndexBizStep, Value: "commissioning"}); len(got) != 0 {
		t.Errorf("commissioning as the platform: %v, want none", got)
	}
	if _, err := e.submit(dst, "query:EventsByIndex", "colour", "red", "", "", 10, ""); model.CodeOf(err) != model.CodeInvalid {
		t.Errorf("an unknown index: %v", err)
	}
}
