package simplequery

import (
	"slices"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/identifier"
)

// The simple JSON-LD context's copies of the examples give the same answers as the
// standard context's.
func TestBothContextsGiveTheSameAnswers(t *testing.T) {
	simple := loadExamples(t, "examples-simple-context")
	byLabel := map[string]example{}
	for _, e := range loadExamples(t, "examples") {
		byLabel[e.label] = e
	}
	var standard []example
	for _, e := range simple {
		s, ok := byLabel[e.label]
		if !ok {
			t.Fatalf("%s has no standard-context copy", e.label)
		}
		standard = append(standard, s)
	}
	for _, tt := range matchTests {
		q, err := Parse(values(t, tt.give))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := matching(q, simple), matching(q, standard); !slices.Equal(got, want) {
			t.Errorf("%s: simple context %q, standard context %q", tt.give, got, want)
		}
	}
}

// The same events written with CBV web URIs or compact IRIs, GS1 web vocabulary types and
// identifiers as GS1 Digital Links give the same answers.
func TestTermAndIdentifierFormsGiveTheSameAnswers(t *testing.T) {
	examples := loadExamples(t, "examples")
	forms := map[string]func(voc, term string) string{
		"web URIs": func(voc, term string) string {
			if voc == "gs1" {
				return "https://gs1.org/voc/" + term
			}
			return "https://ref.gs1.org/cbv/" + voc + "-" + term
		},
		"compact IRIs": func(voc, term string) string {
			if voc == "gs1" {
				return "gs1:" + term
			}
			return "cbv:" + voc + "-" + term
		},
	}
	for name, form := range forms {
		rewritten := make([]example, len(examples))
		converted := 0
		for i, e := range examples {
			rewritten[i] = example{e.label, rewrite(e.event, form, &converted)}
		}
		if converted < 200 {
			t.Fatalf("%s: only %d values rewritten", name, converted)
		}
		for _, tt := range matchTests {
			q, err := Parse(values(t, tt.give))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := matching(q, rewritten), sorted(tt.want...); !slices.Equal(got, want) {
				t.Errorf("%s, %s: %q, want %q", name, tt.give, got, want)
			}
		}
	}
}

// rewrite copies an event with its CBV terms in another form and its EPC URNs as Digital Links.
func rewrite(ev map[string]any, form func(voc, term string) string, n *int) map[string]any {
	term := func(voc string, v any) any {
		s, ok := v.(string)
		if !ok || !isWord(s) {
			return v
		}
		*n++
		return form(voc, s)
	}
	id := func(v any) any {
		s, ok := v.(string)
		if !ok || !strings.HasPrefix(s, "urn:epc:") {
			return v
		}
		c, err := identifier.Parse(s)
		if err != nil {
			return v
		}
		dl, err := c.DigitalLink("")
		if err != nil {
			return v
		}
		*n++
		return dl
	}
	var walk func(key string, v any) any
	walk = func(key string, v any) any {
		switch v := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(v))
			for k, x := range v {
				out[k] = walk(k, x)
			}
			// Members whose vocabulary depends on their object.
			if t, ok := out["type"].(string); ok {
				switch key {
				case "bizTransactionList":
					out["type"] = term("BTT", t)
				case "sourceList", "destinationList":
					out["type"] = term("SDT", t)
				case "sensorReport":
					out["type"] = term("gs1", t)
				}
			}
			return out
		case []any:
			out := make([]any, len(v))
			for i, x := range v {
				out[i] = walk(key, x)
			}
			return out
		}
		switch key {
		case "bizStep":
			return term("BizStep", v)
		case "disposition", "set", "unset":
			return term("Disp", v)
		case "reason":
			return term("ER", v)
		case "epcList", "childEPCs", "parentID", "inputEPCList", "outputEPCList", "epcClass", "id",
			"source", "destination", "bizTransaction", "deviceID", "transformationID":
			return id(v)
		}
		return v
	}
	return walk("", ev).(map[string]any)
}
