package epcis_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/udiledger/udiledger/chaincode/epcis"
)

// FuzzCapture feeds the capture parser arbitrary bytes, seeded with the GS1 examples and the
// round-trip story: it must never panic, and every answer is either a document error or one
// outcome per event, each accepted with a request or rejected with a reason.
func FuzzCapture(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(examplesDir, "*.jsonld"))
	for _, path := range files {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(b)
		}
	}
	for _, ev := range roundTrip {
		f.Add(document(ev))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"type":"EPCISDocument","epcisBody":{"eventList":[null,1,"x",[],{}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := mapDocument(data, epcis.Options{Resolve: directory.resolve})
		if err != nil {
			if res != nil {
				t.Fatal("an error with a result")
			}
			return
		}
		for i, o := range res.Outcomes {
			if o.Index != i {
				t.Fatalf("outcome %d has index %d", i, o.Index)
			}
			if (o.Rejection == nil) == (o.Request == nil) || (o.Rejection == nil) == (o.Op == nil) {
				t.Fatalf("outcome %d is neither accepted nor rejected: %+v", i, o)
			}
			if o.Rejection == nil {
				if _, err := submission(o); err != nil {
					t.Fatalf("outcome %d: %v", i, err)
				}
			} else if o.Rejection.Reason == "" {
				t.Fatalf("outcome %d rejected without a reason", i)
			}
		}
	})
}

// FuzzParseQuery checks that no query string makes the query parser panic.
