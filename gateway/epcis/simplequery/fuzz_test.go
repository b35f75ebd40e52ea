package simplequery

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzParse: any query either parses or is refused with a *ParamError, and a parsed query
// matches events without panicking.
func FuzzParse(f *testing.F) {
	for _, tt := range matchTests {
		f.Add(tt.give)
	}
	examples := loadExamples(f, "examples")
	f.Fuzz(func(t *testing.T, raw string) {
		params, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := Parse(params)
		var pe *ParamError
		if err != nil {
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, not a *ParamError", raw, err)
			}
			return
		}
		for _, e := range examples {
			q.Match(e.event)
		}
		q.IndexHints()
	})
}

// FuzzParseJSON does the same for the JSON query object of a named query.
func FuzzParseJSON(f *testing.F) {
	f.Add(`{"eventType":["ObjectEvent"],"GE_quantity":200,"EXISTS_ex:f":null,"@context":[{"ex":"http://ns.example.com/"}]}`)
	f.Add(`{"MATCH_epc":["urn:epc:idpat:sgtin:4012345.*.*"],"orderBy":"eventTime","eventCountLimit":1}`)
	f.Add(`{"EQ_value_CEL":[26.1],"LT_time":"2020-01-01T00:00:00Z","EQ_booleanValue":true}`)
	examples := loadExamples(f, "examples")
	f.Fuzz(func(t *testing.T, raw string) {
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		var query map[string]any
		if dec.Decode(&query) != nil {
			return
		}
		q, err := ParseJSON(query)
		var pe *ParamError
		if err != nil {
			if !errors.As(err, &pe) {
				t.Fatalf("ParseJSON(%s) = %v, not a *ParamError", raw, err)
			}
			return
		}
		if _, err := q.Run(events(examples)); err != nil && !errors.As(err, new(*TooLargeError)) {
			t.Fatalf("Run: %v", err)
		}
	})
}
