package epcis_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/epcis/schema"
)

// Codes of the tests, with what they become.
const (
	sgtinURN  = "urn:epc:id:sgtin:9506000.013435.S1"
	sgtinArg  = "(01)09506000134352(21)S1"
	ssccURN   = "urn:epc:id:sscc:9506000.0000000001"
	ssccKey   = "(00)095060000000000015"
	siteURN   = "urn:epc:id:sgln:9506000.00001.0"
	siteGLN   = "9506000000015"
	distPGLN  = "urn:epc:id:pgln:9506000.00002" // DistributorMSP
	hospPGLN  = "urn:epc:id:pgln:9506000.00003" // HospitalMSP
	lotClass  = "urn:epc:class:lgtin:9506000.013435.L1"
	lotKey    = "(01)09506000134352(10)L1"
	drugCode  = "81234567890123456789"
	otherSite = "urn:epc:id:sgln:9506000.00009.0"
)

// opName names an outcome's operation; "" for none.
func opName(op ops.Descriptor) string {
	if op == nil {
		return ""
	}
	return op.Name()
}

// submission encodes an accepted outcome as a caller submits it. A dispense (Transient set)
// carries the public request only; the caller adds the private part the operation takes.
func submission(o epcis.Outcome) (ops.Call, error) {
	req := o.Request
	if o.Transient == model.TransientDispense {
		pub, ok := o.Request.(*model.DispenseRequest)
		if !ok {
			return ops.Call{}, fmt.Errorf("a dispense outcome carries %T", o.Request)
		}
		req = model.DispenseInput{DispenseRequest: *pub, DispensePrivate: model.DispensePrivate{PatientRef: "patient-1"}}
	}
	return o.Op.EncodeAny(req)
}

// partyDirectory is the test's GLN → MSP ID resolver.
type partyDirectory map[string]string

func (d partyDirectory) resolve(gln string) (string, bool) { m, ok := d[gln]; return m, ok }

func (d partyDirectory) glnOf(msp string) (string, bool) {
	for g, m := range d {
		if m == msp {
			return g, true
		}
	}
	return "", false
}

var directory = partyDirectory{"9506000000022": "DistributorMSP", "9506000000039": "HospitalMSP"}

// objectEvent is an ObjectEvent with an event time and the given fields (JSON members).
// takeEventTime returns the declared event time of a chaincode request and clears it, so the
// rest of the request can be compared on its own.
func takeEventTime(req any) string {
	f := reflect.ValueOf(req).Elem().FieldByName("EventTime")
	s := f.String()
	f.SetString("")
	return s
}

func objectEvent(fields string) string { return typedEvent("ObjectEvent", fields) }

func typedEvent(typ, fields string) string {
	return `{"type":"` + typ + `","eventTime":"2024-05-01T10:00:00.000+08:00","eventTimeZoneOffset":"+08:00",` + fields + `}`
}

// document wraps events in an EPCISDocument.
func document(events ...string) []byte {
	return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],` +
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-05-01T10:00:00Z",` +
		`"epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`)
}

// captureOne captures a document of one event.
func captureOne(t *testing.T, ev string) epcis.Outcome {
	t.Helper()
	res, err := mapDocument(document(ev), epcis.Options{Resolve: directory.resolve})
	if err != nil {
		t.Fatalf("Capture: %v", err)
	}
	if len(res.Outcomes) != 1 {
		t.Fatalf("%d outcomes", len(res.Outcomes))
	}
	return res.Outcomes[0]
}

func TestCaptureRefusesMalformedDocuments(t *testing.T) {
	tests := []struct {
		name  string
		give  string
		field string
		want  string
	}{
		{"not JSON", `{"type":`, "", "not JSON"},
		{"trailing data", `{"type":"EPCISDocument"} {}`, "", "data after the JSON value"},
		{"an array", `[]`, "", "want a JSON object, got an array"},
		{"no type", `{"schemaVersion":"2.0"}`, "type", "is required"},
		{"a query document", `{"type":"EPCISQueryDocument"}`, "type", "query answer"},
		{"another type", `{"type":"ObjectEvent"}`, "type", `"ObjectEvent" is not "EPCISDocument"`},
		{"no context", `{"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{"eventList":[]}}`, "", "missing property '@context'"},
		{"a context that is a number", `{"@context":1,"type":"EPCISDocument"}`, "/@context", "matches none of the allowed forms"},
		{"a context item that is not a URI", `{"@context":["not a uri"],"type":"EPCISDocument"}`, "/@context", "'not a uri' is not valid uri"},
		{"no schemaVersion", `{"@context":"https://x.example/c","type":"EPCISDocument"}`, "", "missing properties 'schemaVersion'"},
		{"a numeric schemaVersion", `{"@context":"https://x.example/c","type":"EPCISDocument","schemaVersion":2.0}`, "/schemaVersion", "got number, want string"},
		{"EPCIS 1.2", `{"@context":"https://x.example/c","type":"EPCISDocument","schemaVersion":"1.2","creationDate":"2024-01-01T00:00:00Z","epcisBody":{"eventList":[]}}`, "schemaVersion", "only EPCIS 2.0"},
		{"no creationDate", `{"@context":"https://x.example/c","type":"EPCISDocument","schemaVersion":"2.0"}`, "", "missing properties 'creationDate'"},
		{"a creationDate without zone", `{"@context":"https://x.example/c","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00"}`, "/creationDate", "is not valid date-time"},
		{"an unknown field", `{"@context":"https://x.example/c","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{"eventList":[]},"extra":1}`, "/extra", "is not a member here"},
		{"no epcisBody", `{"@context":"https://x.example/c","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z"}`, "", "missing property 'epcisBody'"},
		{"no eventList", `{"@context":"https://x.example/c","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{}}`, "/epcisBody", "missing property 'eventList'"},
		{"an eventList object", `{"@context":"https://x.example/c","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{"eventList":{}}}`, "/epcisBody/eventList", "got object, want array"},
		{"a sender number", `{"@context":"https://x.example/c","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","sender":5,"epcisBody":{"eventList":[]}}`, "/sender", "got number, want string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := mapDocument([]byte(tt.give), epcis.Options{})
			var se *schema.Error
			if errors.As(err, &se) {
				// The official schema refused it: field is a JSON pointer ("" for the document).
				if !slices.ContainsFunc(se.Violations, func(v schema.Violation) bool {
					return v.Pointer == tt.field && strings.Contains(v.Reason, tt.want)
				}) {
					t.Errorf("violations %q; want one at %q containing %q", se.Violations, tt.field, tt.want)
				}
				return
			}
			var de *epcis.DocumentError
			if !errors.As(err, &de) {
				t.Fatalf("Capture = %v, %v; want a *DocumentError", res, err)
			}
			if de.Field != tt.field || !strings.Contains(de.Reason, tt.want) {
				t.Errorf("error at %q: %q; want %q containing %q", de.Field, de.Reason, tt.field, tt.want)
			}
		})
	}
}

