package hashid

import "testing"

// BenchmarkID hashes the 13 events of the reference implementation's document with every
// event type.
func BenchmarkID(b *testing.B) {
	doc := readDocument(b, "testdata/reference/epcisDocWithVariousEventTypes.jsonld")
	ns := Namespaces(doc.Context)
	events := doc.events()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, ev := range events {
			if _, err := IDWith(ev, ns); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
}
