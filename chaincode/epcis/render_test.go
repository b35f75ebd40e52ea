package epcis_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/epcis/schema"
)

// record builds the event the chaincode stores for a request, as chaincode/contract does
// (unit.go, unit_pack.go, unit_move.go, unit_dispense.go, unit_dispose.go, unit_sensor.go,
// verify.go): codes as canonical keys, its own action, disposition and locations. txTime is
// the transaction timestamp, which the chaincode records as the event time.
func record(t *testing.T, op ops.Descriptor, req any, actor string, txTime time.Time) model.Event {
	t.Helper()
	keys := func(codes []string) []string {
		var out []string
		for _, c := range codes {
			k, err := epcis.CodeKey(c)
			if err != nil {
				t.Fatalf("the chaincode would refuse code %q: %v", c, err)
			}
			out = append(out, k)
		}
		return out
	}
	ev := model.Event{Type: model.ObjectEvent, Action: model.ActionObserve, Actor: actor, TxID: "tx-" + op.Name(),
		EventTime: model.FormatTime(txTime)}
	switch r := req.(type) {
	case *model.CommissionRequest:
		ev.EventID, ev.Action, ev.BizStep, ev.Disposition = r.EventID, model.ActionAdd, model.BizStepCommissioning, model.DispositionActive
		ev.EPCList, ev.ReadPoint, ev.BizLocation = keys(r.Codes), r.Location, r.Location
		ev.ILMD = &model.ILMD{LotNumber: r.Lot, ItemExpirationDate: "2026-12-31"}
	case *model.PackRequest:
		ev.EventID, ev.Type, ev.Action, ev.BizStep, ev.Disposition = r.EventID, model.AggregationEvent, model.ActionAdd, model.BizStepPacking, model.DispositionInProgress
		ev.ParentID, ev.ChildEPCs, ev.ReadPoint, ev.BizLocation = keys([]string{r.Parent})[0], keys(r.Children), r.Location, r.Location
	case *model.UnpackRequest:
		ev.EventID, ev.Type, ev.Action, ev.BizStep, ev.Disposition = r.EventID, model.AggregationEvent, model.ActionDelete, model.BizStepUnpacking, model.DispositionActive
		ev.ParentID, ev.ChildEPCs, ev.ReadPoint, ev.BizLocation = keys([]string{r.Parent})[0], keys(r.Children), r.Location, r.Location
	case *model.ShipRequest:
		ev.EventID, ev.BizStep, ev.Disposition = r.EventID, model.BizStepShipping, model.DispositionInTransit
		ev.EPCList, ev.QuantityList, ev.ReadPoint, ev.BizTransactionList = keys(r.Codes), r.Quantities, r.Location, r.BizTransactions
		ev.SourceList = []model.SourceDest{{Type: model.SDOwningParty, Value: actor}}
		ev.DestinationList = []model.SourceDest{{Type: model.SDOwningParty, Value: r.To}}
		if r.Destination != "" {
			ev.DestinationList = append(ev.DestinationList, model.SourceDest{Type: model.SDLocation, Value: r.Destination})
		}
	case *model.ReceiveRequest:
		ev.EventID, ev.BizStep, ev.Disposition = r.EventID, model.BizStepReceiving, model.DispositionActive
		ev.EPCList, ev.ReadPoint, ev.BizLocation, ev.BizTransactionList = keys(r.Codes), r.Location, r.Location, r.BizTransactions
		ev.DestinationList = []model.SourceDest{{Type: model.SDOwningParty, Value: actor}, {Type: model.SDLocation, Value: r.Location}}
	case *model.DispenseRequest:
		ev.EventID, ev.BizStep, ev.Disposition = r.EventID, model.BizStepDispensing, model.DispositionDispensed
		ev.EPCList, ev.ReadPoint, ev.BizLocation = keys(r.Codes), r.Location, r.Location
	case *model.ReturnRequest:
		ev.EventID, ev.BizStep, ev.Disposition = r.EventID, model.BizStepReturning, model.DispositionReturned
		ev.EPCList, ev.ReadPoint = keys(r.Codes), r.Location
		ev.SourceList = []model.SourceDest{{Type: model.SDOwningParty, Value: actor}}
		ev.DestinationList = []model.SourceDest{{Type: model.SDOwningParty, Value: r.To}}
	case *model.DisposeRequest:
		ev.EventID, ev.Action = r.EventID, model.ActionDelete
		ev.BizStep, ev.Disposition = model.BizStepDestroying, model.DispositionDestroyed
		if op.Name() == ops.Decommission.Name() {
			ev.BizStep, ev.Disposition = model.BizStepDecommissioning, model.DispositionInactive
		}
		ev.EPCList, ev.ReadPoint, ev.BizLocation = keys(r.Codes), r.Location, r.Location
	case *model.SensorRequest:
		ev.EventID, ev.BizStep = r.EventID, model.BizStepSensorReporting
		ev.EPCList, ev.ReadPoint, ev.SensorElementList = keys(r.Codes), r.Location, r.SensorElementList
	case *model.InspectRequest:
		ev.EventID, ev.BizStep, ev.Disposition = r.EventID, model.BizStepInspecting, model.DispositionConformant
		ev.EPCList, ev.ReadPoint, ev.BizLocation = keys([]string{r.Code}), r.Location, r.Location
	default:
		t.Fatalf("no stored form for %T", req)
	}
	return ev
}

