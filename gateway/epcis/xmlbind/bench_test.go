package xmlbind

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// thousandEvents is a JSON document of 1,000 commissioning events with ILMD and an extension.
func thousandEvents(b *testing.B) []byte {
	b.Helper()
	var events []string
	for i := range 1000 {
		events = append(events, fmt.Sprintf(`{"type":"ObjectEvent","eventTime":"2024-03-01T08:00:00.000+08:00","eventTimeZoneOffset":"+08:00",`+
			`"eventID":"urn:uuid:00000000-0000-4000-8000-%012d","epcList":["https://id.gs1.org/01/09506000134352/21/S%06d","https://id.gs1.org/01/09506000134352/21/T%06d"],`+
			`"action":"ADD","bizStep":"commissioning","disposition":"active","readPoint":{"id":"urn:epc:id:sgln:0614141.00001.1"},`+
			`"bizTransactionList":[{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:0614141073467:%d"}],`+
			`"ilmd":{"cbvmda:lotNumber":"LOT-%d","cbvmda:itemExpirationDate":"2026-02-28"},"acme:lineID":"L7"}`, i, i, i, i, i%10))
	}
	doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"acme":"https://ns.acme.example/"}],` +
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-03-01T08:15:00Z","epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`
	if !json.Valid([]byte(doc)) {
		b.Fatal("benchmark document is not JSON")
	}
	return []byte(doc)
}

func BenchmarkToJSON1000Events(b *testing.B) {
	x, err := FromJSON(thousandEvents(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(x)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToJSON(bytes.NewReader(x)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromJSON1000Events(b *testing.B) {
	doc := thousandEvents(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromJSON(doc); err != nil {
			b.Fatal(err)
		}
	}
}
