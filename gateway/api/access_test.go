package api

import (
	"encoding/json"
	"testing"

	"github.com/udiledger/udiledger/gateway/auth"
)

func TestPrivateMetricsAndDocs(t *testing.T) {
	opKey, opHash, err := auth.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, worldOptions{unchecked: true, tweak: func(o *Options) {
		o.PrivateMetrics, o.PrivateDocs = true, true
		if err := o.Keyring.Add(opHash, &auth.Principal{Name: "prometheus", Role: auth.RoleOperator}); err != nil {
			t.Fatal(err)
		}
	}})
	for _, path := range []string{"/metrics", "/openapi.json"} {
		t.Run(path+" needs an API key", func(t *testing.T) {
			if p := problemOf(t, w.call("", "GET", path, nil)); p.Status != 401 {
				t.Fatalf("anonymous %s = %+v, want 401", path, p)
			}
			w.must(200, nil, hsp, "GET", path, nil)
			w.must(200, nil, "", "GET", path, nil, "Authorization: Bearer "+opKey)
		})
	}
	t.Run("the document says so", func(t *testing.T) {
		var doc struct {
			Paths map[string]map[string]struct {
				Security *[]any `json:"security"`
			} `json:"paths"`
		}
		w.must(200, &doc, hsp, "GET", "/openapi.json", nil)
		if doc.Paths["/metrics"]["get"].Security != nil || doc.Paths["/healthz"]["get"].Security == nil {
			t.Fatalf("/metrics %+v, /healthz %+v: want only /healthz public", doc.Paths["/metrics"], doc.Paths["/healthz"])
		}
	})
	t.Run("liveness, readiness and the resolver stay public", func(t *testing.T) {
		w.must(200, nil, "", "GET", "/healthz", nil)
		w.must(200, nil, "", "GET", "/readyz", nil)
		w.must(200, nil, "", "GET", "/01/"+deviceDI+"/21/S1", nil)
	})
	t.Run("an operator's key reads nothing of the ledger", func(t *testing.T) {
		r := w.call("", "GET", "/v1/products", nil, "Authorization: Bearer "+opKey)
		if p := problemOf(t, r); p.Status != 403 {
			t.Fatalf("an operator reading products = %s, want 403", r)
		}
	})
	t.Run("by default both are public", func(t *testing.T) {
		open := newWorldOn(t, w, func(*Options) {})
		open.must(200, nil, "", "GET", "/metrics", nil)
		var doc map[string]json.RawMessage
		open.must(200, &doc, "", "GET", "/openapi.json", nil)
	})
}
