// Package identifier turns whatever a scanner, an ERP or a person sends into one validated
// identifier: GS1 element strings (with or without symbology identifier), the bracketed
// human-readable form, GS1 Digital Link URIs, EPC URNs, China's 20-digit drug traceability
// code, China UDI in the MA (IDcode) format and HIBCC. It uses the standard library only.
package identifier

import (
	"errors"
	"strconv"

	"github.com/udiledger/udiledger/chaincode/gs1"
)

// Scheme names the identification system a code belongs to.
type Scheme string

// Schemes.
const (
	SchemeGS1    Scheme = "gs1"
	SchemeCNDrug Scheme = "cn-drug" // China drug traceability code (药品追溯码)
	SchemeMA     Scheme = "ma"      // China UDI, MA (IDcode) issuing agency
	SchemeHIBCC  Scheme = "hibcc"
)

// Code is a parsed, validated identifier. Dates are ISO dates YYYY-MM-DD.
type Code struct {
	Scheme Scheme `json:"scheme"`
	// Key is the canonical identity of the thing (see docs/identifiers.md): "(01)<gtin>(21)<serial>"
	// (a "(" inside a value written "\\("),
	// "(01)<gtin>(10)<lot>", "(00)<sscc>", the 20 digits of a drug trace code,
	// "ma:<di>[.S<serial>|.L<lot>]" or "hibcc:<di>[$+<serial>|$<lot>]".
	Key            string        `json:"key"`
	DI             string        `json:"di,omitempty"`
	GTIN           string        `json:"gtin,omitempty"`
	Lot            string        `json:"lot,omitempty"`
	Serial         string        `json:"serial,omitempty"`
	Expiry         string        `json:"expiry,omitempty"`
	ProductionDate string        `json:"productionDate,omitempty"`
	SSCC           string        `json:"sscc,omitempty"`
	AIs            []gs1.Element `json:"ais,omitempty"`
}

// IsSerialized reports whether the key names one single item.
func (c Code) IsSerialized() bool {
	return c.Scheme == SchemeCNDrug || c.Serial != ""
}

// IsLogisticUnit reports whether the code names a logistic unit (an SSCC).
func (c Code) IsLogisticUnit() bool { return c.SSCC != "" }

// DigitalLink returns the GS1 Digital Link URI of a GS1 code under base (the GS1 resolver
// when empty).
func (c Code) DigitalLink(base string) (string, error) {
	if c.Scheme != SchemeGS1 {
		return "", &Error{Scheme: c.Scheme, Pos: -1, Kind: KindUnknownFormat, Msg: "only GS1 codes have a Digital Link"}
	}
	return gs1.DigitalLink(c.AIs, base)
}

// Kind classifies errors; the kinds are those of package gs1.
type Kind = gs1.Kind

// Error kinds.
const (
	KindUnknownFormat = gs1.KindUnknownFormat
	KindUnknownAI     = gs1.KindUnknownAI
	KindBadLength     = gs1.KindBadLength
	KindBadChar       = gs1.KindBadChar
	KindBadCheckDigit = gs1.KindBadCheckDigit
	KindBadDate       = gs1.KindBadDate
	KindBadValue      = gs1.KindBadValue
	KindMissingAI     = gs1.KindMissingAI
	KindInvalidPair   = gs1.KindInvalidPair
	KindDuplicateAI   = gs1.KindDuplicateAI
	KindBadDLPath     = gs1.KindBadDLPath
	KindBadURN        = gs1.KindBadURN
)

