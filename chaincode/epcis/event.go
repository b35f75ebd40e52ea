package epcis

import (
	"errors"
	"fmt"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis/cbv"

	"github.com/udiledger/udiledger/chaincode/epcis/hashid"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// Fields of every event, and those of each supported type, from the EPCIS 2.0 JSON schema.
var (
	commonFields = set("@context", "type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID",
		"certificationInfo", "errorDeclaration")
	typeFields = map[model.EventType]map[string]bool{
		model.ObjectEvent: set("action", "epcList", "quantityList", "bizStep", "disposition", "persistentDisposition",
			"readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
			"sensorElementList", "ilmd"),
		model.AggregationEvent: set("parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition",
			"readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList"),
		model.TransactionEvent: set("bizTransactionList", "parentID", "epcList", "quantityList", "action", "bizStep",
			"disposition", "readPoint", "bizLocation", "sourceList", "destinationList", "sensorElementList"),
		model.TransformationEvent: set("inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList",
			"transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
			"bizTransactionList", "sourceList", "destinationList", "sensorElementList", "ilmd"),
		model.AssociationEvent: set("parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition",
			"readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList"),
	}
	// silentFields are read by every mapping, so they are never listed as not recorded.
	silentFields = set("@context", "type", "eventID", "recordTime", "action", "bizStep", "eventTime",
		"eventTimeZoneOffset")
)

// fieldErr is a rejection before the event index is known to it.
type fieldErr struct{ field, reason string }

// event is the state of capturing one event. The route fills op, step, disp and sensors
// before a request builder of the table runs.
type event struct {
	m       map[string]any
	typ     model.EventType
	opt     Options
	id      string
	used    map[string]bool
	notes   []string
	op      ops.Descriptor
	act     model.Action
	step    model.BizStep
	disp    model.Disposition
	sensors []model.SensorElement
}

// Map reads one event (index i of its document) as the ledger transaction that records it:
// the chaincode's mapping of an event about goods it governs (ADR 019).
func Map(i int, raw any, opt Options) Outcome {
	out := Outcome{Index: i}
	m, ok := raw.(map[string]any)
	if !ok {
		out.Rejection = &Rejection{Index: i, Reason: "want an event object, got " + jsonKind(raw)}
		return out
	}
	e := &event{m: m, opt: opt, used: map[string]bool{}}
	req, ferr := e.capture(&out)
	if ferr != nil {
		out.Rejection = &Rejection{Index: i, Field: ferr.field, Reason: ferr.reason}
		out.Notes = nil
		return out
	}
	out.Op, out.Request, out.Notes = e.op, req, e.notes
	if e.op.Name() == ops.Dispense.Name() {
		out.Transient = model.TransientDispense
	}
	return out
}

func (e *event) note(s string) {
	for _, n := range e.notes {
		if n == s {
			return
		}
	}
	e.notes = append(e.notes, s)
}

func (e *event) use(keys ...string) {
	for _, k := range keys {
		e.used[k] = true
	}
}

// fn is the chaincode function the event becomes, for messages.
func (e *event) fn() string { return e.op.Name() }

// header is the request header of the event: its ID, its time in its own zone and the
// one location the transaction records.
func (e *event) header(location string) model.EventHeader {
	return model.EventHeader{EventID: e.id, EventTime: e.localEventTime(), Location: location}
}

func (e *event) capture(out *Outcome) (any, *fieldErr) {
	typ, ok := e.m["type"].(string)
	if !ok {
		if e.m["type"] == nil {
			return nil, &fieldErr{"type", "is required"}
		}
		return nil, &fieldErr{"type", "want a string, got " + jsonKind(e.m["type"])}
	}
	e.typ, out.EventType = model.EventType(typ), typ
	if err := e.eventID(); err != nil {
		return nil, err
	}
	out.EventID = e.id
	if t, reason := timeField(e.m["eventTime"], false); reason == "" {
		out.EventTime = t
	}
	fields, supported := typeFields[e.typ]
	if !supported {
		return nil, &fieldErr{"type", quote(typ) + " is not an EPCIS 2.0 event type the ledger records: want ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent"}
	}
	for _, k := range sortedKeys(e.m) {
		switch {
		case commonFields[k], fields[k]:
		case isURI(k):
			e.note("extension field " + k + " not recorded")
		default:
			return nil, &fieldErr{k, "is not a field of " + typ}
		}
	}
	if err := e.common(); err != nil {
		return nil, err
	}
	if _, present := e.m["errorDeclaration"]; present {
		return nil, &fieldErr{"errorDeclaration", "an error declaration changes no unit: it is kept beside the original event, and the corrective events change the ledger"}
	}
	if l, ok := e.m["bizTransactionList"].([]any); e.typ == model.TransactionEvent && (!ok || len(l) == 0) {
		return nil, &fieldErr{"bizTransactionList", "is required in a TransactionEvent: at least one business transaction"}
	}
	action, err := e.action()
	if err != nil {
		return nil, err
	}
	step, err := e.vocab("bizStep", cbv.BizStep)
	if err != nil {
		return nil, err
	}
	disp, err := e.vocab("disposition", cbv.Disposition)
	if err != nil {
		return nil, err
	}
	sensors, err := e.sensorElements()
	if err != nil {
		return nil, err
	}
	r, err := e.route(action, model.BizStep(step), model.Disposition(disp), len(sensors) > 0)
	if err != nil {
		return nil, err
	}
	e.op, e.act, e.step, e.disp, e.sensors = r.op, action, model.BizStep(step), model.Disposition(disp), sensors
	e.use("disposition")
	req, err := r.build(e)
	if err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(e.m) {
		if !e.used[k] && !silentFields[k] && !isURI(k) {
			e.note(k + " not recorded by " + e.fn())
		}
	}
	return req, nil
}

// localEventTime is the event's time in its own time zone (eventTimeZoneOffset), RFC 3339:
// what the ledger keeps as the declared event time with its offset.
func (e *event) localEventTime() string {
	t, reason := timeField(e.m["eventTime"], true)
	if reason != "" {
		return ""
	}
	off, _ := e.m["eventTimeZoneOffset"].(string)
	if d, ok := parseOffset(off); ok {
		t = t.In(time.FixedZone(off, d))
	}
	return t.Format(time.RFC3339Nano)
}

// parseOffset reads "+08:00" as seconds east of UTC.
func parseOffset(s string) (int, bool) {
	if !offsetRe.MatchString(s) {
		return 0, false
	}
	h := int(s[1]-'0')*10 + int(s[2]-'0')
	m := int(s[4]-'0')*10 + int(s[5]-'0')
	d := h*3600 + m*60
	if s[0] == '-' {
		d = -d
	}
	return d, true
}

// eventID takes the event's ID or derives one from its content.
func (e *event) eventID() *fieldErr {
	v, present := e.m["eventID"]
	if !present {
		e.id = e.opt.HashID
		if e.id == "" {
			id, err := hashid.ID(e.m)
			if err != nil {
				return &fieldErr{"", "its CBV 2.0 hash ID cannot be computed: " + err.Error()}
			}
			e.id = id
		}
		return nil
	}
	s, ok := v.(string)
	switch {
	case !ok:
		return &fieldErr{"eventID", "want a URI string, got " + jsonKind(v)}
	case !isURI(s):
		return &fieldErr{"eventID", quote(s) + " is not a URI (urn:uuid:…, ni:///sha-256;…)"}
	case len(s) > model.MaxEventIDLength:
		return &fieldErr{"eventID", fmt.Sprintf("is %d characters, the ledger takes at most %d", len(s), model.MaxEventIDLength)}
	}
	// An ID rendered as the ledger's event URN names the ledger ID it stands for.
	e.id = EventIDOf(s)
	return nil
}

// common checks the fields every event has.
func (e *event) common() *fieldErr {
	if _, reason := timeField(e.m["eventTime"], true); reason != "" {
		return &fieldErr{"eventTime", reason}
	}
	switch off := e.m["eventTimeZoneOffset"].(type) {
	case nil:
		return &fieldErr{"eventTimeZoneOffset", "is required: want an offset such as \"+01:00\""}
	case string:
		if !offsetRe.MatchString(off) {
			return &fieldErr{"eventTimeZoneOffset", quote(off) + " is not an offset from -14:00 to +14:00 such as \"+01:00\""}
		}
	default:
		return &fieldErr{"eventTimeZoneOffset", "want a string, got " + jsonKind(off)}
	}
	if _, reason := timeField(e.m["recordTime"], false); reason != "" {
		return &fieldErr{"recordTime", reason}
	}
	if err := checkContext(e.m["@context"], "@context", false); err != nil {
		var de *DocumentError
		if errors.As(err, &de) {
			return &fieldErr{de.Field, de.Reason}
		}
	}
	if v, present := e.m["errorDeclaration"]; present {
		if _, ok := v.(map[string]any); !ok {
			return &fieldErr{"errorDeclaration", "want an object, got " + jsonKind(v)}
		}
	}
	if v, present := e.m["persistentDisposition"]; present {
		if _, ok := v.(map[string]any); !ok {
			return &fieldErr{"persistentDisposition", "want an object with set and/or unset, got " + jsonKind(v)}
		}
	}
	return nil
}

func (e *event) action() (model.Action, *fieldErr) {
	v, present := e.m["action"]
	if e.typ == model.TransformationEvent {
		if present {
			return "", &fieldErr{"action", "is not a field of a TransformationEvent"}
		}
		return noAction, nil
	}
	if !present {
		return "", &fieldErr{"action", "is required: want ADD, OBSERVE or DELETE"}
	}
	s, _ := v.(string)
	switch a := model.Action(s); a {
	case model.ActionAdd, model.ActionObserve, model.ActionDelete:
		return a, nil
	}
	return "", &fieldErr{"action", "want ADD, OBSERVE or DELETE, got " + describe(v)}
}

func (e *event) vocab(key string, voc cbv.Vocabulary) (string, *fieldErr) {
	v, present := e.m[key]
	if !present {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", &fieldErr{key, "want a string, got " + jsonKind(v)}
	}
	n, reason := normalize(voc, s)
	if reason != "" {
		return "", &fieldErr{key, reason}
	}
	return n, nil
}
