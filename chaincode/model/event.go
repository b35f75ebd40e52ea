package model

import "encoding/json"

// Event is one EPCIS 2.0 event as the ledger stores it, with the ledger's own facts (actor,
// transaction, request hash) beside the EPCIS fields.
type Event struct {
	EventID             string            `json:"eventID"`
	Type                EventType         `json:"type"`
	Action              Action            `json:"action"`
	BizStep             BizStep           `json:"bizStep"`
	Disposition         Disposition       `json:"disposition,omitempty"`
	EventTime           string            `json:"eventTime"`                     // when it happened: declared, else the transaction time
	EventTimeZoneOffset string            `json:"eventTimeZoneOffset,omitempty"` // offset of the declared time, e.g. "+08:00"
	RecordTime          string            `json:"recordTime,omitempty"`          // the transaction timestamp
	EPCList             []string          `json:"epcList,omitempty"`
	ParentID            string            `json:"parentID,omitempty"`
	ChildEPCs           []string          `json:"childEPCs,omitempty"`
	QuantityList        []QuantityElement `json:"quantityList,omitempty"`
	ReadPoint           string            `json:"readPoint,omitempty"`   // GLN
	BizLocation         string            `json:"bizLocation,omitempty"` // GLN
	BizTransactionList  []BizTransaction  `json:"bizTransactionList,omitempty"`
	SourceList          []SourceDest      `json:"sourceList,omitempty"`
	DestinationList     []SourceDest      `json:"destinationList,omitempty"`
	SensorElementList   []SensorElement   `json:"sensorElementList,omitempty"`
	ILMD                *ILMD             `json:"ilmd,omitempty"`
	// TransformationID links the TransformationEvents of one transformation. In a
	// TransformationEvent, ChildEPCs are its inputs, EPCList its outputs and QuantityList its
	// quantities (the inputs' only, in one unit:Transform records).
	TransformationID string       `json:"transformationID,omitempty"`
	Actor            string       `json:"actor"` // MSP ID of the submitter
	TxID             string       `json:"txId"`
	Detail           *EventDetail `json:"detail,omitempty"`
	// HashID is the CBV 2.0 hash ID of a captured EPCIS event.
	HashID string `json:"hashId,omitempty"`
	// Captured is the EPCIS event as captured (epcis:Capture), every field as sent; queries
	// answer it instead of the fields above, which the ledger's rules and indexes read.
	Captured json.RawMessage `json:"captured,omitempty"`
	// Namespaces are the extension prefixes of the captured event's @context.
	Namespaces map[string]string `json:"namespaces,omitempty"`
	// Observation is set on a captured event that names no goods the ledger governs.
	Observation bool `json:"observation,omitempty"`
	// Declared is set once the submitter declared this event in error; the event stays.
	Declared *ErrorDeclaration `json:"declared,omitempty"`
	// RequestHash is kept in the stored record to recognise a retried event ID; answers
	// leave it out.
	RequestHash string `json:"requestHash,omitempty"`
}

// BizTransaction is a business document reference (purchase order, despatch advice…).
type BizTransaction struct {
	Type  BizTransactionType `json:"type" validate:"required,max=64"`
	Value string             `json:"bizTransaction" validate:"required,max=256"`
}

// SourceDest is an EPCIS source or destination: a party or a location by type.
type SourceDest struct {
	Type  string `json:"type"` // owning_party, possessing_party, location
	Value string `json:"value"`
}

// EPCIS source and destination types.
const (
	SDOwningParty     = "owning_party"
	SDPossessingParty = "possessing_party"
	SDLocation        = "location"
)

// ILMD is the instance/lot master data of a commissioning event.
type ILMD struct {
	LotNumber          string `json:"lotNumber,omitempty"`
	ItemExpirationDate string `json:"itemExpirationDate,omitempty"`
	ProductionDate     string `json:"productionDate,omitempty"`
}

// SensorElement is one EPCIS sensorElement: metadata and reports.
type SensorElement struct {
	DeviceID string         `json:"deviceID,omitempty" validate:"max=256"`
	Reports  []SensorReport `json:"sensorReport" validate:"required,min=1,max=1000,dive"`
}

