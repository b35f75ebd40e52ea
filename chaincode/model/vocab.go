package model

// EventType is an EPCIS 2.0 event type.
type EventType string

// EPCIS 2.0 event types used by the ledger.
const (
	ObjectEvent      EventType = "ObjectEvent"
	AggregationEvent EventType = "AggregationEvent"
	TransactionEvent EventType = "TransactionEvent"
	// TransformationEvent consumes inputs and commissions outputs made of them (unit:Transform).
	TransformationEvent EventType = "TransformationEvent"
	// AssociationEvent attaches a device (a data logger) to goods (unit:Associate).
	AssociationEvent EventType = "AssociationEvent"
)

// Action is the EPCIS action of an event.
type Action string

// EPCIS actions.
const (
	ActionAdd     Action = "ADD"
	ActionObserve Action = "OBSERVE"
	ActionDelete  Action = "DELETE"
)

// BizStep is a CBV 2.0 business step (bare name; the URI form is
// "https://ref.gs1.org/cbv/BizStep-" + name).
type BizStep string

// CBV business steps used by the ledger.
const (
	BizStepCommissioning   BizStep = "commissioning"
	BizStepPacking         BizStep = "packing"
	BizStepUnpacking       BizStep = "unpacking"
	BizStepShipping        BizStep = "shipping"
	BizStepReceiving       BizStep = "receiving"
	BizStepDispensing      BizStep = "dispensing"
	BizStepRetailSelling   BizStep = "retail_selling"
	BizStepDecommissioning BizStep = "decommissioning"
	BizStepDestroying      BizStep = "destroying"
	BizStepRecalling       BizStep = "recalling"
	BizStepReturning       BizStep = "returning"
	BizStepInspecting      BizStep = "inspecting"
	BizStepSensorReporting BizStep = "sensor_reporting"
	BizStepHolding         BizStep = "holding"
	BizStepVoidShipping    BizStep = "void_shipping"
	BizStepRepackaging     BizStep = "repackaging"
	BizStepAssembling      BizStep = "assembling"
	BizStepDisassembling   BizStep = "disassembling"
	BizStepInstalling      BizStep = "installing"
	BizStepRemoving        BizStep = "removing"
	// BizStepErasing is the ledger's own (no CBV term): a dispense's private details erased.
	BizStepErasing BizStep = "erasing"
	// BizStepTransporting moves goods between two sites of one owner (unit:Relocate).
	BizStepTransporting BizStep = "transporting"
	// BizStepRepairing re-works returned units under a recall (unit:Rework).
	BizStepRepairing BizStep = "repairing"
	// BizStepStocking puts returned goods back into sellable stock (unit:Restock).
	BizStepStocking BizStep = "stocking"
)

// Disposition is a CBV 2.0 disposition (bare name).
type Disposition string

// CBV dispositions used by the ledger.
const (
	DispositionActive          Disposition = "active"
	DispositionInTransit       Disposition = "in_transit"
	DispositionRecalled        Disposition = "recalled"
	DispositionDispensed       Disposition = "dispensed"
	DispositionRetailSold      Disposition = "retail_sold"
	DispositionDestroyed       Disposition = "destroyed"
	DispositionReturned        Disposition = "returned"
	DispositionExpired         Disposition = "expired"
	DispositionInProgress      Disposition = "in_progress"
	DispositionContainerClosed Disposition = "container_closed"
	DispositionContainerOpen   Disposition = "container_open"
	DispositionInactive        Disposition = "inactive"
	DispositionNonSellable     Disposition = "non_sellable_other"
	DispositionConformant      Disposition = "conformant"
	DispositionNonConformant   Disposition = "non_conformant"
	// DispositionSellableAccessible: goods restocked after a return (unit:Restock).
	DispositionSellableAccessible Disposition = "sellable_accessible"
)

// BizTransactionType is a CBV business transaction type.
type BizTransactionType string

// CBV business transaction types.
const (
	BizTxPO       BizTransactionType = "po"
	BizTxDespatch BizTransactionType = "desadv"
	BizTxInvoice  BizTransactionType = "inv"
	BizTxReceipt  BizTransactionType = "recadv"
	BizTxRMA      BizTransactionType = "rma"
	BizTxPrescr   BizTransactionType = "prescription"
)

// Status is the ledger's state of a unit or container. The stored states are active,
// in_transit, dispensed, returned, decommissioned, destroyed and the pack states (packstate.go); quarantined is a flag on the
// unit, its containers or its lot, and recalled and expired are derived from the lot, the
// product and recalls when a unit is read.
type Status string

