package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis/cbv"

	"github.com/udiledger/udiledger/chaincode/epcis/hashid"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
)

// What the chaincode reads of every captured event, before it knows whether the ledger
// governs its goods: the event's identity, its goods and the facts its indexes and read
// policy need. The whole event is kept as captured beside them (ADR 019).

// ReadEvent decodes one captured event: a JSON object, numbers kept as json.Number.
func ReadEvent(raw []byte) (map[string]any, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("event is not JSON: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want an event object, got %s", jsonKind(v))
	}
	return m, nil
}

// Compact is an event's JSON without insignificant white space, as the ledger keeps it.
func Compact(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Good is one identifier an event names, in whichever field names it.
type Good struct {
	Field string // "epcList[2]", "inputQuantityList[0].epcClass", …
	URI   string
	// Code is the identifier parsed; OK is false for a URI the ledger's parser does not read
	// (a GRAI, a GIAI, another company's private scheme).
	Code identifier.Code
	OK   bool
}

// instanceLists and classLists are the fields of the five event types that name goods.
var (
	instanceLists = []string{"epcList", "childEPCs", "inputEPCList", "outputEPCList"}
	classLists    = []string{"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}
)

// Goods lists every identifier ev names: its EPC lists, parentID and the EPC classes of its
// quantity lists.
func Goods(ev map[string]any) []Good {
	var out []Good
	add := func(field string, v any) {
		s, ok := v.(string)
		if !ok {
			return
		}
		c, reason := parseCode(s)
		out = append(out, Good{Field: field, URI: s, Code: c, OK: reason == ""})
	}
	add("parentID", ev["parentID"])
	for _, k := range instanceLists {
		l, _ := ev[k].([]any)
		for i, v := range l {
			add(fmt.Sprintf("%s[%d]", k, i), v)
		}
	}
	for _, k := range classLists {
		l, _ := ev[k].([]any)
		for i, v := range l {
			if q, ok := v.(map[string]any); ok {
				add(fmt.Sprintf("%s[%d].epcClass", k, i), q["epcClass"])
			}
		}
	}
	return out
}

// Identity is the ID of a captured event: its eventID, else its hash ID; and its hash ID.
type Identity struct {
	EventID string
	HashID  string
}

// Identify reads the eventID of ev (checking it as every capture does) and computes its
// CBV 2.0 hash ID with the extension namespaces of its document.
func Identify(ev map[string]any, namespaces map[string]string) (Identity, *Rejection) {
	hash, err := hashid.IDWith(ev, namespaces)
	if err != nil {
		return Identity{}, &Rejection{Reason: "its CBV 2.0 hash ID cannot be computed: " + err.Error()}
	}
	e := &event{m: ev, opt: Options{HashID: hash}, used: map[string]bool{}}
	if err := e.eventID(); err != nil {
		return Identity{}, &Rejection{Field: err.field, Reason: err.reason}
	}
	return Identity{EventID: e.id, HashID: hash}, nil
}

// Observed is what the ledger reads of an event it keeps without changing any unit: the
// EPCIS fields its indexes, queries and read policy use, in the ledger's forms (canonical
// keys for codes it can read, GLNs for places, bare CBV names).
func Observed(ev map[string]any, resolve Resolver) (model.Event, *Rejection) {
	e := &event{m: ev, used: map[string]bool{}}
	typ, _ := ev["type"].(string)
	if typ == "" {
		return model.Event{}, &Rejection{Field: "type", Reason: "is required"}
	}
	if err := e.common(); err != nil {
		return model.Event{}, &Rejection{Field: err.field, Reason: err.reason}
	}
	out := model.Event{Type: model.EventType(typ), EventTime: e.localEventTime()}
	out.EventTimeZoneOffset, _ = ev["eventTimeZoneOffset"].(string)
	if a, ok := ev["action"].(string); ok {
		out.Action = model.Action(a)
	}
	out.BizStep = model.BizStep(BizStepOf(ev))
	disp, _ := ev["disposition"].(string)
	if n, reason := normalize(cbv.Disposition, disp); reason == "" {
		disp = n
	}
	out.Disposition = model.Disposition(disp)
	for _, g := range Goods(ev) {
		k := g.URI
		if g.OK {
			k = g.Code.Key
		}
		switch {
		case g.Field == "parentID":
			out.ParentID = k
		case hasPrefixFold(g.Field, "childEPCs"), hasPrefixFold(g.Field, "inputEPCList"):
			out.ChildEPCs = append(out.ChildEPCs, k)
		case hasPrefixFold(g.Field, "epcList"), hasPrefixFold(g.Field, "outputEPCList"):
			out.EPCList = append(out.EPCList, k)
		default:
			out.QuantityList = append(out.QuantityList, model.QuantityElement{Code: k})
		}
	}
	for key, dst := range map[string]*string{"readPoint": &out.ReadPoint, "bizLocation": &out.BizLocation} {
		if m, ok := ev[key].(map[string]any); ok {
			id, _ := m["id"].(string)
			if gln, _, reason := placeGLN(id); reason == "" {
				*dst = gln
			}
		}
	}
	for key, dst := range map[string]*[]model.SourceDest{"sourceList": &out.SourceList, "destinationList": &out.DestinationList} {
		valueKey := key[:len(key)-len("List")]
		l, _ := ev[key].([]any)
		for _, v := range l {
			m, _ := v.(map[string]any)
			t, _ := m["type"].(string)
			val, _ := m[valueKey].(string)
			if n, reason := normalize(cbv.SourceDestType, t); reason == "" {
				t = n
			}
			if t == model.SDOwningParty || t == model.SDPossessingParty {
				p, reason := parseParty(val)
				if reason == "" && p.msp == "" && resolve != nil {
					p.msp, _ = resolve(p.gln)
				}
				if p.msp != "" {
					val = p.msp
				}
			}
			*dst = append(*dst, model.SourceDest{Type: t, Value: val})
		}
	}
	return out, nil
}

// BizStepOf is an event's bizStep in the form queries compare: the bare CBV name, or the URI
// of another vocabulary as written; "" when it has none.
func BizStepOf(ev map[string]any) string {
	s, _ := ev["bizStep"].(string)
	if n, reason := normalize(cbv.BizStep, s); reason == "" {
		return n
	}
	return s
}

// Declaration reads an event's errorDeclaration; nil when it has none.
func Declaration(ev map[string]any) (*model.ErrorDeclaration, *Rejection) {
	v, present := ev["errorDeclaration"]
	if !present {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Rejection{Field: "errorDeclaration", Reason: "want an object, got " + jsonKind(v)}
	}
	at, reason := timeField(m["declarationTime"], true)
	if reason != "" {
		return nil, &Rejection{Field: "errorDeclaration.declarationTime", Reason: reason}
	}
	d := &model.ErrorDeclaration{DeclarationTime: at.UTC().Format(time.RFC3339Nano)}
	if r, ok := m["reason"].(string); ok {
		d.Reason = r
		if n, reason := normalize(cbv.ErrorReason, r); reason == "" {
			d.Reason = n
		}
	}
	l, _ := m["correctiveEventIDs"].([]any)
	for i, c := range l {
		s, ok := c.(string)
		if !ok || !isURI(s) {
			return nil, &Rejection{Field: fmt.Sprintf("errorDeclaration.correctiveEventIDs[%d]", i), Reason: "want an event ID URI, got " + describe(c)}
		}
		d.CorrectiveEventIDs = append(d.CorrectiveEventIDs, EventIDOf(s))
	}
	slices.Sort(d.CorrectiveEventIDs)
	return d, nil
}
