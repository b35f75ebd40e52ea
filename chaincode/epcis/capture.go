// Package epcis reads GS1 EPCIS 2.0 JSON-LD documents into the chaincode requests of package
// model (Capture), parses the standard's query parameters into a filter of ledger events
// (ParseQuery), and shows ledger events as EPCIS 2.0 events and query documents (Render,
// NewQueryDocument). It does no HTTP and calls no ledger; docs/epcis.md describes the mapping.
package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/udiledger/udiledger/chaincode/epcis/hashid"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
)

// Resolver maps the GLN of a party named in a sourceList or destinationList (owning_party)
// to the party's MSP ID.
type Resolver func(gln string) (mspID string, ok bool)

// Options tune Capture.
type Options struct {
	// Resolve maps owning parties to MSP IDs. Without it, events that need a party (a
	// shipment's receiver, the sender of received quantities) are rejected.
	Resolve Resolver
	// MaxEvents bounds the events of one document; 0 means DefaultMaxEvents.
	MaxEvents int
	// Validate checks a whole document against the official EPCIS 2.0 JSON schema (the
	// gateway's gateway/epcis/schema); its error is returned as it is.
	Validate func(doc map[string]any) error
	// HashID is the CBV 2.0 hash ID of the event Map reads, its ID when it has no eventID.
	HashID string
}

// DefaultMaxEvents is the most events one captured document may hold by default.
const DefaultMaxEvents = 1000

// CaptureResult is a parsed EPCISDocument: one outcome per event, in document order.
type CaptureResult struct {
	SchemaVersion string
	CreationDate  time.Time
	// Namespaces are the extension prefixes of the document's @context.
	Namespaces map[string]string
	Outcomes   []Outcome
}

// Accepted counts the outcomes with a transaction to submit.
func (r *CaptureResult) Accepted() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Rejection == nil {
			n++
		}
	}
	return n
}

// Outcome is what became of one event: either a chaincode operation with its request, or a
// rejection.
type Outcome struct {
	Index     int       // position in epcisBody.eventList
	EventID   string    // the event's eventID, or the hash ID derived from its content
	EventType string    // "ObjectEvent", … as the event says
	EventTime time.Time // eventTime in UTC (zero when missing or malformed)
	// Op is the chaincode operation (ops.Ship) and Request a pointer to the request of
	// package model it takes (*model.ShipRequest); both nil when rejected. A caller submits
	// Op with Request, e.g. Op.EncodeAny(Request).
	Op      ops.Descriptor
	Request any
	// Transient names the transient map entry the caller must add before submitting
	// (model.TransientDispense for a dispense: the patient reference never travels in EPCIS).
	// Request is then the public part only (*model.DispenseRequest), which the caller wraps
	// in the operation's request (model.DispenseInput) with the private part.
	Transient string
	// Notes list what the event holds that the ledger does not record.
	Notes     []string
	Rejection *Rejection
}

// Rejection says why one event cannot be recorded: the event's index, the field at fault
// (a path inside the event such as "epcList[2]"; empty for the event as a whole) and why.
type Rejection struct {
	Index  int
	Field  string
	Reason string
}

func (r *Rejection) Error() string {
	if r.Field == "" {
		return fmt.Sprintf("epcis event %d: %s", r.Index, r.Reason)
	}
	return fmt.Sprintf("epcis event %d: %s: %s", r.Index, r.Field, r.Reason)
}

// DocumentError says why a document as a whole cannot be read; no event of it is captured.
type DocumentError struct {
	Field  string // path in the document, e.g. "epcisBody.eventList"
	Reason string
	Err    error // the kind of error, when it has one (ErrTooManyEvents)
}

// ErrTooManyEvents is the kind of a document with more events than Options.MaxEvents.
var ErrTooManyEvents = errors.New("too many events")

func (e *DocumentError) Unwrap() error { return e.Err }

func (e *DocumentError) Error() string {
	if e.Field == "" {
		return "epcis document: " + e.Reason
	}
	return "epcis document: " + e.Field + ": " + e.Reason
}

