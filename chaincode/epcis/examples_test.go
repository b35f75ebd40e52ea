package epcis_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/epcis/epcistest"
)

// examplesDir holds the GS1 EPCIS 2.0 JSON-LD examples.
var examplesDir = epcistest.Dir()

// want is the expected outcome of one event: a function and a check of its request, or a
// rejection of a field with a reason containing the given words.
type want struct {
	fn     ops.Descriptor
	check  func(t *testing.T, req any)
	field  string
	reason string
}

func rejected(field, reason string) want { return want{field: field, reason: reason} }

// receive9611 checks the receiving event both 9.6.1 examples share.
func receive9611(t *testing.T, req any) {
	r := req.(*model.ReceiveRequest)
	if at := takeEventTime(r); at != "2005-04-04T20:33:31.116-06:00" {
		t.Errorf("declared event time %q", at)
	}
	wantReq := &model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "ni:///sha-256;00e1e6eba3a7cc6125be4793a631f0af50f8322e0ab5f2c0bab994a11cec1d79?ver=CBV2.0", Location: "0012345111112"},
		Codes: []string{"(01)10614141073464(21)2018"},
		BizTransactions: []model.BizTransaction{
			{Type: model.BizTxPO, Value: "http://transaction.acme.com/po/12345678"},
			{Type: model.BizTxDespatch, Value: "urn:epcglobal:cbv:bt:0614141073467:1152"},
		},
	}
	if !reflect.DeepEqual(r, wantReq) {
		t.Errorf("request = %+v, want %+v", r, wantReq)
	}
}

// exampleOutcomes lists, for every example file, what each of its events becomes.
var exampleOutcomes = map[string][]want{
	"Example-TransactionEvents-2020_07_03y.jsonld": {
		rejected("bizStep", `"http://epcis.example.org/hc/bizstep/summarising_discharge" is not a business step the ledger records`),
		rejected("bizStep", `"transporting" is not a business step the ledger records`),
	},
	"Example-Type-sourceOrDestination,measurement,bizTransaction.jsonld": {
		rejected("sensorElementList", "send the readings in an event of their own"),
	},
	"Example_9.6.1-ObjectEvent-with-error-declaration.jsonld": {
		rejected("errorDeclaration", "kept beside the original event"),
		{fn: ops.Receive, check: receive9611},
	},
	"Example_9.6.1-ObjectEvent.jsonld": {
		// A shipment without an owning_party destination names no receiver.
		rejected("destinationList", "needs an owning_party destination naming the receiver"),
		{fn: ops.Receive, check: receive9611},
	},
	"Example_9.6.2-ObjectEvent.jsonld": {
		rejected("quantityList[0].uom", `"KGM" is a measure, not a count`),
	},
	"Example_9.6.3-AggregationEvent.jsonld": {
		rejected("action", "AggregationEvent with action OBSERVE is not recorded"),
	},
	"PersistentDisposition-example.jsonld": {
		{fn: ops.Receive, check: func(t *testing.T, req any) {
			r := req.(*model.ReceiveRequest)
			if at := takeEventTime(r); at != "2020-06-07T19:10:16+02:00" {
				t.Errorf("declared event time %q", at)
			}
			if len(r.Codes) != 10 || r.Codes[0] != "(01)09520001123467(21)10000001001" || r.Codes[9] != "(01)09520001123467(21)10000001010" {
				t.Errorf("codes = %v", r.Codes)
			}
			if r.Location != "9529999999993" {
				t.Errorf("location = %q, want the GLN of urn:epc:id:sgln:9529999.99999.0", r.Location)
			}
			wantBT := []model.BizTransaction{
				{Type: model.BizTxInvoice, Value: "urn:epcglobal:cbv:bt:9520011111116:A123"},
				{Type: model.BizTxPO, Value: "urn:epcglobal:cbv:bt:9529999999991:XYZ567"},
				{Type: model.BizTxDespatch, Value: "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"},
			}
			if !reflect.DeepEqual(r.BizTransactions, wantBT) || len(r.Quantities) != 0 {
				t.Errorf("request = %+v", r)
			}
		}},
		rejected("epcList", "inspecting verifies one code per event (unit:Inspect), got 10"),
	},
	"SensorDataExample1.jsonld": {
		{fn: ops.ReportSensor, check: func(t *testing.T, req any) {
			r := req.(*model.SensorRequest)
			if !reflect.DeepEqual(r.Codes, []string{"(01)04012345111118(21)9876"}) || r.Location != "4012345000054" {
				t.Errorf("codes %v at %q", r.Codes, r.Location)
			}
			if len(r.SensorElementList) != 3 || len(r.SensorElementList[2].Reports) != 4 {
				t.Fatalf("sensor elements = %+v", r.SensorElementList)
			}
			first := r.SensorElementList[0]
			wantFirst := model.SensorReport{Type: model.TemperatureType, Value: 26, UOM: "CEL", Time: "2019-04-02T13:05:00.000000000Z"}
			if first.DeviceID != "urn:epc:id:giai:4000001.111" || first.Reports[0] != wantFirst {
				t.Errorf("first element = %+v", first)
			}
			if c, ok := r.SensorElementList[2].Reports[0].Celsius(); !ok || c != 26.2 {
				t.Errorf("last temperature = %v %v, want 26.2 °C", c, ok)
			}
		}},
	},
	"SensorDataExample2.jsonld": {
		{fn: ops.ReportSensor, check: func(t *testing.T, req any) {
			r := req.(*model.SensorRequest)
			kinds := map[string]bool{}
			for _, el := range r.SensorElementList {
				for _, rep := range el.Reports {
					kinds[rep.Kind] = true
				}
			}
			if !kinds["minValue"] || !kinds["maxValue"] {
				t.Errorf("summary readings %v, want minValue and maxValue kept as readings", kinds)
			}
		}},
	},
}

