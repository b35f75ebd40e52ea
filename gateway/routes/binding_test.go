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
// /epcis must be an operation of the binding, with the binding's parameter names, and every
// operation of the binding must be served. OPTIONS is
// served on every path the table has under /epcis (gateway/api answers it from the table).
func TestEPCISRoutesAreTheBindingsOperations(t *testing.T) {
	binding := bindingOperations(t)
	served := map[string]bool{}
	for _, rt := range routes.Table {
		path, ok := strings.CutPrefix(rt.Path, epcisPrefix)
		if !ok || (path != "" && !strings.HasPrefix(path, "/")) {
			if rt.Tag == "epcis" {
				t.Errorf("%s %s is tagged epcis but is not under %s", rt.Method, rt.Path, epcisPrefix)
			}
			continue
		}
		if path == "" {
			path = "/"
		}
		for _, method := range []string{rt.Method, "OPTIONS"} {
			op := operation(method, path)
			want, ok := binding[op]
			switch {
			case !ok && method == "OPTIONS":
				continue // an OPTIONS the binding does not name (DELETE /nextPageToken/{token}'s) harms none
			case !ok:
				t.Errorf("%s %s: the binding has no operation %s %s", rt.Method, rt.Path, rt.Method, path)
			case want != method+" "+path:
				t.Errorf("%s %s: the binding names it %s", method, rt.Path, want)
			}
			served[op] = true
		}
	}
	var missing []string
	for op, as := range binding {
		if !served[op] {
			missing = append(missing, as)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the binding's operations not served under %s:\n\t%s", epcisPrefix, strings.Join(missing, "\n\t"))
	}
	t.Logf("the binding's operations served under %s: %d of %d", epcisPrefix, len(binding)-len(missing), len(binding))
}
