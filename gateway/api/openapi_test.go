package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/routes"
)

func TestOpenAPIMatchesRoutes(t *testing.T) {
	w := newWorld(t)
	resolver, err := w.led.Admin(reg)
	if err != nil {
		t.Fatal(err)
	}
	engine := New(Options{Ledger: w.led, Keyring: auth.NewKeyring(), ResolverIdentity: resolver})

	rec := newRecorder(engine, "/openapi.json")
	if rec.Code != 200 {
		t.Fatalf("/openapi.json = %d", rec.Code)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("not an OpenAPI 3 document: %v", err)
	}
	documented := map[string]bool{}
	for p, item := range doc.Paths {
		for m := range item {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range engine.Routes() {
		registered[r.Method+" "+openAPIPath(r.Path)] = true
	}
	for _, rt := range routes.Table {
		if !registered[rt.Method+" "+rt.Path] {
			t.Errorf("the table's route %s %s is not registered", rt.Method, rt.Path)
		}
	}
	var missing, extra []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Fatalf("routes not in the document: %v\ndocumented but not routed: %v", missing, extra)
	}
	if !registered["GET /epcis/events"] || !registered["GET /v1/events/stream"] || !registered["GET /01/{path}"] {
		t.Fatalf("expected routes missing from %v", registered)
	}

	t.Run("request schemas carry the validation rules", func(t *testing.T) {
		var full struct {
			Components struct {
				Schemas map[string]struct {
					Required   []string                  `json:"required"`
					Properties map[string]map[string]any `json:"properties"`
				} `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &full); err != nil {
			t.Fatal(err)
		}
		c := full.Components.Schemas["CommissionRequest"]
		codes := c.Properties["codes"]
		if codes["maxItems"] != float64(model.MaxCommission) || strings.Join(c.Required, ",") != "di,lot" {
			t.Fatalf("CommissionRequest schema %+v", c)
		}
		if full.Components.Schemas["ShipRequest"].Properties["location"]["pattern"] == nil {
			t.Fatal("a GLN field has no pattern")
		}
		if _, ok := full.Components.Schemas["EventResult"]; !ok {
			t.Fatal("no EventResult schema")
		}
	})
	t.Run("a module's routes are mounted behind the API key check", func(t *testing.T) {
		if rec := newRecorder(engine, "/epcis/events"); rec.Code != 401 {
			t.Fatalf("/epcis/events without a key = %d, want 401", rec.Code)
		}
	})
}

// openAPIPath turns a gin route into its OpenAPI form: ":id" -> "{id}", "*path" -> "{path}".
func openAPIPath(ginPath string) string {
	parts := strings.Split(ginPath, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func newRecorder(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec
}

func TestResolver(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:res-commission", 1, 1)
	link := "/01/" + deviceDI + "/10/L1/21/S000001?17=" + strings.ReplaceAll(day(365)[2:], "-", "")

	t.Run("a phone without an API key learns whether the code is genuine and may be used, not who holds it", func(t *testing.T) {
		var r Resolved
		res := w.must(200, &r, "", "GET", link, nil, "Accept: application/json")
		if !r.Verification.Genuine || !r.Verification.Sellable || r.Code != deviceKey(1) || r.Verification.Owner != "" {
			t.Fatalf("resolved %+v", r)
		}
		if strings.Contains(string(res.body), mfr) {
			t.Fatalf("the public answer names a party: %s", res.body)
		}
	})
	t.Run("a browser gets a small HTML page", func(t *testing.T) {
		r := w.must(200, nil, "", "GET", link, nil, "Accept: text/html,application/xhtml+xml")
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "Infusion set") ||
			strings.Contains(string(r.body), mfr) {
			t.Fatalf("page %s", r.body)
		}
	})
	t.Run("an unknown serial is not genuine", func(t *testing.T) {
		var r Resolved
		w.must(200, &r, "", "GET", "/01/"+deviceDI+"/21/NOPE", nil)
		if r.Verification.Genuine {
			t.Fatalf("resolved %+v, want not genuine", r)
		}
	})
	t.Run("a path that is no Digital Link is a 400", func(t *testing.T) {
		p := problemOf(t, w.must(400, nil, "", "GET", "/01/123/21/"+url.PathEscape("x"), nil))
		if len(p.Errors) == 0 {
			t.Fatalf("problem %+v", p)
		}
		r := w.must(400, nil, "", "GET", "/01/123", nil, "Accept: text/html")
		if !strings.Contains(string(r.body), "Code not recognised") {
			t.Fatalf("page %s", r.body)
		}
	})
}