// roundTrip is one event of the supply chain story, in EPCIS as a client sends it.
var roundTrip = []string{
	objectEvent(`"eventID":"urn:uuid:rt-c","action":"ADD","bizStep":"commissioning","disposition":"active",` +
		`"epcList":["` + sgtinURN + `","https://id.gs1.org/01/09506000134352/21/S2"],"bizLocation":{"id":"` + siteURN + `"},"ilmd":{"cbvmda:lotNumber":"L1"}`),
	typedEvent("AggregationEvent", `"eventID":"urn:uuid:rt-p","action":"ADD","bizStep":"packing","disposition":"in_progress",`+
		`"parentID":"`+ssccURN+`","childEPCs":["`+sgtinURN+`","https://id.gs1.org/01/09506000134352/21/S2"],"readPoint":{"id":"`+siteURN+`"}`),
	objectEvent(`"eventID":"urn:uuid:rt-s","action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","epcList":["` + ssccURN + `"],` +
		`"readPoint":{"id":"` + siteURN + `"},"destinationList":[{"type":"owning_party","destination":"` + hospPGLN + `"},{"type":"location","destination":"` + otherSite + `"}],` +
		`"bizTransactionList":[{"type":"desadv","bizTransaction":"urn:epcglobal:cbv:bt:9506000000015:D1"}]`),
	objectEvent(`"eventID":"urn:uuid:rt-t","action":"OBSERVE","bizStep":"sensor_reporting","epcList":["` + ssccURN + `"],"readPoint":{"id":"` + otherSite + `"},` +
		`"sensorElementList":[{"sensorMetadata":{"deviceID":"urn:epc:id:giai:4000001.111"},"sensorReport":[{"type":"Temperature","value":6.5,"uom":"CEL","time":"2024-05-01T03:00:00Z"}]}]`),
	objectEvent(`"eventID":"urn:uuid:rt-r","action":"OBSERVE","bizStep":"receiving","disposition":"active","epcList":["` + ssccURN + `"],"bizLocation":{"id":"` + otherSite + `"}`),
	typedEvent("AggregationEvent", `"eventID":"urn:uuid:rt-u","action":"DELETE","bizStep":"unpacking","disposition":"active",`+
		`"parentID":"`+ssccURN+`","childEPCs":["`+sgtinURN+`"],"readPoint":{"id":"`+otherSite+`"}`),
	objectEvent(`"eventID":"urn:uuid:rt-i","action":"OBSERVE","bizStep":"inspecting","disposition":"conformant","epcList":["` + sgtinURN + `"],"bizLocation":{"id":"` + otherSite + `"}`),
	objectEvent(`"eventID":"urn:uuid:rt-d","action":"OBSERVE","bizStep":"dispensing","disposition":"dispensed","epcList":["` + sgtinURN + `"],"bizLocation":{"id":"` + otherSite + `"}`),
	objectEvent(`"eventID":"urn:uuid:rt-b","action":"OBSERVE","bizStep":"shipping","disposition":"returned","epcList":["https://id.gs1.org/01/09506000134352/21/S2"],` +
		`"readPoint":{"id":"` + otherSite + `"},"destinationList":[{"type":"owning_party","destination":"` + distPGLN + `"}]`),
	objectEvent(`"eventID":"urn:uuid:rt-x","action":"DELETE","bizStep":"decommissioning","disposition":"inactive","epcList":["` + epcis.CodeURIPrefix + drugCode + `"],"bizLocation":{"id":"` + siteURN + `"}`),
	objectEvent(`"eventID":"urn:uuid:rt-y","action":"DELETE","bizStep":"destroying","disposition":"destroyed","epcList":["https://id.gs1.org/01/09506000134352/21/S2"],"bizLocation":{"id":"` + siteURN + `"}`),
}

