package simplequery

import (
	"strings"

	"github.com/udiledger/udiledger/chaincode/epcis/cbv"
)

// vocabulary is a vocabulary of package cbv as the query parameters read it.
type vocabulary struct{ cbv.Vocabulary }

// The vocabularies that the query parameters name.
var (
	bizSteps            = vocabulary{cbv.BizStep}
	dispositions        = vocabulary{cbv.Disposition}
	bizTransactionTypes = vocabulary{cbv.BizTransactionType}
	sourceDestTypes     = vocabulary{cbv.SourceDestType}
	errorReasons        = vocabulary{cbv.ErrorReason}
	measurementTypes    = vocabulary{cbv.MeasurementType}
)

// canonical returns the bare term of s given in any of its forms, or s unchanged (a URI of
// another vocabulary). Events are read with it.
func (v vocabulary) canonical(s string) string { return v.Canonical(s) }

// param reads a query value: a term of the vocabulary in any form, or a URI of another
// vocabulary. A bare word the vocabulary lacks is refused, unless open is set (business
// transaction and source/destination types in parameter names).
func (v vocabulary) param(s string, open bool) (string, string) {
	c := v.canonical(s)
	switch {
	case v.Terms[c]:
		return c, ""
	case c != s && open && isWord(c):
		return c, ""
	case c != s:
		return "", quote(s) + " is not a " + v.Name
	case isURI(s) || open && isWord(s):
		return s, ""
	}
	return "", quote(s) + " is neither a " + v.Name + " nor a URI"
}

// CanonicalBizStep returns the bare CBV name of a business step in any of its forms
// (shipping, https://ref.gs1.org/cbv/BizStep-shipping, cbv:BizStep-shipping,
// urn:epcglobal:cbv:bizstep:shipping); other URIs are returned unchanged.
func CanonicalBizStep(s string) string { return bizSteps.canonical(s) }

// CanonicalDisposition does for dispositions what CanonicalBizStep does for business steps.
func CanonicalDisposition(s string) string { return dispositions.canonical(s) }

func isWord(s string) bool { return cbv.IsWord(s) }

// isURI reports whether s has a scheme or compact-IRI prefix ("urn:", "https:", "ext:") and
// no white space.
func isURI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 1 || i == len(s)-1 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return !strings.ContainsAny(s, " \t\r\n")
}

func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "…"
	}
	return `"` + s + `"`
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
