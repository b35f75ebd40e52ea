package hashid

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func decode(tb testing.TB, s string) map[string]any {
	tb.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		tb.Fatalf("%v in %s", err, s)
	}
	return m
}

func mustID(tb testing.TB, event map[string]any, ns map[string]string) string {
	tb.Helper()
	id, err := IDWith(event, ns)
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

// The expected strings below follow the CBV 2.0 rules by hand; identifier conversions are
// the reference implementation's (its AssociationEvent_all_possible_fields vector has the
// same GRAI and GIAI Digital Links).
func TestPreHashOfEachEventType(t *testing.T) {
	tests := []struct {
		name  string
		event string
		want  string
	}{
		{
			name: "an AssociationEvent",
			event: `{"type": "AssociationEvent", "eventTime": "2019-11-01T14:00:00.000+01:00",
				"eventTimeZoneOffset": "+01:00", "parentID": "urn:epc:id:grai:4012345.55555.987",
				"childEPCs": ["urn:epc:id:giai:4000001.12345"], "action": "ADD", "bizStep": "assembling",
				"readPoint": {"id": "urn:epc:id:sgln:4012345.00001.0"}}`,
			want: "eventType=AssociationEventeventTime=2019-11-01T13:00:00.000ZeventTimeZoneOffset=+01:00" +
				"parentID=https://id.gs1.org/8003/04012345555554987childEPCsepc=https://id.gs1.org/8004/400000112345" +
				"action=ADDbizStep=https://ref.gs1.org/cbv/BizStep-assemblingreadPointid=https://id.gs1.org/414/4012345000016",
		},
		{
			name: "an ObjectEvent with persistent disposition, sensor data and extensions in their parents",
			event: `{"type": "ObjectEvent", "eventTime": "2021-04-01T15:00:00.1234+01:00", "eventTimeZoneOffset": "+01:00",
				"epcList": ["urn:epc:id:sgtin:4012345.011111.2", "urn:epc:id:sgtin:4012345.011111.1"],
				"action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
				"persistentDisposition": {"unset": ["completeness_inferred"], "set": ["recalled", "completeness_verified"]},
				"readPoint": {"id": "urn:epc:id:sgln:4012345.00005.0", "ex:dock": "7"},
				"sensorElementList": [{
					"sensorMetadata": {"deviceID": "urn:epc:id:giai:4000001.111", "time": "2021-04-01T15:00:00Z", "ex:calibrated": "true"},
					"sensorReport": [
						{"type": "Temperature", "value": 8.50, "uom": "CEL", "exception": "ALARM_CONDITION"},
						{"type": "gs1:RelativeHumidity", "value": 40, "uom": "P1"}],
					"ex:battery": {"ex:level": "0.80"}}],
				"ex:note": "fragile"}`,
			want: "eventType=ObjectEventeventTime=2021-04-01T14:00:00.123ZeventTimeZoneOffset=+01:00" +
				"epcListepc=https://id.gs1.org/01/04012345111118/21/1epc=https://id.gs1.org/01/04012345111118/21/2" +
				"action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shippingdisposition=https://ref.gs1.org/cbv/Disp-in_transit" +
				"persistentDispositionset=https://ref.gs1.org/cbv/Disp-completeness_verifiedset=https://ref.gs1.org/cbv/Disp-recalled" +
				"unset=https://ref.gs1.org/cbv/Disp-completeness_inferred" +
				"readPointid=https://id.gs1.org/414/4012345000054{https://ns.example.com/}dock=7" +
				"sensorElementListsensorElementsensorMetadatatime=2021-04-01T15:00:00.000ZdeviceID=https://id.gs1.org/8004/4000001111" +
				"{https://ns.example.com/}calibrated=true" +
				"sensorReporttype=https://gs1.org/voc/RelativeHumidityvalue=40uom=P1" +
				"sensorReporttype=https://gs1.org/voc/Temperatureexception=https://gs1.org/voc/ALARM_CONDITIONvalue=8.5uom=CEL" +
				"{https://ns.example.com/}battery{https://ns.example.com/}level=0.8" +
				"{https://ns.example.com/}note=fragile",
		},
		{
			name: "a TransformationEvent with quantities and ILMD",
			event: `{"type": "TransformationEvent", "eventTime": "2020-01-14T00:00:00+01:00", "eventTimeZoneOffset": "+01:00",
				"inputQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.022222.87545GHGH", "quantity": 2.50, "uom": "KGM"}],
				"outputEPCList": ["urn:epc:id:sgtin:4012345.033333.AGHFG"],
				"transformationID": "urn:epc:id:gdti:4012345.55555.1234", "bizStep": "commissioning",
				"ilmd": {"cbvmda:lotNumber": "LOT1", "ex:grade": {"ex:class": ["B", "A"]},
					"ex:expiry": {"@value": "2021-01-01", "@type": "xsd:date"}, "ex:plant": {"@id": "urn:epc:id:sgln:4012345.00001.0"}}}`,
			want: "eventType=TransformationEventeventTime=2020-01-13T23:00:00.000ZeventTimeZoneOffset=+01:00" +
				"inputQuantityListquantityElementepcClass=https://id.gs1.org/01/04012345222227/10/87545GHGHquantity=2.5uom=KGM" +
				"outputEPCListepc=https://id.gs1.org/01/04012345333336/21/AGHFG" +
				"transformationID=https://id.gs1.org/253/40123455555541234bizStep=https://ref.gs1.org/cbv/BizStep-commissioning" +
				"ilmd{https://ns.example.com/}expiry=2021-01-01" +
				"{https://ns.example.com/}grade{https://ns.example.com/}class=A{https://ns.example.com/}class=B" +
				"{https://ns.example.com/}plant=https://id.gs1.org/414/4012345000016" +
				"{urn:epcglobal:cbv:mda}lotNumber=LOT1",
		},
	}
	ns := map[string]string{"ex": "https://ns.example.com/"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PreHashWith(decode(t, tt.event), ns)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestIDIgnoresNotationAndOrder(t *testing.T) {
	base := `{"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30+01:00", "eventTimeZoneOffset": "+01:00",
		"epcList": ["urn:epc:id:sgtin:4012345.011111.9876", "urn:epc:id:sgtin:4012345.011111.1"],
		"action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
		"readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
		"bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:PO1"},
			{"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:ASN1"}],
		"sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00000"}],
		"quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.011111.L1", "quantity": 10, "uom": "KGM"}]}`
	want := mustID(t, decode(t, base), nil)
	tests := []struct{ name, event string }{
		{"with keys and list items in another order", `{"quantityList": [{"uom": "KGM", "quantity": 10.0, "epcClass": "urn:epc:class:lgtin:4012345.011111.L1"}],
			"sourceList": [{"source": "urn:epc:id:pgln:4012345.00000", "type": "owning_party"}],
			"bizTransactionList": [{"bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:ASN1", "type": "desadv"},
				{"bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:PO1", "type": "po"}],
			"readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"}, "disposition": "in_transit", "bizStep": "shipping",
			"action": "OBSERVE", "epcList": ["urn:epc:id:sgtin:4012345.011111.1", "urn:epc:id:sgtin:4012345.011111.9876"],
			"eventTimeZoneOffset": "+01:00", "eventTime": "2020-03-04T10:00:30.000Z", "type": "ObjectEvent"}`},
		{"in web URIs, CURIEs, CBV URNs and Digital Links", `{"type": "ObjectEvent", "eventTime": "2020-03-04T05:00:30.000-05:00", "eventTimeZoneOffset": "+01:00",
			"epcList": ["https://id.gs1.org/01/04012345111118/21/9876", "https://brand.example.com/01/04012345111118/21/1?17=301231"],
			"action": "OBSERVE", "bizStep": "https://ref.gs1.org/cbv/BizStep-shipping", "disposition": "cbv:Disp-in_transit",
			"readPoint": {"id": "https://id.gs1.org/414/4012345000115/254/987"},
			"bizTransactionList": [{"type": "urn:epcglobal:cbv:btt:po", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:PO1"},
				{"type": "https://ref.gs1.org/cbv/BTT-desadv", "bizTransaction": "urn:epcglobal:cbv:bt:4012345000009:ASN1"}],
			"sourceList": {"type": "cbv:SDT-owning_party", "source": "https://id.gs1.org/417/4012345000009"},
			"quantityList": [{"epcClass": "https://id.gs1.org/01/04012345111118/10/L1", "quantity": "1e1", "uom": "KGM"}]}`},
		{"with the fields the algorithm leaves out", strings.Replace(base, `"type": "ObjectEvent",`, `"type": "ObjectEvent",
			"eventID": "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8", "recordTime": "2020-03-05T00:00:00Z",
			"certificationInfo": "https://cert.example.org/1", "rdfs:comment": "a note",
			"errorDeclaration": {"declarationTime": "2020-03-05T00:00:00Z", "reason": "incorrect_data"},`, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustID(t, decode(t, tt.event), nil); got != want {
				pa, _ := PreHash(decode(t, base))
				pb, _ := PreHash(decode(t, tt.event))
				t.Errorf("ID %s, want %s\n got %s\nwant %s", got, want, pb, pa)
			}
		})
	}
}

func TestIDChangesWithAnyValue(t *testing.T) {
	base := `{"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30+01:00", "eventTimeZoneOffset": "+01:00",
		"epcList": ["urn:epc:id:sgtin:4012345.011111.9876"], "action": "OBSERVE", "bizStep": "shipping",
		"readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"}, "ex:temp": "4"}`
	ns := map[string]string{"ex": "https://ns.example.com/"}
	want := mustID(t, decode(t, base), ns)
	for _, change := range [][2]string{
		{"ObjectEvent", "TransactionEvent"},
		{"11:00:30+01", "11:00:31+01"},
		{`"+01:00"`, `"+02:00"`},
		{".9876", ".9877"},
		{"OBSERVE", "ADD"},
		{"shipping", "receiving"},
		{".987", ".988"},
		{`"4"`, `"5"`},
		{`"ex:temp"`, `"ex:tmp"`},
		{`"readPoint"`, `"bizLocation"`},
	} {
		changed := strings.Replace(base, change[0], change[1], 1)
		if got := mustID(t, decode(t, changed), ns); got == want {
			t.Errorf("changing %q to %q kept the ID", change[0], change[1])
		}
	}
	// The prefix is only a name for the namespace.
	renamed := strings.Replace(base, `"ex:temp"`, `"other:temp"`, 1)
	if got := mustID(t, decode(t, renamed), map[string]string{"other": "https://ns.example.com/"}); got != want {
		t.Errorf("another prefix for the same namespace changed the ID")
	}
}

func TestNamespaces(t *testing.T) {
	ctx := decode(t, `{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
		{"ex": "https://ns.example.com/"}, {"@vocab": "https://ignored/", "alias": {"@id": "ex:alias"}}]}`)["@context"]
	ns := Namespaces(ctx)
	if len(ns) != 1 || ns["ex"] != "https://ns.example.com/" {
		t.Errorf("Namespaces = %v", ns)
	}
	event := `{"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30Z", "ex:a": "1"}`
	want := "eventType=ObjectEventeventTime=2020-03-04T11:00:30.000Z{https://ns.example.com/}a=1"
	if got, err := PreHashWith(decode(t, event), ns); err != nil || got != want {
		t.Errorf("from the document: %q, %v", got, err)
	}
	own := strings.Replace(event, `"type"`, `"@context": {"ex": "https://ns.example.com/"}, "type"`, 1)
	if got, err := PreHash(decode(t, own)); err != nil || got != want {
		t.Errorf("from the event's own context: %q, %v", got, err)
	}
	if got, err := PreHashWith(decode(t, own), map[string]string{"ex": "https://elsewhere/"}); err != nil || got != want {
		t.Errorf("the event's own context should win: %q, %v", got, err)
	}
	// An undeclared prefix is an IRI scheme, as JSON-LD reads it: the name stays as written.
	if got, err := PreHash(decode(t, event)); err != nil || got == want || !strings.Contains(got, "ex:") {
		t.Errorf("undeclared prefix: %q, %v", got, err)
	}
}

func TestPreHashErrors(t *testing.T) {
	tests := []struct{ name, event, want string }{
		{"no type", `{"eventTime": "2020-03-04T11:00:30Z"}`, "no type"},
		{"a bad eventTime", `{"type": "ObjectEvent", "eventTime": "4 March 2020"}`, "timestamp"},
		{"an object in epcList", `{"type": "ObjectEvent", "epcList": [{"epc": "x"}]}`, "epc"},
		{"a string for readPoint", `{"type": "ObjectEvent", "readPoint": "urn:epc:id:sgln:4012345.00011.987"}`, "readPoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PreHash(decode(t, tt.event))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one naming %q", err, tt.want)
			}
		})
	}
	if _, err := PreHash(nil); err == nil {
		t.Error("a nil event gave no error")
	}
}

// FuzzPreHash checks that any JSON object either fails or gives the same pre-hash twice,
// whatever its key order.
func FuzzPreHash(f *testing.F) {
	f.Add(`{"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30+01:00", "epcList": ["urn:epc:id:sgtin:4012345.011111.9876"]}`)
	f.Add(`{"type": "AggregationEvent", "parentID": "https://example.com/00/040123450000001112?x=1", "ex:a": {"ex:b": [1, "2", {"ex:c": null}]}}`)
	f.Add(`{"type": "ObjectEvent", "sensorElementList": [{"sensorReport": {"type": "Temperature", "value": 1e-7}}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.UseNumber()
		var event map[string]any
		if dec.Decode(&event) != nil {
			return
		}
		ns := map[string]string{"ex": "https://ns.example.com/"}
		a, errA := PreHashWith(event, ns)
		b, errB := PreHashWith(event, ns)
		if a != b || (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) {
			t.Fatalf("not deterministic: %q %v / %q %v", a, errA, b, errB)
		}
	})
}