// SensorReport is one reading. Type is a GS1 measurement type such as "gs1:Temperature";
// UOM is a UN/CEFACT code, "CEL" for degrees Celsius, "FAH" for Fahrenheit.
type SensorReport struct {
	Type  string  `json:"type" validate:"required,max=64"`
	Value float64 `json:"value"`
	UOM   string  `json:"uom,omitempty" validate:"max=8"`
	Time  string  `json:"time,omitempty" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00"`
	// Kind says what Value is: a reading (empty), or a summary of readings over a period
	// (EPCIS 2.0 minValue, maxValue, meanValue); each is a report of its own.
	Kind string `json:"kind,omitempty" validate:"omitempty,oneof=minValue maxValue meanValue"`
}

// TemperatureType is the GS1 measurement type of a temperature reading.
const TemperatureType = "gs1:Temperature"

// Celsius returns the reading in degrees Celsius and whether it is a temperature at all.
func (r SensorReport) Celsius() (float64, bool) {
	if r.Type != TemperatureType && r.Type != "Temperature" {
		return 0, false
	}
	switch r.UOM {
	case "", "CEL":
		return r.Value, true
	case "FAH":
		return (r.Value - 32) * 5 / 9, true
	case "KEL":
		return r.Value - 273.15, true
	}
	return 0, false
}

// EventDetail holds the ledger facts of an event that EPCIS has no field for.
type EventDetail struct {
	To               string   `json:"to,omitempty"`   // receiver of a shipment or return
	From             string   `json:"from,omitempty"` // sender of the shipment received
	PatientHash      string   `json:"patientHash,omitempty"`
	PrescriptionHash string   `json:"prescriptionHash,omitempty"`
	RecallID         string   `json:"recallId,omitempty"`
	AlertID          string   `json:"alertId,omitempty"` // an alert of the event's submitter
	Undoes           string   `json:"undoes,omitempty"`  // event ID an undo reverses, the same submitter's
	Erases           string   `json:"erases,omitempty"`  // dispense event whose private details an erasure purged, the same submitter's
	Reason           string   `json:"reason,omitempty"`
	PackState        Status   `json:"packState,omitempty"` // the pack state set or undone (ADR 028)
	Quarantined      []string `json:"quarantined,omitempty"`
	UnitCount        int      `json:"unitCount,omitempty"` // units moved, containers' contents included
}

// EventResult is what a state-changing transaction returns. A retry with the same event ID
// and the same request returns the first result, with Replayed set.
type EventResult struct {
	EventID   string   `json:"eventId"`
	TxID      string   `json:"txId"`
	EventTime string   `json:"eventTime"`
	Codes     []string `json:"codes,omitempty"` // canonical keys of the items the event names
	UnitCount int      `json:"unitCount"`
	AlertID   string   `json:"alertId,omitempty"`
	Replayed  bool     `json:"replayed,omitempty"`
}

// Notification is the payload of the chaincode event every state-changing transaction emits.
type Notification struct {
	Kind string `json:"kind"` // "event", "events", "party", "product", "lot", "recall", "acknowledgement"
	ID   string `json:"id"`   // event ID, MSP ID, DI, DI/lot or recall ID
	// Step is a recall's step after its start: amended, completed, terminated, checked.
	Step      string    `json:"step,omitempty"`
	Type      EventType `json:"type,omitempty"`
	BizStep   BizStep   `json:"bizStep,omitempty"`
	Actor     string    `json:"actor"`
	Time      string    `json:"time"`
	TxID      string    `json:"txId"`
	Codes     []string  `json:"codes,omitempty"` // first MaxNotifiedCodes codes
	CodeCount int       `json:"codeCount,omitempty"`
	To        string    `json:"to,omitempty"`
	AlertID   string    `json:"alertId,omitempty"`
	// Events are the notifications of a transaction of several events (Kind NoticesKind).
	Events []Notification `json:"events,omitempty"`
}

// MaxNotifiedCodes caps the codes listed in a Notification.
const MaxNotifiedCodes = 100

// Alert is raised by a sensor excursion or a suspect code.
type Alert struct {
	ID       string    `json:"id"` // the event ID that raised it
	Kind     AlertKind `json:"kind"`
	Codes    []string  `json:"codes"`
	Party    string    `json:"party"` // MSP ID that reported
	Location string    `json:"location,omitempty"`
	Time     string    `json:"time"`
	Message  string    `json:"message"`
	CaseID   string    `json:"caseId,omitempty"` // the case the alert is filed in
}