// epcisView is what a round trip must keep of an event, in comparable form.
type epcisView struct {
	EventID, BizStep, Disposition string
	EventTime                     time.Time
	EPCs                          []string // canonical keys of epcList, parentID, childEPCs
	ReadPoint, BizLocation        string   // GLNs
}

func viewOf(t *testing.T, m map[string]any) epcisView {
	t.Helper()
	v := epcisView{}
	v.EventID, _ = m["eventID"].(string)
	v.BizStep, _ = m["bizStep"].(string)
	v.Disposition, _ = m["disposition"].(string)
	if s, ok := m["eventTime"].(string); ok {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		v.EventTime = tm.UTC()
	}
	for _, f := range []string{"parentID", "epcList", "childEPCs"} {
		var list []any
		switch x := m[f].(type) {
		case string:
			list = []any{x}
		case []any:
			list = x
		}
		for _, e := range list {
			k, err := epcis.CodeKey(e.(string))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			v.EPCs = append(v.EPCs, k)
		}
	}
	place := func(f string) string {
		p, ok := m[f].(map[string]any)
		if !ok {
			return ""
		}
		k, err := epcis.CodeKey(p["id"].(string))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		return strings.TrimPrefix(k[:18], "(414)")
	}
	v.ReadPoint, v.BizLocation = place("readPoint"), place("bizLocation")
	return v
}

func TestRoundTripKeepsEPCsStepsDispositionsTimesAndLocations(t *testing.T) {
	res, err := mapDocument(document(roundTrip...), epcis.Options{Resolve: directory.resolve})
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		EPCISBody struct {
			EventList []map[string]any `json:"eventList"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(document(roundTrip...), &sent); err != nil {
		t.Fatal(err)
	}
	for i, o := range res.Outcomes {
		if o.Rejection != nil {
			t.Fatalf("event %d rejected: %v", i, o.Rejection)
		}
		// The gateway submits each event as it arrives; the chaincode records the
		// transaction time. Taking the EPCIS event time as that time shows what the
		// rendering keeps; see docs/epcis.md for the event time the ledger does not store.
		stored := record(t, o.Op, o.Request, "ManufacturerMSP", o.EventTime)
		b, err := json.Marshal(epcis.Render(stored, epcis.RenderOptions{PartyGLN: directory.glnOf}))
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		in, out := viewOf(t, sent.EPCISBody.EventList[i]), viewOf(t, back)
		// A location the transaction records once is given once on the way in; the ledger
		// may show it as both readPoint and bizLocation on the way out.
		if in.ReadPoint == "" {
			out.ReadPoint = ""
		}
		if in.BizLocation == "" {
			out.BizLocation = ""
		}
		if !reflect.DeepEqual(in, out) {
			t.Errorf("event %d (%s):\nsent     %+v\nrendered %+v", i, opName(o.Op), in, out)
		}
	}
}

func TestRenderShowsLedgerEventsAsEPCIS(t *testing.T) {
	got, err := json.Marshal(epcis.Render(ledgerShip, epcis.RenderOptions{PartyGLN: directory.glnOf}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"ObjectEvent","eventID":"urn:uuid:s1","eventTime":"2024-05-01T02:00:00.000000000Z",` +
		`"recordTime":"2024-05-01T02:00:00.000000000Z","eventTimeZoneOffset":"+00:00",` +
		`"epcList":["https://id.gs1.org/01/09506000134352/21/S1","https://id.gs1.org/00/095060000000000015"],` +
		`"quantityList":[{"epcClass":"https://id.gs1.org/01/09506000134352/10/L1","quantity":5}],` +
		`"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",` +
		`"readPoint":{"id":"https://id.gs1.org/414/9506000000015"},` +
		`"bizTransactionList":[{"type":"desadv","bizTransaction":"urn:epcglobal:cbv:bt:9506000000015:D1"}],` +
		`"sourceList":[{"type":"owning_party","source":"https://id.gs1.org/417/9506000000022"}],` +
		`"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/9506000000039"},` +
		`{"type":"location","destination":"https://id.gs1.org/414/9506000000091"}],` +
		`"udi:actor":"DistributorMSP","udi:txId":"tx1"}`
	if string(got) != want {
		t.Errorf("Render =\n%s\nwant\n%s", got, want)
	}
}

func TestRenderShowsWhatCBVLacksWithTheLedgersURIs(t *testing.T) {
	ret := epcis.Render(ledgerReturn, epcis.RenderOptions{})
	if ret.BizStep != "shipping" || ret.Disposition != "returned" || ret.EPCList[0] != epcis.CodeURIPrefix+drugCode {
		t.Errorf("return rendered as %+v", ret)
	}
	recall := epcis.Render(model.Event{EventID: "R1", Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepRecalling, Disposition: model.DispositionRecalled,
		SourceList: []model.SourceDest{{Type: model.SDOwningParty, Value: "Regulator MSP"}}}, epcis.RenderOptions{})
	if recall.BizStep != epcis.BizStepURIPrefix+"recalling" || recall.SourceList[0].Source != epcis.PartyURIPrefix+"Regulator%20MSP" {
		t.Errorf("recall rendered as %+v", recall)
	}
	ma := epcis.CodeURI("hibcc:A123BJC5D6E71$+SN42")
	if k, err := epcis.CodeKey(ma); err != nil || k != "hibcc:A123BJC5D6E71$+SN42" {
		t.Errorf("CodeURI %q reads back as %q, %v", ma, k, err)
	}
}

func TestNewQueryDocumentIsAnEPCISQueryDocument(t *testing.T) {
	created := time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))
	doc := epcis.NewQueryDocument([]model.Event{ledgerPack, ledgerShip}, epcis.RenderOptions{}, created)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	results := m["epcisBody"].(map[string]any)["queryResults"].(map[string]any)
	events := results["resultsBody"].(map[string]any)["eventList"].([]any)
	ctx := m["@context"].([]any)
	if m["type"] != "EPCISQueryDocument" || m["schemaVersion"] != "2.0" || m["creationDate"] != "2024-05-01T04:00:00Z" ||
		results["queryName"] != "SimpleEventQuery" || len(events) != 2 || ctx[0] != epcis.ContextURI {
		t.Errorf("query document = %s", b)
	}
	pack := events[0].(map[string]any)
	if pack["type"] != "AggregationEvent" || pack["parentID"] != "https://id.gs1.org/00/095060000000000015" {
		t.Errorf("packing rendered as %v", pack)
	}
	empty, _ := json.Marshal(epcis.NewQueryDocument(nil, epcis.RenderOptions{}, created))
	if !strings.Contains(string(empty), `"eventList":[]`) {
		t.Errorf("an empty answer must still hold an eventList: %s", empty)
	}
}

