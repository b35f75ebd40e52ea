// Package xmlbind converts EPCIS 2.0 documents between the XML binding
// (urn:epcglobal:epcis:xsd:2) and the JSON-LD binding, at the level of the generic JSON value
// (map[string]any, []any, string, bool, json.Number, nil).
//
// The XML side follows EPCglobal-epcis-2_0.xsd and EPCglobal-epcis-query-2_0.xsd: the root is
// epcis:EPCISDocument or epcisq:EPCISQueryDocument, every element below it is unqualified
// (EPCISHeader, EPCISBody, EventList, ObjectEvent … and the event fields), user extensions are
// elements and attributes in any other namespace. The JSON names of the standard fields are
// the XML names; lists are wrapped (epcList/epc, quantityList/quantityElement,
// bizTransactionList/bizTransaction with @type, sourceList/source, destinationList/destination,
// correctiveEventIDs/correctiveEventID, sensorElementList/sensorElement, persistentDisposition
// unset/set); sensorMetadata and sensorReport carry their fields as attributes.
//
// Correspondences:
//   - CBV values: a bare JSON term (shipping) is the EPC URN in XML
//     (urn:epcglobal:cbv:bizstep:shipping; disp:, btt:, sdt:, er: for dispositions, business
//     transaction types, source/destination types, error reasons). ToJSON turns those URNs back
//     into bare terms; any other value (a GS1 web URI such as https://ref.gs1.org/cbv/BizStep-shipping,
//     which the JSON binding accepts as it is) is kept as written, both ways.
//   - Sensor measurement types: bare JSON (Temperature) is https://gs1.org/voc/Temperature in
//     XML; gs1:Temperature and other URIs are kept.
//   - Extensions: a JSON member prefix:name is an element name in the namespace the @context
//     binds prefix to (xmlns:prefix on the root); cbvmda is urn:epcglobal:cbv:mda in XML.
//     Objects are nested elements, arrays repeated elements, numbers and booleans carry
//     xsi:type (xsd:integer, xsd:decimal, xsd:boolean), null is xsi:nil. Attributes of an
//     extension element become "@name" members and its text "#text".
//   - sender, receiver and instanceIdentifier are the SBDH's Sender/Identifier,
//     Receiver/Identifier and DocumentIdentification/InstanceIdentifier in EPCISHeader;
//     epcisHeader.epcisMasterData is EPCISHeader/extension/EPCISMasterData.
//
// What XML cannot say, FromJSON writes in the namespace urn:udiledger:xmlbind:json (prefix
// json), so that JSON → XML → JSON gives back the same value: the @context as written
// (json:context), a one-item or empty array (json:array), an empty object or an object where
// the standard has a list (json:object), a numeric schemaVersion (json:number), and members
// that are neither standard fields nor extensions (the document's id, an event's id) as
// json:<name> elements. Other readers ignore them as extensions.
//
// The round trip is exact for documents whose standard fields have the standard's types:
// text fields are read trimmed, quantity and the numeric sensor attributes as numbers, so a
// JSON string there does not come back as one.
//
// ToJSON keeps of an SBDH only the three fields above: HeaderVersion, DocumentIdentification's
// Standard, TypeVersion, Type and CreationDateAndTime, Identifier@Authority, ContactInformation,
// Manifest, BusinessScope and the header's own extensions are dropped. Comments and processing
// instructions are dropped. An element in the EPCIS namespace (unqualified) that the standard
// does not define there is an *Error; 1.x-style <extension> wrappers (TransformationEvent in
// EventList/extension, quantityList in ObjectEvent/extension, baseExtension) are read as if
// their content stood in their place.
package xmlbind

import (
	"fmt"
	"strings"
)

// Namespaces of the XML binding.
const (
	NamespaceEPCIS = "urn:epcglobal:epcis:xsd:2"
	NamespaceQuery = "urn:epcglobal:epcis-query:xsd:2"
	NamespaceSBDH  = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
	// NamespaceJSON holds what only the JSON binding can say (see the package comment).
	NamespaceJSON = "urn:udiledger:xmlbind:json"

	nsXSI = "http://www.w3.org/2001/XMLSchema-instance"
	nsXSD = "http://www.w3.org/2001/XMLSchema"
	nsXML = "http://www.w3.org/XML/1998/namespace"
)

// DefaultContext is the @context ToJSON writes first when the XML does not carry one.
const DefaultContext = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// Error names where a document could not be converted: the element path in the XML (with
// the line, when known) or the JSON member path.
type Error struct {
	Path   string // /epcis:EPCISDocument/EPCISBody/EventList/ObjectEvent[2]/foo, or a JSON path
	Line   int    // 1-based line in the XML; 0 when unknown or for JSON
	Reason string
	Err    error // the XML or JSON parser's error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("epcis xml")
	if e.Path != "" {
		b.WriteString(" ")
		b.WriteString(e.Path)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// standardPrefixes are the prefixes the EPCIS 2.0 JSON-LD context defines, with the XML
// namespace each stands for.
var standardPrefixes = map[string]string{
	"epcis":   "https://ref.gs1.org/epcis/",
	"cbv":     "https://ref.gs1.org/cbv/",
	"cbvmda":  "urn:epcglobal:cbv:mda",
	"gs1":     "https://gs1.org/voc/",
	"rdfs":    "http://www.w3.org/2000/01/rdf-schema#",
	"owl":     "http://www.w3.org/2002/07/owl#",
	"xsd":     "http://www.w3.org/2001/XMLSchema#",
	"dcterms": "http://purl.org/dc/terms/",
}

// xmlNamespace is the XML namespace of a JSON-LD prefix IRI: the CBV master data namespace
// has no final colon in XML.
func xmlNamespace(iri string) string {
	if iri == "urn:epcglobal:cbv:mda:" {
		return "urn:epcglobal:cbv:mda"
	}
	return iri
}

// jsonIRI is the inverse of xmlNamespace.
func jsonIRI(ns string) string {
	if ns == "urn:epcglobal:cbv:mda" {
		return "urn:epcglobal:cbv:mda:"
	}
	return ns
}

// reservedPrefixes are bound by the writer itself.
var reservedPrefixes = map[string]bool{
	"epcis": true, "epcisq": true, "sbdh": true, "xsi": true, "xsd": true, "json": true,
	"xml": true, "xmlns": true,
}

// cbv vocabularies: the URN prefix of a bare term in each field.
const (
	cbvBizStep     = "urn:epcglobal:cbv:bizstep:"
	cbvDisposition = "urn:epcglobal:cbv:disp:"
	cbvBTT         = "urn:epcglobal:cbv:btt:"
	cbvSDT         = "urn:epcglobal:cbv:sdt:"
	cbvER          = "urn:epcglobal:cbv:er:"
	gs1Voc         = "https://gs1.org/voc/"
)

// toURI writes a bare term as the vocabulary's URI; anything with a colon is already one.
func toURI(vocab, v string) string {
	if v == "" || strings.Contains(v, ":") {
		return v
	}
	return vocab + v
}

// toTerm reads a vocabulary URI back as the bare term.
func toTerm(vocab, v string) string {
	if t, ok := strings.CutPrefix(v, vocab); ok && t != "" && !strings.ContainsAny(t, ":/#") {
		return t
	}
	return v
}
