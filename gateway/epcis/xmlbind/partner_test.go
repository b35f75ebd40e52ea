package xmlbind

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/epcis/epcistest"
)

func TestXMLAsPartnersSendItReadsAsTheJSONOfTheSameEvent(t *testing.T) {
	tests := []struct {
		xml, json string
		ignore    []string // document members the XML does not carry
	}{
		{xml: "testdata/partner-commissioning.xml", json: "testdata/partner-commissioning.jsonld"},
		{xml: "testdata/partner-packing.xml", json: "testdata/partner-packing.jsonld"},
		{
			xml:    "testdata/gs1-Example_9.6.3-AggregationEvent.xml",
			json:   filepath.Join(epcistest.Dir(), "examples", "Example_9.6.3-AggregationEvent.jsonld"),
			ignore: []string{"id"},
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.xml), func(t *testing.T) {
			x, err := os.ReadFile(tt.xml)
			if err != nil {
				t.Fatal(err)
			}
			j, err := os.ReadFile(tt.json)
			if err != nil {
				t.Fatal(err)
			}
			out, err := ToJSON(bytes.NewReader(x))
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			want, got := decode(t, j), decode(t, out)
			wantPrefixes, gotPrefixes := prefixes(want["@context"]), prefixes(got["@context"])
			for p, iri := range wantPrefixes {
				if gotPrefixes[p] != iri {
					t.Errorf("@context: %s is %q, want %q", p, gotPrefixes[p], iri)
				}
			}
			for _, k := range append(tt.ignore, "@context") {
				delete(want, k)
				delete(got, k)
			}
			if d := diff("", want, got); d != nil {
				t.Errorf("JSON of the XML differs:\n%s\ngot %s", strings.Join(d, "\n"), out)
			}
		})
	}
}

func TestUnreadableXMLIsAnErrorNamingWhere(t *testing.T) {
	const head = `<?xml version="1.0"?>` + "\n" + `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">`
	tests := []struct {
		name, give   string
		path, reason string
		line         int
	}{
		{name: "not XML", give: `{"type":"EPCISDocument"}`, reason: "not XML"},
		{name: "not well-formed", give: head + `<EPCISBody><EventList></EPCISBody>`, path: "/epcis:EPCISDocument/EPCISBody/EventList", reason: "not well-formed"},
		{name: "wrong root", give: `<EPCISDocument xmlns="urn:example"/>`, path: "/EPCISDocument", reason: "root must be EPCISDocument"},
		{name: "an EPCIS 1.2 document", give: `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1"/>`, path: "/epcis:EPCISDocument", reason: "EPCIS 1.x"},
		{name: "no body", give: head + `</epcis:EPCISDocument>`, path: "/epcis:EPCISDocument", reason: "no EPCISBody"},
		{
			name: "an unknown element in the EPCIS namespace",
			give: head + "\n<EPCISBody>\n<EventList>\n<ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime></ObjectEvent>\n<ObjectEvent>\n<eventTime>2024-01-01T00:00:00Z</eventTime>\n<bizStepp>shipping</bizStepp>\n</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>",
			path: "/epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent[2]/bizStepp", reason: "unknown element in the EPCIS namespace", line: 8,
		},
		{name: "an unknown event type", give: head + `<EPCISBody><EventList><QuantityEvent/></EventList></EPCISBody></epcis:EPCISDocument>`, path: "/epcis:EPCISDocument/EPCISBody/EventList/QuantityEvent", reason: "not an EPCIS 2.0 event"},
		{name: "an element inside a text field", give: head + `<EPCISBody><EventList><ObjectEvent><action><x/></action></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`, path: "/epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent/action/x", reason: "unexpected element"},
		{name: "an undeclared prefix", give: head + `<EPCISBody><EventList><ObjectEvent><acme:x>1</acme:x></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`, path: "/epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent/acme:x", reason: "undeclared namespace prefix"},
		{name: "a wrong item in a list", give: head + `<EPCISBody><EventList><ObjectEvent><epcList><id>x</id></epcList></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`, path: "/epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent/epcList/id", reason: "expected epc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ToJSON(strings.NewReader(tt.give))
			var xe *Error
			if !errors.As(err, &xe) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if xe.Path != tt.path || !strings.Contains(xe.Reason, tt.reason) || (tt.line != 0 && xe.Line != tt.line) {
				t.Errorf("error %q: path %q line %d reason %q, want path %q line %d reason containing %q", err, xe.Path, xe.Line, xe.Reason, tt.path, tt.line, tt.reason)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("message %q does not name %q", err, tt.path)
			}
		})
	}
}

