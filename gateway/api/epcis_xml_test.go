package api

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/gateway/epcis/xmlbind"
)

// xmlDoc wraps XML events in an EPCIS 2.0 XML EPCISDocument, as a trading partner sends it.
func xmlDoc(events ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:cbvmda="urn:epcglobal:cbv:mda"
    xmlns:acme="https://ns.acme.example/epcis/" schemaVersion="2.0" creationDate="` + time.Now().UTC().Format(time.RFC3339) + `">
  <EPCISBody>
    <EventList>
` + strings.Join(events, "\n") + `
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>`
}

func TestEPCISCaptureAndQueryInTheXMLBinding(t *testing.T) {
	w := newWorld(t)
	w.seed()
	hourAgo := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	commission := `      <ObjectEvent>
        <eventTime>` + hourAgo + `</eventTime>
        <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
        <eventID>urn:uuid:xml-c1</eventID>
        <epcList><epc>` + dlURI(1) + `</epc><epc>` + dlURI(2) + `</epc></epcList>
        <action>ADD</action>
        <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
        <disposition>urn:epcglobal:cbv:disp:active</disposition>
        <bizLocation><id>https://id.gs1.org/414/` + mfrGLN + `</id></bizLocation>
        <ilmd><cbvmda:lotNumber>L1</cbvmda:lotNumber></ilmd>
        <acme:lineID>L7</acme:lineID>
      </ObjectEvent>`
	xmlHeader := "Content-Type: application/xml"

	var res CaptureResult
	w.must(200, &res, mfr, "POST", "/epcis/capture", xmlDoc(commission), xmlHeader)
	t.Run("an XML document is captured like its JSON-LD", func(t *testing.T) {
		if res.Succeeded != 1 || res.Results[0].Status != 201 || res.Results[0].Operation != "unit:Commission" || res.Results[0].EventID != "urn:uuid:xml-c1" {
			t.Fatalf("results %+v", res)
		}
	})

	ship := `      <ObjectEvent>
        <eventTime>` + hourAgo + `</eventTime>
        <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
        <eventID>urn:uuid:xml-s1</eventID>
        <epcList><epc>` + dlURI(1) + `</epc></epcList>
        <action>OBSERVE</action>
        <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
        <disposition>urn:epcglobal:cbv:disp:in_transit</disposition>
        <readPoint><id>https://id.gs1.org/414/` + mfrGLN + `</id></readPoint>
        <destinationList><destination type="urn:epcglobal:cbv:sdt:owning_party">https://id.gs1.org/417/` + dstGLN + `</destination></destinationList>
      </ObjectEvent>`
	t.Run("POST /epcis/events takes an XML document of one event", func(t *testing.T) {
		var r CaptureEventResult
		w.must(201, &r, mfr, "POST", "/epcis/events", xmlDoc(ship), "Content-Type: text/xml; charset=utf-8")
		if r.Operation != "unit:Ship" || r.EventID != "urn:uuid:xml-s1" {
			t.Fatalf("result %+v", r)
		}
		two := w.call(mfr, "POST", "/epcis/events", xmlDoc(commission, ship), xmlHeader)
		if p := problemOf(t, two); two.status != 400 || len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Reason, "2 events") {
			t.Fatalf("two events: %s", two)
		}
	})

	t.Run("a query answers XML when Accept prefers it, and the XML reads back as the events", func(t *testing.T) {
		r := w.must(200, nil, reg, "GET", "/epcis/events?EQ_bizStep=commissioning", nil, "Accept: application/json;q=0.5, application/xml")
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
			t.Fatalf("Content-Type %q", ct)
		}
		root := xmlRoot(t, r.body)
		if root != (xml.Name{Space: xmlbind.NamespaceQuery, Local: "EPCISQueryDocument"}) {
			t.Fatalf("root %v\n%s", root, r.body)
		}
		ev := onlyXMLEvent(t, r.body)
		if ev["eventID"] != "urn:uuid:xml-c1" || ev["bizStep"] != "commissioning" || len(ev["epcList"].([]any)) != 2 {
			t.Fatalf("event %v\n%s", ev, r.body)
		}
		if !bytes.Contains(r.body, []byte("<bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>")) {
			t.Errorf("bizStep is not the CBV URN in XML:\n%s", r.body)
		}
	})
	t.Run("one event by its ID as text/xml", func(t *testing.T) {
		r := w.must(200, nil, reg, "GET", "/epcis/events/"+url.PathEscape("urn:uuid:xml-s1"), nil, "Accept: text/xml")
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
			t.Fatalf("Content-Type %q", ct)
		}
		if ev := onlyXMLEvent(t, r.body); ev["eventID"] != "urn:uuid:xml-s1" || ev["bizStep"] != "shipping" {
			t.Fatalf("event %v", ev)
		}
	})
	t.Run("JSON-LD stays the default; an Accept of neither is a 406", func(t *testing.T) {
		r := w.must(200, nil, reg, "GET", "/epcis/events", nil, "Accept: */*")
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/ld+json") {
			t.Errorf("Content-Type %q", ct)
		}
		if r := w.call(reg, "GET", "/epcis/events", nil, "Accept: text/html"); r.status != 406 {
			t.Errorf("text/html: %s", r)
		}
	})
	t.Run("XML that is not EPCIS 2.0 is a 400 naming the element path", func(t *testing.T) {
		bad := strings.Replace(xmlDoc(commission), "<action>ADD</action>", "<action>ADD</action><colour>red</colour>", 1)
		r := w.call(mfr, "POST", "/epcis/capture", bad, xmlHeader)
		p := problemOf(t, r)
		if r.status != 400 || len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0].Field, "/epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent/colour (line ") {
			t.Fatalf("got %s", r)
		}
		r = w.call(mfr, "POST", "/epcis/capture", `{"type":"EPCISDocument"}`, xmlHeader)
		if r.status != 400 {
			t.Fatalf("JSON sent as XML: %s", r)
		}
	})
}

// xmlRoot is the name of the root element of an XML document.
func xmlRoot(t *testing.T, doc []byte) xml.Name {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, doc)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name
		}
	}
}

// onlyXMLEvent reads an XML query answer back as JSON and returns its one event.
func onlyXMLEvent(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	j, err := xmlbind.ToJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("ToJSON: %v\n%s", err, doc)
	}
	var q struct {
		EPCISBody struct {
			QueryResults struct {
				ResultsBody struct {
					EventList []map[string]any `json:"eventList"`
				} `json:"resultsBody"`
			} `json:"queryResults"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(j, &q); err != nil || len(q.EPCISBody.QueryResults.ResultsBody.EventList) != 1 {
		t.Fatalf("%v: %s", err, j)
	}
	return q.EPCISBody.QueryResults.ResultsBody.EventList[0]
}
