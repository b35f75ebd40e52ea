package epcis

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/udiledger/udiledger/chaincode/epcis/cbv"

	"github.com/udiledger/udiledger/chaincode/model"
)

// The EPCIS 2.0 event types that package model names too.
const (
	TypeTransformation = model.TransformationEvent
	TypeAssociation    = model.AssociationEvent
)

// ContextURI is the JSON-LD context of EPCIS 2.0 documents.
const ContextURI = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// The ledger's own URIs, for what neither GS1 nor the CBV names. They are URNs so that they
// are valid wherever EPCIS wants a URI, and capture reads back what rendering writes.
const (
	// LedgerURIPrefix starts every URI the ledger coins.
	LedgerURIPrefix = "urn:udiledger:"
	// CodeURIPrefix marks a code that has no GS1 URI (a 20-digit drug trace code, MA or
	// HIBCC) followed by its path-escaped canonical key.
	CodeURIPrefix = LedgerURIPrefix + "code:"
	// PartyURIPrefix marks a party named by its MSP ID (path-escaped), used when rendering an
	// owning party whose GLN is not known.
	PartyURIPrefix = LedgerURIPrefix + "party:"
	// BizStepURIPrefix marks the ledger's business steps that the CBV lacks (recalling).
	BizStepURIPrefix = LedgerURIPrefix + "bizstep:"
	// EventURIPrefix marks a ledger event ID that is not a URI (an ID given through the REST
	// API, a recall's ID) followed by the path-escaped ID: EPCIS wants eventID to be a URI.
	EventURIPrefix = LedgerURIPrefix + "event:"
	// ClassURIPrefix marks a product (path-escaped DI) or a lot (";lot=" and the path-escaped
	// lot after it) that has no GS1 Digital Link, as the EPC class of a recall.
	ClassURIPrefix = LedgerURIPrefix + "class:"
	// The ledger's terms for what the REST API takes as free text and EPCIS wants as a URI:
	// business transactions, their types outside the CBV, sensor devices.
	BizTransactionURIPrefix     = LedgerURIPrefix + "bt:"
	BizTransactionTypeURIPrefix = LedgerURIPrefix + "btt:"
	DeviceURIPrefix             = LedgerURIPrefix + "device:"
	// ExtensionPrefix is the JSON-LD prefix of the ledger facts rendered beside the EPCIS
	// fields ("udi:actor", "udi:txId"), bound to ExtensionNamespace in the context.
	ExtensionPrefix    = "udi"
	ExtensionNamespace = LedgerURIPrefix + "voc:"
)

// DigitalLinkBase is the host of the GS1 Digital Link URIs rendering writes.
const DigitalLinkBase = "https://id.gs1.org"

// normalize returns the bare CBV name of a term of v given in any of its forms, or the term
// unchanged when it is a URI of another vocabulary. It returns a reason when the term is
// neither: a bare word the CBV does not define, or a CBV URI with an unknown name.
func normalize(v cbv.Vocabulary, s string) (string, string) {
	if v.Terms[s] {
		return s, ""
	}
	if n := v.Canonical(s); n != s {
		if v.Terms[n] {
			return n, ""
		}
		return "", quote(s) + " is not a " + v.Name
	}
	if isURI(s) {
		return s, ""
	}
	return "", quote(s) + " is neither a " + v.Name + " nor a URI"
}

// cbvBizStep is the EPCIS business step that stands for a business step the ledger stored.
// The ledger names a return "returning", which the CBV does not define: a return is a
// shipping with disposition returned. Recalling has no CBV term and gets the ledger's URI.
// CBVBizStep is cbvBizStep, for the chaincode's business step index.
func CBVBizStep(s model.BizStep) string { return cbvBizStep(s) }

func cbvBizStep(s model.BizStep) string {
	switch s {
	case model.BizStepReturning:
		return string(model.BizStepShipping)
	case "":
		return ""
	}
	if cbv.BizStep.Terms[string(s)] {
		return string(s)
	}
	return BizStepURIPrefix + string(s)
}

// cbvDisposition is the EPCIS disposition that stands for an event's stored one: the ledger
// records a return ("returning") in transit, and the CBV shows it as shipping with
// disposition returned, as it was captured.
func cbvDisposition(ev model.Event) string {
	if ev.BizStep == model.BizStepReturning {
		return string(model.DispositionReturned)
	}
	return string(ev.Disposition)
}

// measurementType normalises a sensor report type: a bare GS1 measurement type or its
// gs1.org URI becomes "gs1:<Type>" as package model stores temperature ("gs1:Temperature");
// other URIs are kept.
func measurementType(s string) (string, string) {
	for _, p := range []string{"https://gs1.org/voc/", "http://gs1.org/voc/", "gs1:"} {
		if strings.HasPrefix(s, p) && isWord(s[len(p):]) {
			return "gs1:" + s[len(p):], ""
		}
	}
	switch {
	case isWord(s):
		return "gs1:" + s, ""
	case isURI(s):
		return s, ""
	}
	return "", quote(s) + " is neither a GS1 measurement type nor a URI"
}

// renderMeasurementType is the inverse of measurementType.
func renderMeasurementType(s string) string {
	if n, ok := strings.CutPrefix(s, "gs1:"); ok {
		return n
	}
	return s
}

func isWord(s string) bool { return cbv.IsWord(s) }

// isAbsoluteURI reports whether s is a URI with a scheme as the EPCIS 2.0 JSON schema checks
// it (format "uri"): isURI, and a URI that net/url reads as absolute.
func isAbsoluteURI(s string) bool {
	if !isURI(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.IsAbs()
}

// asURI returns s when it is an absolute URI, else prefix and s path-escaped.
func asURI(s, prefix string) string {
	if isAbsoluteURI(s) {
		return s
	}
	return prefix + url.PathEscape(s)
}

// isURI reports whether s starts with a URI scheme ("urn:", "https:", a compact IRI's
// prefix) and holds no white space.
func isURI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 1 || i == len(s)-1 {
		return false
	}
	for k := 0; k < i; k++ {
		c := s[k]
		letter := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		if k == 0 && !letter || !letter && !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return !strings.ContainsAny(s, " \t\r\n")
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// quote quotes s for a message, shortened so that a hostile input cannot blow up an answer.
func quote(s string) string {
	const max = 120
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strconv.Quote(s)
}
