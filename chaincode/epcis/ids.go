package epcis

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/identifier"
)

// What an EPC field of an event may hold, for the messages that refuse it.
const (
	wantInstance = "want an SGTIN or SSCC EPC URN (urn:epc:id:sgtin:…, urn:epc:id:sscc:…), " +
		"a GS1 Digital Link URI (https://…/01/<gtin>/21/<serial>, https://…/00/<sscc>) or " + CodeURIPrefix + "<key>"
	wantClass = "want an LGTIN EPC class (urn:epc:class:lgtin:…) or a GS1 Digital Link URI " +
		"https://…/01/<gtin>/10/<lot>"
	wantPlace = "want an SGLN (urn:epc:id:sgln:…) or a GS1 Digital Link URI https://…/414/<gln>"
	wantParty = "want a PGLN or SGLN (urn:epc:id:pgln:…, urn:epc:id:sgln:…), a GS1 Digital Link URI " +
		"https://…/417/<gln> or https://…/414/<gln>, or " + PartyURIPrefix + "<mspId>"
)

// keyNames names the GS1 keys of EPC schemes the ledger does not trace.
var keyNames = map[string]string{
	"414": "GLN (a location)", "417": "party GLN", "8003": "GRAI (a returnable asset)",
	"8004": "GIAI (an individual asset)", "8017": "GSRN-P (a service provider)",
	"8018": "GSRN (a service recipient)", "253": "GDTI (a document)", "8006": "ITIP",
	"8010": "CPID (a component)", "255": "GCN (a coupon)", "401": "GINC (a consignment)",
	"402": "GSIN (a shipment)",
}

// parseCode reads a URI naming a code: an EPC URN, a GS1 Digital Link URI or the ledger's
// code URI. It refuses anything that is not a URI, as EPCIS does.
func parseCode(s string) (identifier.Code, string) {
	switch {
	case strings.HasPrefix(s, CodeURIPrefix):
		k, err := url.PathUnescape(s[len(CodeURIPrefix):])
		if err != nil || k == "" {
			return identifier.Code{}, quote(s) + ": the part after " + CodeURIPrefix + " must be a path-escaped code"
		}
		if c, err := identifier.ParseKey(k); err == nil {
			return c, ""
		}
		c, err := identifier.Parse(k)
		if err != nil {
			return identifier.Code{}, quote(s) + ": " + err.Error()
		}
		return c, ""
	case strings.HasPrefix(s, "urn:epc:"), hasPrefixFold(s, "https://"), hasPrefixFold(s, "http://"):
		c, err := identifier.Parse(s)
		if err != nil {
			return identifier.Code{}, quote(s) + ": " + err.Error()
		}
		return c, ""
	case isURI(s):
		return identifier.Code{}, quote(s) + " is not an EPC the ledger can trace: " + wantInstance
	}
	return identifier.Code{}, quote(s) + " is not a URI: " + wantInstance
}

// instanceCode reads an EPC that names one object: a serialized item or a logistic unit.
func instanceCode(s string) (identifier.Code, string) {
	if strings.HasPrefix(s, "urn:epc:idpat:") || strings.HasPrefix(s, "urn:epc:class:") {
		return identifier.Code{}, quote(s) + " names a class of objects, not one: " + wantInstance
	}
	c, reason := parseCode(s)
	if reason != "" {
		return c, reason
	}
	switch {
	case c.SSCC != "", c.IsSerialized():
		return c, ""
	case c.Scheme == identifier.SchemeGS1 && c.GTIN != "":
		return identifier.Code{}, quote(s) + " names a product or a lot, not one item: a lot-level quantity goes in a quantity list"
	case c.Scheme == identifier.SchemeGS1:
		return identifier.Code{}, quote(s) + " is a " + keyName(c) + ", not a serialized trade item (SGTIN) or a logistic unit (SSCC): the ledger traces products and their containers only"
	}
	return identifier.Code{}, quote(s) + " has no serial: " + wantInstance
}

func keyName(c identifier.Code) string {
	if len(c.AIs) > 0 {
		if n, ok := keyNames[c.AIs[0].AI]; ok {
			return "GS1 " + n
		}
		return "GS1 key (" + c.AIs[0].AI + ")"
	}
	return "GS1 key"
}

// classCode reads an EPC class of a quantity element: a GTIN with a lot.
func classCode(s string) (identifier.Code, string) {
	if strings.HasPrefix(s, "urn:epc:idpat:") {
		return identifier.Code{}, quote(s) + " is an EPC pattern (every lot of a product): the ledger counts quantities per lot: " + wantClass
	}
	c, reason := parseCode(s)
	if reason != "" {
		return c, reason
	}
	if c.Scheme != identifier.SchemeGS1 || c.GTIN == "" || c.Lot == "" || c.Serial != "" || c.SSCC != "" {
		return identifier.Code{}, quote(s) + " is not a lot of a product: " + wantClass
	}
	return c, ""
}