func TestJSONWithoutAnXMLFormIsAnErrorNamingTheMember(t *testing.T) {
	const doc = `{"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{"eventList":[%s]}}`
	tests := []struct {
		name, event, path string
	}{
		{name: "undeclared prefix", event: `{"type":"ObjectEvent","acme:x":"1"}`, path: "/epcisBody/eventList/0/acme:x"},
		{name: "array in array", event: `{"type":"ObjectEvent","gs1:x":[["a"]]}`, path: "/epcisBody/eventList/0/gs1:x/0"},
		{name: "unknown event type", event: `{"type":"QuantityEvent"}`, path: "/epcisBody/eventList/0/type"},
		{name: "object as sensor attribute", event: `{"type":"ObjectEvent","sensorElementList":[{"sensorReport":[{"value":{}}]}]}`, path: "/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/value"},
		{name: "number as a text field", event: `{"type":"ObjectEvent","action":1}`, path: "/epcisBody/eventList/0/action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromJSON([]byte(strings.Replace(doc, "%s", tt.event, 1)))
			var xe *Error
			if !errors.As(err, &xe) || xe.Path != tt.path {
				t.Fatalf("error %v, want an *Error at %s", err, tt.path)
			}
		})
	}
	if _, err := FromJSON([]byte(`[1]`)); err == nil {
		t.Error("an array is not a document")
	}
	if _, err := FromJSON([]byte(`{"type":"Other"}`)); err == nil {
		t.Error("a document of another type was written")
	}
}

