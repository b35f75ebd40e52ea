package model

import "encoding/json"

// EPCISCapture records one EPCIS 2.0 event as it was captured (epcis:Capture). The ledger
// keeps the whole event and decides what it does: an event about goods the ledger governs
// goes through the transaction its business step maps to; any other event is kept as an
// observation that changes no unit (ADR 019).
type EPCISCapture struct {
	// EventID is the event's eventID, or its CBV 2.0 hash ID when it has none; the ledger
	// checks it against Event.
	EventID string `json:"eventId" validate:"required,eventid"`
	// Event is the event's JSON-LD object as captured.
	Event json.RawMessage `json:"event" validate:"required"`
	// Namespaces are the prefixes the document's @context declares for extensions
	// ("example" → "https://ns.example.com/epcis/"), which the event's hash ID and its answers need.
	Namespaces map[string]string `json:"namespaces,omitempty" validate:"max=64"`
}

// WriteKey names the capture by its event ID.
func (c EPCISCapture) WriteKey() string { return c.EventID }

// EPCISResult is what epcis:Capture did with an event.
type EPCISResult struct {
	EventResult
	// HashID is the event's CBV 2.0 hash ID (ni:///sha-256;…?ver=CBV2.0).
	HashID string `json:"hashId"`
	// Operation is the ledger transaction the event went through ("unit:Ship"); empty for an
	// observation or an error declaration.
	Operation string `json:"operation,omitempty"`
	// Observation is set when the event names no goods the ledger governs: it is kept and
	// answered by queries, and changes no unit.
	Observation bool `json:"observation,omitempty"`
	// Declaration is set when the event declared an earlier event of its submitter in error.
	Declaration bool `json:"declaration,omitempty"`
	// Notes list what of the event the transaction does not read (all of it is kept).
	Notes []string `json:"notes,omitempty"`
	// Verification is the answer of an inspection (unit:Inspect).
	Verification *Verification `json:"verification,omitempty"`
}

// ErrorDeclaration is an EPCIS errorDeclaration: the event it is attached to was recorded in
// error. The original stays; the declaration and its corrective events refer to it.
type ErrorDeclaration struct {
	DeclarationTime    string   `json:"declarationTime"`
	Reason             string   `json:"reason,omitempty"`
	CorrectiveEventIDs []string `json:"correctiveEventIDs,omitempty"`
}
