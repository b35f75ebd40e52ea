package model

// Every state-changing transaction takes one JSON argument, one of the request types below;
// every read takes plain string arguments. Event IDs are chosen by the client (an EPCIS event
// ID such as "urn:uuid:…"): a retry with the same ID and the same request returns the first
// result; the same ID with another request is a CONFLICT.

// CommissionRequest commissions serialized units of one lot (unit:Commission).
type CommissionRequest struct {
	EventHeader
	DI       string   `json:"di" validate:"required,max=64,printascii"`
	Lot      string   `json:"lot" validate:"required,max=20"`
	Codes    []string `json:"codes,omitempty" validate:"required_without=Quantity,codes"` // at most MaxCommission codes, any accepted form
	Quantity int      `json:"quantity,omitempty" validate:"gte=0,lte=100000000"`          // instead of codes: lot-controlled items without serials
}

// PackRequest packs units or containers into a container (unit:Pack). The container is
// created by its first packing event.
type PackRequest struct {
	EventHeader
	Parent   string   `json:"parent" validate:"required,code"` // SSCC or serialized case code
	Children []string `json:"children" validate:"required,min=1,codes"`
}

// UnpackRequest takes children out of a container (unit:Unpack); no children means all.
type UnpackRequest struct {
	EventHeader
	Parent   string   `json:"parent" validate:"required,code"`
	Children []string `json:"children,omitempty" validate:"codes"`
}

// ShipRequest ships units or containers to a named party (unit:Ship).
type ShipRequest struct {
	EventHeader
	To              string            `json:"to" validate:"required,mspid"` // MSP ID of the receiver
	Codes           []string          `json:"codes,omitempty" validate:"required_without=Quantities,codes"`
	Quantities      []QuantityElement `json:"quantities,omitempty" validate:"quantities"`     // lot-controlled items
	Destination     string            `json:"destination,omitempty" validate:"omitempty,gln"` // GLN shipped to
	BizTransactions []BizTransaction  `json:"bizTransactions,omitempty" validate:"max=50,dive"`
}

// ReceiveRequest receives units or containers shipped to the caller (unit:Receive).
type ReceiveRequest struct {
	EventHeader
	Codes           []string          `json:"codes,omitempty" validate:"required_without=Quantities,codes"`
	Quantities      []QuantityElement `json:"quantities,omitempty" validate:"quantities"` // each names its sender in From
	BizTransactions []BizTransaction  `json:"bizTransactions,omitempty" validate:"max=50,dive"`
}

// DispenseRequest dispenses (or, for a platform, sells) units to a patient (unit:Dispense).
// The patient and prescription references travel in the transient map under
// TransientDispense as a DispensePrivate, never in the arguments.
type DispenseRequest struct {
	EventHeader
	Codes      []string          `json:"codes,omitempty" validate:"required_without=Quantities,codes"`
	Quantities []QuantityElement `json:"quantities,omitempty" validate:"quantities"`
}

// TransientDispense is the transient map key of the DispensePrivate JSON.
const TransientDispense = "dispense"

// DispensePrivate is the private part of a dispense. Salt is a random string of at least
// MinSaltLength characters, new for every dispense; the public state keeps only
// SaltedHash(salt, reference) and the salt is kept in the private record alone.
type DispensePrivate struct {
	PatientRef      string `json:"patientRef" validate:"required,max=256"`
	PrescriptionRef string `json:"prescriptionRef,omitempty" validate:"max=256"`
	// Salt is chosen by the submitting side (ledger.DispenseSalt), never by an API client.
	Salt string `json:"salt,omitempty" validate:"isdefault"`
}

// DispenseInput is a dispense with its private part: the request travels as the argument,
// the private part in the transient map. Its JSON is the two side by side, as the REST
// gateway takes it.
type DispenseInput struct {
	DispenseRequest
	DispensePrivate
}

// MinSaltLength is the shortest salt accepted.
const MinSaltLength = 16

// DispenseRecord is what the private data collection keeps for one dispense event.
type DispenseRecord struct {
	EventID          string   `json:"eventId"`
	Codes            []string `json:"codes"`
	PatientRef       string   `json:"patientRef"`
	PrescriptionRef  string   `json:"prescriptionRef,omitempty"`
	Salt             string   `json:"salt"`
	PatientHash      string   `json:"patientHash"`
	PrescriptionHash string   `json:"prescriptionHash,omitempty"`
	By               string   `json:"by"`
	At               string   `json:"at"`
}

// DispensePrepared is what unit:PrepareDispense recorded in the dispenser's collection: the
// salted hashes the public dispense carries, and the hash of the private record as every
// peer can read it (Fabric's private data hash), which unit:Dispense checks.
type DispensePrepared struct {
	EventID          string `json:"eventId"`
	PatientHash      string `json:"patientHash"`
	PrescriptionHash string `json:"prescriptionHash,omitempty"`
	RecordHash       string `json:"recordHash"` // hex SHA-256 of the private record's bytes
}

