package hashid

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Version is the CBV version whose algorithm this package implements, as the ID names it.
const Version = "CBV2.0"

// PreHash returns the canonical pre-hash string of an EPCIS 2.0 event, given as JSON decoded
// with json.Decoder.UseNumber (map[string]any, []any, string, json.Number, bool, nil) in
// either JSON-LD context. Extension prefixes must be declared in the event's own @context.
func PreHash(event map[string]any) (string, error) { return PreHashWith(event, nil) }

// ID returns the event's hash ID, "ni:///sha-256;<hex>?ver=CBV2.0".
func ID(event map[string]any) (string, error) { return IDWith(event, nil) }

// PreHashWith is PreHash with the namespace prefixes of the enclosing document's @context
// (see Namespaces); the event's own @context adds to and overrides them.
func PreHashWith(event map[string]any, namespaces map[string]string) (string, error) {
	if event == nil {
		return "", errors.New("hashid: no event")
	}
	typ, ok := event["type"].(string)
	if !ok || strings.TrimSpace(typ) == "" {
		return "", errors.New("hashid: event has no type")
	}
	e := encoder{newResolver(event, namespaces)}
	var b strings.Builder
	b.WriteString("eventType=")
	b.WriteString(strings.TrimSpace(typ))
	for _, f := range eventFields {
		v, ok := event[f.name]
		if !ok {
			continue
		}
		s, err := f.enc(e, f.name, v)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	ext, err := e.r.elements(event, func(k string) bool { return eventKeys[k] })
	if err != nil {
		return "", err
	}
	for _, s := range ext {
		b.WriteString(s)
	}
	return b.String(), nil
}

// IDWith is ID with the namespace prefixes of the enclosing document's @context.
func IDWith(event map[string]any, namespaces map[string]string) (string, error) {
	pre, err := PreHashWith(event, namespaces)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(pre))
	return "ni:///sha-256;" + hex.EncodeToString(sum[:]) + "?ver=" + Version, nil
}

// An enc writes the field name with the value v, or "" when there is nothing to write.
type enc func(e encoder, name string, v any) (string, error)

type field struct {
	name string
	enc  enc
}

type encoder struct{ r resolver }

// scalarOf writes name=conv(value) for a scalar.
func scalarOf(conv func(string) (string, error)) enc {
	return func(_ encoder, name string, v any) (string, error) {
		s, ok := scalar(v)
		if !ok {
			return "", fmt.Errorf("hashid: %s: want a single value, got %T", name, v)
		}
		if s == "" {
			return "", nil
		}
		c, err := conv(s)
		if err != nil {
			return "", err
		}
		return name + "=" + c, nil
	}
}

var (
	plain = scalarOf(func(s string) (string, error) { return value(s), nil })
	when  = scalarOf(timestamp)
)

func term(prefix string) enc {
	return scalarOf(func(s string) (string, error) { return vocab(s, prefix), nil })
}

// repeated writes each item of an array under the same name, sorted; a single value as one.
func repeated(item enc) enc {
	return func(e encoder, name string, v any) (string, error) {
		arr, ok := v.([]any)
		if !ok {
			return item(e, name, v)
		}
		parts := make([]string, 0, len(arr))
		for _, x := range arr {
			s, err := item(e, name, x)
			if err != nil {
				return "", err
			}
			if s != "" {
				parts = append(parts, s)
			}
		}
		slices.Sort(parts)
		return strings.Join(parts, ""), nil
	}
}

// list writes the list name once, then its items under itemName, sorted. A single value
// stands for a list of one, as in JSON-LD.
func list(itemName string, item enc) enc {
	each := repeated(item)
	return func(e encoder, name string, v any) (string, error) {
		s, err := each(e, itemName, v)
		if err != nil || s == "" {
			return "", err
		}
		return name + s, nil
	}
}