// placeGLN reads a readPoint, bizLocation or location source/destination: the GLN and the
// GLN extension, if any.
func placeGLN(s string) (gln, ext, reason string) {
	if !strings.HasPrefix(s, "urn:epc:id:sgln:") && !hasPrefixFold(s, "https://") && !hasPrefixFold(s, "http://") {
		return "", "", quote(s) + ": " + wantPlace
	}
	c, err := identifier.Parse(s)
	if err != nil {
		return "", "", quote(s) + ": " + err.Error()
	}
	if len(c.AIs) == 0 || c.AIs[0].AI != "414" {
		return "", "", quote(s) + " is not a location: " + wantPlace
	}
	ext, _ = gs1.Get(c.AIs, "254")
	return c.AIs[0].Value, ext, ""
}

// partyRef is an owning or possessing party as an event names it.
type partyRef struct {
	uri  string
	gln  string // empty when the URI names an MSP ID
	msp  string
	kind string
}

// parseParty reads a party URI: a PGLN, an SGLN (older EPCIS documents name parties by
// their location), their Digital Link forms, or the ledger's party URI.
func parseParty(s string) (partyRef, string) {
	if m, ok := strings.CutPrefix(s, PartyURIPrefix); ok {
		msp, err := url.PathUnescape(m)
		if err != nil || msp == "" {
			return partyRef{}, quote(s) + ": the part after " + PartyURIPrefix + " must be a path-escaped MSP ID"
		}
		return partyRef{uri: s, msp: msp}, ""
	}
	if !strings.HasPrefix(s, "urn:epc:id:pgln:") && !strings.HasPrefix(s, "urn:epc:id:sgln:") &&
		!hasPrefixFold(s, "https://") && !hasPrefixFold(s, "http://") {
		return partyRef{}, quote(s) + ": " + wantParty
	}
	c, err := identifier.Parse(s)
	if err != nil {
		return partyRef{}, quote(s) + ": " + err.Error()
	}
	if len(c.AIs) > 0 && (c.AIs[0].AI == "417" || c.AIs[0].AI == "414") {
		return partyRef{uri: s, gln: c.AIs[0].Value}, ""
	}
	return partyRef{}, quote(s) + " is not a party: " + wantParty
}

// CodeURI returns the URI that names a ledger code (a canonical key) in an EPCIS event: a
// GS1 Digital Link URI for GS1 keys, CodeURIPrefix and the escaped key for the others.
func CodeURI(key string) string {
	if c, err := identifier.ParseKey(key); err == nil && c.Scheme == identifier.SchemeGS1 {
		if u, err := c.DigitalLink(DigitalLinkBase); err == nil {
			return u
		}
	}
	return CodeURIPrefix + url.PathEscape(key)
}

// LocationURI returns the GS1 Digital Link URI of a GLN.
func LocationURI(gln string) string { return DigitalLinkBase + "/414/" + gln }

// PartyURI returns the URI of a party: the Digital Link URI of its party GLN when known,
// else PartyURIPrefix and its MSP ID.
func PartyURI(msp, gln string) string {
	if gln != "" {
		return DigitalLinkBase + "/417/" + gln
	}
	return PartyURIPrefix + url.PathEscape(msp)
}

// EventURI returns the eventID of a ledger event in EPCIS: the ID itself when it is a URI (an
// ID captured through EPCIS comes back unchanged), else EventURIPrefix and the path-escaped ID.
func EventURI(id string) string { return asURI(id, EventURIPrefix) }

// EventIDOf is the inverse of EventURI: the ledger event ID an EPCIS eventID names.
func EventIDOf(uri string) string {
	rest, ok := strings.CutPrefix(uri, EventURIPrefix)
	if !ok {
		return uri
	}
	id, err := url.PathUnescape(rest)
	if err != nil || id == "" || isAbsoluteURI(id) || EventURI(id) != uri {
		return uri // not one EventURI writes: the URI is the ID
	}
	return id
}

// ClassURI returns the EPC class of a product (lot empty) or of a lot: a GS1 Digital Link URI
// (/01/<gtin>[/10/<lot>]) when di is a GTIN, else ClassURIPrefix and the escaped DI, with
// ";lot=" and the escaped lot.
func ClassURI(di, lot string) string {
	es := "(01)" + di
	if lot != "" {
		es += "(10)" + lot
	}
	if c, err := identifier.Parse(es); err == nil && c.Scheme == identifier.SchemeGS1 {
		if u, err := c.DigitalLink(DigitalLinkBase); err == nil {
			return u
		}
	}
	u := ClassURIPrefix + url.PathEscape(di)
	if lot != "" {
		u += ";lot=" + url.PathEscape(lot)
	}
	return u
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// CodeKey reads any code form identifier.Parse accepts, and the ledger's code URIs, and
// returns its canonical key.
func CodeKey(s string) (string, error) {
	if strings.HasPrefix(s, CodeURIPrefix) {
		c, reason := parseCode(s)
		if reason != "" {
			return "", errors.New(reason)
		}
		return c.Key, nil
	}
	c, err := identifier.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%s: %w", quote(s), err)
	}
	return c.Key, nil
}
