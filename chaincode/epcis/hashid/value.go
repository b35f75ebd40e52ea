package hashid

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/gs1"
)

// Prefixes of the GS1 web vocabularies.
const (
	cbvBase = "https://ref.gs1.org/cbv/"
	gs1Voc  = "https://gs1.org/voc/"
)

// Vocabularies: the prefix a bare CBV term of a field expands to.
const (
	vocBizStep   = cbvBase + "BizStep-"
	vocDisp      = cbvBase + "Disp-"
	vocBTT       = cbvBase + "BTT-"
	vocSDT       = cbvBase + "SDT-"
	vocComp      = cbvBase + "Comp-"
	vocMeasure   = gs1Voc
	vocException = gs1Voc
)

// cbvURNs maps CBV 1.x URN prefixes to their web URI prefixes.
var cbvURNs = [...][2]string{
	{"urn:epcglobal:cbv:bizstep:", vocBizStep},
	{"urn:epcglobal:cbv:disp:", vocDisp},
	{"urn:epcglobal:cbv:btt:", vocBTT},
	{"urn:epcglobal:cbv:sdt:", vocSDT},
	{"urn:epcglobal:cbv:er:", cbvBase + "ER-"},
}

// standardCURIEs are the prefixes whose CURIEs are expanded in values.
var standardCURIEs = [...][2]string{
	{"cbv:", cbvBase},
	{"gs1:", gs1Voc},
	{"epcis:", "https://ref.gs1.org/epcis/"},
}

// scalar renders a JSON scalar as text: strings trimmed, numbers as written, booleans as
// true/false. ok is false for objects and arrays.
func scalar(v any) (s string, ok bool) {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v), true
	case json.Number:
		return strings.TrimSpace(v.String()), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case bool:
		return strconv.FormatBool(v), true
	case nil:
		return "", true
	}
	return "", false
}

// value canonicalises a value of a field that is neither a timestamp nor a vocabulary term.
func value(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range cbvURNs {
		if strings.HasPrefix(s, p[0]) {
			return p[1] + s[len(p[0]):]
		}
	}
	for _, p := range standardCURIEs {
		if strings.HasPrefix(s, p[0]) {
			return p[1] + s[len(p[0]):]
		}
	}
	if n, ok := number(s); ok {
		return n
	}
	if id, ok := digitalLink(s); ok {
		return id
	}
	return s
}

// vocab canonicalises a vocabulary value: a bare term (no colon) gets the field's prefix.
func vocab(s, prefix string) string {
	s = strings.TrimSpace(s)
	if s != "" && !strings.ContainsRune(s, ':') {
		return prefix + s
	}
	return value(s)
}

// timestamp writes an xsd:dateTimeStamp in UTC with millisecond precision, the third
// decimal rounded half up on the fourth.
func timestamp(s string) (string, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("hashid: timestamp %q: %w", s, err)
	}
	ns := t.Nanosecond()
	t = t.Add(-time.Duration(ns % int(time.Millisecond)))
	if ns/int(100*time.Microsecond)%10 >= 5 {
		t = t.Add(time.Millisecond)
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z"), nil
}

// number writes a decimal number as the reference implementation does (Python's float,
// then int when integral): no trailing zeros, no plus sign, integers in full, scientific
// notation only below 1e-4. ok is false if s is not a finite decimal number.
func number(s string) (string, bool) {
	if !isDecimal(s) {
		return "", false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	if f == 0 {
		return "0", true
	}
	if f == math.Trunc(f) {
		return new(big.Float).SetFloat64(f).Text('f', 0), true
	}
	if math.Abs(f) < 1e-4 {
		return strconv.FormatFloat(f, 'e', -1, 64), true
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// isDecimal reports whether s is [+-]digits[.digits][(e|E)[+-]digits], digits optional on
// one side of the point as Python allows.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// dlQualifiers lists, per primary key, the qualifiers a constrained canonical Digital Link
// keeps, finest first; at most one of them is kept.
var dlQualifiers = map[string][]string{
	"00": nil, "01": {"21", "10", "235"}, "253": nil, "255": nil, "401": nil, "402": nil,
	"414": {"254"}, "417": nil, "8003": nil, "8004": nil, "8006": {"21", "10"},
	"8010": {"8011"}, "8017": nil, "8018": nil,
}

// digitalLink converts an EPC URN, or a GS1 Digital Link URI on any host, to the
// constrained canonical Digital Link. ok is false for anything else.
func digitalLink(s string) (string, bool) {
	var elems []gs1.Element
	var err error
	switch {
	case strings.HasPrefix(s, "urn:epc:id:"), strings.HasPrefix(s, "urn:epc:class:"),
		strings.HasPrefix(s, "urn:epc:idpat:"):
		elems, err = gs1.ParseEPCURN(s)
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"):
		elems, err = gs1.ParseDigitalLink(s)
	default:
		return "", false
	}
	if err != nil || len(elems) == 0 {
		return "", false
	}
	quals, known := dlQualifiers[elems[0].AI]
	if !known {
		return "", false
	}
	kept := elems[:1:1]
	for _, q := range quals {
		if v, ok := gs1.Get(elems[1:], q); ok {
			kept = append(kept, gs1.Element{AI: q, Value: v})
			break
		}
	}
	uri, err := gs1.DigitalLink(kept, gs1.DefaultDLBase)
	if err != nil {
		return "", false
	}
	return uri, true
}
