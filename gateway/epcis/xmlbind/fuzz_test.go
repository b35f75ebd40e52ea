package xmlbind

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// FuzzToJSON feeds ToJSON arbitrary bytes: it must answer a document or an *Error, never
// panic; a document it answers must be written back as XML and read again.
func FuzzToJSON(f *testing.F) {
	for _, file := range []string{"testdata/partner-commissioning.xml", "testdata/partner-packing.xml", "testdata/gs1-Example_9.6.3-AggregationEvent.xml"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList><ObjectEvent><x:a xmlns:x="u:x" json:array="true" xmlns:json="urn:udiledger:xmlbind:json"/></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`))
	f.Add([]byte(`<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2"><EPCISBody><epcisq:QueryResults/></EPCISBody></epcisq:EPCISQueryDocument>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := ToJSON(bytes.NewReader(b))
		if err != nil {
			var xe *Error
			if !errors.As(err, &xe) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		x, err := FromJSON(out)
		if err != nil {
			return // JSON from odd XML may have no XML form (an array in an array); not a panic
		}
		if _, err := ToJSON(bytes.NewReader(x)); err != nil {
			t.Fatalf("XML written from %s does not read back: %v\n%s", out, err, x)
		}
	})
}

// FuzzFromJSON feeds FromJSON arbitrary JSON: an *Error or XML that ToJSON reads back.
func FuzzFromJSON(f *testing.F) {
	for _, file := range []string{"testdata/partner-commissioning.jsonld", "testdata/partner-packing.jsonld"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","gs1:x":[[]],"ex:y":{"@a":1}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := FromJSON(b)
		if err != nil {
			var xe *Error
			if !errors.As(err, &xe) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		if _, err := ToJSON(bytes.NewReader(x)); err != nil {
			t.Fatalf("XML written from %s does not read back: %v\n%s", b, err, x)
		}
	})
}
