package routes_test

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/routes"
)

// bindingDocument is the official OpenAPI document of the EPCIS 2.0 REST binding.
const bindingDocument = "../epcis/testdata/gs1-epcis/rest-binding/openapi.json"

// epcisPrefix is where the gateway serves the binding's paths.
const epcisPrefix = "/epcis"

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

// operation is "METHOD /path" with its parameters' names dropped, so that paths compare by shape.
func operation(method, path string) string {
	return strings.ToUpper(method) + " " + pathParam.ReplaceAllString(path, "{}")
}

// bindingOperations reads the binding's operations, by shape, to their paths as written.
func bindingOperations(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(bindingDocument)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for path, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch":
				out[operation(method, path)] = strings.ToUpper(method) + " " + path
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("the binding's document names no operations")
	}
	return out
}

// TestEPCISRoutesAreTheBindingsOperations compares the gateway's EPCIS routes with the
// official OpenAPI document of the EPCIS 2.0 REST binding (issue 11): every route under
// /epcis must be an operation of the binding, with the binding's parameter names; the
// binding's operations the gateway does not serve yet are listed.
func TestEPCISRoutesAreTheBindingsOperations(t *testing.T) {
	binding := bindingOperations(t)
	served := map[string]bool{}
	for _, rt := range routes.Table {
		path, ok := strings.CutPrefix(rt.Path, epcisPrefix+"/")
		if !ok {
			if rt.Tag == "epcis" {
				t.Errorf("%s %s is tagged epcis but is not under %s", rt.Method, rt.Path, epcisPrefix)
			}
			continue
		}
		path = "/" + path
		op := operation(rt.Method, path)
		want, ok := binding[op]
		switch {
		case !ok:
			t.Errorf("%s %s: the binding has no operation %s %s", rt.Method, rt.Path, rt.Method, path)
		case want != rt.Method+" "+path:
			t.Errorf("%s %s: the binding names it %s", rt.Method, rt.Path, want)
		}
		served[op] = true
	}
	var missing []string
	for op, as := range binding {
		if !served[op] {
			missing = append(missing, as)
		}
	}
	// The binding's operations served so far (the named queries and subscriptions included):
	// a route that stops matching the binding lowers the count.
	const wantServed = 27
	if len(served) < wantServed {
		t.Errorf("%d of the binding's operations served, want at least %d", len(served), wantServed)
	}
	sort.Strings(missing)
	t.Logf("the binding's operations served under %s: %d of %d; not yet:\n\t%s", epcisPrefix, len(served), len(binding),
		strings.Join(missing, "\n\t"))
}
