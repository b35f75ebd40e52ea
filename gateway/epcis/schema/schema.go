// Package schema checks JSON documents against the official GS1 EPCIS 2.0 JSON Schema
// (EPCIS-JSON-Schema.json, copied unchanged from the GS1 EPCIS repository and embedded in the
// binary; licence in LICENSE-gs1-epcis.txt). The schema covers EPCISDocument,
// EPCISQueryDocument and bare events, chosen by their "type".
//
// Validation is done by github.com/santhosh-tekuri/jsonschema/v6 (ADR 017) with format
// assertions on (an eventID must be a URI, a time an RFC 3339 date-time). The schema is
// draft-07 and written for ECMAScript regular expressions (two patterns use a negative
// lookahead, which Go's regexp lacks), so patterns run on github.com/dlclark/regexp2 in
// ECMAScript mode.
package schema

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed EPCIS-JSON-Schema.json
var epcisSchema []byte

// schemaURL names the embedded schema inside the compiler; nothing is ever fetched from it.
const schemaURL = "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"

// MaxViolations is the most violations one validation reports; the rest are left out.
const MaxViolations = 50

// matchTimeout bounds one pattern match (regexp2 backtracks; the schema's patterns are short
// and fixed, so a match never comes near it).
const matchTimeout = 100 * time.Millisecond

// Violation is one way a document breaks the schema: where (a JSON pointer into the document,
// "" for the document itself) and why.
type Violation struct {
	Pointer string
	Reason  string
}

func (v Violation) String() string {
	if v.Pointer == "" {
		return "(document): " + v.Reason
	}
	return v.Pointer + ": " + v.Reason
}

var compiled = sync.OnceValues(compile)

func compile() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(epcisSchema))
	if err != nil {
		return nil, fmt.Errorf("read the embedded EPCIS schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	c.UseRegexpEngine(ecmaRegexp)
	c.UseLoader(noLoader{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("add the embedded EPCIS schema: %w", err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("compile the embedded EPCIS schema: %w", err)
	}
	return s, nil
}

// noLoader refuses every reference outside the embedded schema: the validator reads nothing
// from the network or the file system.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, errors.New("the EPCIS schema is self-contained; refusing to load " + url)
}

// ecmaRegexp compiles a schema pattern as an ECMAScript regular expression.
func ecmaRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = matchTimeout
	return ecma{re}, nil
}

type ecma struct{ re *regexp2.Regexp }

// MatchString reports a match; a match that fails (a timeout) counts as no match.
func (e ecma) MatchString(s string) bool {
	ok, err := e.re.MatchString(s)
	return err == nil && ok
}

func (e ecma) String() string { return e.re.String() }

// Validate checks a decoded JSON value against the EPCIS 2.0 schema: nil when it conforms,
// else its violations sorted by pointer (at most MaxViolations). doc must be decoded with
// numbers as json.Number or float64 (encoding/json with or without UseNumber). The error is
// not nil only when the embedded schema cannot be compiled.
func Validate(doc any) ([]Violation, error) {
	s, err := compiled()
	if err != nil {
		return nil, err
	}
	err = s.Validate(doc)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	return violations(ve), nil
}

// ValidateJSON decodes data and validates it; the error says when data is not JSON.
func ValidateJSON(data []byte) ([]Violation, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return Validate(doc)
}

var printer = message.NewPrinter(language.English)

// violations flattens the validator's tree of errors into one line per place.
func violations(ve *jsonschema.ValidationError) []Violation {
	var out []Violation
	collect(ve, pointer(ve.InstanceLocation), &out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	// One reason per pointer: several failed keywords at one place are joined.
	var merged []Violation
	for _, v := range out {
		if n := len(merged); n > 0 && merged[n-1].Pointer == v.Pointer {
			if !strings.Contains(merged[n-1].Reason, v.Reason) {
				merged[n-1].Reason += "; " + v.Reason
			}
			continue
		}
		merged = append(merged, v)
	}
	if len(merged) > MaxViolations {
		merged = merged[:MaxViolations]
	}
	return merged
}

// collect appends the violations of e; parent is the location of the error holding e.
func collect(e *jsonschema.ValidationError, parent string, out *[]Violation) {
	at := pointer(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.PropertyNames:
		// propertyNames applies to the object its schema checks, the parent's location.
		// (jsonschema v6.0.3 does not copy the location it gives this error, which a later
		// sibling overwrites, so e.InstanceLocation cannot be trusted here.)
		*out = append(*out, Violation{Pointer: parent + "/" + escape(k.Property),
			Reason: "is not a member here: neither a field the standard defines at this place nor an extension named by a URI or compact IRI"})
		return
	case *kind.AnyOf, *kind.OneOf:
		// Alternatives: say what each would have needed, in one reason at this place.
		var alts []string
		for _, c := range e.Causes {
			var sub []Violation
			collect(c, at, &sub)
			var parts []string
			for _, v := range sub {
				p := strings.TrimPrefix(v.Pointer, at)
				if p != "" {
					p += " "
				}
				parts = append(parts, p+v.Reason)
			}
			if len(parts) > 0 {
				alts = append(alts, strings.Join(parts, " and "))
			}
		}
		if len(alts) > 0 {
			*out = append(*out, Violation{Pointer: at, Reason: "matches none of the allowed forms: " + dedupe(alts)})
			return
		}
	}
	if len(e.Causes) == 0 {
		*out = append(*out, Violation{Pointer: at, Reason: e.ErrorKind.LocalizedString(printer)})
		return
	}
	for _, c := range e.Causes {
		collect(c, at, out)
	}
}

func dedupe(alts []string) string {
	seen := map[string]bool{}
	var keep []string
	for _, a := range alts {
		if !seen[a] {
			seen[a] = true
			keep = append(keep, a)
		}
	}
	return strings.Join(keep, "; or ")
}

// pointer writes instance location tokens as an RFC 6901 JSON pointer.
func pointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(escape(t))
	}
	return sb.String()
}

func escape(token string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(token)
}

// Error says how a document breaks the schema: each violation names a JSON pointer into the
// document and the reason.
type Error struct {
	Violations []Violation
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	return "epcis document does not conform to the EPCIS 2.0 JSON schema: " + strings.Join(parts, "; ")
}

// Check validates a decoded document: nil when it conforms, an *Error listing its violations
// when it does not, another error when the schema cannot run.
func Check(doc map[string]any) error {
	v, err := Validate(doc)
	if err != nil {
		return err
	}
	if len(v) > 0 {
		return &Error{Violations: v}
	}
	return nil
}