var (
	versionRe = regexp.MustCompile(`^\d+(\.\d+)*$`)
	offsetRe  = regexp.MustCompile(`^[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)$`)
)

var documentFields = set("@context", "id", "type", "schemaVersion", "creationDate", "instanceIdentifier",
	"sender", "receiver", "epcisHeader", "epcisBody")

// Capture reads an EPCIS 2.0 JSON-LD EPCISDocument and turns each event into the chaincode
// transaction that records it, or a rejection that names the event and the field. A
// document that is not an EPCISDocument at all returns a *DocumentError; one that breaks the
// official EPCIS 2.0 JSON schema anywhere, a *SchemaError.
func Capture(data []byte, opt Options) (*CaptureResult, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return nil, &DocumentError{Reason: "not JSON: " + err.Error()}
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, &DocumentError{Reason: "want a JSON object, got " + jsonKind(v)}
	}
	typ, ok := doc["type"].(string)
	switch {
	case !ok:
		return nil, &DocumentError{Field: "type", Reason: `is required: want "EPCISDocument"`}
	case typ == "EPCISQueryDocument":
		return nil, &DocumentError{Field: "type", Reason: "an EPCISQueryDocument is a query answer; capture takes an EPCISDocument"}
	case typ != "EPCISDocument":
		return nil, &DocumentError{Field: "type", Reason: quote(typ) + ` is not "EPCISDocument"`}
	}
	if err := checkEventCount(doc, opt); err != nil {
		return nil, err
	}
	// A JSON-LD blank node names the document in older examples ("_:document1"); the
	// document's own ID is not kept, so it does not stop its events.
	if id, ok := doc["id"].(string); ok && strings.HasPrefix(id, "_:") {
		delete(doc, "id")
	}
	if opt.Validate != nil {
		if err := opt.Validate(doc); err != nil {
			return nil, err
		}
	}
	for _, k := range sortedKeys(doc) {
		if !documentFields[k] && !isURI(k) {
			return nil, &DocumentError{Field: k, Reason: "is not a field of an EPCISDocument"}
		}
	}
	if err := checkContext(doc["@context"], "@context", true); err != nil {
		return nil, err
	}
	res := &CaptureResult{}
	sv, ok := doc["schemaVersion"].(string)
	switch {
	case doc["schemaVersion"] == nil:
		return nil, &DocumentError{Field: "schemaVersion", Reason: `is required: want "2.0"`}
	case !ok || !versionRe.MatchString(sv):
		return nil, &DocumentError{Field: "schemaVersion", Reason: "want a version such as \"2.0\", got " + describe(doc["schemaVersion"])}
	case sv != "2" && !strings.HasPrefix(sv, "2."):
		return nil, &DocumentError{Field: "schemaVersion", Reason: quote(sv) + ": only EPCIS 2.0 JSON-LD documents are captured"}
	}
	res.SchemaVersion = sv
	cd, reason := timeField(doc["creationDate"], true)
	if reason != "" {
		return nil, &DocumentError{Field: "creationDate", Reason: reason}
	}
	res.CreationDate = cd
	for _, k := range []string{"id"} {
		if s, present := doc[k]; present {
			if str, ok := s.(string); !ok || !isURI(str) {
				return nil, &DocumentError{Field: k, Reason: "want a URI, got " + describe(s)}
			}
		}
	}
	for _, k := range []string{"instanceIdentifier", "sender", "receiver"} {
		if s, present := doc[k]; present {
			if _, ok := s.(string); !ok {
				return nil, &DocumentError{Field: k, Reason: "want a string, got " + jsonKind(s)}
			}
		}
	}
	if h, present := doc["epcisHeader"]; present {
		if _, ok := h.(map[string]any); !ok {
			return nil, &DocumentError{Field: "epcisHeader", Reason: "want an object, got " + jsonKind(h)}
		}
	}
	body, ok := doc["epcisBody"].(map[string]any)
	if !ok {
		if doc["epcisBody"] == nil {
			return nil, &DocumentError{Field: "epcisBody", Reason: "is required"}
		}
		return nil, &DocumentError{Field: "epcisBody", Reason: "want an object, got " + jsonKind(doc["epcisBody"])}
	}
	list, ok := body["eventList"].([]any)
	if !ok {
		if body["eventList"] == nil {
			return nil, &DocumentError{Field: "epcisBody.eventList", Reason: "is required"}
		}
		return nil, &DocumentError{Field: "epcisBody.eventList", Reason: "want an array, got " + jsonKind(body["eventList"])}
	}
	res.Namespaces = hashid.Namespaces(doc["@context"])
	res.Outcomes = make([]Outcome, len(list))
	for i, raw := range list {
		res.Outcomes[i] = res.capture(i, raw)
	}
	return res, nil
}

