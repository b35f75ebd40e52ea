package schema_test

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/epcis/schema"
)

// BenchmarkValidate1000Events validates a document of 1,000 events, the most one capture takes
// by default.
func BenchmarkValidate1000Events(b *testing.B) {
	ev := `{"type":"ObjectEvent","eventID":"urn:uuid:6f1c2b4e-0000-4000-8000-000000000001","eventTime":"2024-01-01T00:00:00Z",` +
		`"eventTimeZoneOffset":"+00:00","action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",` +
		`"epcList":["https://id.gs1.org/01/09521234543213/21/1","https://id.gs1.org/01/09521234543213/21/2"],` +
		`"readPoint":{"id":"https://id.gs1.org/414/9521234000006"},` +
		`"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/9521234000006"}]}`
	doc := []byte(strings.Replace(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",
"schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{"eventList":[EVENTS]}}`, "EVENTS", strings.TrimSuffix(strings.Repeat(ev+",", 1000), ","), 1))
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if vs, err := schema.ValidateJSON(doc); err != nil || vs != nil {
			b.Fatal(vs, err)
		}
	}
}