// conformingDocument validates a query document of events against the official schema.
func conformingDocument(t *testing.T, events ...model.Event) {
	t.Helper()
	opt := epcis.RenderOptions{Recall: func(id string) (model.RecallScope, bool) {
		switch id {
		case "RC-lot":
			return model.RecallScope{Type: model.ScopeLot, DI: "09506000134352", Lot: "L1"}, true
		case "RC-drug":
			return model.RecallScope{Type: model.ScopeDI, DI: "8123456"}, true
		}
		return model.RecallScope{}, false
	}}
	b, err := json.Marshal(epcis.NewQueryDocument(events, opt, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	vs, err := schema.ValidateJSON(b)
	if err != nil || len(vs) > 0 {
		t.Fatalf("the query document breaks the EPCIS 2.0 JSON schema: %v %v\n%s", vs, err, b)
	}
}

func TestRenderedEventsConformToTheSchema(t *testing.T) {
	recall := func(id string, epcs ...string) model.Event {
		return model.Event{EventID: id, Type: model.ObjectEvent, Action: model.ActionObserve, BizStep: model.BizStepRecalling,
			Disposition: model.DispositionRecalled, EPCList: epcs, EventTime: "2024-05-01T02:00:00Z", Detail: &model.EventDetail{RecallID: id}}
	}
	conformingDocument(t, ledgerPack, ledgerShip, ledgerReturn, recall("RC-lot"), recall("RC-drug"), recall("RC-unknown"),
		recall("urn:uuid:rc-codes", sgtinArg),
		model.Event{EventID: "evt 1", Type: model.ObjectEvent, Action: model.ActionObserve, BizStep: model.BizStepSensorReporting,
			EventTime: "2024-05-01T02:00:00Z", EPCList: []string{sgtinArg},
			BizTransactionList: []model.BizTransaction{{Type: model.BizTxPrescr, Value: "RX 1"}},
			SensorElementList:  []model.SensorElement{{DeviceID: "logger 1", Reports: []model.SensorReport{{Type: model.TemperatureType, Value: 4, UOM: "CEL"}}}}},
		model.Event{EventID: "kit 1", Type: model.TransformationEvent, BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive,
			EventTime: "2024-05-01T02:00:00Z", ChildEPCs: []string{sgtinArg}, EPCList: []string{"(01)09506000134369(21)K1"},
			QuantityList: []model.QuantityElement{{Code: lotKey, Quantity: 2}}, TransformationID: "kitting 1",
			ILMD: &model.ILMD{LotNumber: "K1", ItemExpirationDate: "2027-01-31"}},
		model.Event{EventID: "assoc 1", Type: model.AssociationEvent, Action: model.ActionAdd, EventTime: "2024-05-01T02:00:00Z",
			ParentID: "(8004)4000001111", ChildEPCs: []string{ssccKey}})
}

func TestRenderShowsATransformationsInputsAndOutputs(t *testing.T) {
	ev := epcis.Render(model.Event{EventID: "urn:uuid:k1", Type: model.TransformationEvent, EventTime: "2024-05-01T02:00:00Z",
		ChildEPCs: []string{sgtinArg}, EPCList: []string{"(01)09506000134369(21)K1"}, TransformationID: "urn:uuid:t1"}, epcis.RenderOptions{})
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	in, _ := m["inputEPCList"].([]any)
	out, _ := m["outputEPCList"].([]any)
	if len(in) != 1 || len(out) != 1 || out[0] != "https://id.gs1.org/01/09506000134369/21/K1" || m["transformationID"] != "urn:uuid:t1" {
		t.Fatalf("rendered %s", b)
	}
	for _, k := range []string{"action", "epcList", "childEPCs"} {
		if _, ok := m[k]; ok {
			t.Errorf("a TransformationEvent rendered with %s: %s", k, b)
		}
	}
}

func TestRenderGivesEveryIDAndTermAURI(t *testing.T) {
	ev := epcis.Render(model.Event{EventID: "evt 1/a", Type: model.ObjectEvent, Action: model.ActionObserve, BizStep: model.BizStepShipping,
		EPCList:            []string{sgtinArg},
		BizTransactionList: []model.BizTransaction{{Type: model.BizTxPO, Value: "PO 1"}, {Type: model.BizTxPrescr, Value: "urn:example:rx:1"}},
		SensorElementList:  []model.SensorElement{{DeviceID: "logger-1", Reports: []model.SensorReport{{Type: model.TemperatureType, Value: 4}}}},
	}, epcis.RenderOptions{})
	if ev.EventID != epcis.EventURIPrefix+"evt%201%2Fa" || epcis.EventIDOf(ev.EventID) != "evt 1/a" {
		t.Errorf("eventID %q reads back as %q", ev.EventID, epcis.EventIDOf(ev.EventID))
	}
	if bt := ev.BizTransactionList; bt[0] != (epcis.BizTransaction{Type: "po", BizTransaction: epcis.BizTransactionURIPrefix + "PO%201"}) ||
		bt[1] != (epcis.BizTransaction{Type: epcis.BizTransactionTypeURIPrefix + "prescription", BizTransaction: "urn:example:rx:1"}) {
		t.Errorf("business transactions %+v", bt)
	}
	if d := ev.SensorElementList[0].SensorMetadata.DeviceID; d != epcis.DeviceURIPrefix+"logger-1" {
		t.Errorf("deviceID %q", d)
	}
	for _, id := range []string{"urn:uuid:7f1c", "ni:///sha-256;00e1?ver=CBV2.0", "https://example.com/e/1"} {
		if got := epcis.EventURI(id); got != id || epcis.EventIDOf(got) != id {
			t.Errorf("URI ID %q rendered %q, read back %q; want it unchanged", id, got, epcis.EventIDOf(got))
		}
	}
	// A URN of the ledger's prefix that EventURI would not write is an ID of its own.
	for _, uri := range []string{epcis.EventURIPrefix + "urn:uuid:1", epcis.EventURIPrefix, epcis.EventURIPrefix + "a%zz"} {
		if got := epcis.EventIDOf(uri); got != uri {
			t.Errorf("EventIDOf(%q) = %q, want it unchanged", uri, got)
		}
	}
}

func TestRenderNamesWhatARecallRecalls(t *testing.T) {
	opt := epcis.RenderOptions{Recall: func(id string) (model.RecallScope, bool) {
		sc, ok := map[string]model.RecallScope{
			"RC-1": {Type: model.ScopeLot, DI: "09506000134352", Lot: "L/1"},
			"RC-2": {Type: model.ScopeDI, DI: "09506000134352"},
			"RC-3": {Type: model.ScopeLot, DI: "8123456", Lot: "D 1"},
		}[id]
		return sc, ok
	}}
	for id, want := range map[string]string{
		"RC-1": "https://id.gs1.org/01/09506000134352/10/L%2F1",
		"RC-2": "https://id.gs1.org/01/09506000134352",
		"RC-3": epcis.ClassURIPrefix + "8123456;lot=D%201",
	} {
		ev := epcis.Render(model.Event{EventID: id, Type: model.ObjectEvent, Action: model.ActionObserve, BizStep: model.BizStepRecalling,
			Detail: &model.EventDetail{RecallID: id}}, opt)
		if len(ev.QuantityList) != 1 || ev.QuantityList[0] != (epcis.Quantity{EPCClass: want}) || ev.EPCList != nil {
			t.Errorf("%s: quantityList %+v, epcList %v; want the class %s", id, ev.QuantityList, ev.EPCList, want)
		}
	}
	unknown, _ := json.Marshal(epcis.Render(model.Event{EventID: "RC-9", Type: model.ObjectEvent, Action: model.ActionObserve,
		BizStep: model.BizStepRecalling, Detail: &model.EventDetail{RecallID: "RC-9"}}, opt))
	if !strings.Contains(string(unknown), `"epcList":[]`) || strings.Contains(string(unknown), "quantityList") {
		t.Errorf("a recall of unknown scope rendered as %s, want an empty epcList", unknown)
	}
}

func TestCaptureReadsTheLedgersEventURNBack(t *testing.T) {
	o := captureOne(t, objectEvent(`"eventID":"`+epcis.EventURIPrefix+`evt%201","action":"OBSERVE","bizStep":"dispensing","epcList":["`+sgtinURN+`"]`))
	if o.Rejection != nil || o.EventID != "evt 1" || o.Request.(*model.DispenseRequest).EventID != "evt 1" {
		t.Fatalf("outcome %+v", o)
	}
	if got := epcis.Render(model.Event{EventID: o.EventID, Type: model.ObjectEvent, EPCList: []string{sgtinArg}}, epcis.RenderOptions{}).EventID; got != epcis.EventURIPrefix+"evt%201" {
		t.Errorf("rendered back as %q", got)
	}
}

func TestRenderWritesEPCURNsForKnownCompanyPrefixes(t *testing.T) {
	opt := epcis.RenderOptions{EPCURN: true, CompanyPrefixes: []string{"950", "9506000"}, PartyGLN: directory.glnOf,
		Recall: func(string) (model.RecallScope, bool) {
			return model.RecallScope{Type: model.ScopeDI, DI: "09506000134352"}, true
		}}
	ev := epcis.Render(ledgerShip, opt)
	if ev.EPCList[0] != sgtinURN || ev.EPCList[1] != ssccURN || ev.QuantityList[0].EPCClass != lotClass ||
		ev.ReadPoint.ID != siteURN || ev.SourceList[0].Source != distPGLN {
		t.Errorf("rendered with URNs as %+v", ev)
	}
	recall := epcis.Render(model.Event{EventID: "R", Type: model.ObjectEvent, BizStep: model.BizStepRecalling, Detail: &model.EventDetail{RecallID: "R"}}, opt)
	if recall.QuantityList[0].EPCClass != "urn:epc:idpat:sgtin:9506000.013435.*" {
		t.Errorf("product recall class %q", recall.QuantityList[0].EPCClass)
	}
	// A key under no known prefix, and a non-GS1 code, keep their URIs.
	other := epcis.Render(model.Event{EventID: "x", Type: model.ObjectEvent, EPCList: []string{"(01)00614141107346(21)2017", drugCode}}, opt)
	if other.EPCList[0] != "https://id.gs1.org/01/00614141107346/21/2017" || other.EPCList[1] != epcis.CodeURIPrefix+drugCode {
		t.Errorf("epcList %v", other.EPCList)
	}
	b, _ := json.Marshal(epcis.NewQueryDocument([]model.Event{ledgerShip, ledgerPack, ledgerReturn}, opt, time.Now()))
	if vs, err := schema.ValidateJSON(b); err != nil || len(vs) > 0 {
		t.Errorf("EPC URN answer breaks the schema: %v %v", vs, err)
	}
}