// object writes the name, the fields in order, then the object's other keys as extension
// elements, sorted. A "type" that is not one of the fields is the JSON-LD node type (the
// simple context's "SensorElement"), not data, and is left out.
func object(fields ...field) enc {
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f.name] = true
	}
	return func(e encoder, name string, v any) (string, error) {
		m, ok := v.(map[string]any)
		if !ok {
			return "", fmt.Errorf("hashid: %s: want an object, got %T", name, v)
		}
		var b strings.Builder
		for _, f := range fields {
			fv, ok := m[f.name]
			if !ok {
				continue
			}
			s, err := f.enc(e, f.name, fv)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
		ext, err := e.r.elements(m, func(k string) bool { return known[k] || k == "type" })
		if err != nil {
			return "", err
		}
		for _, s := range ext {
			b.WriteString(s)
		}
		if b.Len() == 0 {
			return "", nil
		}
		return name + b.String(), nil
	}
}

var (
	epcs     = list("epc", plain)
	quantity = list("quantityElement", object(
		field{"epcClass", plain}, field{"quantity", plain}, field{"uom", plain}))
	location = object(field{"id", plain})
)

// typed writes a bizTransaction, source or destination: its type first, then the identifier.
func typed(idName, typePrefix string) enc {
	return list("", object(field{"type", term(typePrefix)}, field{idName, plain}))
}

var sensorMetadata = object(
	field{"time", when}, field{"startTime", when}, field{"endTime", when},
	field{"deviceID", plain}, field{"deviceMetadata", plain}, field{"rawData", plain},
	field{"dataProcessingMethod", plain}, field{"bizRules", plain},
)

var sensorReport = repeated(object(
	field{"type", term(vocMeasure)}, field{"exception", term(vocException)},
	field{"deviceID", plain}, field{"deviceMetadata", plain}, field{"rawData", plain},
	field{"dataProcessingMethod", plain}, field{"time", when}, field{"microorganism", plain},
	field{"chemicalSubstance", plain}, field{"value", plain}, field{"component", term(vocComp)},
	field{"stringValue", plain}, field{"booleanValue", plain}, field{"hexBinaryValue", plain},
	field{"uriValue", plain}, field{"minValue", plain}, field{"maxValue", plain},
	field{"meanValue", plain}, field{"sDev", plain}, field{"percRank", plain},
	field{"percValue", plain}, field{"uom", plain}, field{"coordinateReferenceSystem", plain},
))

// eventFields is the canonical property order after eventType; ilmd holds only extension
// elements, written like user extensions.
var eventFields = []field{
	{"eventTime", when},
	{"eventTimeZoneOffset", plain},
	{"epcList", epcs},
	{"parentID", plain},
	{"inputEPCList", epcs},
	{"childEPCs", epcs},
	{"quantityList", quantity},
	{"childQuantityList", quantity},
	{"inputQuantityList", quantity},
	{"outputEPCList", epcs},
	{"outputQuantityList", quantity},
	{"action", plain},
	{"transformationID", plain},
	{"bizStep", term(vocBizStep)},
	{"disposition", term(vocDisp)},
	{"persistentDisposition", object(
		field{"set", repeated(term(vocDisp))}, field{"unset", repeated(term(vocDisp))})},
	{"readPoint", location},
	{"bizLocation", location},
	{"bizTransactionList", typed("bizTransaction", vocBTT)},
	{"sourceList", typed("source", vocSDT)},
	{"destinationList", typed("destination", vocSDT)},
	{"sensorElementList", list("sensorElement", object(
		field{"sensorMetadata", sensorMetadata}, field{"sensorReport", sensorReport}))},
	{"ilmd", object()},
}

// eventKeys are the event's keys that are not user extensions: the fields above, the type,
// and the fields the algorithm leaves out.
var eventKeys = func() map[string]bool {
	m := map[string]bool{
		"type": true, "eventID": true, "recordTime": true, "errorDeclaration": true,
		"certificationInfo": true, "rdfs:comment": true, "comment": true,
	}
	for _, f := range eventFields {
		m[f.name] = true
	}
	return m
}()
