package simplequery

import (
	"strconv"
	"strings"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/identifier"
)

// CanonicalID returns the form in which identifiers are compared: a GS1 key given as an EPC
// URN (urn:epc:id:…, urn:epc:class:lgtin:…, urn:epc:idpat:sgtin:CP.IR.*) or as a GS1 Digital
// Link URI becomes its canonical key in element-string form ("(01)09521141123456(21)1",
// "(01)…(10)lot", "(414)<gln>", "(414)<gln>(254)<ext>", "(00)<sscc>"), so that a URN and its
// Digital Link are equal; any other URI is returned unchanged. Stores index EPCs, EPC
// classes, locations and parties in this form (see Hints).
func CanonicalID(s string) string {
	c, ok := parseGS1(s)
	if !ok {
		return s
	}
	return c.Key
}

// parseGS1 reads a GS1 EPC URN or Digital Link.
func parseGS1(s string) (identifier.Code, bool) {
	if !strings.HasPrefix(s, "urn:epc:") && !hasPrefixFold(s, "https://") && !hasPrefixFold(s, "http://") {
		return identifier.Code{}, false
	}
	c, err := identifier.Parse(s)
	if err != nil || c.Scheme != identifier.SchemeGS1 {
		return identifier.Code{}, false
	}
	return c, true
}

func hasPrefixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }

// epcPattern is one value of a MATCH_ parameter.
type epcPattern struct {
	key    string   // an exact identifier in canonical form
	gs1    bool     // key is a GS1 key, else a URI compared as it is
	needle string   // text every form of the key holds (its serial or lot), to skip parsing
	gtin   string   // or every instance, lot and class of one product
	scheme string   // or an EPC pure-identity pattern: its scheme (sgtin, sscc, sgln …)
	parts  []string // and its '.'-separated fields, "*" for any
}

// exact reports whether the pattern names one identifier, which a store can look up.
func (p epcPattern) exact() bool { return p.key != "" }

// idpatParts is the number of fields of each EPC scheme that a pattern may use.
var idpatParts = map[string]int{"sgtin": 3, "sscc": 2, "sgln": 3, "pgln": 2, "grai": 3, "giai": 2, "gsrn": 2, "gsrnp": 2, "gdti": 3}

// parsePattern reads a MATCH_ value: an EPC URN or class, an EPC pure-identity pattern
// (urn:epc:idpat:sgtin:0614141.107346.*, urn:epc:idpat:sscc:0614141.*), a GS1 Digital Link
// (a GTIN alone stands for every instance and lot of the product) or any other URI.
func parsePattern(v string) (epcPattern, string) {
	if rest, ok := strings.CutPrefix(v, "urn:epc:idpat:"); ok {
		return parseIDPat(v, rest)
	}
	c, ok := parseGS1(v)
	switch {
	case ok && c.GTIN != "" && c.Serial == "" && c.Lot == "" && c.Key == "(01)"+c.GTIN:
		return epcPattern{gtin: c.GTIN}, ""
	case ok:
		return epcPattern{key: c.Key, gs1: true, needle: needle(c)}, ""
	case strings.HasPrefix(v, "urn:epc:"):
		reason := quote(v) + " is not an EPC this repository reads"
		if _, err := identifier.Parse(v); err != nil {
			reason += ": " + err.Error()
		}
		return epcPattern{}, reason
	case !isURI(v):
		return epcPattern{}, quote(v) + " is not a URI"
	}
	return epcPattern{key: v}, ""
}

func parseIDPat(v, rest string) (epcPattern, string) {
	scheme, body, _ := strings.Cut(rest, ":")
	n, ok := idpatParts[scheme]
	if !ok {
		return epcPattern{}, quote(v) + ": EPC pattern scheme " + quote(scheme) + " is not supported (sgtin, sscc, sgln, pgln, grai, giai, gsrn, gsrnp, gdti)"
	}
	parts := strings.Split(body, ".")
	if len(parts) != n {
		return epcPattern{}, quote(v) + ": an " + scheme + " pattern has " + strconv.Itoa(n) + " '.'-separated fields"
	}
	wild := false
	for i, p := range parts {
		switch {
		case p == "*":
			wild = true
		case wild:
			return epcPattern{}, quote(v) + ": after a '*' every field must be '*'"
		case p == "":
			return epcPattern{}, quote(v) + ": empty field"
		case i == 0 && (len(p) < 6 || len(p) > 12 || strings.Trim(p, "0123456789") != ""):
			return epcPattern{}, quote(v) + ": the GS1 company prefix must be 6 to 12 digits"
		}
	}
	if !wild {
		return epcPattern{}, quote(v) + ": a pattern without '*' is an EPC: use urn:epc:id:"
	}
	if scheme == "sgtin" && parts[1] != "*" {
		c, err := identifier.Parse(v)
		if err != nil {
			return epcPattern{}, quote(v) + ": " + err.Error()
		}
		return epcPattern{gtin: c.GTIN}, ""
	}
	return epcPattern{scheme: scheme, parts: parts}, ""
}