func TestCaptureLimitsTheEventsOfOneDocument(t *testing.T) {
	_, err := mapDocument(document(objectEvent(`"action":"OBSERVE"`), objectEvent(`"action":"OBSERVE"`)), epcis.Options{MaxEvents: 1})
	var de *epcis.DocumentError
	if !errors.As(err, &de) || de.Field != "epcisBody.eventList" || !strings.Contains(de.Reason, "at most 1") || !errors.Is(err, epcis.ErrTooManyEvents) {
		t.Errorf("err = %v", err)
	}
}

func TestCaptureAcceptsAnEmptyEventList(t *testing.T) {
	res, err := mapDocument(document(), epcis.Options{})
	if err != nil || len(res.Outcomes) != 0 || res.SchemaVersion != "2.0" || res.CreationDate.IsZero() {
		t.Errorf("Capture = %+v, %v", res, err)
	}
}

// shipOf is a shipping event of the given epcList JSON to the hospital.
func shipOf(epcs string) string {
	return objectEvent(`"eventID":"urn:uuid:1","action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",` +
		`"epcList":` + epcs + `,"readPoint":{"id":"` + siteURN + `"},` +
		`"destinationList":[{"type":"owning_party","destination":"` + hospPGLN + `"}]`)
}

func TestCaptureReadsEveryEPCForm(t *testing.T) {
	tests := []struct {
		name  string
		give  string
		want  string // request code, empty when rejected
		field string
		why   string
	}{
		{"an SGTIN EPC URN", sgtinURN, sgtinArg, "", ""},
		{"an SSCC EPC URN", ssccURN, ssccKey, "", ""},
		{"a Digital Link of a serialized item", "https://id.gs1.org/01/09506000134352/21/S1", sgtinArg, "", ""},
		{"a Digital Link on a brand's host with lot and expiry", "https://brand.example/p/01/09506000134352/10/L1/21/S1?17=261231",
			"(01)09506000134352(10)L1(21)S1(17)261231", "", ""},
		{"a Digital Link of an SSCC", "https://id.gs1.org/00/095060000000000015", ssccKey, "", ""},
		{"a percent-escaped serial", "https://id.gs1.org/01/09506000134352/21/A%2FB", "(01)09506000134352(21)A/B", "", ""},
		{"a URN-escaped serial", "urn:epc:id:sgtin:9506000.013435.A%2FB", "(01)09506000134352(21)A/B", "", ""},
		{"a drug trace code in the ledger's code URI", epcis.CodeURIPrefix + drugCode, drugCode, "", ""},
		{"an MA code in the ledger's code URI", epcis.CodeURIPrefix + "ma:MA.156.M0.100001.10000018.S000123", "ma:MA.156.M0.100001.10000018.S000123", "", ""},
		{"an EPC class in epcList", lotClass, "", "epcList[0]", "names a class of objects"},
		{"an EPC pattern in epcList", "urn:epc:idpat:sgtin:9506000.013435.*", "", "epcList[0]", "names a class of objects"},
		{"a Digital Link of a lot", "https://id.gs1.org/01/09506000134352/10/L1", "", "epcList[0]", "names a product or a lot, not one item"},
		{"a GIAI", "urn:epc:id:giai:952005385.w2", "", "epcList[0]", "GS1 GIAI (an individual asset), not a serialized trade item"},
		{"a GSRN", "urn:epc:id:gsrn:95252084.000000001", "", "epcList[0]", "GS1 GSRN"},
		{"a GRAI", "urn:epc:id:grai:4012345.55555.98765", "", "epcList[0]", "GS1 GRAI"},
		{"an SGLN", siteURN, "", "epcList[0]", "GS1 GLN (a location)"},
		{"a bad check digit in a Digital Link", "https://id.gs1.org/01/09506000134353/21/S1", "", "epcList[0]", "check"},
		{"a bad company prefix in a URN", "urn:epc:id:sgtin:95.013435.S1", "", "epcList[0]", "company prefix"},
		{"an unknown EPC scheme", "urn:epc:id:adi:1.2.3", "", "epcList[0]", "not supported"},
		{"a URI of another scheme", "urn:example:item:1", "", "epcList[0]", "is not an EPC the ledger can trace"},
		// Not URIs: the EPCIS 2.0 schema refuses the document (a JSON pointer names the place).
		{"an element string", "(01)09506000134352(21)S1", "", "/epcisBody/eventList/0/epcList/0", "is not valid uri"},
		{"a bare drug trace code", drugCode, "", "/epcisBody/eventList/0/epcList/0", "is not valid uri"},
		{"a code URI without a code", epcis.CodeURIPrefix, "", "epcList[0]", "must be a path-escaped code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.field, "/") {
				_, err := mapDocument(document(shipOf(`["`+tt.give+`"]`)), epcis.Options{Resolve: directory.resolve})
				var se *schema.Error
				if !errors.As(err, &se) || !slices.ContainsFunc(se.Violations, func(v schema.Violation) bool {
					return v.Pointer == tt.field && strings.Contains(v.Reason, tt.why)
				}) {
					t.Fatalf("Capture: %v; want a schema violation at %s containing %q", err, tt.field, tt.why)
				}
				return
			}
			o := captureOne(t, shipOf(`["`+tt.give+`"]`))
			if tt.want == "" {
				if o.Rejection == nil || o.Rejection.Field != tt.field || !strings.Contains(o.Rejection.Reason, tt.why) {
					t.Fatalf("outcome %+v, want rejection at %s containing %q", o, tt.field, tt.why)
				}
				return
			}
			if o.Rejection != nil {
				t.Fatalf("rejected: %v", o.Rejection)
			}
			if got := o.Request.(*model.ShipRequest).Codes; !reflect.DeepEqual(got, []string{tt.want}) {
				t.Errorf("codes = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCaptureMapsEachBusinessStepToItsTransaction(t *testing.T) {
	at := `"readPoint":{"id":"` + siteURN + `"}`
	tests := []struct {
		name string
		give string
		fn   ops.Descriptor
		want any
	}{
		{"commissioning with a lot in ILMD", objectEvent(`"eventID":"urn:uuid:c1","action":"ADD","bizStep":"commissioning","disposition":"active",` +
			`"epcList":["` + sgtinURN + `","https://id.gs1.org/01/09506000134352/21/S2"],"bizLocation":{"id":"` + siteURN + `"},` +
			`"ilmd":{"cbvmda:lotNumber":"L1","cbvmda:itemExpirationDate":"2026-12-31"}`), ops.Commission,
			&model.CommissionRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:c1", Location: siteGLN}, DI: "09506000134352", Lot: "L1", Codes: []string{sgtinArg, "(01)09506000134352(21)S2"}}},
		{"commissioning with the lot in Digital Links and no bizStep", objectEvent(`"eventID":"urn:uuid:c2","action":"ADD",` +
			`"epcList":["https://id.gs1.org/01/09506000134352/10/L1/21/S3"]`), ops.Commission,
			&model.CommissionRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:c2"}, DI: "09506000134352", Lot: "L1", Codes: []string{"(01)09506000134352(10)L1(21)S3"}}},
		{"commissioning a quantity of a lot", objectEvent(`"eventID":"urn:uuid:c3","action":"ADD","bizStep":"https://ref.gs1.org/cbv/BizStep-commissioning",` +
			`"quantityList":[{"epcClass":"` + lotClass + `","quantity":500}]`), ops.Commission,
			&model.CommissionRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:c3"}, DI: "09506000134352", Lot: "L1", Quantity: 500}},
		{"packing", typedEvent("AggregationEvent", `"eventID":"urn:uuid:p1","action":"ADD","bizStep":"packing","disposition":"in_progress",`+
			`"parentID":"`+ssccURN+`","childEPCs":["`+sgtinURN+`"],`+at), ops.Pack,
			&model.PackRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:p1", Location: siteGLN}, Parent: ssccKey, Children: []string{sgtinArg}}},
		{"unpacking everything", typedEvent("AggregationEvent", `"eventID":"urn:uuid:u1","action":"DELETE","bizStep":"cbv:BizStep-unpacking",`+
			`"parentID":"`+ssccURN+`"`), ops.Unpack,
			&model.UnpackRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:u1"}, Parent: ssccKey}},
		{"shipping a container and a lot quantity", objectEvent(`"eventID":"urn:uuid:s1","action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",` +
			`"epcList":["` + ssccURN + `"],"quantityList":[{"epcClass":"` + lotClass + `","quantity":5,"uom":"EA"}],` + at + `,` +
			`"sourceList":[{"type":"owning_party","source":"` + distPGLN + `"}],` +
			`"destinationList":[{"type":"https://ref.gs1.org/cbv/SDT-owning_party","destination":"` + hospPGLN + `"},{"type":"location","destination":"` + otherSite + `"}],` +
			`"bizTransactionList":[{"type":"https://ref.gs1.org/cbv/BTT-desadv","bizTransaction":"urn:epcglobal:cbv:bt:9506000000015:D1"}]`), ops.Ship,
			&model.ShipRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:s1", Location: siteGLN}, To: "HospitalMSP", Codes: []string{ssccKey},
				Quantities: []model.QuantityElement{{Code: lotKey, Quantity: 5}}, Destination: "9506000000091",
				BizTransactions: []model.BizTransaction{{Type: model.BizTxDespatch, Value: "urn:epcglobal:cbv:bt:9506000000015:D1"}}}},
		{"shipping as a TransactionEvent naming the container as parentID", typedEvent("TransactionEvent", `"eventID":"urn:uuid:s2","action":"ADD","bizStep":"shipping",`+
			`"parentID":"`+ssccURN+`","epcList":[],"bizTransactionList":[{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:9506000000015:PO1"}],`+
			`"destinationList":[{"type":"owning_party","destination":"`+epcis.PartyURIPrefix+`HospitalMSP"}]`), ops.Ship,
			&model.ShipRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:s2"}, To: "HospitalMSP", Codes: []string{ssccKey},
				BizTransactions: []model.BizTransaction{{Type: model.BizTxPO, Value: "urn:epcglobal:cbv:bt:9506000000015:PO1"}}}},
		{"receiving quantities from a named sender", objectEvent(`"eventID":"urn:uuid:r1","action":"OBSERVE","bizStep":"receiving","disposition":"in_progress",` +
			`"quantityList":[{"epcClass":"https://id.gs1.org/01/09506000134352/10/L1","quantity":5}],"bizLocation":{"id":"` + siteURN + `"},` +
			`"sourceList":[{"type":"owning_party","source":"` + distPGLN + `"}]`), ops.Receive,
			&model.ReceiveRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:r1", Location: siteGLN}, Quantities: []model.QuantityElement{{Code: lotKey, Quantity: 5, From: "DistributorMSP"}}}},
		{"dispensing", objectEvent(`"eventID":"urn:uuid:d1","action":"OBSERVE","bizStep":"dispensing","disposition":"dispensed","epcList":["` + sgtinURN + `"]`), ops.Dispense,
			&model.DispenseRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:d1"}, Codes: []string{sgtinArg}}},
		{"retail selling", objectEvent(`"eventID":"urn:uuid:d2","action":"OBSERVE","bizStep":"retail_selling","disposition":"retail_sold","epcList":["` + sgtinURN + `"]`), ops.Dispense,
			&model.DispenseRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:d2"}, Codes: []string{sgtinArg}}},
		{"a return", objectEvent(`"eventID":"urn:uuid:rt","action":"OBSERVE","bizStep":"shipping","disposition":"returned","epcList":["` + sgtinURN + `"],` + at + `,` +
			`"destinationList":[{"type":"owning_party","destination":"` + distPGLN + `"}]`), ops.Return,
			&model.ReturnRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:rt", Location: siteGLN}, Codes: []string{sgtinArg}, To: "DistributorMSP"}},
		{"a return to the manufacturer by default", objectEvent(`"eventID":"urn:uuid:rt2","action":"OBSERVE","bizStep":"shipping","disposition":"returned","epcList":["` + sgtinURN + `"]`), ops.Return,
			&model.ReturnRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:rt2"}, Codes: []string{sgtinArg}}},
		{"decommissioning", objectEvent(`"eventID":"urn:uuid:x1","action":"DELETE","bizStep":"decommissioning","disposition":"inactive","epcList":["` + sgtinURN + `"],` + at), ops.Decommission,
			&model.DisposeRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:x1", Location: siteGLN}, Codes: []string{sgtinArg}, Reason: "EPCIS decommissioning, disposition inactive"}},
		{"a return of a lot quantity", objectEvent(`"eventID":"urn:uuid:rt3","action":"OBSERVE","bizStep":"shipping","disposition":"returned",` +
			`"quantityList":[{"epcClass":"` + lotClass + `","quantity":4}]`), ops.Return,
			&model.ReturnRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:rt3"}, Quantities: []model.QuantityElement{{Code: lotKey, Quantity: 4}}}},
		{"destroying a lot quantity", objectEvent(`"eventID":"urn:uuid:x3","action":"OBSERVE","bizStep":"destroying",` +
			`"quantityList":[{"epcClass":"` + lotClass + `","quantity":4}]`), ops.Destroy,
			&model.DisposeRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:x3"}, Quantities: []model.QuantityElement{{Code: lotKey, Quantity: 4}}, Reason: "EPCIS destroying"}},
		{"destroying", objectEvent(`"eventID":"urn:uuid:x2","action":"OBSERVE","bizStep":"destroying","epcList":["` + ssccURN + `"]`), ops.Destroy,
			&model.DisposeRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:x2"}, Codes: []string{ssccKey}, Reason: "EPCIS destroying"}},
		{"inspecting one code", objectEvent(`"eventID":"urn:uuid:i1","action":"OBSERVE","bizStep":"inspecting","epcList":["` + sgtinURN + `"],` + at), ops.Inspect,
			&model.InspectRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:i1", Location: siteGLN}, Code: sgtinArg}},
		{"sensor reporting", objectEvent(`"eventID":"urn:uuid:t1","action":"OBSERVE","bizStep":"sensor_reporting","epcList":["` + ssccURN + `"],` + at + `,` +
			`"sensorElementList":[{"sensorMetadata":{"deviceID":"urn:epc:id:giai:4000001.111"},"sensorReport":[{"type":"Temperature","value":9.5,"uom":"CEL","time":"2024-05-01T01:00:00Z"}]}]`), ops.ReportSensor,
			&model.SensorRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:t1", Location: siteGLN}, Codes: []string{ssccKey}, SensorElementList: []model.SensorElement{
				{DeviceID: "urn:epc:id:giai:4000001.111", Reports: []model.SensorReport{{Type: "gs1:Temperature", Value: 9.5, UOM: "CEL", Time: "2024-05-01T01:00:00.000000000Z"}}}}}},
		{"kitting: two units and a lot quantity into a kit", typedEvent("TransformationEvent", `"eventID":"urn:uuid:k1","bizStep":"assembling","disposition":"active",`+
			`"inputEPCList":["`+sgtinURN+`","https://id.gs1.org/01/09506000134352/21/S2"],"inputQuantityList":[{"epcClass":"`+lotClass+`","quantity":3}],`+
			`"outputEPCList":["https://id.gs1.org/01/09506000134369/21/K1"],"ilmd":{"cbvmda:lotNumber":"K1"},`+
			`"transformationID":"urn:uuid:kitting-1","bizLocation":{"id":"`+siteURN+`"}`), ops.Transform,
			&model.TransformRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:k1", Location: siteGLN}, Inputs: []string{sgtinArg, "(01)09506000134352(21)S2"},
				InputQuantities: []model.QuantityElement{{Code: lotKey, Quantity: 3}}, Outputs: []string{"(01)09506000134369(21)K1"},
				DI: "09506000134369", Lot: "K1", TransformationID: "urn:uuid:kitting-1"}},
		{"repackaging with the lot in the outputs' Digital Links and no bizStep", typedEvent("TransformationEvent", `"eventID":"urn:uuid:k2",`+
			`"inputEPCList":["`+sgtinURN+`"],"outputEPCList":["https://id.gs1.org/01/09506000134369/10/K2/21/R1"]`), ops.Transform,
			&model.TransformRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:k2"}, Inputs: []string{sgtinArg},
				Outputs: []string{"(01)09506000134369(10)K2(21)R1"}, DI: "09506000134369", Lot: "K2"}},
		{"a data logger travelling with a pallet", typedEvent("AssociationEvent", `"eventID":"urn:uuid:a1","action":"ADD","bizStep":"assembling",`+
			`"parentID":"urn:epc:id:giai:4000001.111","childEPCs":["`+ssccURN+`"],`+at), ops.Associate,
			&model.AssociateRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:a1", Location: siteGLN}, Action: model.ActionAdd,
				Device: "urn:epc:id:giai:4000001.111", Codes: []string{ssccKey}}},
		{"the logger taken off", typedEvent("AssociationEvent", `"eventID":"urn:uuid:a2","action":"DELETE","bizStep":"disassembling",`+
			`"parentID":"urn:epc:id:giai:4000001.111"`), ops.Associate,
			&model.AssociateRequest{EventHeader: model.EventHeader{EventID: "urn:uuid:a2"}, Action: model.ActionDelete, Device: "urn:epc:id:giai:4000001.111"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := captureOne(t, tt.give)
			if o.Rejection != nil {
				t.Fatalf("rejected: %v", o.Rejection)
			}
			if got := takeEventTime(o.Request); got != "2024-05-01T10:00:00+08:00" {
				t.Errorf("declared event time %q, want the event's local time", got)
			}
			if opName(o.Op) != tt.fn.Name() || !reflect.DeepEqual(o.Request, tt.want) {
				t.Errorf("%s %+v\nwant %s %+v", opName(o.Op), o.Request, tt.fn.Name(), tt.want)
			}
			if (o.Transient != "") != (tt.fn.Name() == ops.Dispense.Name()) {
				t.Errorf("transient = %q", o.Transient)
			}
			call, err := submission(o)
			first := tt.fn.Name()
			if tt.fn.Name() == ops.Dispense.Name() {
				first = ops.PrepareDispense.Name() // a dispense records its private part first
			}
			if err != nil || call.Function != first || len(call.Args) != 1 || !json.Valid([]byte(call.Args[0])) {
				t.Errorf("submission = %+v, %v", call, err)
			}
		})
	}
}

func TestCaptureRejectsEventsTheLedgerCannotRecord(t *testing.T) {
	ship := `"action":"OBSERVE","bizStep":"shipping","epcList":["` + sgtinURN + `"],`
	to := `"destinationList":[{"type":"owning_party","destination":"` + hospPGLN + `"}]`
	tests := []struct {
		name  string
		give  string
		field string
		why   string
	}{
		{"a TransformationEvent making an SSCC", typedEvent("TransformationEvent", `"inputEPCList":["`+sgtinURN+`"],"outputEPCList":["`+ssccURN+`"]`), "outputEPCList[0]", "an SSCC is not commissioned"},
		{"a TransformationEvent with output quantities", typedEvent("TransformationEvent", `"inputEPCList":["`+sgtinURN+`"],"outputQuantityList":[{"epcClass":"`+lotClass+`","quantity":2}]`), "outputQuantityList", "serialized outputs only"},
		{"a TransformationEvent without inputs", typedEvent("TransformationEvent", `"transformationID":"urn:uuid:t1","outputEPCList":["`+sgtinURN+`"],"ilmd":{"cbvmda:lotNumber":"L1"}`), "inputEPCList", "names nothing"},
		{"an AssociationEvent of quantities", typedEvent("AssociationEvent", `"action":"ADD","parentID":"urn:epc:id:giai:4000001.111","childQuantityList":[{"epcClass":"`+lotClass+`","quantity":2}]`), "childQuantityList", "name them in childEPCs"},
		{"an AssociationEvent on a step of its own", typedEvent("AssociationEvent", `"action":"ADD","bizStep":"shipping","parentID":"urn:epc:id:giai:4000001.111","childEPCs":["`+ssccURN+`"]`), "bizStep", `"shipping" is not a business step the ledger records in an AssociationEvent`},
		{"an extension event type", typedEvent("example:MyEvent", `"action":"ADD"`), "type", "is not an EPCIS 2.0 event type"},
		{"an eventID too long", objectEvent(`"eventID":"urn:uuid:` + strings.Repeat("a", 200) + `",` + ship + to), "eventID", "at most 200"},
		{"a CBV URI of no step", objectEvent(`"action":"OBSERVE","bizStep":"https://ref.gs1.org/cbv/BizStep-flying","epcList":["` + sgtinURN + `"]`), "bizStep", "is not a CBV 2.0 business step"},
		{"a CBV step the ledger does not record", objectEvent(`"action":"OBSERVE","bizStep":"storing","epcList":["` + sgtinURN + `"]`), "bizStep", `"storing" is not a business step the ledger records`},
		{"an OBSERVE without bizStep", objectEvent(`"action":"OBSERVE","epcList":["` + sgtinURN + `"]`), "bizStep", "is required"},
		{"shipping with action ADD", objectEvent(`"action":"ADD","bizStep":"shipping","epcList":["` + sgtinURN + `"],` + to), "action", "recorded from action OBSERVE, not ADD"},
		{"shipping with a contradicting disposition", objectEvent(ship + `"disposition":"destroyed",` + to), "disposition", "shipping records disposition in_transit or returned"},
		{"commissioning with action OBSERVE", objectEvent(`"action":"OBSERVE","bizStep":"commissioning","epcList":["` + sgtinURN + `"]`), "action", "from action ADD"},
		{"a shipment to an unknown party", objectEvent(ship + `"destinationList":[{"type":"owning_party","destination":"urn:epc:id:pgln:9506000.00007"}]`), "destinationList[0].destination", "is not a party the ledger knows"},
		{"a shipment to two parties", objectEvent(ship + `"destinationList":[{"type":"owning_party","destination":"` + hospPGLN + `"},{"type":"owning_party","destination":"` + distPGLN + `"}]`), "destinationList[1].destination", "second owning_party"},
		{"a shipment to a party named by an asset", objectEvent(ship + `"destinationList":[{"type":"owning_party","destination":"urn:epc:id:giai:4000001.1"}]`), "destinationList[0].destination", "want a PGLN"},
		{"a readPoint that is a trade item", objectEvent(ship + to + `,"readPoint":{"id":"` + sgtinURN + `"}`), "readPoint.id", "want an SGLN"},
		{"a readPoint that is a Digital Link of a product", objectEvent(ship + to + `,"readPoint":{"id":"https://id.gs1.org/01/09506000134352"}`), "readPoint.id", "is not a location"},
		{"the same item twice", objectEvent(`"action":"OBSERVE","bizStep":"shipping","epcList":["` + sgtinURN + `","https://id.gs1.org/01/09506000134352/21/S1"],` + to), "epcList[1]", "names (01)09506000134352(21)S1 again (as epcList[0])"},
		{"nothing shipped", objectEvent(`"action":"OBSERVE","bizStep":"shipping","epcList":[],` + to), "epcList", "names nothing"},
		{"a fractional quantity", objectEvent(`"action":"OBSERVE","bizStep":"shipping","quantityList":[{"epcClass":"` + lotClass + `","quantity":2.5}],` + to), "quantityList[0].quantity", "2.5 is not a whole number"},
		{"a quantity of a whole product", objectEvent(`"action":"OBSERVE","bizStep":"shipping","quantityList":[{"epcClass":"urn:epc:idpat:sgtin:9506000.013435.*","quantity":2}],` + to), "quantityList[0].epcClass", "the ledger counts quantities per lot"},
		{"a quantity without quantity", objectEvent(`"action":"OBSERVE","bizStep":"shipping","quantityList":[{"epcClass":"` + lotClass + `"}],` + to), "quantityList[0].quantity", "is required"},
		{"a quantity for an inspection", objectEvent(`"action":"OBSERVE","bizStep":"inspecting","quantityList":[{"epcClass":"` + lotClass + `","quantity":1}]`), "quantityList", "unit:Inspect takes serialized items only"},
		{"received quantities without sender", objectEvent(`"action":"OBSERVE","bizStep":"receiving","quantityList":[{"epcClass":"` + lotClass + `","quantity":1}]`), "sourceList", "needs an owning_party source naming the sender"},
		{"a TransactionEvent DELETE", typedEvent("TransactionEvent", `"action":"DELETE","bizStep":"shipping","bizTransactionList":[{"bizTransaction":"urn:x:1"}]`), "action", "DELETE"},
		{"a TransactionEvent with parent and children", typedEvent("TransactionEvent", `"action":"ADD","bizStep":"shipping","parentID":"`+ssccURN+`","epcList":["`+sgtinURN+`"],"bizTransactionList":[{"bizTransaction":"urn:x:1"}],`+to), "parentID", "not both"},
		{"commissioning without lot", objectEvent(`"action":"ADD","bizStep":"commissioning","epcList":["` + sgtinURN + `"]`), "ilmd", "the lot is required"},
		{"commissioning two products", objectEvent(`"action":"ADD","bizStep":"commissioning","epcList":["` + sgtinURN + `","urn:epc:id:sgtin:0614141.107346.2017"],"ilmd":{"cbvmda:lotNumber":"L1"}`), "epcList[1]", "differs from 09506000134352"},
		{"commissioning an SSCC", objectEvent(`"action":"ADD","bizStep":"commissioning","epcList":["` + ssccURN + `"],"ilmd":{"cbvmda:lotNumber":"L1"}`), "epcList[0]", "an SSCC is not commissioned"},
		{"commissioning a code of another lot", objectEvent(`"action":"ADD","bizStep":"commissioning","epcList":["https://id.gs1.org/01/09506000134352/10/L2/21/S1"],"ilmd":{"cbvmda:lotNumber":"L1"}`), "epcList[0]", `carries lot "L2", not "L1"`},
		{"commissioning codes and a quantity", objectEvent(`"action":"ADD","bizStep":"commissioning","epcList":["` + sgtinURN + `"],"quantityList":[{"epcClass":"` + lotClass + `","quantity":1}]`), "quantityList", "not both"},
		{"packing without parent", typedEvent("AggregationEvent", `"action":"ADD","bizStep":"packing","childEPCs":["`+sgtinURN+`"]`), "parentID", "is required"},
		{"packing quantities", typedEvent("AggregationEvent", `"action":"ADD","bizStep":"packing","parentID":"`+ssccURN+`","childQuantityList":[{"epcClass":"`+lotClass+`","quantity":1}]`), "childQuantityList", "serialized items only"},
		{"packing a container into itself", typedEvent("AggregationEvent", `"action":"ADD","parentID":"`+ssccURN+`","childEPCs":["https://id.gs1.org/00/095060000000000015"]`), "childEPCs[0]", "is the parent itself"},
		{"packing with action DELETE", typedEvent("AggregationEvent", `"action":"DELETE","bizStep":"packing","parentID":"`+ssccURN+`"`), "action", "from action ADD"},
		{"an aggregation ADD for shipping", typedEvent("AggregationEvent", `"action":"ADD","bizStep":"shipping","parentID":"`+ssccURN+`","childEPCs":["`+sgtinURN+`"]`), "bizStep", "is not a business step the ledger records in an AggregationEvent"},
		{"inspecting two codes", objectEvent(`"action":"OBSERVE","bizStep":"inspecting","epcList":["` + sgtinURN + `","` + ssccURN + `"]`), "epcList", "one code per event"},
		{"sensor data on a shipment", objectEvent(ship + to + `,"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":5}]}]`), "sensorElementList", "send the readings in an event of their own"},
		{"sensor reporting without readings", objectEvent(`"action":"OBSERVE","bizStep":"sensor_reporting","epcList":["` + sgtinURN + `"]`), "sensorElementList", "is required"},
		{"a sensor report with a boolean reading", objectEvent(`"action":"OBSERVE","bizStep":"sensor_reporting","epcList":["` + sgtinURN + `"],"sensorElementList":[{"sensorReport":[{"type":"example:DoorOpen","booleanValue":true}]}]`), "sensorElementList", "records sensor readings"},
		{"a sensor report with an exception only", objectEvent(`"action":"OBSERVE","bizStep":"sensor_reporting","epcList":["` + sgtinURN + `"],"sensorElementList":[{"sensorReport":[{"type":"Temperature","exception":"ALARM_CONDITION"}]}]`), "sensorElementList", "records sensor readings"},
		{"an error declaration", objectEvent(ship + to + `,"errorDeclaration":{"declarationTime":"2024-05-02T00:00:00Z"}`), "errorDeclaration", "kept beside the original event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := captureOne(t, tt.give)
			if o.Rejection == nil {
				t.Fatalf("accepted as %s %+v; want rejection at %s", opName(o.Op), o.Request, tt.field)
			}
			if o.Rejection.Field != tt.field || !strings.Contains(o.Rejection.Reason, tt.why) {
				t.Errorf("rejected at %q: %q\nwant %q containing %q", o.Rejection.Field, o.Rejection.Reason, tt.field, tt.why)
			}
			if !strings.HasPrefix(o.Rejection.Error(), "epcis event 0: ") {
				t.Errorf("Error() = %q", o.Rejection.Error())
			}
		})
	}
}

// TestCaptureRefusesEventsThatBreakTheSchema: an event the official EPCIS 2.0 JSON schema
// refuses makes the whole document a *SchemaError naming the JSON pointer; nothing of it is
// captured, not even the valid shipment before it.
func TestCaptureRefusesEventsThatBreakTheSchema(t *testing.T) {
	ship := `"action":"OBSERVE","bizStep":"shipping","epcList":["` + sgtinURN + `"],`
	to := `"destinationList":[{"type":"owning_party","destination":"` + hospPGLN + `"}]`
	tests := []struct {
		name    string
		give    string
		pointer string // in the event
		why     string
	}{
		{"an event that is not an object", `"ObjectEvent"`, "", "got string, want object"},
		{"no type", `{"action":"ADD"}`, "", "missing property 'type'"},
		{"an unknown field", objectEvent(ship + to + `,"childEPCs":[]`), "/childEPCs", "is not a member here"},
		{"no eventTime", `{"type":"ObjectEvent","eventTimeZoneOffset":"+00:00",` + ship + to + `}`, "", "missing property 'eventTime'"},
		{"an eventTime without zone", `{"type":"ObjectEvent","eventTime":"2024-05-01T10:00:00","eventTimeZoneOffset":"+00:00",` + ship + to + `}`, "/eventTime", "is not valid date-time"},
		{"no eventTimeZoneOffset", `{"type":"ObjectEvent","eventTime":"2024-05-01T10:00:00Z",` + ship + to + `}`, "", "missing property 'eventTimeZoneOffset'"},
		{"a bad eventTimeZoneOffset", `{"type":"ObjectEvent","eventTime":"2024-05-01T10:00:00Z","eventTimeZoneOffset":"+15:00",` + ship + to + `}`, "/eventTimeZoneOffset", "does not match pattern"},
		{"an eventID that is not a URI", objectEvent(`"eventID":"abc",` + ship + to), "/eventID", "is not valid uri"},
		{"no action", objectEvent(`"bizStep":"shipping","epcList":["` + sgtinURN + `"],` + to), "", "missing property 'action'"},
		{"an unknown action", objectEvent(`"action":"MOVE","bizStep":"shipping","epcList":["` + sgtinURN + `"],` + to), "/action", "value must be one of 'OBSERVE', 'ADD', 'DELETE'"},
		{"a CBV step as an EPCIS 1.x URN", objectEvent(`"action":"OBSERVE","bizStep":"urn:epcglobal:cbv:bizstep:shipping","epcList":["` + sgtinURN + `"],` + to), "/bizStep", "does not match pattern"},
		{"a bare word that is no CBV step", objectEvent(`"action":"OBSERVE","bizStep":"returning","epcList":["` + sgtinURN + `"]`), "/bizStep", "matches none of the allowed forms"},
		{"a destination without type", objectEvent(ship + `"destinationList":[{"destination":"` + hospPGLN + `"}]`), "/destinationList/0", "missing property 'type'"},
		{"a destination with an extra field", objectEvent(ship + `"destinationList":[{"type":"owning_party","destination":"` + hospPGLN + `","x":1}]`), "/destinationList/0", "additional properties 'x' not allowed"},
		{"a readPoint without id", objectEvent(ship + to + `,"readPoint":{}`), "/readPoint", "missing property 'id'"},
		{"an epcList that is a string", objectEvent(`"action":"OBSERVE","bizStep":"shipping","epcList":"` + sgtinURN + `",` + to), "/epcList", "got string, want array"},
		{"an EPC that is a number", objectEvent(`"action":"OBSERVE","bizStep":"shipping","epcList":[1],` + to), "/epcList/0", "got number, want string"},
		{"a quantity element with an extra field", objectEvent(`"action":"OBSERVE","bizStep":"shipping","quantityList":[{"epcClass":"` + lotClass + `","quantity":1,"lot":"x"}],` + to), "/quantityList/0", "additional properties 'lot' not allowed"},
		{"a TransactionEvent without business transaction", typedEvent("TransactionEvent", ship+to), "", "missing property 'bizTransactionList'"},
		{"a business transaction without URI", objectEvent(ship + to + `,"bizTransactionList":[{"type":"po","bizTransaction":"12345"}]`), "/bizTransactionList/0/bizTransaction", "is not valid uri"},
		{"a business transaction of an unknown CBV type", objectEvent(ship + to + `,"bizTransactionList":[{"type":"invoice","bizTransaction":"urn:x:1"}]`), "/bizTransactionList/0/type", "matches none of the allowed forms"},
		{"packing without children", typedEvent("AggregationEvent", `"action":"ADD","bizStep":"packing","parentID":"`+ssccURN+`","childEPCs":[]`), "", "childEPCs minItems: got 0, want 1"},
		{"a sensor element without reports", objectEvent(`"action":"OBSERVE","bizStep":"sensor_reporting","epcList":["` + sgtinURN + `"],"sensorElementList":[{"sensorMetadata":{}}]`), "/sensorElementList/0", "missing property 'sensorReport'"},
		{"a sensor report without type", objectEvent(`"action":"OBSERVE","bizStep":"sensor_reporting","epcList":["` + sgtinURN + `"],"sensorElementList":[{"sensorReport":[{"value":5}]}]`), "/sensorElementList/0/sensorReport/0", "missing property 'type'"},
		{"a sensor report with a string value", objectEvent(`"action":"OBSERVE","bizStep":"sensor_reporting","epcList":["` + sgtinURN + `"],"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":"5"}]}]`), "/sensorElementList/0/sensorReport/0/value", "got string, want number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := mapDocument(document(shipOf(`["`+sgtinURN+`"]`), tt.give), epcis.Options{Resolve: directory.resolve})
			var se *schema.Error
			if !errors.As(err, &se) || res != nil {
				t.Fatalf("Capture = %+v, %v; want a *SchemaError", res, err)
			}
			want := "/epcisBody/eventList/1" + tt.pointer
			for _, v := range se.Violations {
				if v.Pointer == want && strings.Contains(v.Reason, tt.why) {
					return
				}
			}
			t.Errorf("violations %q\nwant one at %q containing %q", se.Violations, want, tt.why)
		})
	}
}

func TestCaptureNeedsAResolverForPartiesItRecords(t *testing.T) {
	res, err := mapDocument(document(shipOf(`["`+sgtinURN+`"]`)), epcis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Outcomes[0].Rejection
	if r == nil || r.Field != "destinationList[0].destination" || !strings.Contains(r.Reason, "no party directory") {
		t.Errorf("rejection = %v", r)
	}
}

func TestCaptureNotesWhatTheLedgerDoesNotRecord(t *testing.T) {
	o := captureOne(t, objectEvent(`"action":"OBSERVE","bizStep":"shipping","epcList":["`+sgtinURN+`"],`+
		`"readPoint":{"id":"urn:epc:id:sgln:9506000.00001.dock4"},"bizLocation":{"id":"`+otherSite+`"},`+
		`"destinationList":[{"type":"owning_party","destination":"`+hospPGLN+`"}],"certificationInfo":"https://cert.example/1","example:temp":"x"`))
	if o.Rejection != nil {
		t.Fatal(o.Rejection)
	}
	want := []string{
		`extension field example:temp not recorded`,
		`readPoint extension "dock4" not recorded: the ledger records the GLN 9506000000015`,
		`bizLocation GLN 9506000000091 not recorded: unit:Ship records one location, the readPoint GLN 9506000000015`,
		`certificationInfo not recorded by unit:Ship`,
	}
	if !reflect.DeepEqual(o.Notes, want) {
		t.Errorf("notes:\n%q\nwant\n%q", o.Notes, want)
	}
}

func TestCaptureKeepsGoingAfterARejectedEvent(t *testing.T) {
	res, err := mapDocument(document(
		typedEvent("AssociationEvent", `"action":"ADD","parentID":"urn:epc:id:grai:4012345.55555.987","childEPCs":["urn:epc:id:giai:4000001.12345"]`),
		shipOf(`["`+sgtinURN+`"]`),
	), epcis.Options{Resolve: directory.resolve})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted() != 1 || res.Outcomes[0].Rejection == nil || opName(res.Outcomes[1].Op) != ops.Ship.Name() {
		t.Errorf("outcomes = %+v", res.Outcomes)
	}
	if o := res.Outcomes[0]; o.Op != nil || o.Request != nil {
		t.Errorf("a rejected event carries %s %v", opName(o.Op), o.Request)
	}
}