// DispensePublic is unit:Dispense's argument: the request with what unit:PrepareDispense
// recorded for it. No patient or prescription reference travels in it.
type DispensePublic struct {
	DispenseRequest
	Prepared DispensePrepared `json:"prepared"`
}

// UndoDispenseRequest reverses a dispense of the caller within UndoDispenseDays
// (unit:UndoDispense).
type UndoDispenseRequest struct {
	EventHeader
	Codes  []string `json:"codes" validate:"required,min=1,codes"`
	Reason string   `json:"reason,omitempty" validate:"reason"`
}

// EraseDispenseRequest purges the private details of one of the caller's dispenses
// (unit:EraseDispense), on an erasure request of the patient. The public dispense event and its
// salted hashes stay; without the salt, which only the purged record held, the hashes link to
// no one.
type EraseDispenseRequest struct {
	EventHeader
	Dispense string `json:"dispense" validate:"required,eventid"` // event ID of the dispense
	Reason   string `json:"reason,omitempty" validate:"reason"`
}

// UndoDispenseDays is how long a dispense can be undone (as the EU FMD allows).
const UndoDispenseDays = 10

// ReturnRequest returns units or containers (unit:Return) to a party, by default the
// manufacturer of the product.
type ReturnRequest struct {
	EventHeader
	Codes      []string          `json:"codes,omitempty" validate:"required_without=Quantities,codes"`
	Quantities []QuantityElement `json:"quantities,omitempty" validate:"quantities"` // lot-controlled items, from the caller's stock
	To         string            `json:"to,omitempty" validate:"omitempty,mspid"`
	// RecallID names the recall the goods go back under: it must cover them and be open, and
	// they go by default to its recalling firm.
	RecallID string `json:"recallId,omitempty" validate:"omitempty,eventid"`
	Reason   string `json:"reason,omitempty" validate:"reason"`
}

// DisposeRequest decommissions or destroys units or containers (unit:Decommission,
// unit:Destroy), or lifts their quarantine (unit:Release, codes only).
type DisposeRequest struct {
	EventHeader
	Codes      []string          `json:"codes,omitempty" validate:"required_without=Quantities,codes"`
	Quantities []QuantityElement `json:"quantities,omitempty" validate:"quantities"` // lot-controlled items
	// FromReturned takes the quantities out of the caller's returned goods, not its stock.
	FromReturned bool `json:"fromReturned,omitempty"`
	// RecallID names the recall the goods are disposed of under: it must cover them and be
	// open.
	RecallID string `json:"recallId,omitempty" validate:"omitempty,eventid"`
	Reason   string `json:"reason" validate:"required,reason"`
}

// ReworkRequest records that returned units were re-worked (relabelled, repaired) under a
// recall (unit:Rework): they are active again in the caller's stock and settled for it.
type ReworkRequest struct {
	EventHeader
	Codes    []string `json:"codes" validate:"required,min=1,codes"`
	RecallID string   `json:"recallId" validate:"required,eventid"`
	Reason   string   `json:"reason" validate:"required,reason"`
}

// RestockRequest puts returned goods back into sellable stock (unit:Restock), each only if
// query:Verify would answer it sellable.
type RestockRequest struct {
	EventHeader
	Codes      []string          `json:"codes,omitempty" validate:"required_without=Quantities,codes"`
	Quantities []QuantityElement `json:"quantities,omitempty" validate:"quantities"` // from the caller's returned goods
	Reason     string            `json:"reason,omitempty" validate:"reason"`
}

// SensorRequest reports readings for units or containers (unit:ReportSensor).
type SensorRequest struct {
	EventHeader
	Codes             []string        `json:"codes" validate:"required,min=1,codes"`
	SensorElementList []SensorElement `json:"sensorElementList" validate:"required,min=1,max=100,dive"`
}

// TransformRequest consumes inputs and commissions outputs made of them (unit:Transform):
// repackaging, kitting, relabelling. Every output is a new unit of one lot of the caller's
// product that records its inputs (Unit.Lineage).
type TransformRequest struct {
	EventHeader
	Inputs           []string          `json:"inputs,omitempty" validate:"required_without=InputQuantities,codes"`
	InputQuantities  []QuantityElement `json:"inputQuantities,omitempty" validate:"quantities"` // lot-controlled inputs, from the caller's stock
	Outputs          []string          `json:"outputs" validate:"required,min=1,codes"`
	DI               string            `json:"di" validate:"required,max=64,printascii"` // the outputs' product and lot
	Lot              string            `json:"lot" validate:"required,max=20"`
	TransformationID string            `json:"transformationId,omitempty" validate:"omitempty,max=256"`
}