func TestCaptureOfEveryGS1Example(t *testing.T) {
	files := epcistest.Examples(t)
	seen := map[string]bool{}
	for _, path := range files {
		name := filepath.Base(path)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			wants, ok := exampleOutcomes[name]
			if !ok {
				t.Fatalf("%s has no expected outcome listed in exampleOutcomes", name)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := mapDocument(data, epcis.Options{Resolve: directory.resolve})
			if err != nil {
				t.Fatalf("Capture: %v", err)
			}
			if len(res.Outcomes) != len(wants) {
				t.Fatalf("%d outcomes, want %d", len(res.Outcomes), len(wants))
			}
			for i, w := range wants {
				o := res.Outcomes[i]
				if o.Index != i || o.EventID == "" || o.EventTime.IsZero() {
					t.Errorf("event %d: index %d, id %q, time %v", i, o.Index, o.EventID, o.EventTime)
				}
				if w.fn == nil {
					if o.Rejection == nil {
						t.Errorf("event %d accepted as %s, want rejected at %s", i, opName(o.Op), w.field)
						continue
					}
					if o.Rejection.Index != i || o.Rejection.Field != w.field || !strings.Contains(o.Rejection.Reason, w.reason) {
						t.Errorf("event %d: rejection %q at %q, want %q containing %q", i, o.Rejection.Reason, o.Rejection.Field, w.field, w.reason)
					}
					if o.Op != nil || o.Request != nil {
						t.Errorf("event %d: rejected event carries %s %v", i, opName(o.Op), o.Request)
					}
					continue
				}
				if o.Rejection != nil {
					t.Errorf("event %d rejected: %v; want %s", i, o.Rejection, w.fn.Name())
					continue
				}
				if opName(o.Op) != w.fn.Name() {
					t.Errorf("event %d: operation %s, want %s", i, opName(o.Op), w.fn.Name())
				}
				w.check(t, o.Request)
			}
		})
	}
	for name := range exampleOutcomes {
		if !seen[name] {
			t.Errorf("exampleOutcomes lists %s, which is not in %s", name, examplesDir)
		}
	}
}

func TestExampleEventsWithoutEventIDGetAStableHashID(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(examplesDir, "Example-TransactionEvents-2020_07_03y.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := mapDocument(data, epcis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := mapDocument(data, epcis.Options{})
	for i := range a.Outcomes {
		id := a.Outcomes[i].EventID
		if !strings.HasPrefix(id, "ni:///sha-256;") || !strings.HasSuffix(id, "?ver=CBV2.0") {
			t.Errorf("event %d: id %q is not a CBV 2.0 hash ID", i, id)
		}
		if id != b.Outcomes[i].EventID {
			t.Errorf("event %d: id differs between two captures of the same document", i)
		}
	}
	if a.Outcomes[0].EventID == a.Outcomes[1].EventID {
		t.Error("two different events got the same hash ID")
	}
}