// Error says what is wrong with a code and where. Pos is the 0-based byte offset in the string
// given to Parse, or -1 when the fault belongs to no single place. Err is the underlying
// *gs1.SyntaxError for GS1 codes.
type Error struct {
	Scheme Scheme // empty when the format was not recognised
	Pos    int
	Kind   Kind
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	s := ""
	if e.Scheme != "" {
		s = string(e.Scheme) + ": "
	}
	s += e.Kind.String()
	if e.Pos >= 0 {
		s += " at byte " + strconv.Itoa(e.Pos)
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func errAt(scheme Scheme, pos int, kind Kind, msg string) *Error {
	return &Error{Scheme: scheme, Pos: pos, Kind: kind, Msg: msg}
}

// fromGS1 converts a gs1 error, shifting its position by off.
func fromGS1(err error, off int) *Error {
	var se *gs1.SyntaxError
	if !errors.As(err, &se) {
		return &Error{Scheme: SchemeGS1, Pos: -1, Kind: KindBadValue, Msg: err.Error(), Err: err}
	}
	msg := se.Msg
	if se.AI != "" {
		msg = "(" + se.AI + ") " + msg
	}
	pos := se.Pos
	if pos >= 0 {
		pos += off
	}
	return &Error{Scheme: SchemeGS1, Pos: pos, Kind: se.Kind, Msg: msg, Err: se}
}

const expected = "want a GS1 element string (]d2…, 01…, (01)…), a GS1 Digital Link URI (https://…/01/…), " +
	"an EPC URN (urn:epc:…), a 20-digit drug trace code, an MA code (MA.…) or HIBCC data (+…)"

// Parse detects the scheme of s and returns the validated code. Leading and trailing white
// space is ignored; a symbology identifier of another carrier (]d1, ]Q1 …) is skipped.
func Parse(s string) (Code, error) {
	c, err := parse(s)
	if err != nil {
		return Code{}, err
	}
	return c, nil
}

func parse(s string) (Code, *Error) {
	off := 0
	for off < len(s) && isSpace(s[off]) {
		off++
	}
	end := len(s)
	for end > off && isSpace(s[end-1]) {
		end--
	}
	t := s[off:end]
	if t == "" {
		return Code{}, errAt("", -1, KindUnknownFormat, "empty code: "+expected)
	}
	if len(t) >= 3 && t[0] == ']' && !gs1.HasSymbologyID(t) {
		off += 3
		t = t[3:]
		if t == "" {
			return Code{}, errAt("", off, KindUnknownFormat, "nothing after the symbology identifier")
		}
	}
	switch c := t[0]; {
	case c == ']' || c == gs1.GS:
		return parseGS1(gs1.ParseElementString, t, off)
	case c == '(':
		return parseGS1(gs1.ParseBracketed, t, off)
	case c == '+':
		return parseHIBCC(t, off)
	case hasPrefixFold(t, "http://") || hasPrefixFold(t, "https://"):
		return parseGS1(gs1.ParseDigitalLink, t, off)
	case len(t) > 8 && t[:8] == "urn:epc:":
		return parseGS1(gs1.ParseEPCURN, t, off)
	case len(t) > 3 && t[:3] == "MA.":
		return parseMA(t, off)
	case isDigit(c):
		return parseDigits(t, off)
	}
	return Code{}, errAt("", off, KindUnknownFormat, expected)
}

// parseDigits handles input that starts with a digit: a drug trace code (20 digits, maybe
// grouped with spaces or hyphens), a bare GTIN, or an element string sent without symbology
// identifier.
func parseDigits(t string, off int) (Code, *Error) {
	digits, grouped := 0, false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case isDigit(c):
			digits++
		case c == ' ' || c == '-':
			grouped = true
		default:
			return parseGS1(gs1.ParseElementString, t, off)
		}
	}
	switch {
	case grouped:
		return parseCNDrug(t, off)
	case digits == 20:
		// An SSCC element string is 20 digits too: "00" and a valid SSCC.
		if t[:2] == "00" && gs1.ValidateSSCC(t[2:]) == nil {
			return parseGS1(gs1.ParseElementString, t, off)
		}
		return parseCNDrug(t, off)
	case digits == 8 || digits == 12 || digits == 13 || digits == 14:
		if err := gs1.ValidateGTIN(t); err != nil {
			e := fromGS1(err, off)
			e.Msg = "bare GTIN " + e.Msg
			return Code{}, e
		}
		gtin := "00000000000000"[:14-len(t)] + t
		return fromElements([]gs1.Element{{AI: "01", Value: gtin}})
	}
	return parseGS1(gs1.ParseElementString, t, off)
}

func parseGS1(p func(string) ([]gs1.Element, error), t string, off int) (Code, *Error) {
	elems, err := p(t)
	if err != nil {
		return Code{}, fromGS1(err, off)
	}
	return fromElements(elems)
}

// fromElements fills a Code from validated GS1 elements.
func fromElements(elems []gs1.Element) (Code, *Error) {
	c := Code{Scheme: SchemeGS1, AIs: elems}
	for _, e := range elems {
		switch e.AI {
		case "00":
			c.SSCC = e.Value
		case "01":
			c.GTIN, c.DI = e.Value, e.Value
		case "10":
			c.Lot = e.Value
		case "21":
			c.Serial = e.Value
		case "11", "17":
			d, err := gs1.DateISO(e.Value)
			if err != nil {
				return Code{}, fromGS1(err, -1)
			}
			if e.AI == "17" {
				c.Expiry = d
			} else {
				c.ProductionDate = d
			}
		}
	}
	key, ok := gs1Key(elems, c)
	if !ok {
		return Code{}, errAt(SchemeGS1, -1, KindMissingAI, "no GS1 identification key: want (00) SSCC, (01) GTIN or another GS1 key such as (414) or (8004)")
	}
	c.Key = key
	return c, nil
}

// gs1Key builds the canonical key: the SSCC; GTIN with serial, third-party serial or lot;
// or the first other primary key with those of its qualifiers that are present, leaving out
// (22) and, beside a serial (21), the lot (10), which are not part of an item's identity.
func gs1Key(elems []gs1.Element, c Code) (string, bool) {
	b := make([]byte, 0, 64)
	add := func(ai, v string) {
		b = gs1.AppendBracketed(b, []gs1.Element{{AI: ai, Value: v}})
	}
	switch {
	case c.SSCC != "":
		add("00", c.SSCC)
	case c.GTIN != "":
		add("01", c.GTIN)
		if c.Serial != "" {
			add("21", c.Serial)
		} else if v, ok := gs1.Get(elems, "235"); ok {
			add("235", v)
		} else if c.Lot != "" {
			add("10", c.Lot)
		}
	default:
		for _, e := range elems {
			def, _ := gs1.Lookup(e.AI)
			if def == nil || !def.DLPKey {
				continue
			}
			add(e.AI, e.Value)
			for _, seq := range def.DLQualifiers {
				for _, q := range seq {
					v, ok := gs1.Get(elems, q)
					if !ok || q == "22" || (q == "10" && c.Serial != "") {
						continue
					}
					add(q, v)
				}
			}
			return string(b), true
		}
		return "", false
	}
	return string(b), true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isUpperAlnum(c byte) bool { return isDigit(c) || c >= 'A' && c <= 'Z' }

func hasPrefixFold(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}