func TestXMLReadsMasterDataAndQueryDocuments(t *testing.T) {
	x := `<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
	  xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ext="http://ext.example/" schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">
	<EPCISHeader><extension><EPCISMasterData><VocabularyList>
	  <Vocabulary type="urn:epcglobal:epcis:vtype:BusinessLocation"><VocabularyElementList>
	    <VocabularyElement id="urn:epc:id:sgln:0037000.00729.0">
	      <attribute id="urn:epcglobal:cbv:mda#name">Plant 1</attribute>
	      <attribute id="http://ext.example/floors" xsi:type="xsd:integer">3</attribute>
	      <children><id>urn:epc:id:sgln:0037000.00729.8201</id></children>
	    </VocabularyElement>
	  </VocabularyElementList></Vocabulary>
	</VocabularyList></EPCISMasterData></extension></EPCISHeader>
	<EPCISBody><epcisq:QueryResults><queryName>SimpleEventQuery</queryName><resultsBody><EventList>
	  <ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
	    <epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList><action>OBSERVE</action>
	    <ext:weight unit="KGM">3.5</ext:weight><ext:flag xsi:type="xsd:boolean">true</ext:flag>
	    <ext:tags><ext:tag>a</ext:tag><ext:tag>b</ext:tag></ext:tags></ObjectEvent>
	</EventList></resultsBody></epcisq:QueryResults></EPCISBody></epcisq:EPCISQueryDocument>`
	out, err := ToJSON(strings.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	want := decode(t, []byte(`{"type":"EPCISQueryDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z",
	  "@context":["`+DefaultContext+`",{"ext":"http://ext.example/"}],
	  "epcisHeader":{"epcisMasterData":{"vocabularyList":[{"type":"urn:epcglobal:epcis:vtype:BusinessLocation","vocabularyElementList":[
	    {"id":"urn:epc:id:sgln:0037000.00729.0","attributes":[{"id":"urn:epcglobal:cbv:mda#name","attribute":"Plant 1"},{"id":"http://ext.example/floors","attribute":3}],
	     "children":["urn:epc:id:sgln:0037000.00729.8201"]}]}]}},
	  "epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","resultsBody":{"eventList":[
	    {"type":"ObjectEvent","eventTime":"2024-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.2017"],"action":"OBSERVE",
	     "ext:weight":{"@unit":"KGM","#text":"3.5"},"ext:flag":true,"ext:tags":{"ext:tag":["a","b"]}}]}}}}`))
	got := decode(t, out)
	if d := diff("", want, got); d != nil {
		t.Errorf("query document:\n%s\ngot %s", strings.Join(d, "\n"), out)
	}
	back, err := FromJSON(out)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ToJSON(bytes.NewReader(back))
	if err != nil {
		t.Fatal(err)
	}
	if d := diff("", got, decode(t, again)); d != nil {
		t.Errorf("master data and query document do not survive XML → JSON → XML → JSON:\n%s\n%s", strings.Join(d, "\n"), back)
	}
}

func TestWhatOnlyJSONCanSaySurvivesTheXML(t *testing.T) {
	doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ex.example/ns/"}],
	  "id":"https://id.example.org/doc-1","type":"EPCISDocument","schemaVersion":2.0,"creationDate":"2024-01-01T00:00:00Z",
	  "ex:top":"at the document",
	  "epcisBody":{"eventList":[{"type":"ObjectEvent","id":"_:e1","eventTime":"2024-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00",
	    "epcList":[],"action":"OBSERVE","bizStep":"https://ref.gs1.org/cbv/BizStep-shipping","disposition":"in_transit",
	    "sourceList":{"type":"owning_party","source":"urn:epc:id:pgln:0614141.00001"},
	    "sensorElementList":[{"sensorReport":[{"type":"gs1:Temperature","value":-3.25,"booleanValue":false,"ex:note":"cold"},{"type":"Humidity","percRank":50}]}],
	    "ex:one":["a"],"ex:none":[],"ex:empty":{},"ex:nil":null,"ex:n":3.50,"ex:b":false,"ex:big":12345678901234567890,
	    "ex:measure":{"@unit":"KGM","#text":"3"},"ex:list":[{"ex:x":1},{"ex:x":[true]}],
	    "ex:text":"  spaced <&> \"quoted\"\nnew line ",
	    "https://other.example/v#thing":"by URI","colour":"red"}]}}`
	x, err := FromJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	back, err := ToJSON(bytes.NewReader(x))
	if err != nil {
		t.Fatalf("%v\n%s", err, x)
	}
	want, got := decode(t, []byte(doc)), decode(t, back)
	if d := diff("", want, got); d != nil {
		t.Errorf("differs:\n%s\nXML:\n%s", strings.Join(d, "\n"), x)
	}
}

func TestLatin1XMLIsRead(t *testing.T) {
	x := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<epcis:EPCISDocument xmlns:epcis=\"urn:epcglobal:epcis:xsd:2\" xmlns:ex=\"https://ex.example/\" schemaVersion=\"2.0\" creationDate=\"2024-01-01T00:00:00Z\">" +
		"<EPCISBody><EventList><ObjectEvent><eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>" +
		"<epcList/><action>OBSERVE</action><ex:site>Z\xfcrich Caf\xe9</ex:site></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>")
	out, err := ToJSON(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"ex:site":"Zürich Café"`) {
		t.Errorf("got %s", out)
	}
	x = bytes.Replace(x, []byte("ISO-8859-1"), []byte("Shift_JIS"), 1)
	var xe *Error
	if _, err := ToJSON(bytes.NewReader(x)); !errors.As(err, &xe) || !strings.Contains(err.Error(), "Shift_JIS") {
		t.Errorf("an unsupported encoding: %v", err)
	}
}

func TestPrefixesTheWriterMustRenameComeBackAsWritten(t *testing.T) {
	doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"json":"https://j.example/","xsi":"https://x.example/"}],
	  "type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z",
	  "epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2024-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00",
	    "epcList":[],"action":"OBSERVE","json:a":"1","xsi:b":"2","epcis:c":"3"}]}}`
	x, err := FromJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	back, err := ToJSON(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	if d := diff("", decode(t, []byte(doc)), decode(t, back)); d != nil {
		t.Errorf("differs:\n%s\nXML:\n%s", strings.Join(d, "\n"), x)
	}
}

func TestAnEventsOwnContextDeclaresItsPrefixesInTheXML(t *testing.T) {
	doc := []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
	 "type":"EPCISQueryDocument","schemaVersion":"2.0","creationDate":"2024-05-01T10:00:00Z",
	 "epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","resultsBody":{"eventList":[
	  {"@context":[{"acme":"https://ns.acme.example/epcis/"}],"type":"ObjectEvent","action":"OBSERVE",
	   "eventTime":"2024-05-01T10:00:00Z","eventTimeZoneOffset":"+00:00","epcList":[],"acme:lineID":"L7"}]}}}}`)
	x, err := FromJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(x), `xmlns:acme="https://ns.acme.example/epcis/"`) || !strings.Contains(string(x), "<acme:lineID>L7</acme:lineID>") {
		t.Fatalf("the event's extension is not in its namespace:\n%s", x)
	}
}