// capture makes the epcis:Capture request of one event: the chaincode decides what it does.
func (r *CaptureResult) capture(i int, raw any) Outcome {
	out := Outcome{Index: i}
	m, ok := raw.(map[string]any)
	if !ok {
		out.Rejection = &Rejection{Index: i, Reason: "want an event object, got " + jsonKind(raw)}
		return out
	}
	out.EventType, _ = m["type"].(string)
	if t, reason := timeField(m["eventTime"], false); reason == "" {
		out.EventTime = t
	}
	// The hash ID reads the event's own @context, which the event keeps.
	ns := r.Namespaces
	id, rej := Identify(m, ns)
	if rej != nil {
		rej.Index = i
		out.Rejection = rej
		return out
	}
	b, err := json.Marshal(m)
	if err != nil {
		out.Rejection = &Rejection{Index: i, Reason: err.Error()}
		return out
	}
	out.EventID = id.EventID
	out.Op, out.Request = ops.CaptureEPCIS, &model.EPCISCapture{EventID: id.EventID, Event: b, Namespaces: ns}
	return out
}

// checkEventCount refuses a document with more events than opt allows before anything else
// reads them.
func checkEventCount(doc map[string]any, opt Options) error {
	body, _ := doc["epcisBody"].(map[string]any)
	list, _ := body["eventList"].([]any)
	max := opt.MaxEvents
	if max <= 0 {
		max = DefaultMaxEvents
	}
	if len(list) > max {
		return &DocumentError{Field: "epcisBody.eventList", Reason: fmt.Sprintf("%d events, at most %d in one document", len(list), max),
			Err: ErrTooManyEvents}
	}
	return nil
}

// decodeJSON decodes one JSON value, numbers kept as json.Number, nothing after it.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// checkContext checks a JSON-LD @context: a URI, an object, or an array of them.
func checkContext(v any, field string, required bool) error {
	switch c := v.(type) {
	case nil:
		if required {
			return &DocumentError{Field: field, Reason: "is required: want " + quote(ContextURI) + " or an array holding it"}
		}
	case string:
		if !isURI(c) {
			return &DocumentError{Field: field, Reason: quote(c) + " is not a URI"}
		}
	case map[string]any:
	case []any:
		seen := map[string]bool{}
		for i, item := range c {
			f := fmt.Sprintf("%s[%d]", field, i)
			switch s := item.(type) {
			case string:
				if !isURI(s) {
					return &DocumentError{Field: f, Reason: quote(s) + " is not a URI"}
				}
				if seen[s] {
					return &DocumentError{Field: f, Reason: quote(s) + " is listed twice"}
				}
				seen[s] = true
			case map[string]any:
			default:
				return &DocumentError{Field: f, Reason: "want a URI or an object, got " + jsonKind(item)}
			}
		}
	default:
		return &DocumentError{Field: field, Reason: "want a URI, an object or an array, got " + jsonKind(v)}
	}
	return nil
}

// timeField reads an RFC 3339 date-time.
func timeField(v any, required bool) (time.Time, string) {
	if v == nil {
		if required {
			return time.Time{}, "is required"
		}
		return time.Time{}, ""
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, "want a date-time string, got " + jsonKind(v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, quote(s) + " is not an RFC 3339 date-time with a time zone"
	}
	return t.UTC(), ""
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func describe(v any) string {
	if s, ok := v.(string); ok {
		return quote(s)
	}
	return jsonKind(v)
}
