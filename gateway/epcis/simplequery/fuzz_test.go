package simplequery

import (
	"errors"
	"net/url"
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