// AssociateRequest records that a device (a data logger, a sensor) travels with units or
// containers (unit:Associate), as an EPCIS AssociationEvent: ADD starts it, OBSERVE confirms
// it, DELETE ends it for the codes given (all when none). While it lasts, the device's sensor
// reports apply to those goods.
type AssociateRequest struct {
	EventHeader
	Action Action   `json:"action" validate:"required,oneof=ADD OBSERVE DELETE"`
	Device string   `json:"device" validate:"required,max=256"` // the device's URI, as its sensor reports name it
	Codes  []string `json:"codes,omitempty" validate:"codes"`
}

// InspectRequest records a verification scan at a point of sale or dispensing
// (unit:Inspect). A code that is unknown, already dispensed or destroyed, or held by another
// party raises an alert.
type InspectRequest struct {
	EventHeader
	Code string `json:"code" validate:"required,max=512"` // unparseable codes are recorded too
}

// InspectResult is the answer of unit:Inspect.
type InspectResult struct {
	EventResult
	Verification Verification `json:"verification"`
}

// LotStatusRequest quarantines or releases a lot (lot:SetStatus).
type LotStatusRequest struct {
	DI     string    `json:"di" validate:"required,max=64,printascii"`
	Lot    string    `json:"lot" validate:"required,max=20"`
	Status LotStatus `json:"status" validate:"required,oneof=released quarantined"`
	Reason string    `json:"reason,omitempty" validate:"reason"`
}

// Page is the paging part of every list answer.
type Page struct {
	Bookmark string `json:"bookmark"`
	Count    int    `json:"count"`
	// Scanned is how many records the page read; it exceeds Count where the read policy
	// hides some of them from the reader.
	Scanned int `json:"scanned,omitempty"`
}

// PartyPage is a page of parties.
type PartyPage struct {
	Page
	Parties []Party `json:"parties"`
}

// ProductPage is a page of products.
type ProductPage struct {
	Page
	Products []Product `json:"products"`
}

// LotPage is a page of lots.
type LotPage struct {
	Page
	Lots []Lot `json:"lots"`
}

// RecallPage is a page of recalls.
type RecallPage struct {
	Page
	Recalls []Recall `json:"recalls"`
}

// EventPage is a page of events.
type EventPage struct {
	Page
	Events []Event `json:"events"`
}

// AlertPage is a page of alerts.
type AlertPage struct {
	Page
	Alerts []Alert `json:"alerts"`
}

// Holding is one thing a party holds at top level: a unit, or a container with its contents.
type Holding struct {
	Code      string     `json:"code"`
	Container bool       `json:"container"`
	Status    Status     `json:"status"`
	Location  string     `json:"location,omitempty"`
	DI        string     `json:"di,omitempty"`
	Lot       string     `json:"lot,omitempty"`
	Contents  []LotCount `json:"contents,omitempty"`
	UnitCount int        `json:"unitCount"`
}

// HoldingPage is a page of what a party holds.
type HoldingPage struct {
	Page
	Holder   string    `json:"holder"`
	Holdings []Holding `json:"holdings"`
}

// UnitView is a unit as read: the stored record and what its containers, lot, product and
// recalls make of it.
type UnitView struct {
	Unit      Unit     `json:"unit"`
	Status    Status   `json:"status"` // effective status
	Stage     Status   `json:"stage"`  // where it physically is
	Owner     string   `json:"owner"`
	Location  string   `json:"location,omitempty"`
	Chain     []string `json:"chain,omitempty"` // containers around it, inner first
	Expired   bool     `json:"expired"`
	Recalled  bool     `json:"recalled"`
	RecallIDs []string `json:"recallIds,omitempty"`
}

// Verification answers "may I sell or dispense this code?" (query:Verify).
type Verification struct {
	Code           string   `json:"code"`
	Key            string   `json:"key,omitempty"`
	Genuine        bool     `json:"genuine"`          // commissioned on the ledger by the product's manufacturer
	KnownProduct   bool     `json:"knownProduct"`     // the DI is registered
	Status         Status   `json:"status,omitempty"` // effective status
	Owner          string   `json:"owner,omitempty"`
	Expired        bool     `json:"expired"`
	Recalled       bool     `json:"recalled"`
	RecallIDs      []string `json:"recallIds,omitempty"`
	CloneSuspected bool     `json:"cloneSuspected"`
	Sellable       bool     `json:"sellable"`
	Reasons        []string `json:"reasons,omitempty"`
	ProductName    string   `json:"productName,omitempty"`
	Lot            string   `json:"lot,omitempty"`
	ExpiryDate     string   `json:"expiryDate,omitempty"`
}

// ProvenanceEntry is one event in a code's history.
type ProvenanceEntry struct {
	Event Event  `json:"event"`
	Via   string `json:"via,omitempty"` // container key when inherited from a container
	// Part is the input whose event this is, when the code was made of others (unit:Transform).
	Part string `json:"part,omitempty"`
}

// Provenance is every event of a code in order, containers' events while inside included.
type Provenance struct {
	Code   string            `json:"code"`
	Key    string            `json:"key"`
	Events []ProvenanceEntry `json:"events"`
}
