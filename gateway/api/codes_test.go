package api

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/gs1"
)

// TestCodesOutsideTheConfiguredCompanyPrefixesAreRefusedAtTheEdge: with a GS1 Company Prefix
// list configured, a GS1 key of a company outside it is refused in a request field, a scanner
// line and at the resolver, naming the prefix check; keys within it pass as before.
func TestCodesOutsideTheConfiguredCompanyPrefixesAreRefusedAtTheEdge(t *testing.T) {
	gcps, err := gs1.NewPrefixes([]string{mfrGCP})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, worldOptions{tweak: func(o *Options) { o.CompanyPrefixes = gcps }})
	w.seed()
	w.commission("urn:uuid:gcp-c1", 1, 1)
	foreign := "(01)04012345111118(21)1" // GS1 Company Prefix 4012345, not in the list

	t.Run("a request field", func(t *testing.T) {
		r := w.must(422, nil, mfr, "POST", "/v1/events/ship", map[string]any{"eventId": "urn:uuid:gcp-s1", "to": dst, "codes": []string{foreign}})
		if p := problemOf(t, r); len(p.Errors) != 1 || p.Errors[0].Field != "codes[0]" || !strings.Contains(p.Errors[0].Reason, "GS1 Company Prefix") {
			t.Fatalf("%s", r)
		}
		w.must(201, nil, mfr, "POST", "/v1/events/ship", map[string]any{"eventId": "urn:uuid:gcp-s2", "to": dst, "codes": []string{deviceCode(1)}})
	})
	t.Run("a scanner line", func(t *testing.T) {
		var res ScanBatchResult
		w.must(200, &res, dst, "POST", "/v1/scans", map[string]any{"scans": []map[string]any{
			{"id": "urn:uuid:gcp-r1", "code": foreign, "action": "receive"},
			{"id": "urn:uuid:gcp-r2", "code": deviceCode(1), "action": "receive"},
		}})
		if res.Results[0].Status != 422 || res.Results[1].Status >= 300 {
			t.Fatalf("%+v", res.Results)
		}
	})
	t.Run("the resolver", func(t *testing.T) {
		w.must(400, nil, "", "GET", "/01/04012345111118/21/1", nil)
		w.must(200, nil, "", "GET", "/01/"+deviceDI+"/21/S000001", nil)
	})
}