// Unit and container states.
const (
	StatusActive         Status = "active"
	StatusInTransit      Status = "in_transit"
	StatusQuarantined    Status = "quarantined"
	StatusRecalled       Status = "recalled"
	StatusExpired        Status = "expired"
	StatusDispensed      Status = "dispensed"
	StatusReturned       Status = "returned"
	StatusDecommissioned Status = "decommissioned"
	StatusDestroyed      Status = "destroyed"
	// StatusReworked is a stage in a recall's scope only, never stored: the unit was
	// re-worked under that recall (unit:Rework) and is active again.
	StatusReworked Status = "reworked"
)

// Disposition returns the CBV disposition that describes s.
func (s Status) Disposition() Disposition {
	switch s {
	case StatusInTransit:
		return DispositionInTransit
	case StatusQuarantined:
		return DispositionNonSellable
	case StatusRecalled:
		return DispositionRecalled
	case StatusExpired:
		return DispositionExpired
	case StatusDispensed:
		return DispositionDispensed
	case StatusReturned:
		return DispositionReturned
	case StatusDecommissioned:
		return DispositionInactive
	case StatusDestroyed:
		return DispositionDestroyed
	case StatusStolen:
		return DispositionStolen
	case StatusLocked, StatusExported, StatusSample, StatusFreeSample, StatusCheckedOut:
		return DispositionNonSellable
	}
	return DispositionActive
}

// Role is what a party does in the supply chain.
type Role string

// Party roles.
const (
	RoleManufacturer Role = "manufacturer"
	RoleDistributor  Role = "distributor"
	RoleLogistics    Role = "logistics"
	RolePlatform     Role = "platform"
	RoleHospital     Role = "hospital"
	RolePharmacy     Role = "pharmacy"
	RoleRegulator    Role = "regulator"
)

// Roles lists every role.
var Roles = []Role{RoleManufacturer, RoleDistributor, RoleLogistics, RolePlatform, RoleHospital, RolePharmacy, RoleRegulator}

// DispensingRoles may dispense or sell to patients; each organisation with one keeps its
// dispense details in a private data collection of its own.
var DispensingRoles = []Role{RoleHospital, RolePharmacy, RolePlatform}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// ProductKind says whether a product is a drug or a medical device.
type ProductKind string

// Product kinds.
const (
	KindDrug   ProductKind = "drug"
	KindDevice ProductKind = "device"
)

// Scheme is the coding scheme of an identifier, as package identifier names it.
type Scheme string

// Identifier schemes.
const (
	SchemeGS1    Scheme = "gs1"
	SchemeCNDrug Scheme = "cn-drug"
	SchemeMA     Scheme = "ma"
	SchemeHIBCC  Scheme = "hibcc"
)

// LotStatus is the release state of a lot.
type LotStatus string

// Lot states.
const (
	LotReleased    LotStatus = "released"
	LotQuarantined LotStatus = "quarantined"
	LotRecalled    LotStatus = "recalled"
)

// RecallClass is the health-hazard class of a recall (I most serious).
type RecallClass string

// Recall classes.
const (
	RecallClassI   RecallClass = "I"
	RecallClassII  RecallClass = "II"
	RecallClassIII RecallClass = "III"
)

// RecallDepth is how far down the supply chain a recall reaches.
type RecallDepth string

// Recall depths.
const (
	DepthWholesale RecallDepth = "wholesale"
	DepthRetail    RecallDepth = "retail"
	DepthConsumer  RecallDepth = "consumer"
)

// ScopeType says what a recall covers.
type ScopeType string

// Recall scope types.
const (
	ScopeLot   ScopeType = "lot"
	ScopeDI    ScopeType = "di"
	ScopeCodes ScopeType = "codes"
)

// AlertKind says what an alert is about.
type AlertKind string

// Alert kinds.
const (
	AlertTemperature AlertKind = "temperature_excursion"
	AlertClone       AlertKind = "clone_suspected"
	AlertCounterfeit AlertKind = "counterfeit_suspected"
	// A genuine code presented (inspected) while recalled or expired.
	AlertRecalledPresented AlertKind = "recalled_presented"
	AlertExpiredPresented  AlertKind = "expired_presented"
)

// ContainerKind distinguishes logistic units (SSCC) from cases (a serialized higher package
// level of a product).
type ContainerKind string

// Container kinds.
const (
	ContainerLogistic ContainerKind = "logistic_unit"
	ContainerCase     ContainerKind = "case"
)

// ChaincodeEventName is the name of the one chaincode event every state-changing transaction
// emits; its payload is a Notification.
const ChaincodeEventName = "udi.event"