// epcValue is an identifier of an event, canonicalised on first use.
type epcValue struct {
	raw    string
	key    string
	elems  []gs1.Element
	parsed bool
}

func (e *epcValue) parse() {
	if e.parsed {
		return
	}
	e.parsed = true
	if c, ok := parseGS1(e.raw); ok {
		e.key, e.elems = c.Key, c.AIs
		return
	}
	e.key = e.raw
}

// needle is the serial or lot of a code when it is alphanumeric: EPC URNs and Digital Links
// write it unescaped, so an identifier without it cannot be the code.
func needle(c identifier.Code) string {
	v := c.Serial
	if v == "" {
		v = c.Lot
	}
	for i := 0; i < len(v); i++ {
		if b := v[i]; !(b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z') {
			return ""
		}
	}
	return v
}

func (p epcPattern) match(e *epcValue) bool {
	switch {
	case p.key != "" && !p.gs1:
		return e.raw == p.key
	case p.needle != "" && !strings.Contains(e.raw, p.needle):
		return false
	}
	e.parse()
	switch {
	case p.key != "":
		return e.key == p.key
	case p.gtin != "":
		pre := "(01)" + p.gtin
		return strings.HasPrefix(e.key, pre) && (len(e.key) == len(pre) || e.key[len(pre)] == '(')
	case e.elems == nil:
		return false
	}
	gcp := 6
	if p.parts[0] != "*" {
		gcp = len(p.parts[0])
	}
	urn, err := gs1.EPCURN(e.elems, gcp)
	if err != nil {
		return false
	}
	scheme, parts := splitURN(urn)
	if scheme != p.scheme {
		return false
	}
	for i, want := range p.parts {
		if want != "*" && (i >= len(parts) || parts[i] != want) {
			return false
		}
	}
	return true
}

// splitURN splits an EPC URN into its scheme and fields; an LGTIN class and a product
// pattern count as sgtin, with the lot or "*" in the serial's place.
func splitURN(urn string) (string, []string) {
	var rest string
	switch {
	case strings.HasPrefix(urn, "urn:epc:class:lgtin:"):
		return "sgtin", strings.Split(urn[len("urn:epc:class:lgtin:"):], ".")
	case strings.HasPrefix(urn, "urn:epc:idpat:sgtin:"):
		return "sgtin", strings.Split(urn[len("urn:epc:idpat:sgtin:"):], ".")
	default:
		rest = strings.TrimPrefix(urn, "urn:epc:id:")
	}
	scheme, body, _ := strings.Cut(rest, ":")
	return scheme, strings.Split(body, ".")
}

// matchParam builds MATCH_ parameters: an EPC of the fields (EPC lists or parentID), or an
// EPC class of the quantity lists, matches one of the patterns.
func matchParam(classes bool, fields ...string) handler {
	return func(q *Query, _ string, values []string) (func(map[string]any) bool, string) {
		ps := make([]epcPattern, len(values))
		exact := make([]string, 0, len(values))
		for i, v := range values {
			p, reason := parsePattern(v)
			if reason != "" {
				return nil, reason
			}
			ps[i] = p
			if p.exact() {
				exact = append(exact, p.key)
			}
		}
		if len(exact) == len(ps) {
			if classes {
				q.hints.EPCClasses = hintNarrow(q.hints.EPCClasses, exact)
			} else {
				q.hints.EPCs = hintNarrow(q.hints.EPCs, exact)
			}
		}
		try := func(s string) bool {
			e := epcValue{raw: s}
			for _, p := range ps {
				if p.match(&e) {
					return true
				}
			}
			return false
		}
		return func(ev map[string]any) bool {
			for _, f := range fields {
				switch v := ev[f].(type) {
				case string:
					if try(v) {
						return true
					}
				case []any:
					for _, x := range v {
						s, ok := x.(string)
						if !ok && classes {
							s = str(asObj(x), "epcClass")
						}
						if s != "" && try(s) {
							return true
						}
					}
				}
			}
			return false
		}, ""
	}
}

func asObj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
