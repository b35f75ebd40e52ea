package simplequery

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/gateway/epcis/epcistest"
)

// schemaParams reads the REST binding's query schema: every parameter it defines, with a
// value of the type it gives. Pattern parameters get a name their pattern describes.
func schemaParams(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(refSet, "query-schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	query := schema.Definitions["EPCIS-Query"]
	var sample func(s map[string]any) any
	sample = func(s map[string]any) any {
		if ref, ok := s["$ref"].(string); ok {
			return sample(schema.Definitions[strings.TrimPrefix(ref, "#/definitions/")])
		}
		for _, key := range []string{"anyOf", "oneOf"} {
			if alts, ok := s[key].([]any); ok {
				// The CBV enumeration where there is one, else the first alternative.
				for _, a := range alts {
					if _, ok := a.(map[string]any)["enum"]; ok {
						return sample(a.(map[string]any))
					}
				}
				return sample(alts[0].(map[string]any))
			}
		}
		if enum, ok := s["enum"].([]any); ok {
			return enum[0]
		}
		switch s["type"] {
		case "array":
			return []any{sample(s["items"].(map[string]any))}
		case "number":
			return json.Number("1.5")
		case "integer":
			if s["nullable"] == true {
				return nil
			}
			return json.Number("1")
		case "boolean":
			return true
		}
		if s["format"] == "date-time" {
			return "2020-01-01T00:00:00Z"
		}
		return "urn:epc:id:sgln:0012345.11111.0"
	}
	params := map[string]any{}
	for name, s := range query["properties"].(map[string]any) {
		if name != "@context" {
			params[name] = sample(s.(map[string]any))
		}
	}
	fill := []struct {
		re   *regexp.Regexp
		with string
	}{
		{regexp.MustCompile(`\[a-z\]\[a-zA-Z0-9_\]\+`), "owning_party"},
		{regexp.MustCompile(`\[a-z\]\[a-zA-Z0-9\]\*\\*:\\*w\+`), "ext1:float"},
		{regexp.MustCompile(`\[A-Z0-9\]\{2,4\}`), "CEL"},
		{regexp.MustCompile(`\\*w\+_\\*w\+`), "bizLocation_site"},
	}
	for pattern, s := range query["patternProperties"].(map[string]any) {
		name := strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$")
		for _, f := range fill {
			name = f.re.ReplaceAllLiteralString(name, f.with)
		}
		if strings.ContainsAny(name, `[]\*+{}`) {
			t.Fatalf("pattern %s: no sample name (%s)", pattern, name)
		}
		params[name] = sample(s.(map[string]any))
	}
	if len(params) < 150 {
		t.Fatalf("read %d parameters from the query schema", len(params))
	}
	return params
}

// urlValue writes a JSON parameter value as the REST binding's query parameter.
func urlValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = urlValue(x)
		}
		return strings.Join(parts, "|")
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	}
	return v.(string)
}

type noAttributes struct{}

func (noAttributes) Attribute(string, string) ([]string, bool) { return nil, false }

func TestEveryParameterOfTheQuerySchemaIsUnderstood(t *testing.T) {
	for name, v := range schemaParams(t) {
		t.Run(name, func(t *testing.T) {
			// orderBy beside each, for eventCountLimit, which needs it.
			u := url.Values{name: {urlValue(v)}}
			if name != "orderBy" {
				u.Set("orderBy", "eventTime")
			}
			if _, err := Parse(u, WithAttributes(noAttributes{})); err != nil {
				t.Errorf("Parse(%s): %v", u.Encode(), err)
			}
			j := map[string]any{name: v, "orderBy": "eventTime"}
			if _, err := ParseJSON(j, WithAttributes(noAttributes{})); err != nil {
				t.Errorf("ParseJSON(%v): %v", j, err)
			}
		})
	}
}

// Every query parameter of the binding's GET /events is understood too (the OpenAPI
// document names a few the query schema spells differently: GE_errorDeclarationTime).
func TestEveryQueryParameterOfGetEventsIsUnderstood(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(epcistest.Dir(), "rest-binding", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]struct {
				Name   string         `json:"name"`
				In     string         `json:"in"`
				Schema map[string]any `json:"schema"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var get struct {
		Parameters []struct {
			Ref string `json:"$ref"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(doc.Paths["/events"]["get"], &get); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ref := range get.Parameters {
		p := doc.Components.Parameters[strings.TrimPrefix(ref.Ref, "#/components/parameters/")]
		if p.In != "query" {
			continue
		}
		n++
		v := "urn:epc:id:sgln:0012345.11111.0"
		switch typ, _ := p.Schema["type"].(string); {
		case p.Schema["format"] == "date-time":
			v = "2020-01-01T00:00:00Z"
		case typ == "number" || typ == "integer" || p.Schema["$ref"] == "#/components/schemas/PerPage":
			v = "3"
		case typ == "boolean":
			v = "true"
		case p.Name == "eventType":
			v = "ObjectEvent"
		case p.Name == "EQ_action":
			v = "ADD"
		case p.Name == "EQ_bizStep" || p.Name == "EQ_disposition" || p.Name == "EQ_errorReason" ||
			strings.HasPrefix(p.Name, "EQ_persistentDisposition") || p.Name == "EQ_type":
			v = "https://example.com/voc/term"
		case p.Name == "orderDirection":
			v = "ASC"
		case p.Name == "orderBy":
			v = "recordTime"
		}
		u := url.Values{p.Name: {v}, "orderBy": {"eventTime"}}
		if p.Name == "orderBy" {
			u.Set("orderBy", v)
		}
		if _, err := Parse(u); err != nil {
			t.Errorf("Parse(%s): %v", u.Encode(), err)
		}
	}
	if n < 50 {
		t.Fatalf("GET /events has only %d query parameters in the OpenAPI document", n)
	}
}
